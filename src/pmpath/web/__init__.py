"""The web app and REST API: FastAPI over the same services the CLI uses."""
