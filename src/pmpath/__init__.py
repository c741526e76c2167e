"""pmpath: a career-path navigator for product managers, with a practice-exam engine."""

__version__ = "0.1.0"
