"""Parsed bundled content, kept between runs.

Every command that touches exams parses the bundled bank (700 YAML front matters and Markdown
bodies, about 130 ms on a quiet machine and far more on a busy one) and checks the blueprints
against it; the framework is parsed and validated too. None of it changes between two runs
unless pmpath is upgraded or its content edited, so the parsed objects are pickled into the
user cache directory, keyed by pmpath's version, Python's and every source file's path, size
and modification time: an edit or an upgrade is a different key, and the content is parsed
afresh. Set ``PMPATH_CACHE_DIR`` to move the cache, or to an empty string to turn it off (the
same folder holds the command line's stored answers: :mod:`pmpath.cli.replay`).
Anything unreadable in the cache is ignored and rebuilt; a cache that cannot be written
(read-only home, full disk) only costs the parse.
"""

from __future__ import annotations

import os
import sys

from pmpath import __version__

# Not typing's: this module is on the path of every pmpath command (cache_folder), and typing
# alone costs a third of a bare Python start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path
    from typing import TypeVar

    T = TypeVar("T")


def cache_dir() -> Path | None:
    """Where parsed content is kept; None when caching is turned off."""
    from pathlib import Path

    folder = cache_folder()
    return None if folder is None else Path(folder)


def cache_folder() -> str | None:
    """:func:`cache_dir` as a string, found without importing anything: the ``pmpath``
    command's stored answers (:mod:`pmpath.cli.replay`) look here before anything is loaded."""
    chosen = os.environ.get("PMPATH_CACHE_DIR")
    if chosen is not None:
        return chosen or None
    # platformdirs' rule on Linux, spelt out: importing platformdirs takes longer than a bare
    # Python start, the whole time a replayed answer has. Anywhere else, or with a HOME
    # platformdirs would second-guess, it is asked.
    if sys.platform == "linux":
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        home = os.environ.get("HOME", "")
        if os.path.isabs(xdg):
            return os.path.join(xdg, "pmpath")
        if os.path.isabs(home):
            return os.path.join(os.path.expanduser("~/.cache"), "pmpath")
    from platformdirs import user_cache_dir

    return str(user_cache_dir("pmpath", appauthor=False))


def cached(kind: str, sources: Sequence[Path], build: Callable[[], T]) -> T:
    """``build()``, or what it returned last time for these ``sources`` unchanged."""
    folder = cache_dir()
    if folder is None:
        return build()
    import pickle

    path = folder / f"{kind}-{_key(kind, sources)}.pickle"
    try:
        with path.open("rb") as file:
            found: T = pickle.load(file)
            return found
    except Exception:  # missing, truncated, from another version: parse afresh
        pass
    value = build()
    _store(path, value)
    return value


def _key(kind: str, sources: Sequence[Path]) -> str:
    import hashlib

    digest = hashlib.sha256(f"{kind}\0{__version__}\0{sys.version}".encode())
    # The code of the pickled classes is part of the key too: a model given a new field
    # without a version bump (a checkout between releases) must not load an old pickle.
    package = os.path.dirname(os.path.abspath(__file__))
    for folder in ("framework", "exams"):
        modules = os.path.join(package, folder)
        for module in sorted(
            os.path.join(modules, n) for n in os.listdir(modules) if n.endswith(".py")
        ):
            stat = os.stat(module)
            digest.update(f"\0{module}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    for source in sources:
        files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
        for file in files:
            stat = file.stat()
            digest.update(f"\0{file}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


def _store(path: Path, value: object) -> None:
    import pickle
    import tempfile  # only on a miss: most runs read the cache and never write it

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a reader never sees half a file, and two processes
        # writing at once both leave a whole one.
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        for stale in path.parent.glob(f"{path.name.split('-', 1)[0]}-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)  # an older version's or an edited file's
    except OSError:
        pass
