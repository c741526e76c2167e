"""The ``pmpath`` console script: stored answers of the everyday read commands, replayed while
nothing they read has changed, else the Typer app.

A bare Python start is about 10 ms; importing Typer and pydantic alone takes 15 times that,
SQLAlchemy another 20, so no command built on them can answer ``pmpath roles`` within the
15x of issue #16. Yet the read commands (``roles``, ``role ID``, ``exam list``, ``profile``,
``gaps``, ``plan``, ``exam readiness``, ``bank lint``) print the same thing every time until
something they read changes. So their output is stored (stdout and stderr, in the order
written, when the command succeeded) with what it was computed from, and printed again
without loading Typer, pydantic or the database while all of that is unchanged:

- the same pmpath, Python, interpreter and its options; the same arguments, working folder and
  environment variables (all of them, bar a few a shell changes on its own); the same terminal
  (whether each standard stream is one, its size, the encodings);
- every file of the pmpath package (code and bundled content: the framework, the bank, the
  blueprints) and the folders libraries are installed in (installing, upgrading or removing
  one changes them), by inode, size, modification and change time;
- a framework file of your own (``--framework``, ``PMPATH_FRAMEWORK``), the same way;
- for the commands that read the database, the SQLite file (by the same facts and its header,
  with SQLite's change counter) and its ``-wal`` or ``-journal`` file (by size and header);
- the clock, where the answer tells time ("assessed 5 minutes ago"): such an answer is kept
  only until its words would change.

A command whose inputs changed while it ran, that failed, that reads a database other than a
SQLite file, or that was given anything but its plain options runs as usual and stores nothing.
``PMPATH_CACHE_DIR`` (see :mod:`pmpath.contentcache`) holds the answers in ``answers/``; an
empty value turns storing and replaying off. An unreadable answer is run afresh.
"""

from __future__ import annotations

import io
import marshal
import os
import sys
import time
from _blake2 import blake2b  # hashlib's, without hashlib's import of OpenSSL (3 ms)

from pmpath import __version__
from pmpath.contentcache import cache_folder

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

#: How much of a SQLite file's head is compared: the database header (100 bytes, with the
#: change counter) and the write-ahead log's (32, with its salts) fit.
HEAD_BYTES = 100

#: Stored answers of another layout are ignored (and replaced).
LAYOUT = 1

#: Answers kept at most; the least recently stored go first.
ANSWERS_KEPT = 256

#: Environment variables a shell changes on its own, that no command reads.
SHELL_VARIABLES = frozenset({"_", "OLDPWD", "PWD", "SHLVL"})

#: Options that take a value, per option name; each command accepts some of them.
FRAMEWORK = ("--framework", "-f")
DATABASE = ("--database-url",)
PROFILE = ("--profile", "-p")
TARGET = ("--target", "-t")

#: The commands answered from the store: their words, the options they take, the positional
#: arguments they accept (None: any one value; a tuple: one of these, or none) and whether
#: they read the database. Nothing that writes, asks or takes a file to write is here.
Accepted = tuple[tuple[tuple[str, ...], ...], tuple[str, ...] | None, bool]
COMMANDS: dict[tuple[str, ...], Accepted] = {
    ("roles",): ((FRAMEWORK,), (), False),
    ("role",): ((FRAMEWORK,), None, False),
    ("exam", "list"): ((FRAMEWORK, DATABASE), (), False),
    ("profile",): ((PROFILE, TARGET, FRAMEWORK, DATABASE), (), True),
    ("gaps",): ((PROFILE, TARGET, FRAMEWORK, DATABASE), (), True),
    ("plan",): ((PROFILE, TARGET, FRAMEWORK, DATABASE), (), True),
    ("exam", "readiness"): ((PROFILE, FRAMEWORK, DATABASE), (), True),
    # Only the bundled bank: an imported bank's name or a folder is another command's worth
    # of inputs.
    ("bank", "lint"): ((FRAMEWORK, DATABASE), ("pm-core",), False),
}

#: Environment variables that stand for an option, read by their exact name (a spelling in
#: other letter case is read by pmpath's settings too, so such a run is not stored).
OPTION_VARIABLES = {"PMPATH_FRAMEWORK": FRAMEWORK, "PMPATH_DATABASE_URL": DATABASE}

#: The latest moment the output printed so far stays true (see :func:`valid_until`).
_expiry: float | None = None


def main() -> None:
    """Entry point of the ``pmpath`` console script."""
    arguments = sys.argv[1:]
    command = read_command(arguments)
    folder = answers_folder() if command is not None else None
    if command is None or folder is None:
        _run_app()
        return
    key = request_key(arguments)
    path = os.path.join(folder, blake2b(key, digest_size=16).hexdigest() + ".answer")
    if replay(path, key):
        sys.exit(0)
    record(path, key, command)


