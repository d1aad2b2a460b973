"""Hostile packages (issue 16): copies of the real package with one bounded-size attack planted.

Each case is a function `case(root)` that plants its attack into a package copy at `root`;
`bench/run.py --hostile` times `bloemdata validate` (frictionless included, as by default) on
each as a fresh process with its peak memory; the tests build the same inputs.
The goal: every package up to 50 MB ends in at most 60 s and 2 GB, with a clear message.

Example: python -m bench.hostile --out /tmp/bloemdata-hostile
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
TABLE = "datapackage/statements.csv"
GOAL_SECONDS = 60
GOAL_MB = 2048


def copy_package(target: Path, source: Path = ROOT) -> Path:
    """A copy of the package's files (descriptor, data, schemas) at `target`."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "datapackage.json", target)
    shutil.copytree(source / "datapackage", target / "datapackage", dirs_exist_ok=True)
    shutil.copytree(source / "schemas", target / "schemas", dirs_exist_ok=True)
    return target


def catastrophic_pattern(root: Path) -> None:
    """`^(a+)+$` on a string field and a cell of 34 `a`s and `!` (backtracking regex engines)."""
    schema_path = root / "schemas" / "statements.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    field = next(f for f in schema["fields"] if f["name"] == "status_note")
    field.setdefault("constraints", {})["pattern"] = "^(a+)+$"
    schema_path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    path = root / TABLE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].rstrip("\r\n") + "a" * 34 + "!\n"  # status_note is the last column
    path.write_text("".join(lines), encoding="utf-8")


def blank_lines(root: Path, count: int = 2_000_000) -> None:
    """`count` blank lines appended to a CSV (2 MB at the default)."""
    with (root / TABLE).open("ab") as handle:
        handle.write(b"\n" * count)


def wide_header(root: Path, columns: int = 100_000) -> None:
    """A header of `columns` columns (the schema's, then extra ones)."""
    path = root / TABLE
    data = path.read_bytes()
    end = data.index(b"\n")
    header = data[:end].rstrip(b"\r")
    extra = b"".join(b",x%d" % i for i in range(columns - header.count(b",") - 1))
    path.write_bytes(header + extra + data[end:])


def long_line(root: Path, size: int = 200_000_000) -> None:
    """One line of `size` bytes appended to a CSV (a single cell)."""
    with (root / TABLE).open("ab") as handle:
        chunk = b"x" * (1 << 20)
        for _ in range(size // len(chunk)):
            handle.write(chunk)
        handle.write(b"x" * (size % len(chunk)) + b"\n")


CASES: dict[str, Callable[[Path], None]] = {
    "catastrophic pattern": catastrophic_pattern,
    "2,000,000 blank lines": blank_lines,
    "header of 100,000 columns": wide_header,
    "one 200 MB line": long_line,
}


def build(out: Path) -> dict[str, Path]:
    """Every case as its own package copy under `out` (rebuilt each time)."""
    packages = {}
    for number, (name, plant) in enumerate(CASES.items()):
        target = out / f"hostile-{number}"
        if target.exists():
            shutil.rmtree(target)
        plant(copy_package(target))
        packages[name] = target
    return packages


@click.command()
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True)
def main(out: Path) -> None:
    """Write every hostile package under OUT (for a look by hand; bench/run.py times them).

    Example: python -m bench.hostile --out /tmp/bloemdata-hostile
    """
    for name, path in build(out).items():
        click.echo(f"{name}: {path}")


if __name__ == "__main__":
    main()
