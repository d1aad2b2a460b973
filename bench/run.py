"""The benchmark suite of issue 8: bloemdata against its yardsticks, side by side, in one run.

For each size of synthetic package (`bench/generate.py`), every measurement is a whole process
(median of several runs where cheap), with its peak memory (the kernel's max RSS of the child,
from `os.wait4`, the figure `/usr/bin/time -v` prints):

* `bloemdata validate --no-frictionless` (the fast path: every Table Schema constraint, keys,
  foreign keys, domain rules) against `frictionless validate` and against a `polars.read_csv` of
  the same files (the parse floor, `bench/baselines.py`);
* `bloemdata build` (which validates first) against a plain `sqlite3` bulk load of the same rows;
* at 100k and 1M: Datasette p50/p95 of the table page, facets, search, each canned query and the
  dashboard with its charts' queries, on a real `datasette` process on a free loopback port
  (started and stopped by its PID through `bloemdata.site.serve.running`).

Also the real package: `bloemdata validate` as a fresh process, and (with `--with-nox`) `nox`, all
default sessions with environments reused. The table is printed; the JSON (with ratios and every
goal of the issue marked met or missed) goes to `bench-results/` or `--json`.

Example: python -m bench.run --sizes 1k,10k --skip-frictionless-above 100k
"""

from __future__ import annotations

import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import click

from bench import abuse, generate, load

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PYTHON = sys.executable
LARGE = 1_000_000 * 0.9  # from here on a measurement runs once (the 1M package has 998,001)
DATASETTE_SIZES = "100k,1M"
EXPORTS = "exports (bloemdata export all)"
RESULTS = ROOT / "bench" / "RESULTS.md"
# Example values for the canned queries' parameters.
PARAM_VALUES = {
    "code_id": "topic-signalling",
    "dimension": "topic",
    "dimension_a": "topic",
    "dimension_b": "exploitation",
    "q": "uitbuiting",
}


@dataclass
class Run:
    """One process: wall seconds, peak resident memory and exit code."""

    seconds: float
    peak_mb: float
    rc: int


@dataclass
class Measurement:
    """Several runs of one command; the median time and the largest peak memory."""

    name: str
    command: list[str]
    runs: list[Run] = field(default_factory=list)
    stderr_tail: str = ""

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(r.peak_mb for r in self.runs)

    @property
    def ok(self) -> bool:
        return all(r.rc == 0 for r in self.runs)

    def as_dict(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "median_s": round(self.seconds, 3),
            "peak_mb": round(self.peak_mb, 1),
            "exit_codes": [r.rc for r in self.runs],
            "runs": [asdict(r) for r in self.runs],
            **({"stderr_tail": self.stderr_tail} if not self.ok else {}),
        }


def run_once(command: list[str], cwd: Path | None = None, timeout: float = 0) -> tuple[Run, str]:
    """Run a command as a fresh child; its wall time, peak RSS (os.wait4) and stderr tail.

    After `timeout` seconds (0: none) the child's process group is killed and the run gets exit
    code -9 and the time it had taken: a lower bound.
    """
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True
        )
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if timeout and time.perf_counter() - started > timeout:
                os.killpg(process.pid, signal.SIGKILL)  # the group of the child started here
                _, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    return Run(seconds, usage.ru_maxrss / 1024, process.returncode), tail


def measure(
    name: str, command: list[str], runs: int, cwd: Path | None = None, timeout: float = 0
) -> Measurement:
    result = Measurement(name, command)
    for _ in range(runs):
        run, tail = run_once(command, cwd, timeout)
        result.runs.append(run)
        if run.rc != 0:
            result.stderr_tail = tail or ("killed after the timeout" if run.rc == -9 else "")
            break  # a failing command is not timed again
    return result


# --- Datasette -------------------------------------------------------------------------------


