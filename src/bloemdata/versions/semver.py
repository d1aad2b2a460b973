"""Semantic versioning for data: X.Y.Z, the level of a step, the next versions."""

from __future__ import annotations

import re

from bloemdata.versions.change import Level

_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


def parse_version(version: str) -> tuple[int, int, int] | None:
    match = _SEMVER.match(version)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def is_lower(a: str, b: str) -> bool:
    """Whether version `a` is lower than `b` (both X.Y.Z)."""
    parsed_a, parsed_b = parse_version(a), parse_version(b)
    if parsed_a is None or parsed_b is None:
        raise ValueError(f"{a} or {b} is not X.Y.Z")
    return parsed_a < parsed_b


def bump_level(old: str, new: str) -> Level | None:
    """The level of the step old -> new (None when equal); both must be valid and new >= old."""
    a, b = parse_version(old), parse_version(new)
    if a is None or b is None or b < a:
        raise ValueError(f"{old} -> {new} is not a step forward")
    if b[0] != a[0]:
        return Level.MAJOR
    if b[1] != a[1]:
        return Level.MINOR
    return Level.PATCH if b[2] != a[2] else None


def next_versions(version: str) -> dict[Level, str]:
    """The next major, minor and patch versions after `version`."""
    parsed = parse_version(version)
    if parsed is None:
        raise ValueError(f"{version!r} is not X.Y.Z")
    major, minor, patch = parsed
    return {
        Level.MAJOR: f"{major + 1}.0.0",
        Level.MINOR: f"{major}.{minor + 1}.0",
        Level.PATCH: f"{major}.{minor}.{patch + 1}",
    }
