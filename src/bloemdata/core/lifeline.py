"""A worker process ends with the process that started it.

A killed `bloemdata validate` or `build` (Ctrl-C twice, a CI timeout, `kill -9`) would otherwise
leave its workers running to the end of their task: the frictionless worker, the build's
validator and its full-text indexer (~20 s at 1M statements, writing a file as large as the
index).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with(parent: int) -> None:
    """In a worker: have the kernel kill this process when `parent` ends (Linux; elsewhere the
    caller needs a lifeline of its own, e.g. end-of-file on a pipe), or exit now if it already
    has."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(3)