def datasette_pages(package_path: Path) -> dict[str, list[str]]:
    """Page kind -> paths: table, search, facet and dashboard (with the JSON of its charts) as
    `bench/datasette_latency.py` defines them, plus every canned query with example values."""
    from bench.datasette_latency import page_sets  # noqa: PLC0415 - heavy imports: only here
    from bloemdata.core.package import Package  # noqa: PLC0415
    from bloemdata.database.layout import DATABASE_NAME  # noqa: PLC0415
    from bloemdata.site.metadata import canned_queries  # noqa: PLC0415

    package = Package.load(package_path)
    pages = page_sets(package)
    for name, query in canned_queries(package).items():
        params = {p: PARAM_VALUES.get(p, "") for p in query.get("params", [])}
        query_string = f"?{urlencode(params)}" if params else ""
        pages[f"canned {name}"] = [f"/{DATABASE_NAME}/{name}{query_string}"]
    return pages


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def _stats(times: list[float], statuses: list[int]) -> dict[str, Any]:
    return {
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "requests": len(times),
        "non_200": sum(1 for s in statuses if s != 200),
    }


def datasette_latency(
    package_path: Path, database: Path, requests: int, warmup: int
) -> dict[str, dict[str, Any]]:
    """p50/p95 per URL, and per page kind (its URLs one after the other, as a browser asks for
    them), against a real `datasette serve` of the built database with the shipped settings."""
    import httpx  # noqa: PLC0415

    from bloemdata.site import serve  # noqa: PLC0415

    site = serve.prepare(package_path, database, rebuild=False)  # metadata + inspect data
    pages = datasette_pages(package_path)
    results: dict[str, dict[str, Any]] = {}
    log = database.with_suffix(".datasette.log")
    with serve.running(site, log=log) as base, httpx.Client(base_url=base, timeout=60) as client:
        for kind, paths in pages.items():
            for path in paths * warmup:
                client.get(path)
            per_url: dict[str, list[float]] = {path: [] for path in paths}
            statuses: dict[str, list[int]] = {path: [] for path in paths}
            totals = []
            for _ in range(requests):
                total = 0.0
                for path in paths:
                    started = time.perf_counter()
                    response = client.get(path)
                    elapsed = (time.perf_counter() - started) * 1000
                    per_url[path].append(elapsed)
                    statuses[path].append(response.status_code)
                    total += elapsed
                totals.append(total)
            for path in paths:
                results[f"{kind}: {path[:70]}"] = {
                    "kind": kind,
                    "url": path,
                    **_stats(per_url[path], statuses[path]),
                }
            if len(paths) > 1:
                every = [s for path in paths for s in statuses[path]]
                results[f"{kind} (all {len(paths)} URLs in turn)"] = {
                    "kind": kind,
                    "url": None,
                    **_stats(totals, every),
                }
    return results


# --- one size ----------------------------------------------------------------------------------


@dataclass
class Options:
    out: Path
    seed: int
    runs: int
    frictionless_max: int | None
    datasette_sizes: set[str]
    requests: int
    warmup: int
    timeout: float


