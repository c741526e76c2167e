"""Reading a file a user named on the command line, safely.

A path typed by mistake can name a device (``/dev/zero`` never ends), a named pipe (a read
waits forever) or a file far larger than any quiz, framework or answer file. Every file pmpath
reads on a user's behalf goes through :func:`read_local_file`: regular files only, and never
more than a cap, so a wrong path gets a clear error instead of a hang or an exhausted memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pmpath.errors import Location, PmpathError

#: The largest file pmpath reads for a user: ten times the largest real quiz export tried.
MAX_FILE_BYTES = 64 * 1024 * 1024


def read_local_file(
    path: Path | str, error: type[PmpathError], limit: int = MAX_FILE_BYTES
) -> bytes:
    """The bytes of regular file ``path``; anything else raises ``error`` naming the file."""
    source = str(path)
    try:
        # O_NONBLOCK: opening a named pipe with no writer would otherwise wait forever
        # before the check below could refuse it.
        descriptor = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise error("no such file", Location(file=source)) from None
    except IsADirectoryError:
        raise error("is a directory, not a file", Location(file=source)) from None
    except PermissionError:
        raise error("permission denied", Location(file=source)) from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror}", Location(file=source)) from None
    with os.fdopen(descriptor, "rb") as file:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise error("is a directory, not a file", Location(file=source))
        if not stat.S_ISREG(mode):
            raise error("is not a regular file (a device, pipe or socket)", Location(file=source))
        try:
            data = file.read(limit + 1)
        except OSError as exc:
            raise error(f"cannot read: {exc.strerror}", Location(file=source)) from None
    if len(data) > limit:
        raise error(f"file is larger than {_size(limit)}", Location(file=source))
    return data


def _size(limit: int) -> str:
    mib = limit / (1024 * 1024)
    return f"{mib:g} MiB" if mib >= 1 else f"{limit:,} bytes"
