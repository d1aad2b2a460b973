"""Sessions for maintainers and CI. Logic lives in src/bloemdata; this file only wires it up.

`nox` runs the default sessions (lint, tests, validate): the whole check before a release.
Every session installs from uv.lock, so a run rebuilds exactly the locked environment.
"""

from __future__ import annotations

import os
import shutil

import nox

nox.needs_version = ">=2024.10"
nox.options.default_venv_backend = "uv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "tests", "validate"]

PYTHON = "3.11"


def install(session: nox.Session, *groups: str) -> None:
    """Sync the session's environment with uv.lock: the project plus the given groups."""
    args = ["uv", "sync", "--frozen", "--no-default-groups"]
    for group in groups:
        args += ["--group", group]
    session.run_install(*args, env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location})


def ensure_chromium(session: nox.Session) -> None:
    """Browser tests drive Debian's Chromium; install it when missing and we may (root)."""
    if shutil.which("chromium"):
        return
    if os.geteuid() != 0:
        session.error("Chromium is missing: run `sudo apt-get install -y chromium`, then retry.")
    session.run("apt-get", "update", "-q", external=True)
    session.run("apt-get", "install", "-y", "-q", "chromium", external=True)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Ruff lint and format check, the layer contracts (import-linter) and the types (mypy)."""
    install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports")
    session.run("mypy", "src")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The whole test suite, browser tests included. Extra arguments go to pytest."""
    ensure_chromium(session)
    install(session, "test")
    # One worker per core (pytest-xdist); workers steal queued tests from each other, so a long
    # property test near the end does not leave a core idle. `-- -m "not slow"`: a quick run.
    # --durations: the slowest tests in every log, where the suite's time goes
    session.run("pytest", "-n", "auto", "--dist", "worksteal", "--durations=25", *session.posargs)


@nox.session(python=PYTHON)
def validate(session: nox.Session) -> None:
    """Validate the package: bloemdata's report, and frictionless as the independent check."""
    install(session)
    session.run("bloemdata", "validate")
    session.run("frictionless", "validate", "datapackage.json")
    session.run("bloemdata", "release", "check")


@nox.session(python=PYTHON)
def serve(session: nox.Session) -> None:
    """Validate, build and serve the data in Datasette at http://127.0.0.1:8001 (args: options)."""
    install(session)
    session.run("bloemdata", "serve", *session.posargs)


@nox.session(python=PYTHON, default=False)
def publish(session: nox.Session) -> None:
    """Write the deployable public instance (default dist/deploy; args: DIR and options).

    Usage: nox -s publish -- [DIR]. Validates, builds and writes DIR with requirements.txt (the
    `serve` group of uv.lock, hashed), start.sh and a Dockerfile; see DIR/README.md to run it.
    """
    install(session)
    args = session.posargs or ["dist/deploy"]
    session.run("bloemdata", "publish", *args)


@nox.session(python=PYTHON)
def release(session: nox.Session) -> None:
    """Make release X.Y.Z: check, set the version, record it, CHANGELOG, CITATION, .zenodo.json,
    bundle.

    Usage: nox -s release -- X.Y.Z --summary "One line" [--note "A CHANGELOG line"]...
    Run `nox` (lint, tests, validate) first: this session re-runs the data checks only
    (`bloemdata validate` with frictionless, and the release rules for X.Y.Z). Nothing
    is written when a check fails; afterwards commit the changed files and tag vX.Y.Z.
    """
    if not session.posargs:
        session.error('Usage: nox -s release -- X.Y.Z --summary "One line"')
    version, *options = session.posargs
    install(session)
    session.run("bloemdata", "validate", "--frictionless")
    session.run("bloemdata", "release", "check", "--version", version)
    session.run("bloemdata", "release", "record", version, *options)
    session.run("bloemdata", "dictionary")
    session.run("bloemdata", "deposit")
    session.run("bloemdata", "bundle")
    session.log(f"Release {version} recorded: commit it, then `git tag v{version}`.")


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks at scale (issue 8): synthetic packages, validate/build/Datasette vs baselines.

    Not a default session. Usage: nox -s bench -- --sizes 1k,10k [--skip-frictionless-above 100k]
    Packages go to /tmp/bloemdata-bench/<size>/; results to bench-results/ (see bench/run.py),
    and the summary with every goal met or missed to bench/RESULTS.md (commit it with the note).
    """
    install(session, "test")
    session.run("python", "-m", "bench.run", *session.posargs)