def bench_size(label: str, statements: int, opts: Options, say: Callable[[str], None]) -> dict:
    started = time.perf_counter()
    target = opts.out / label
    info = generate.ensure(target, statements, opts.seed)
    state = "cached" if info["cached"] else f"generated in {info['seconds']} s"
    say(
        f"[{label}] package: {info['statements_written']} statements, {info['codings']} codings,"
        f" {info['pages']} pages, {info['bytes'] / 1e6:.0f} MB ({state})"
    )
    n = info["statements_written"]
    runs = 1 if n >= LARGE else opts.runs
    work = opts.out / "work" / label
    work.mkdir(parents=True, exist_ok=True)
    commands: list[tuple[str, list[str]]] = [
        ("polars.read_csv (parse floor)", [PYTHON, "-m", "bench.baselines", "parse", str(target)]),
        (
            "bloemdata validate",
            [str(BIN / "bloemdata"), "validate", "--package", str(target), "--no-frictionless"],
        ),
    ]
    if opts.frictionless_max is None or n <= opts.frictionless_max:
        commands.append(
            (
                "frictionless validate",
                [str(BIN / "frictionless"), "validate", str(target / "datapackage.json")],
            )
        )
    commands += [
        (
            "sqlite3 bulk load",
            [PYTHON, "-m", "bench.baselines", "sqlite-load", str(target), str(work / "plain.db")],
        ),
        (
            "bloemdata build",
            [
                str(BIN / "bloemdata"),
                "build",
                "--package",
                str(target),
                "--output",
                str(work / "bloemdata.db"),
            ],
        ),
        # The downloads step `bloemdata serve` and the release bundle add to the build.
        (
            EXPORTS,
            [
                str(BIN / "bloemdata"),
                "export",
                "all",
                "--package",
                str(target),
                "--output",
                str(work / "exports"),
            ],
        ),
    ]
    measurements: dict[str, Measurement] = {}
    for name, command in commands:
        m = measure(name, command, runs, cwd=ROOT, timeout=opts.timeout)
        measurements[name] = m
        state = "" if m.ok else f"  EXIT {m.runs[-1].rc}: {m.stderr_tail.strip()[-300:]}"
        say(f"[{label}] {name}: {m.seconds:.2f} s, {m.peak_mb:.0f} MB, {len(m.runs)} run(s){state}")
    result: dict[str, Any] = {
        "statements": n,
        "codings": info["codings"],
        "pages": info["pages"],
        "bytes": info["bytes"],
        "runs_per_measurement": runs,
        "generated": info,
        "measurements": {k: v.as_dict() for k, v in measurements.items()},
        "ratios": ratios(measurements),
    }
    if label in opts.datasette_sizes:
        database = work / "bloemdata.db"
        if not measurements["bloemdata build"].ok:
            _write_database_without_validation(target, database)
            result["datasette_note"] = (
                "bloemdata build failed or timed out: database written by "
                "bloemdata.database.build.write_database (no validation, no download files)"
            )
        say(f"[{label}] datasette: {opts.requests} requests per URL after {opts.warmup} warm-up")
        result["datasette"] = datasette_latency(target, database, opts.requests, opts.warmup)
        say(f"[{label}] public instance: abuse (before/after) and load (bench/abuse.py, load.py)")
        result["abuse"] = abuse.measure(target, database, before=True)
        result["load"] = load.measure(target, database)
    result["seconds"] = round(time.perf_counter() - started, 1)
    say(f"[{label}] done in {result['seconds']} s")
    return result


def _write_database_without_validation(target: Path, database: Path) -> None:
    """The database alone (no validation, no download files), for Datasette's measurements."""
    from bloemdata.core.package import Package  # noqa: PLC0415
    from bloemdata.database.build import write_database  # noqa: PLC0415

    write_database(Package.load(target), database)
    (database.parent / "downloads").mkdir(exist_ok=True)


def ratios(m: dict[str, Measurement]) -> dict[str, float | None]:
    def usable(name: str) -> bool:
        # a run killed at the timeout still bounds the ratio: its time is a lower bound
        return name in m and (m[name].ok or m[name].runs[-1].rc == -9)

    def ratio(a: str, b: str) -> float | None:
        if usable(a) and usable(b) and m[b].seconds > 0:
            return round(m[a].seconds / m[b].seconds, 2)
        return None

    return {
        "validate / parse floor": ratio("bloemdata validate", "polars.read_csv (parse floor)"),
        "frictionless / validate": ratio("frictionless validate", "bloemdata validate"),
        "build / sqlite3 bulk load": ratio("bloemdata build", "sqlite3 bulk load"),
    }


# --- the real package and nox -------------------------------------------------------------------


def bench_real(runs: int, say: Callable[[str], None]) -> dict[str, Any]:
    """`bloemdata validate` on the real package as a fresh process (frictionless included), timed
    by `bench/time_validate.py`: one warm-up run, then the median of `runs`."""
    from bench.time_validate import run_once as time_validate  # noqa: PLC0415

    args = ["--package", str(ROOT)]
    time_validate(args)  # warm the page cache and .pyc files; not counted
    timed = [time_validate(args) for _ in range(runs)]
    m = Measurement(
        "bloemdata validate (real package)",
        [str(BIN / "bloemdata"), "validate", *args],
        [Run(seconds, kib / 1024, rc) for seconds, kib, rc, *_ in timed],
    )
    cpu = statistics.median(t[3] for t in timed) if all(len(t) > 3 for t in timed) else None
    say(f"[real] bloemdata validate: {m.seconds:.2f} s, {m.peak_mb:.0f} MB, {len(m.runs)} runs")
    return {"bloemdata validate": m.as_dict() | {"median_cpu_s": cpu}}


