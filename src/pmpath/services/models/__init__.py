"""The typed results of the services: one contract for every interface.

A service returns these models; the CLI prints ``model_dump(mode="json")`` for ``--json``, the
API declares them as ``response_model`` (so ``/openapi.json`` documents every field), and the
pages render them. One model per shape, named for what it describes; a field's order is the
order of the keys in the JSON output (docs/cli.md documents them).
"""

from pydantic import BaseModel, ConfigDict


class Result(BaseModel):
    """Base of every service result."""

    # extra="forbid": a key that is not declared is a bug, not data to pass along.
    model_config = ConfigDict(extra="forbid", defer_build=True)


__all__ = ["Result"]