def read_command(arguments: list[str]) -> tuple[tuple[str, ...], dict[str, str]] | None:
    """The command's words and its options' values (by the option's long name), when
    ``arguments`` are one of the stored commands in its plain form; else None."""
    words = next((w for w in COMMANDS if tuple(arguments[: len(w)]) == w), None)
    if words is None:
        return None
    options, positionals, _ = COMMANDS[words]
    names = {name: option[0] for option in options for name in option}
    values: dict[str, str] = {}
    given: list[str] = []
    rest = arguments[len(words) :]
    while rest:
        token = rest.pop(0)
        name, equals, value = token.partition("=")
        if token == "--json":
            continue
        if name in names and ((equals and name.startswith("--")) or (not equals and rest)):
            value = value if equals else rest.pop(0)
            long_name = names[name]
            # A value that looks like an option, or an option given twice, is read by Click
            # in ways not worth copying here: such a run is simply not stored.
            if not value or value.startswith("-") or long_name in values:
                return None
            values[long_name] = value
        elif token.startswith("-") or (positionals is not None and token not in positionals):
            return None
        else:
            given.append(token)
    if (positionals is None and len(given) != 1) or (positionals is not None and len(given) > 1):
        return None
    for variable, option in OPTION_VARIABLES.items():
        spellings = [name for name in os.environ if name.upper() == variable]
        if spellings not in ([], [variable]) or os.environ.get(variable) == "":
            return None
        if option in options and option[0] not in values and variable in os.environ:
            values[option[0]] = os.environ[variable]
    return words, values


def answers_folder() -> str | None:
    """Where answers are stored; None when the cache is turned off."""
    folder = cache_folder()
    return None if folder is None else os.path.join(folder, "answers")


def request_key(arguments: list[str]) -> bytes:
    """Everything about this run, bar files, that a stored answer must match."""
    environment = sorted(
        (name, value) for name, value in os.environ.items() if name not in SHELL_VARIABLES
    )
    terminal = [(os.isatty(descriptor), _terminal_size(descriptor)) for descriptor in (0, 1, 2)]
    streams = [(getattr(s, "encoding", None), getattr(s, "errors", None)) for s in _streams()]
    return marshal.dumps(
        (
            LAYOUT,
            __version__,
            sys.version,
            sys.executable,
            # Python's own options: -W error turns a warning into a failure, -X utf8 changes
            # what is written.
            tuple(sys.flags),
            tuple(sys.warnoptions),
            tuple(sorted((name, str(value)) for name, value in sys._xoptions.items())),
            os.getcwd(),
            tuple(arguments),
            tuple(environment),
            tuple(terminal),
            tuple(streams),
        )
    )


def _terminal_size(descriptor: int) -> tuple[int, int] | None:
    try:
        columns, lines = os.get_terminal_size(descriptor)
    except OSError:  # not a terminal
        return None
    return columns, lines


def replay(path: str, key: bytes) -> bool:
    """Print the answer stored in ``path`` if it was stored for ``key``, its inputs are as they
    were and it still holds at this time; whether it was printed."""
    try:
        with open(path, "rb") as file:
            layout, stored_key, inputs, expiry, chunks = marshal.load(file)
        if layout != LAYOUT or stored_key != key:
            return False
        if expiry is not None and time.time() >= expiry:
            return False
        if any(fingerprint(kind, where) != found for kind, where, found in inputs):
            return False
        printed = [(int(index), str(text)) for index, text in chunks]
    except Exception:  # missing, truncated or from another layout: the command runs
        return False
    streams = _streams()
    for index, text in printed:
        streams[1 - index].flush()
        streams[index].write(text)
    for stream in streams:
        stream.flush()
    return True


def fingerprint(kind: str, where: str) -> object:
    """What a stored answer remembers of one input, by ``kind``:

    - "file": a file or folder's inode, size, modification and change times;
    - "tree": those of every file under a folder;
    - "database": a SQLite file's, and its first bytes (the header, with its change counter);
    - "database-log": a SQLite ``-wal`` or ``-journal`` file's size and first bytes, an empty
      one being as good as none (every write grows the write-ahead log, or starts it afresh
      with new salts in its header). Not its times: every reader truncates the log, and leaves
      it, empty, while its connection stays open. (Nor the ``-shm`` index: rebuilt by readers,
      it tells nothing the log does not.)
    """
    if kind == "tree":
        return tuple(_tree(where))
    head = None
    try:
        if kind == "file":
            facts = os.stat(where)
        else:
            with open(where, "rb") as file:
                facts = os.fstat(file.fileno())
                head = file.read(HEAD_BYTES)
    except OSError:
        return None
    if kind == "database-log":
        return (facts.st_size, head) if facts.st_size else None
    return (facts.st_ino, facts.st_size, facts.st_mtime_ns, facts.st_ctime_ns, head)


