"""Use cases that every interface (CLI, web, API) calls; they return plain, JSON-ready data."""
