"""Release rules: releases.json, semantic versioning for data, statement ids, the bundle.

Declared here, in the validation layer, so `--list-rules` and README list them with every other
rule; `bloemdata.versions` (the release checks) and `bloemdata.publish.bundle` raise them.
"""

from __future__ import annotations

from bloemdata.validation.registry import register
from bloemdata.validation.report import Severity

GROUP = "release"

HISTORY_INVALID = register(
    "release-history-invalid",
    GROUP,
    "releases.json is UTF-8 JSON: an object with a `releases` list",
    "releases.json cannot be read as the release history: {reason}",
)
HISTORY_DUPLICATE_KEY = register(
    "release-history-duplicate-key",
    GROUP,
    "no key is repeated within an object of releases.json (JSON keeps the last)",
    "{message}",
    Severity.WARNING,
)
ENTRY_INVALID = register(
    "release-entry-invalid",
    GROUP,
    "every entry of releases.json is an object with `version`, `date` and `summary`, and every "
    "field it has is of its type (`notes` a list of strings, `rows` counts, ...)",
    "entry {entry}: {reason}",
)
HISTORY_MISSING = register(
    "release-history-missing",
    GROUP,
    "releases.json records at least one release",
    "no release recorded in releases.json",
)
VERSION_INVALID = register(
    "release-version-invalid",
    GROUP,
    "every version, recorded or checked, is X.Y.Z",
    "{subject} {version!r} is not X.Y.Z",
)
DATE_INVALID = register(
    "release-date-invalid",
    GROUP,
    "every recorded release date is a date written YYYY-MM-DD",
    "entry {entry}: date {date!r} is not a date written YYYY-MM-DD",
)
HISTORY_ORDER = register(
    "release-history-order",
    GROUP,
    "releases are recorded in increasing version order, each version once",
    "release {version} is recorded after a version not lower than it",
)
VERSION_NOT_BUMPED = register(
    "release-version-not-bumped",
    GROUP,
    "a resource or Table Schema that differs from the last release comes with a new version",
    "{kind} {name!r} {what} since release {last}, but datapackage.json still says version "
    "{version}: set a new version",
)
BUMP_TOO_SMALL = register(
    "release-bump-too-small",
    GROUP,
    "the version bump is as big as the changes since the last release need (major, minor, patch)",
    "{count} {kind} change(s) ({items}) need a {level} release (at least {least}), but "
    "{old} -> {new} is {step}",
)
VERSION_BEHIND = register(
    "release-version-behind",
    GROUP,
    "the version is not lower than the last release",
    "version {version} is lower than the last release {last}",
)
VERSION_SKIPPED = register(
    "release-version-skipped",
    GROUP,
    "the version is the next major, minor or patch version after the last release",
    "{last} -> {version} skips versions; the next ones are {following}",
    Severity.WARNING,
)
TREE_UNAVAILABLE = register(
    "release-tree-unavailable",
    GROUP,
    "the last release's files are found in git history (or given with `--against`), so the size "
    "of the bump can be checked",
    "the files of release {last} are not in git history, so the size of the bump cannot be "
    "checked: pass --against DIR",
    Severity.WARNING,
)
FILE_STALE = register(
    "release-file-stale",
    GROUP,
    "CHANGELOG.md and CITATION.cff are what releases.json and datapackage.json generate",
    "{file} does not match releases.json and datapackage.json: run `bloemdata release regenerate`",
)
ALREADY_RECORDED = register(
    "release-already-recorded",
    GROUP,
    "`release record` records a version once",
    "version {version} is already recorded",
)
SUMMARY_MISSING = register(
    "release-summary-missing",
    GROUP,
    "`release record` is given a one-line summary",
    "a release needs a one-line summary",
)
HASH_STALE = register(
    "release-hash-stale",
    GROUP,
    "`bytes` and `hash` in datapackage.json are fresh when a release is recorded (git history "
    "finds the release by them)",
    "bytes/hash of {name!r} are stale: run `bloemdata refresh`",
)
STATEMENT_ID_REUSED = register(
    "statement-id-reused",
    GROUP,
    "a statement id is never reused: not after it was removed or withdrawn, not for another "
    "place in the source",
    "statement id {statement} is reused: {reason}; give the statement a new id",
)
WITHDRAWN_WITHOUT_NOTE = register(
    "statement-withdrawn-without-note",
    GROUP,
    "a withdrawn statement has a `status_note` saying why and when",
    "statement {statement} is withdrawn without a status_note saying why and when",
)
BUNDLE_NOT_RECORDED = register(
    "bundle-version-not-recorded",
    GROUP,
    "`bloemdata bundle` bundles only a recorded release",
    "version {version} is not a recorded release: run `bloemdata release record {version}` first",
)
UNCODED = register(
    "release-uncoded",
    GROUP,
    "a release carries no current statement that no coder has coded (`validate` only warns:"
    " `statement-uncoded`)",
    "{statement} is current but not yet coded: code it (or withdraw it) before releasing",
)