def _tree(folder: str) -> list[tuple[str, int, int, int, int]]:
    found = []
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return []
    for entry in entries:
        if entry.name == "__pycache__":  # written by Python itself, from the files beside it
            continue
        if entry.is_dir(follow_symlinks=False):
            found.extend(_tree(entry.path))
        else:
            facts = entry.stat()
            found.append(
                (entry.path, facts.st_ino, facts.st_size, facts.st_mtime_ns, facts.st_ctime_ns)
            )
    return found


def valid_until(moment: float) -> None:
    """Say that the output printed in this run stops being true at ``moment`` (a POSIX time):
    its stored answer is not replayed from then on."""
    global _expiry
    _expiry = moment if _expiry is None else min(_expiry, moment)


def record(path: str, key: bytes, command: tuple[tuple[str, ...], dict[str, str]]) -> None:
    """Run the command and store what it printed, when it succeeded and nothing it read changed
    while it ran."""
    inputs = command_inputs(command)
    if inputs is None:
        _run_app()
        return
    before = [fingerprint(kind, where) for kind, where in inputs]
    global _expiry
    _expiry = None
    chunks: list[tuple[int, str]] = []
    tees = [_Tee(stream, index, chunks) for index, stream in enumerate(_streams())]
    sys.stdout, sys.stderr = tees[0].as_text(), tees[1].as_text()
    try:
        _run_app()
        code: str | int | None = 0
    except SystemExit as exit:
        code = exit.code
    finally:
        sys.stdout, sys.stderr = tees[0].stream, tees[1].stream
    after = [fingerprint(kind, where) for kind, where in inputs]
    kept = _expiry is None or _expiry > time.time()
    if code in (0, None) and before == after and kept and not any(t.bypassed for t in tees):
        found = [(kind, where, value) for (kind, where), value in zip(inputs, after, strict=True)]
        _store(path, marshal.dumps((LAYOUT, key, found, _expiry, chunks)))
    sys.exit(code)


def command_inputs(command: tuple[tuple[str, ...], dict[str, str]]) -> list[tuple[str, str]] | None:
    """The files ``command`` reads, as (kind, path) for :func:`fingerprint`; None when one of
    them cannot be watched (a database other than a SQLite file)."""
    import pmpath

    words, values = command
    inputs = [("tree", os.path.dirname(os.path.abspath(pmpath.__file__)))]
    # Where libraries are installed: installing, upgrading or removing one changes the folder.
    # (Not every folder on the path: the first may be the working folder, changed by any file
    # made there.)
    libraries = [f for f in sys.path if os.path.basename(f) in ("site-packages", "dist-packages")]
    inputs += [("file", folder) for folder in libraries]
    framework = values.get("--framework")
    if framework is not None:
        inputs.append(("file", os.path.abspath(framework)))
    if COMMANDS[words][2]:
        database = sqlite_file(values.get("--database-url"))
        if database is None:
            return None
        inputs.append(("database", database))
        inputs += [("database-log", database + suffix) for suffix in ("-wal", "-journal")]
    return inputs


def sqlite_file(given: str | None) -> str | None:
    """The file of the database the commands open (``given``, else ``PMPATH_DATABASE_URL``, else
    the default), when it is a SQLite file; else None. Only asked on a run that may store."""
    from pmpath.app import sqlite_database_file

    return sqlite_database_file(given)


def _store(path: str, answer: bytes) -> None:
    import tempfile

    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        # Written aside and renamed: a reader never sees half an answer.
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            file.write(answer)
        os.replace(temporary, path)
        stored = sorted(
            (entry.stat().st_mtime_ns, entry.path)
            for entry in os.scandir(folder)
            if entry.name.endswith(".answer")
        )
        for _, stale in stored[:-ANSWERS_KEPT]:
            os.unlink(stale)
    except OSError:
        pass  # a cache that cannot be written only costs the next run its time


def _run_app() -> None:
    from pmpath.cli.app import main as run

    run()


def _streams() -> list[TextIO]:
    return [sys.stdout, sys.stderr]


class _Tee(io.TextIOBase):
    """A standard stream that also keeps what is written to it, in order with the other's."""

    def __init__(self, stream: TextIO, index: int, chunks: list[tuple[int, str]]) -> None:
        self.stream, self._index, self._chunks = stream, index, chunks
        #: Something reached for the bytes underneath (not kept): the answer is not stored.
        self.bypassed = False

    def as_text(self) -> TextIO:
        from typing import cast

        return cast("TextIO", self)

    def write(self, text: str) -> int:
        self._chunks.append((self._index, text))
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.stream.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.stream.errors

    @property
    def buffer(self) -> object:
        self.bypassed = True
        return self.stream.buffer
