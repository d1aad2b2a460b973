"""Datasette metadata generated from datapackage.json, the Table Schemas and the derived tables.

Never kept by hand: title, description, licence and source of the instance and of every table, a
description for every column, label columns, default sort and facets, hidden FTS tables, canned
queries and the dashboard. Keyed by the database name Datasette uses: the file stem `bloemdata`
(a converter that keys by file name silently loses the licence).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bloemdata.core.links import is_package_path, is_url, safe_url
from bloemdata.core.package import DESCRIPTOR, Package
from bloemdata.database.build import derived, dimensions
from bloemdata.database.defaults import EXTRA_TABLES
from bloemdata.database.derived import ROWID_DESCRIPTION, VALENCE
from bloemdata.database.layout import DATABASE_NAME, FTS_TABLE, TABLE_OPTIONS, ExtraTable
from bloemdata.site.dataset import dataset
from bloemdata.site.discovery import robots_lines, sitemap_paths

DOWNLOADS_MOUNT = "downloads"  # served with `--static downloads:<dist>/downloads`
DOWNLOADS_URL = f"/{DOWNLOADS_MOUNT}/"
PLUGIN = "bloemdata-site"  # config key read by site/plugins/bloemdata_site.py
DASHBOARD = "bloemdata"
DASHBOARD_URL = f"/-/dashboards/{DASHBOARD}"
# The schema.org Dataset (one DataDownload per release file: ~0.3 MB at 100k statements, ~3 MB at
# 1M) is written beside the database, not into metadata.json: Datasette 0.65 deep-copies the whole
# metadata for every permission check, ~10 per page, which took 40% of a table page's time at 100k.
DATASET_FILE = "dataset.jsonld"
FTS5_SHADOW_SUFFIXES = ("_data", "_idx", "_docsize", "_config")  # external content: no _content

# Which column names a row when a foreign key points to it.
LABEL_COLUMNS = {"codes": "label_en", "sections": "title_en", "sources": "title"}


def build_metadata(
    package: Package,
    downloads_dir: Path | None = None,
    tables_built: Sequence[ExtraTable] = EXTRA_TABLES,
) -> dict[str, Any]:
    """The whole metadata.json for `datasette serve -m` (`downloads_dir`: to link its exports;
    `tables_built`: the extra tables the build was given, described like the resources)."""
    descriptor = package.descriptor
    common = _licence_and_source(descriptor)
    tables: dict[str, dict[str, Any]] = {}
    for name in package.table_names:
        resource = package.resource(name)
        tables[name] = {
            "title": resource.get("title", name),
            "description": resource.get("description", ""),
            **common,
            "source_url": DOWNLOADS_URL + resource["path"],
            "columns": {f.name: f.description for f in package.schemas[name].fields},
        }
    for extra in tables_built:
        tables[extra.name] = {
            "title": extra.title,
            "description": extra.description,
            **common,
            "columns": {f.name: f.description for f in extra.schema.fields},
        }
    for table in derived(package):
        tables[table.name] = {
            "title": table.title,
            "description": table.description,
            **common,
            "columns": dict(table.columns),
        }
        if table.primary_key is None:
            tables[table.name]["columns"]["rowid"] = ROWID_DESCRIPTION
    for name, column in LABEL_COLUMNS.items():
        if name in tables:
            tables[name]["label_column"] = column
    for name, options in TABLE_OPTIONS.items():
        if name in tables:
            tables[name].update(options)
    if "statements" in tables:
        tables["statements"].update(fts_table=FTS_TABLE, fts_pk="rowid")
    for name in (FTS_TABLE, *(FTS_TABLE + s for s in FTS5_SHADOW_SUFFIXES)):
        tables[name] = {"hidden": True}

    visible = [name for name, table in tables.items() if not table.get("hidden")]
    urls = (DOWNLOADS_URL, DASHBOARD_URL)
    download_links = downloads(package)
    description = descriptor.get("description", "")
    if descriptor.get("x_text_rights"):
        description += "\n\nRights: " + descriptor["x_text_rights"]
    return {
        "title": descriptor.get("title", DATABASE_NAME),
        "description": description,
        **common,
        "about": f"bloemdata {package.version}: datapackage.json",
        "about_url": DOWNLOADS_URL + DESCRIPTOR,
        "databases": {
            DATABASE_NAME: {
                "title": descriptor.get("title", DATABASE_NAME),
                "description": descriptor.get("description", ""),
                **common,
                "tables": tables,
                "queries": canned_queries(package),
            }
        },
        "plugins": {
            PLUGIN: {
                "version": package.version,
                "downloads": download_links,
                "exports": exports(downloads_dir),
                # the home page's schema.org Dataset, in its own file beside the database (see
                # DATASET_FILE), and the sitemap (site/plugins/discovery.py)
                "dataset_file": DATASET_FILE,
                "sitemap": sitemap_paths(visible, [d["href"] for d in download_links], urls[1]),
            },
            "datasette-block-robots": {"literal": "\n".join(robots_lines(visible, *urls))},
            "datasette-dashboards": {DASHBOARD: dashboard(package)},
        },
    }


def _licence_and_source(descriptor: dict[str, Any]) -> dict[str, str]:
    licence = (descriptor.get("licenses") or [{}])[0]
    source = (descriptor.get("sources") or [{}])[0]
    common = {
        "license": licence.get("name", ""),
        "license_url": safe_url(licence.get("path")),  # never javascript: or another scheme
        "source": source.get("title", ""),
    }
    if href := _href(source.get("path")):
        common["source_url"] = href
    return common


def _href(path: object) -> str:
    """A link to a web page or mail address, or to a package file among the downloads; "" (no
    link) for anything else, so `javascript:` never reaches a page."""
    if is_url(path):
        return str(path)
    return DOWNLOADS_URL + str(path) if is_package_path(path) else ""


def downloads(package: Package) -> list[dict[str, str]]:
    """Links to the release's files, as copied by `build.write_downloads`."""
    links = [{"label": DESCRIPTOR, "href": DOWNLOADS_URL + DESCRIPTOR}]
    links += [
        {"label": Path(package.resource(name)["path"]).name, "href": DOWNLOADS_URL + path}
        for name in package.table_names
        if (path := package.resource(name)["path"])
    ]
    links.append({"label": "DATA_DICTIONARY.md", "href": DOWNLOADS_URL + "DATA_DICTIONARY.md"})
    return links