def bench_hostile(out: Path, timeout: float, say: Callable[[str], None]) -> dict[str, Any]:
    """`bloemdata validate` (frictionless as by default) on each hostile package of
    `bench/hostile.py`, once: its time, peak memory and exit code (1 expected: refused)."""
    from bench import hostile  # noqa: PLC0415

    results = {}
    for name, path in hostile.build(out / "hostile").items():
        command = [str(BIN / "bloemdata"), "validate", "--package", str(path), "--format", "json"]
        m = measure(f"hostile: {name}", command, 1, ROOT, timeout)
        say(f"[hostile] {name}: {m.seconds:.2f} s, {m.peak_mb:.0f} MB, exit {m.runs[-1].rc}")
        met = m.runs[-1].rc in {1, 2} and m.seconds <= hostile.GOAL_SECONDS
        results[name] = m.as_dict() | {"met": met and m.peak_mb <= hostile.GOAL_MB}
    return results


def bench_nox(say: Callable[[str], None]) -> dict[str, Any]:
    """`nox -R`: all default sessions, environments reused (run once)."""
    nox = shutil.which("nox")
    m = measure("nox -R", [nox, "-R"] if nox else [PYTHON, "-m", "nox", "-R"], 1, ROOT)
    say(f"[real] nox -R: {m.seconds:.1f} s (exit {m.runs[-1].rc})")
    return {"nox -R": m.as_dict()}


# --- goals ------------------------------------------------------------------------------------


