"""Versions: the diff between two versions of the package, the release history and rules."""