def exports(downloads_dir: Path | None) -> list[dict[str, str]]:
    """Links to the files other writers put under `downloads/exports/` at build time."""
    if downloads_dir is None:
        return []
    files = sorted(p for p in (downloads_dir / "exports").glob("*") if p.is_file())
    return [{"label": p.name, "href": f"{DOWNLOADS_URL}exports/{p.name}"} for p in files]


def canned_queries(package: Package) -> dict[str, dict[str, Any]]:
    """Statements by code, code frequency by dimension, co-occurrence, search with codes."""
    dims = ", ".join(f'sc."{d}"' for d in dimensions(package))
    return {
        "statements_by_code": {
            "title": "Statements by code",
            "description": "Current statements coded with a code (e.g. topic-signalling).",
            "sql": (
                "select s.statement_id, s.section_id, s.text, s.text_en, c.coder_id, c.round\n"
                "from codings c join statements s on s.statement_id = c.statement_id\n"
                "where c.code_id = :code_id and s.status = 'current'\n"
                "order by c.statement_id, c.coder_id, c.round"
            ),
            "params": ["code_id"],
        },
        "code_frequency_by_dimension": {
            "title": "Code frequency by dimension",
            "description": "How often each code of a dimension (exploitation, actor, topic, "
            "valence) is applied.",
            "sql": (
                "select code_id, label_nl, label_en, n_statements, n_codings\n"
                "from code_frequencies where dimension = :dimension\n"
                "order by n_statements desc, code_id"
            ),
            "params": ["dimension"],
        },
        "cooccurrence": {
            "title": "Co-occurrence of two dimensions",
            "description": "Statements per pair of codes from two chosen dimensions "
            "(e.g. topic and exploitation).",
            "sql": (
                "select code_a, label_a, code_b, label_b, n_statements\n"
                "from code_cooccurrence\n"
                "where dimension_a = :dimension_a and dimension_b = :dimension_b\n"
                "order by n_statements desc, code_a, code_b"
            ),
            "params": ["dimension_a", "dimension_b"],
        },
        "search": {
            "title": "Full-text search with codes",
            "description": "Search the Dutch text and the English translation; parts of words "
            "match (uitbuiting finds arbeidsuitbuiting). Matches are shown in [brackets].",
            "sql": (
                "select s.statement_id,\n"
                f"  highlight({FTS_TABLE}, 0, '[', ']') as text,\n"
                f"  highlight({FTS_TABLE}, 1, '[', ']') as text_en,\n"
                f"  sc.coder_id, sc.round, {dims}\n"
                f"from {FTS_TABLE}\n"
                f"join statements s on s.rowid = {FTS_TABLE}.rowid\n"
                "join statement_codes sc on sc.statement_id = s.statement_id\n"
                f"where {FTS_TABLE} match escape_fts(:q)\n"
                # The full-text index yields rowids in order, so rows stream without a sort (a
                # second sort key would sort every match); statement_codes is stored by
                # statement, coder and round, so one statement's rows come in that order.
                f"order by {FTS_TABLE}.rowid"
            ),
            "params": ["q"],
        },
    }


