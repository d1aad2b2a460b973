"""bloemdata: coded statements from the anthology of Samen tegen mensenhandel.

`__version__` is the tool's version, declared once in pyproject.toml and read from the installed
package's metadata; the data's version is `version` in datapackage.json (see releases.json).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bloemdata")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
