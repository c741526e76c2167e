"""``python -m pmpath`` runs the command line, as the ``pmpath`` console script does."""

from pmpath.cli.replay import main

main()