def dashboard(package: Package) -> dict[str, Any]:
    """A datasette-dashboards dashboard (its Vega files ship inside the plugin's wheel)."""
    chart_base = {"db": DATABASE_NAME, "library": "vega-lite"}
    result: dict[str, Any] = {
        "title": "bloemdata: codes at a glance",
        "description": f"Code frequencies, valence by form of exploitation and topics by actor "
        f"(current statements, all coders and rounds; package version {package.version}).",
        "layout": [
            ["n-statements", "code-frequencies"],
            ["valence-by-exploitation", "code-frequencies"],
            ["topics-by-actor", "topics-by-actor"],
        ],
        "charts": {
            "n-statements": {
                "title": "Current statements",
                "db": DATABASE_NAME,
                "library": "metric",
                "query": "select count(*) as n from statements where status = 'current'",
                "display": {"field": "n"},
            },
            "code-frequencies": {
                **chart_base,
                "title": "Code frequencies (statements per code)",
                "query": (
                    "select dimension, label_en as code, n_statements from code_frequencies "
                    "order by dimension, n_statements desc"
                ),
                "display": {
                    "mark": {"type": "bar", "tooltip": True},
                    "encoding": {
                        "y": {"field": "code", "type": "nominal", "sort": None, "title": None},
                        "x": {
                            "field": "n_statements",
                            "type": "quantitative",
                            "title": "statements",
                        },
                        "color": {"field": "dimension", "type": "nominal"},
                    },
                },
            },
            "valence-by-exploitation": {
                **chart_base,
                "title": "Valence by form of exploitation",
                "query": _pairs_sql("exploitation", VALENCE),
                "display": {
                    "mark": {"type": "bar", "tooltip": True},
                    "encoding": {
                        "x": {"field": "a", "type": "nominal", "title": "form of exploitation"},
                        "y": {"field": "n", "type": "quantitative", "title": "statements"},
                        "color": {"field": "b", "type": "nominal", "title": "valence"},
                    },
                },
            },
            "topics-by-actor": {
                **chart_base,
                "title": "Topics by actor (statements)",
                "query": _pairs_sql("actor", "topic"),
                "display": {
                    "mark": {"type": "rect", "tooltip": True},
                    "encoding": {
                        "x": {"field": "b", "type": "nominal", "title": "topic"},
                        "y": {"field": "a", "type": "nominal", "title": "actor"},
                        "color": {"field": "n", "type": "quantitative", "title": "statements"},
                    },
                },
            },
        },
    }
    if package.rows("reliability"):  # agreement exists only once two coders coded a round
        result["layout"].append(["reliability", "reliability"])
        result["charts"]["reliability"] = reliability_chart(chart_base)
    return result


RELIABILITY_SQL = (
    "select 'round ' || round || ': ' || dimension || ' (' || measure || ')' as figure, "
    "statistic, value, ci_low, ci_high, units from reliability "
    "where code_id is null and statistic != 'cohen-kappa' and value is not null "
    "order by round, dimension, measure"
)


def reliability_chart(chart_base: dict[str, str]) -> dict[str, Any]:
    """Krippendorff's alpha per dimension with its 95% interval, against 0.667 and 0.800."""
    y = {"field": "figure", "type": "nominal", "sort": None, "title": None}
    return {
        **chart_base,
        "title": "Inter-coder reliability: Krippendorff's alpha with 95% bootstrap interval",
        "query": RELIABILITY_SQL,
        "display": {
            "layer": [
                {
                    "mark": {"type": "rule"},
                    "encoding": {
                        "y": y,
                        "x": {"field": "ci_low", "type": "quantitative", "title": "alpha"},
                        "x2": {"field": "ci_high"},
                    },
                },
                {
                    "mark": {"type": "point", "filled": True, "tooltip": True},
                    "encoding": {
                        "y": y,
                        "x": {"field": "value", "type": "quantitative"},
                        "color": {"field": "statistic", "type": "nominal"},
                    },
                },
                {
                    "data": {"values": [{"t": 0.667}, {"t": 0.8}]},
                    "mark": {"type": "rule", "strokeDash": [4, 4], "color": "gray"},
                    "encoding": {"x": {"field": "t", "type": "quantitative"}},
                },
            ]
        },
    }


def _pairs_sql(dimension_a: str, dimension_b: str) -> str:
    return (
        "select label_a as a, label_b as b, n_statements as n from code_cooccurrence "  # noqa: S608
        f"where dimension_a = '{dimension_a}' and dimension_b = '{dimension_b}' "
        "order by code_a, code_b"
    )


def write_metadata(package: Package, path: Path, downloads_dir: Path | None = None) -> Path:
    """Write metadata.json (sorted keys are not used: the order is the reading order) and, in the
    same folder (the database's), the schema.org Dataset it names (`DATASET_FILE`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(build_metadata(package, downloads_dir), ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8", newline="\n")
    json_ld = json.dumps(dataset(package, DOWNLOADS_URL), ensure_ascii=False, indent=1) + "\n"
    (path.parent / DATASET_FILE).write_text(json_ld, encoding="utf-8", newline="\n")
    return path
