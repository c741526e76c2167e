"""The ``pmpath`` command line: thin Typer commands over :mod:`pmpath.services`."""
