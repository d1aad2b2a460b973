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


class InvalidInputError(BloemdataError):
    """A file handed in (an import) was read but its contents cannot be taken: invalid data.

    `problems` lists what is wrong, one line each; the CLI exits 1 and nothing was written.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []
