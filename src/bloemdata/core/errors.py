"""The program's own failures. Problems in the user's data are `Problem`s in a report, not these."""


class BloemdataError(Exception):
    """Base class: the CLI turns these into a message and exit code 2."""


class PackageNotFoundError(BloemdataError):
    """No datapackage.json where one was expected."""


class DescriptorError(BloemdataError):
    """datapackage.json or a Table Schema cannot be read or parsed."""


class ResourceError(BloemdataError):
    """A resource named by the caller does not exist or cannot be read."""


class AnchorError(BloemdataError, ValueError):
    """An anchor string does not follow the `line:start-end` notation."""
