"""A self-contained deployment of the public Datasette instance: `bloemdata publish DIR`.

DIR holds what a server needs and nothing of the machine that built it (every path in it is
relative): the database (served `--immutable`), metadata.json, inspect.json, the schema.org
Dataset (`dataset.jsonld`, the home page's JSON-LD), the templates and
plugins, the downloads, `requirements.txt` (Datasette and its plugins only, locked with hashes
from uv.lock's `serve` group: not bloemdata, polars, Pandera or frictionless), `start.sh` (the
same `datasette serve` options as `bloemdata serve`; HOST and PORT choose the bind), a
`Dockerfile` that does exactly that install and runs that script, an operator's README and
SHA256SUMS. DIR is written beside itself and swapped in at the end; an existing DIR is replaced
only when it is an earlier deployment that nobody added files to.
"""

from __future__ import annotations

import hashlib
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bloemdata.core.errors import BloemdataError
from bloemdata.core.package import Package
from bloemdata.database.layout import DATABASE_NAME
from bloemdata.site import PLUGINS_DIR, TEMPLATES_DIR
from bloemdata.site.metadata import DATASET_FILE
from bloemdata.site.serve import SETTINGS, Site, prepare, serve_options
from bloemdata.versions.doi import NO_DOI, concept_doi

REQUIREMENTS = "requirements.txt"
START = "start.sh"
DOCKERFILE = "Dockerfile"
README = "README.md"
SUMS = "SHA256SUMS"
TEMPLATES = "templates"
PLUGINS = "plugins"
SERVE_GROUP = "serve"  # the dependency group of pyproject.toml a deployment installs
DEFAULT_HOST, DEFAULT_PORT = "0.0.0.0", 8001  # noqa: S104 - a deployment is a public bind
PYTHON_IMAGE = "python:3.11-slim"
# The one install step: the Dockerfile runs it, the test runs it in a fresh virtual environment.
INSTALL = f"pip install --no-cache-dir --require-hashes --no-deps -r {REQUIREMENTS}"
LOCK = "uv.lock"


class PublishError(BloemdataError):
    """The deployment could not be written."""


@dataclass(frozen=True)
class Deployment:
    path: Path
    files: list[str]
    version: str


def publish(
    package_path: Path | str, target: Path | str, project: Path | None = None
) -> Deployment:
    """Validate and build the package, then write the deployment to `target`.

    `project`: the folder with pyproject.toml and uv.lock (default: the package's folder).
    """
    package = Package.load(package_path)
    project = Path(project) if project else package.root
    target = Path(target)
    _check_replaceable(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp's 0700 would hide the deployment from the server's user
    try:
        requirements = locked_requirements(project)
        prepare(package.root, staging / f"{DATABASE_NAME}.db")
        _copy_site_files(staging)
        (staging / REQUIREMENTS).write_text(requirements, encoding="utf-8")
        _write(staging / START, start_script(), executable=True)
        _write(staging / DOCKERFILE, dockerfile())
        _write(staging / README, operator_readme(package))
        files = _write_sums(staging)
        if target.exists():
            shutil.rmtree(target)  # an earlier deployment, checked by _check_replaceable
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Deployment(target, files, package.version)


def _check_replaceable(target: Path) -> None:
    """Only an empty folder or an earlier deployment (SHA256SUMS lists every file) is replaced."""
    if not target.exists():
        return
    if not target.is_dir() or target.is_symlink():
        raise PublishError(f"{target} exists and is not a folder: choose another DIR")
    present = sorted(_relative_files(target))
    if not present:
        return
    sums = target / SUMS
    listed = sorted(line.split("  ", 1)[1] for line in _lines(sums)) if sums.is_file() else []
    if present != sorted([*listed, SUMS]):
        raise PublishError(
            f"{target} is not empty and not an untouched deployment of bloemdata publish "
            f"(its {SUMS} does not list exactly its files): choose another DIR or empty it"
        )


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if "  " in line]


def _relative_files(folder: Path) -> list[str]:
    return [p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir()]


def locked_requirements(project: Path) -> str:
    """The `serve` group of uv.lock as a pip requirements file with hashes (offline: --frozen)."""
    if not (project / LOCK).is_file():
        raise PublishError(f"{project / LOCK} not found: publish from the repository (uv.lock)")
    uv = shutil.which("uv")
    if uv is None:
        raise PublishError("uv is needed to export the locked requirements: pip install uv")
    command = [uv, "export", "--frozen", "--only-group", SERVE_GROUP, "--no-emit-project"]
    command += ["--format", "requirements-txt", "--no-header"]
    result = subprocess.run(  # noqa: S603 - uv with fixed arguments
        command, cwd=project, capture_output=True, text=True, check=False
    )
    if result.returncode != 0 or "--hash=sha256:" not in result.stdout:
        raise PublishError(f"uv export of the {SERVE_GROUP!r} group failed: {result.stderr}")
    head = (
        f"# What the deployment installs: the {SERVE_GROUP!r} dependency group of bloemdata's\n"
        f"# uv.lock (Datasette and its plugins), pinned with hashes. Install with:\n#   {INSTALL}\n"
    )
    return head + result.stdout


