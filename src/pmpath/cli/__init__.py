"""The ``pmpath`` command line: thin Typer commands over :mod:`pmpath.services`.

Start-up time is part of the interface (benchmarks/cli_startup.py). Two habits keep it low:
command modules import heavy libraries (pydantic, Rich, the framework) inside the command
functions, and they do not use ``from __future__ import annotations``, because Typer
resolves every parameter annotation of every command at start-up and string annotations
each cost an ``eval``.
"""
