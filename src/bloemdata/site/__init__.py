"""The Datasette site: generated metadata, templates and a small plugin (package version, codes)."""

from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = SITE_DIR / "templates"
PLUGINS_DIR = SITE_DIR / "plugins"