def _copy_site_files(staging: Path) -> None:
    for source, name, pattern in (
        (TEMPLATES_DIR, TEMPLATES, "*.html"),
        (PLUGINS_DIR, PLUGINS, "*.py"),
    ):
        (staging / name).mkdir()
        for path in sorted(source.glob(pattern)):
            shutil.copyfile(path, staging / name / path.name)


def _write(path: Path, text: str, executable: bool = False) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")
    if executable:
        path.chmod(0o755)


def serve_command() -> list[str]:
    """`datasette serve` with the deployment's relative paths and the public instance's settings."""
    site = Site.at(Path(f"{DATABASE_NAME}.db"))
    return [
        "datasette",
        "serve",
        *serve_options(site, templates=Path(TEMPLATES), plugins=Path(PLUGINS)),
    ]


def start_script() -> str:
    command = " ".join(shlex.quote(arg) for arg in serve_command())
    return f"""#!/bin/sh
# Serve this deployment (written by `bloemdata publish`). HOST (default {DEFAULT_HOST}) and PORT
# (default {DEFAULT_PORT}) choose where it listens; further arguments go to `datasette serve`
# (e.g. `--setting force_https_urls 1` behind a proxy that terminates TLS).
set -eu
cd "$(dirname "$0")"
exec {command} \\
  --host "${{HOST:-{DEFAULT_HOST}}}" --port "${{PORT:-{DEFAULT_PORT}}}" "$@"
"""


def dockerfile() -> str:
    return f"""# The deployment as an image: install the locked requirements, run the start script.
FROM {PYTHON_IMAGE}
WORKDIR /srv/bloemdata
COPY . .
RUN {INSTALL}
ENV HOST={DEFAULT_HOST} PORT={DEFAULT_PORT}
EXPOSE {DEFAULT_PORT}
CMD ["sh", "{START}"]
"""


def operator_readme(package: Package) -> str:
    settings = "\n".join(f"| `{name}` | {value} |" for name, value in SETTINGS.items())
    doi = concept_doi(package.descriptor)
    cite = f"DOI: https://doi.org/{doi}" if doi else NO_DOI
    title = package.descriptor.get("title", "bloemdata")
    return f"""# {title}: deployment of version {package.version}

A read-only [Datasette](https://datasette.io/) instance of bloemdata {package.version}, written by
`bloemdata publish`. Everything it serves is in this folder; nothing here needs bloemdata or the
repository. {cite}

## Run it

With Docker (or any OCI builder):

    docker build -t bloemdata:{package.version} .
    docker run -p 8001:{DEFAULT_PORT} bloemdata:{package.version}

Without Docker (Python 3.11+), the same two steps the Dockerfile runs:

    python3 -m venv .venv && . .venv/bin/activate
    {INSTALL}
    HOST={DEFAULT_HOST} PORT={DEFAULT_PORT} sh {START}

`{START}` listens on `$HOST:$PORT` (default {DEFAULT_HOST}:{DEFAULT_PORT}); extra arguments go to
`datasette serve`. Behind a proxy that terminates TLS add `--setting force_https_urls 1`, so the
absolute URLs of the sitemap, robots.txt and the dataset description say `https`.

## What it does

- The database is immutable (`--immutable`, counts from `inspect.json`): one process answers
  many readers; run more copies behind a load balancer for more.
- Every successful page and download says `Cache-Control: max-age=86400` (`default_cache_ttl`):
  a CDN in front may keep it a day. A new version is a new deployment: purge the cache then.
- Queries stop after `sql_time_limit_ms`; a rejected or failing query is answered with an error
  page and leaves one access-log line (no traceback), so abuse does not fill the disk.
- `/robots.txt` lets crawlers index the home page, table pages, the dashboard and downloads and
  keeps them off query, export and row-by-row URLs; `/sitemap.xml` lists the pages; the home
  page describes the dataset as schema.org JSON-LD.
- Logs go to standard output and error.

## Settings

| setting | value |
|---|---|
{settings}

## Files

`{DATABASE_NAME}.db`, `metadata.json`, `inspect.json`, `{DATASET_FILE}` (the home page's schema.org
JSON-LD), `{TEMPLATES}/`, `{PLUGINS}/`, `downloads/`
(served at `/downloads/`), `{REQUIREMENTS}`, `{START}`, `{DOCKERFILE}`, this README and `{SUMS}`
(`sha256sum -c {SUMS}` checks them).
"""


def _write_sums(staging: Path) -> list[str]:
    files = sorted(_relative_files(staging))
    lines = [f"{_sha256(staging / name)}  {name}" for name in files]
    (staging / SUMS).write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
    return [*files, SUMS]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
