"""Time `bloemdata validate` on a package as a fresh process: median of several runs, peak memory.

Each run is a new process (imports included, as a maintainer would type it), started from the
same environment's `bloemdata` script; its wall time and the child's peak RSS (`os.wait4`, as
`/usr/bin/time -v` reports it) are recorded. The goal for the real package is under 2 s.

Example: python bench/time_validate.py --runs 7
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
BLOEMDATA = Path(sys.executable).parent / "bloemdata"
GOAL_SECONDS = 2.0


def run_once(args: list[str]) -> tuple[float, int, int, float]:
    """Wall seconds, peak RSS (KiB), exit code and CPU seconds of one `bloemdata validate`.

    CPU time (user + system, the frictionless worker included) is the figure that a busy
    machine distorts least; wall time is the goal.
    """
    start = time.perf_counter()
    process = subprocess.Popen(
        [str(BLOEMDATA), "validate", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.stderr is not None:
        process.stderr.close()
    return elapsed, usage.ru_maxrss, process.returncode, usage.ru_utime + usage.ru_stime


@click.command()
@click.option("--package", "package_path", type=click.Path(path_type=Path), default=ROOT)
@click.option("--runs", type=click.IntRange(min=1), default=7, show_default=True)
@click.option(
    "--frictionless/--no-frictionless",
    "run_frictionless",
    default=None,
    help="Passed on to bloemdata validate (default: its own threshold).",
)
def main(package_path: Path, runs: int, run_frictionless: bool | None) -> None:
    """Run `bloemdata validate` RUNS times as a fresh process; print median, min, max, memory."""
    args = ["--package", str(package_path)]
    if run_frictionless is not None:
        args.append("--frictionless" if run_frictionless else "--no-frictionless")
    run_once(args)  # warm the page cache and .pyc files; not counted
    results = [run_once(args) for _ in range(runs)]
    times = [r[0] for r in results]
    codes = {r[2] for r in results}
    median = statistics.median(times)
    print(f"bloemdata validate {' '.join(args)}")
    print(
        f"runs {runs}: median {median:.2f} s, min {min(times):.2f} s, max {max(times):.2f} s;"
        f" peak RSS {max(r[1] for r in results) / 1024:.0f} MiB; exit code(s) {sorted(codes)}"
    )
    print(
        f"CPU (user+sys, worker included): median {statistics.median(r[3] for r in results):.2f} s"
    )
    verdict = "met" if median < GOAL_SECONDS else "missed"
    print(f"goal: median under {GOAL_SECONDS:.0f} s: {verdict}")
    load = os.getloadavg()
    print(f"load average while measured: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
