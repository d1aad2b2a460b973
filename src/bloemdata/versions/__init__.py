"""Versions of the data: what changed between two of them, and the release history and its rules.

`change` (a change, its kind and level) · `diff` (the engine) · `render` (text, Markdown, JSON) ·
`git` (a version from a directory or git revision) · `history` (releases.json) · `semver` ·
`snapshot` (what a release records) · `trees` (a release's files in git history) · `rules`
(`release check`) · `record` (`release record`) · `changelog` (CHANGELOG.md, CITATION.cff) ·
`problem` (the problems they report, from the rules in `validation.checks.release`) · `files`
(releases.json, CHANGELOG.md, CITATION.cff) · `doi` (the concept DOI, in datapackage.json `id`).
"""
