"""``python -m pmpath`` runs the command line."""

from pmpath.cli.app import main

main()