def _largest(sizes: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """1M if it was run, else the largest size measured (the goal then says at which size)."""
    if not sizes:
        return None
    label = max(sizes, key=lambda k: sizes[k]["statements"])
    return label, sizes[label]


def _datasette_goals(sizes: dict[str, Any]) -> list[dict[str, Any]]:
    """p95 of every page at 100k under 50 ms; of search and facets at 1M under 300 ms."""
    out = []
    for label, limit, kinds in (("100k", 50, None), ("1M", 300, ("search", "facet"))):
        size = sizes.get(label, {})
        latency = {
            k: v
            for k, v in size.get("datasette", {}).items()
            if v["url"] and (kinds is None or v["kind"] in kinds)
        }
        worst = max((v["p95_ms"] for v in latency.values()), default=None) if latency else None
        errors = sum(v["non_200"] for v in latency.values()) if latency else 0
        slowest = max(latency, key=lambda k: latency[k]["p95_ms"]) if latency else ""
        met = None if worst is None else worst < limit and errors == 0
        note = f"slowest: {slowest}" + (f"; {errors} non-200 responses" if errors else "")
        pages = "every URL" if kinds is None else " and ".join(kinds)
        out.append(
            {
                "goal": f"Datasette p95 at {label} < {limit} ms ({pages})",
                "measured": worst,
                "limit": f"< {limit} ms",
                "met": met,
                "note": note,
            }
        )
    return out


def goals(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every goal (issues 8 and 15): measured figure, limit, met (True/False) or None (not
    measured). The goals set at 1M are judged at the largest size run when 1M was not: the note
    says at which size. A list of rows: a new benchmark adds its own."""
    sizes = results["sizes"]
    largest = _largest(sizes)
    out: list[dict[str, Any]] = []

    def goal(name: str, value: float | None, limit: str, met: bool | None, note: str = "") -> None:
        out.append({"goal": name, "measured": value, "limit": limit, "met": met, "note": note})

    where = ""
    if largest and largest[1]["statements"] < LARGE:
        where = f"at {largest[0]} (1M not run)"

    def at_1m(key: str) -> float | None:
        return largest[1]["ratios"].get(key) if largest else None

    def seconds(name: str) -> float | None:
        m = largest[1]["measurements"].get(name) if largest else None
        return m["median_s"] if m else None

    def peak(name: str) -> float | None:
        m = largest[1]["measurements"].get(name) if largest else None
        return m["peak_mb"] if m else None

    r = at_1m("validate / parse floor")
    goal("validate at 1M <= 5x polars parse", r, "<= 5x", None if r is None else r <= 5, where)
    r = at_1m("frictionless / validate")
    met = None if r is None else r >= 20
    goal("validate at 1M >= 20x faster than frictionless", r, ">= 20x", met, where)
    value = peak("bloemdata validate")
    met = None if value is None else value < 1536
    goal("validate at 1M peak memory < 1.5 GB", value, "< 1536 MB", met, where)
    verdicts = []
    for label, size in sizes.items():
        ms = size["measurements"]
        if "frictionless validate" in ms:
            ours = ms["bloemdata validate"]["exit_codes"][-1] == 0
            theirs = ms["frictionless validate"]["exit_codes"][-1] == 0
            verdicts.append((label, ours, theirs))
    same = all(a == b for _, a, b in verdicts) if verdicts else None
    goal(
        "same verdicts as frictionless (synthetic packages)",
        None,
        "equal",
        same,
        "; ".join(
            f"{lbl}: bloemdata {'valid' if a else 'INVALID'}, frictionless "
            f"{'valid' if b else 'INVALID'}"
            for lbl, a, b in verdicts
        )
        + " (planted mutations on small packages: tests/property)",
    )
    r = at_1m("build / sqlite3 bulk load")
    goal(
        "build at 1M <= 2.5x plain bulk load", r, "<= 2.5x", None if r is None else r <= 2.5, where
    )
    exports, build = seconds(EXPORTS), seconds("bloemdata build")
    met = None if exports is None or build is None else exports <= build
    goal("export all at 1M <= the build's time", exports, f"<= {build} s", met, where)
    value = peak(EXPORTS)
    met = None if value is None else value <= 1536
    goal("export all at 1M peak memory <= 1.5 GB", value, "<= 1536 MB", met, where)
    out += _datasette_goals(sizes)
    for label in ("100k", "1M"):
        if label in sizes:
            out += abuse.goals(label, sizes[label].get("abuse"))
            out += load.goals(label, sizes[label].get("load"))
    real = results.get("real", {}).get("bloemdata validate")
    value = real["median_s"] if real else None
    goal(
        "real package: validate < 2 s (fresh process)",
        value,
        "< 2 s",
        None if value is None else value < 2,
    )
    for name, m in results.get("hostile", {}).items():
        goal(
            f"hostile: {name}: validate ends <= 60 s, <= 2 GB, exit 1 or 2",
            m["median_s"],
            "<= 60 s",
            m["met"],
            f"{m['peak_mb']} MB, exit {m['exit_codes'][-1]}",
        )
    nox = results.get("real", {}).get("nox -R")
    value = nox["median_s"] if nox else None
    met = None if value is None else value < 120 and nox["exit_codes"][-1] == 0
    goal("nox (default sessions, envs reused) < 2 min", value, "< 120 s", met)
    return out


# --- output -----------------------------------------------------------------------------------


def render(results: dict[str, Any]) -> str:
    lines = []
    header = f"{'size':>5} {'measurement':<31} {'median s':>9} {'peak MB':>8} {'runs':>4}  ratio"
    lines += [header, "-" * len(header)]
    for label, size in results["sizes"].items():
        ms = size["measurements"]
        floor = ms.get("polars.read_csv (parse floor)", {}).get("median_s")
        for name, m in ms.items():
            note = ""
            if name == "bloemdata validate":
                r = size["ratios"]
                note = _ratio_note(r["validate / parse floor"], "x parse floor")
                if r["frictionless / validate"]:
                    note += f", {r['frictionless / validate']}x faster than frictionless"
            elif name == "bloemdata build":
                note = _ratio_note(size["ratios"]["build / sqlite3 bulk load"], "x bulk load")
            elif name != "polars.read_csv (parse floor)" and floor:
                note = f"{m['median_s'] / floor:.1f}x parse floor"
            if m["exit_codes"][-1] == -9:
                note = f"KILLED at the {m['median_s']:.0f} s timeout " + note
            elif any(rc != 0 for rc in m["exit_codes"]):
                note = f"EXIT {m['exit_codes'][-1]} " + note
            lines.append(
                f"{label:>5} {name:<31} {m['median_s']:>9.2f} {m['peak_mb']:>8.0f} "
                f"{len(m['runs']):>4}  {note}"
            )
        lines.append(
            f"{label:>5} ({size['statements']} statements, {size['codings']} codings, "
            f"{size['bytes'] / 1e6:.0f} MB; size done in {size['seconds']} s)"
        )
    for label, size in results["sizes"].items():
        if "datasette" in size:
            lines += ["", f"{'Datasette at ' + label:<80} {'p50 ms':>8} {'p95 ms':>8}"]
            lines += [
                f"  {k[:78]:<78} {v['p50_ms']:>8.1f} {v['p95_ms']:>8.1f}"
                + (f"  ({v['non_200']} non-200)" if v["non_200"] else "")
                for k, v in size["datasette"].items()
            ]
        lines += _public_rows(label, size)
    for name, m in results.get("real", {}).items():
        lines.append(f"\nreal package: {name}: {m['median_s']:.2f} s, {m['peak_mb']:.0f} MB")
    lines += _hostile_lines(results)
    lines += ["", "Goals:"]
    for g in results["goals"]:
        state = {True: "MET", False: "MISSED", None: "not measured"}[g["met"]]
        value = "-" if g["measured"] is None else g["measured"]
        lines.append(f"  [{state:^12}] {g['goal']}: {value} (limit {g['limit']}) {g['note']}")
    return "\n".join(lines)


def _public_rows(label: str, size: dict[str, Any]) -> list[str]:
    if "abuse" not in size:
        return []
    return ["", *abuse.render(label, size["abuse"]), *load.render(label, size["load"])]


def markdown(results: dict[str, Any]) -> str:
    """bench/RESULTS.md: machine, date, load average, the table, each goal met or missed."""
    machine = results["machine"]
    start = ", ".join(f"{v:.2f}" for v in machine["load_average_at_start"])
    end = ", ".join(f"{v:.2f}" for v in machine.get("load_average_at_end", ()))
    lines = [
        "# Benchmark results",
        "",
        "Written by `nox -s bench` (`python -m bench.run`); the figures of the run the last note",
        "reports. Ratios within one run are what to compare: the machine may be shared.",
        "",
        f"- date: {results['started']} (whole run: {results.get('seconds', '-')} s)",
        f"- command: `{results.get('command', 'python -m bench.run')}`",
        (
            f"- machine: {machine.get('cpu_model', '?')}, {machine['cpus']} CPUs, "
            f"{machine.get('memory_gb', '?')} GB, {machine['platform']}, Python {machine['python']}"
        ),
        f"- load average (1, 5, 15 min) at start: {start}; at end: {end or '-'}",
        "",
        "## Goals",
        "",
        "| goal | measured | limit | verdict | note |",
        "|---|---|---|---|---|",
    ]
    for g in results["goals"]:
        state = {True: "met", False: "**missed**", None: "not measured"}[g["met"]]
        value = "-" if g["measured"] is None else g["measured"]
        note = str(g["note"]).replace("|", "\\|")
        lines.append(f"| {g['goal']} | {value} | {g['limit']} | {state} | {note} |")
    lines += ["", "## Measurements", "", "```", render(results), "```", ""]
    return "\n".join(lines)


def _machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
    }
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8")
        info["cpu_model"] = next(
            line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line
        )
        meminfo = Path("/proc/meminfo").read_text(encoding="utf-8").split()
        info["memory_gb"] = round(int(meminfo[meminfo.index("MemTotal:") + 1]) / 2**20, 1)
    except (OSError, StopIteration, ValueError):
        pass
    return info


def _hostile_lines(results: dict[str, Any]) -> list[str]:
    return [
        f"hostile: {name}: {m['median_s']:.2f} s, {m['peak_mb']:.0f} MB, exit {m['exit_codes'][-1]}"
        for name, m in results.get("hostile", {}).items()
    ]


def _ratio_note(value: float | None, unit: str) -> str:
    return "" if value is None else f"{value}{unit}"


@click.command()
@click.option("--sizes", default="1k,10k,100k,1M", show_default=True, help="Comma-separated.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=generate.DEFAULT_BASE,
    show_default=True,
    help="Where the synthetic packages (and the databases built from them) go.",
)
@click.option("--seed", default=generate.DEFAULT_SEED, show_default=True, type=int)
@click.option("--runs", default=3, show_default=True, help="Runs per measurement below 1M.")
@click.option(
    "--skip-frictionless-above",
    "skip_frictionless_above",
    default=None,
    help="Do not run frictionless on packages larger than this size (e.g. 100k).",
)
@click.option("--datasette-sizes", default=DATASETTE_SIZES, show_default=True)
@click.option(
    "--timeout",
    default=600.0,
    show_default=True,
    help="Seconds before a measured process is killed (0: never); it counts as missed.",
)
@click.option("--requests", default=20, show_default=True, help="Timed requests per URL.")
@click.option("--warmup", default=2, show_default=True, help="Untimed requests per URL first.")
@click.option("--real/--no-real", default=True, show_default=True, help="Time the real package.")
@click.option("--with-nox", is_flag=True, help="Also time `nox -R` (all default sessions).")
@click.option(
    "--hostile/--no-hostile",
    default=False,
    show_default=True,
    help="Also time validate on the hostile packages of bench/hostile.py.",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Where to write the results (default: bench-results/bench-<UTC time>.json).",
)
@click.option(
    "--results",
    "results_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=RESULTS,
    show_default=True,
    help="The Markdown summary to (over)write and commit; --no-results-file to skip.",
)
@click.option("--no-results-file", is_flag=True, help="Write no Markdown summary.")
def main(  # noqa: PLR0917 - one parameter per click option
    sizes: str,
    out: Path,
    seed: int,
    runs: int,
    skip_frictionless_above: str | None,
    datasette_sizes: str,
    timeout: float,
    requests: int,
    warmup: int,
    real: bool,
    with_nox: bool,
    hostile: bool,
    json_path: Path | None,
    results_path: Path | None,
    no_results_file: bool,
) -> None:
    """Run the benchmark suite, print one table and write the JSON with ratios and goals.

    Example: python -m bench.run --sizes 1k,10k,100k --skip-frictionless-above 100k
    """
    started = datetime.now(UTC)
    if no_results_file:
        results_path = None
    opts = Options(
        out=out,
        seed=seed,
        runs=runs,
        frictionless_max=(
            generate.parse_size(skip_frictionless_above) if skip_frictionless_above else None
        ),
        datasette_sizes={s.strip() for s in datasette_sizes.split(",") if s.strip()},
        requests=requests,
        warmup=warmup,
        timeout=timeout,
    )

    def say(message: str) -> None:
        click.echo(message, err=True)

    results: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"),
        "machine": _machine(),
        "command": " ".join(["python -m bench.run", *sys.argv[1:]]),
        "seed": seed,
        "sizes": {},
    }
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    path = json_path or ROOT / "bench-results" / f"bench-{stamp}.json"
    warm_bytecode(say)
    if real or with_nox:
        results["real"] = {}
    if real:  # first: seconds, and it is there even if a large size is stopped
        results["real"] |= bench_real(5, say)
    for label, statements in generate.iter_sizes(sizes):
        results["sizes"][label] = bench_size(label, statements, opts, say)
        _save(results, started, path)  # after every size: a stopped run keeps what it measured
    if hostile:
        results["hostile"] = bench_hostile(out, timeout, say)
    if with_nox:
        results["real"] |= bench_nox(say)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    _save(results, started, path)
    click.echo(render(results))
    click.echo(f"\nWrote {path} (whole run: {results['seconds']} s)")
    if results_path is not None:
        results_path.write_text(markdown(results), encoding="utf-8")
        click.echo(f"Wrote {results_path}")


# What the measured commands import: compiled once before the first timed run.
WARM_IMPORTS = (
    "bloemdata.cli",
    "bloemdata.validation.validate",
    "bloemdata.validation.pandera_schema",
    "bloemdata.database.build",
    "bloemdata.exports",
    "bloemdata.site.metadata",
    "bench.baselines",
    "frictionless",
    "datasette.app",
    "xlsxwriter",
)


def warm_bytecode(say: Callable[[str], None]) -> None:
    """Let every child write and reuse `.pyc` files, as an installed package does.

    With PYTHONDONTWRITEBYTECODE set (some shells and CI images set it) every process compiles
    polars, pandera, numpy, ... from source again: seconds that are not bloemdata's. The variable
    is dropped for the children and one untimed child imports what they will import.
    """
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
        say("PYTHONDONTWRITEBYTECODE unset for the measured commands (bytecode cached)")
    code = "import importlib, sys; [importlib.import_module(m) for m in sys.argv[1:]]"
    subprocess.run([PYTHON, "-c", code, *WARM_IMPORTS], cwd=ROOT, check=False)


def _save(results: dict[str, Any], started: datetime, path: Path) -> None:
    results["goals"] = goals(results)
    results["seconds"] = round((datetime.now(UTC) - started).total_seconds(), 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (path.parent / (path.stem + ".txt")).write_text(render(results) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
