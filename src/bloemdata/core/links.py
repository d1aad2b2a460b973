"""What may become a link, and what is a reference to somewhere outside the package.

One answer for the validator (a rule) and the site (which renders links): a link is an `http(s):`
or `mailto:` URL, or a plain relative path inside the package; anything else (`javascript:`,
`data:`, a protocol-relative `//host`) is never a link. A remote reference is any string that
names a location outside the package folder by a scheme or a host.
"""

from __future__ import annotations

import re

_WEB = re.compile(r"https?://[^\s/?#@]+(?:[/?#]\S*)?", re.IGNORECASE)
_MAIL = re.compile(r"mailto:[^\s:/]+@[^\s/]+", re.IGNORECASE)
# no scheme (no colon at all), not absolute, no whitespace or control characters, no backslash
_RELATIVE = re.compile(r"(?![/\\])[^\s:\\\x00-\x1f\x7f]+")
_SCHEME = re.compile(r"\s*[A-Za-z][A-Za-z0-9+.\-]*:")


def is_url(value: object) -> bool:
    """An `http:`, `https:` or `mailto:` URL, exactly (no leading space, nothing hidden)."""
    return isinstance(value, str) and bool(_WEB.fullmatch(value) or _MAIL.fullmatch(value))


def is_package_path(value: object) -> bool:
    """A plain relative path (no scheme, not absolute, no `..` step)."""
    return (
        isinstance(value, str) and bool(_RELATIVE.fullmatch(value)) and ".." not in value.split("/")
    )


def is_link(value: object) -> bool:
    """What the site may render as a link, and the validator accepts as a metadata `path`."""
    return is_url(value) or is_package_path(value)


def safe_url(value: object) -> str:
    """`value` when it is an http(s): or mailto: URL, else "" (rendered as no link at all)."""
    return value if is_url(value) and isinstance(value, str) else ""


def is_remote(value: object) -> bool:
    """A string naming a location outside the package: any scheme, a `//host`, a `\\\\host`."""
    if not isinstance(value, str):
        return False
    stripped = value.strip()
    return bool(_SCHEME.match(stripped)) or stripped.startswith(("//", "\\\\"))
