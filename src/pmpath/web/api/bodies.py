"""Reading request bodies and writing the hot routes' replies."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, RootModel
from starlette.requests import ClientDisconnect

from pmpath.errors import PmpathError, TooLargeError

#: An answer or a review answer: the largest real one (a matching question's map) is < 1 KB.
ANSWER_BODY_LIMIT = 16 * 1024


async def json_body(request: Request, limit: int = ANSWER_BODY_LIMIT) -> Any:
    """The request body as JSON (null when empty); 413 over ``limit`` bytes, a clear 422
    problem when it is not JSON, nests too deep or holds text that is not Unicode."""
    try:
        body = await request.body()
    except ClientDisconnect:
        # Nobody is left to answer; without this the server logs a traceback per drop.
        raise PmpathError("the client went away before sending the whole body") from None
    if len(body) > limit:
        raise TooLargeError(f"the request body is over this route's limit of {limit:,} bytes")
    try:
        value = json.loads(body or b"null")
    except json.JSONDecodeError as exc:
        raise PmpathError(f"the request body is not JSON: {exc.msg} at line {exc.lineno}") from None
    except UnicodeDecodeError:
        raise PmpathError("the request body is not UTF-8 text") from None
    except RecursionError:
        raise PmpathError("the request body nests too deep") from None
    if b"\\u" in body:
        # A JSON escape can name half of a surrogate pair, which no database can store.
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise PmpathError("the request body holds text that is not valid Unicode") from None
    return value


async def capped_body(request: Request, limit: int) -> bytes:
    """The request body, read as it arrives and refused (413) once it passes ``limit`` bytes,
    so an oversized upload never sits whole in memory."""
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise TooLargeError(f"the file is over the upload limit of {_mib(limit)}")
            chunks.append(chunk)
    except ClientDisconnect:
        raise PmpathError("the client went away before sending the whole body") from None
    return b"".join(chunks)


class AnswerBody(RootModel[str | float | list[str] | dict[str, str]]):
    """An answer, in the shape of its question: an option id ("b"), several (["a", "c"]), a
    number (12.5), the steps in order (["c", "a", "b"]), a map of left-hand items to option
    ids ({"Left": "a"}), a map of gap numbers to the option chosen there ({"1": "c", "2": "a"}),
    or text."""


def documented_body(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` for a route that reads its JSON body itself (to check who is asking
    first, and to report problems in pmpath's words): the body ``model`` takes, documented in
    /openapi.json as if FastAPI had read it."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        # "#/$defs/..." would point into the OpenAPI document, not this schema: inline them.
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return inline(definitions[ref.removeprefix("#/$defs/")])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": inline(schema)}},
        }
    }


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:g} MiB"


def model_json(model: BaseModel, status_code: int = 200) -> Response:
    """``model`` as JSON by pydantic's own serializer, skipping FastAPI's generic encoder and
    its validation of the model just built (about 1 ms for an exam's 30 questions as plain
    dicts through that encoder, on the hottest routes). Declare the model as the route's
    ``response_model`` so that /openapi.json still documents it."""
    return Response(model.model_dump_json(), status_code=status_code, media_type="application/json")


# Inline routes: starting an attempt and answering run their database work on the event loop,
# not in FastAPI's thread pool. Each is a few milliseconds of work that holds Python's GIL most
# of the time, so in 40 threads per process requests contend rather than overlap
# (benchmarks/web_load.py closed loop, PostgreSQL: 170 answers/s in threads with 2 processes,
# 477 inline with 3). Concurrency comes from app processes (`pmpath serve --workers`) instead.
