"""Who runs where, and how much CPU each side used.

The load client and the server share one machine. Pinned, the client has one core of its own
and the processes the benchmark starts (uvicorn and its workers, the canned server) the
others, so neither steals the other's core and the client's CPU time says whether it kept up:
a client that used well under its core's wall time was waiting for the server, not the
other way round. A PostgreSQL server is not started by the benchmark and is not pinned: it runs
wherever the operating system puts it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Placement:
    """The cores of the client and of the server processes; empty sets when not pinned."""

    client: frozenset[int] = frozenset()
    server: frozenset[int] = frozenset()

    @property
    def pinned(self) -> bool:
        return bool(self.client)

    def server_command(self, command: list[str]) -> list[str]:
        """``command`` run under ``taskset`` on the server's cores (its children inherit them)."""
        if not self.server:
            return command
        return ["taskset", "-c", ",".join(map(str, sorted(self.server))), *command]

    def describe(self, database: str) -> str:
        if not self.pinned:
            return "not pinned: the client and the server share every core"
        note = (
            "; PostgreSQL runs outside the benchmark's control, on any core"
            if database == "postgresql"
            else ""
        )
        return (
            f"pinned: the client on CPU {_cores(self.client)}, the app server (uvicorn) on CPU "
            f"{_cores(self.server)}{note}"
        )


def _cores(cores: frozenset[int]) -> str:
    return ",".join(map(str, sorted(cores)))


def pin(enabled: bool) -> Placement:
    """Pin this process (the client) to its first allowed core and keep the rest for the
    server; unpinned with ``enabled`` false or fewer than two cores. Call it before any thread
    starts: threads started later inherit the affinity."""
    if not enabled or not hasattr(os, "sched_setaffinity"):
        return Placement()
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        print("only one core: the client and the server cannot be pinned apart")
        return Placement()
    client = frozenset(cores[:1])
    os.sched_setaffinity(0, client)
    return Placement(client, frozenset(cores[1:]))


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def tree_cpu_seconds(pid: int) -> float | None:
    """User and system CPU seconds of process ``pid`` and all its descendants (Linux /proc;
    None where there is no /proc)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    parents: dict[int, int] = {}
    seconds: dict[int, float] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # After the command's closing parenthesis: state, ppid, ..., utime (12th), stime.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone while we looked
        parents[int(entry.name)] = int(fields[1])
        seconds[int(entry.name)] = (int(fields[11]) + int(fields[12])) / _TICK
    tree = {pid}
    grown = True
    while grown:
        grown = False
        for child, parent in parents.items():
            if parent in tree and child not in tree:
                tree.add(child)
                grown = True
    return sum(seconds.get(member, 0.0) for member in tree)


#: A client busier than this share of its core may be what limits the rate it measures.
CLIENT_BUSY = 0.8


@dataclass
class Usage:
    """Wall time of a phase beside the CPU time the client and the server spent in it."""

    wall: float = 0.0
    client: float = 0.0
    server: float | None = None

    @property
    def client_share(self) -> float:
        """The share of one core the client used: near 1, the client was the bottleneck."""
        return self.client / self.wall if self.wall else float("nan")

    @property
    def client_bound(self) -> bool:
        return self.client_share >= CLIENT_BUSY

    def line(self, name: str) -> str:
        server = "" if self.server is None else f", the server {self.server:.1f} s"
        warning = (
            " -- the client was busy most of the time: what it measured here may be its own limit"
            if self.client_bound
            else ""
        )
        return (
            f"{name}: wall {self.wall:.1f} s; CPU: the client {self.client:.1f} s "
            f"({self.client_share:.0%} of one core){server}{warning}"
        )


@contextmanager
def measured(server_pid: int | None) -> Iterator[Usage]:
    """Fills the yielded :class:`Usage` when the block ends."""
    usage = Usage()
    wall, client = time.perf_counter(), time.process_time()
    server = tree_cpu_seconds(server_pid) if server_pid else None
    try:
        yield usage
    finally:
        usage.wall = time.perf_counter() - wall
        usage.client = time.process_time() - client
        after = tree_cpu_seconds(server_pid) if server_pid else None
        usage.server = after - server if after is not None and server is not None else None
