"""The API reference at /docs: a page of the site drawn from the app's own OpenAPI schema.

It replaces FastAPI's Swagger UI and ReDoc pages, which load their scripts from a CDN (blank
offline, and outside the site's content security policy). Every operation of /openapi.json is
listed with its method, path, summary, parameters, request body, responses and who may call
it; the schemas follow. The page is built once per app, on its first request.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from dataclasses import dataclass, field
from typing import Any, get_args

from fastapi import APIRouter, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from markupsafe import Markup, escape

from pmpath.web import deps
from pmpath.web.pages.render import page
from pmpath.web.problems import API_ERROR_STATUSES, PROBLEM_JSON, TITLES

router = APIRouter()

Json = dict[str, Any]


def _admits(caller: Any) -> Any:
    """The dependency behind one of deps' caller types (``Annotated[User, Depends(...)]``)."""
    return get_args(caller)[1].dependency


#: Who may call an operation, by the dependency that admits the caller (weakest first).
CALLERS = {
    _admits(deps.Learner): "Signed in (any account)",
    _admits(deps.Author): "Authors and admins",
    _admits(deps.Admin): "Admins",
}
ANYONE = "Anyone, signed in or not"
#: The HTTP methods in the order an operation list shows them.
METHODS = ("get", "post", "put", "patch", "delete")
REF = "#/components/schemas/"


@dataclass
class Parameter:
    name: str
    where: str
    type: Markup
    required: bool
    notes: str


@dataclass
class Reply:
    status: str
    description: str
    body: Markup | None


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    caller: str
    parameters: list[Parameter]
    body: Markup | None
    body_type: str | None
    replies: list[Reply]
    #: Statuses answered with problem details, described once at the top of the page.
    refusals: list[str]


@dataclass
class Group:
    anchor: str
    name: str
    about: str
    operations: list[Operation] = field(default_factory=list)


@dataclass
class Schema:
    name: str
    about: str
    kind: Markup
    fields: list[Parameter]


@dataclass
class Reference:
    title: str
    version: str
    summary: str
    groups: list[Group]
    schemas: list[Schema]


@router.get("/docs", response_class=HTMLResponse)
def api_reference(request: Request) -> HTMLResponse:
    app: FastAPI = request.app
    reference = getattr(app.state, "api_reference", None)
    if reference is None:
        reference = app.state.api_reference = build(app)
    refusals = {status: TITLES[status] for status in API_ERROR_STATUSES}
    return page(request, "api_docs.html", {"api": reference, "refusals": refusals})


def build(app: FastAPI) -> Reference:
    """The reference of every operation in ``app``'s OpenAPI schema, grouped by the API module
    that serves it (in the order of the schema)."""
    schema = app.openapi()
    routes = api_routes()
    groups: dict[str, Group] = {}
    for path, operations in schema.get("paths", {}).items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            route = routes.get((method, path))
            module = route.endpoint.__module__ if route else ""
            group = groups.get(module)
            if group is None:
                group = groups[module] = _group(module)
            group.operations.append(_operation(method, path, operation, route))
    components = schema.get("components", {}).get("schemas", {})
    schemas = [_schema(name, body) for name, body in sorted(components.items())]
    info = schema.get("info", {})
    return Reference(
        title=str(info.get("title", "")),
        version=str(info.get("version", "")),
        summary=str(info.get("summary") or info.get("description") or ""),
        groups=list(groups.values()),
        schemas=schemas,
    )


def api_routes() -> dict[tuple[str, str], APIRoute]:
    """Every route of the REST API by (method, full path): each area module of
    :mod:`pmpath.web.api` has a ``router``, mounted under the API's prefix."""
    from pmpath.web import api

    routes = {}
    for found in pkgutil.iter_modules(api.__path__, f"{api.__name__}."):
        area = importlib.import_module(found.name)
        router = getattr(area, "router", None)
        if not isinstance(router, APIRouter):
            continue
        for route in router.routes:
            if isinstance(route, APIRoute):
                for method in route.methods or ():
                    routes[method.lower(), api.router.prefix + route.path] = route
    return routes


def _group(module: str) -> Group:
    name = module.rsplit(".", 1)[-1]
    loaded = sys.modules.get(module)
    doc = (loaded.__doc__ or "").strip() if loaded else ""
    about = doc.split("\n\n", 1)[0].replace("\n", " ")
    return Group(anchor=f"group-{name}", name=name.capitalize(), about=about)


def _operation(method: str, path: str, operation: Json, route: APIRoute | None) -> Operation:
    parameters = [
        Parameter(
            name=str(p["name"]),
            where=str(p.get("in", "")),
            type=type_of(p.get("schema", {})),
            required=bool(p.get("required")),
            notes=_notes(p.get("schema", {}), p.get("description")),
        )
        for p in operation.get("parameters", [])
    ]
    body: Markup | None = None
    body_type: str | None = None
    request_body: Json = operation.get("requestBody") or {}
    for media_type, described in request_body.get("content", {}).items():
        body_type, body = media_type, type_of(described.get("schema", {}))
        break  # every body here has one media type
    replies = []
    refusals = []
    for status, reply in sorted(operation.get("responses", {}).items()):
        content = reply.get("content", {})
        if PROBLEM_JSON in content:
            refusals.append(str(status))
            continue
        shown = next(iter(content.values()), None)
        replies.append(
            Reply(
                status=str(status),
                description=str(reply.get("description", "")),
                body=type_of(shown["schema"]) if shown and "schema" in shown else None,
            )
        )
    return Operation(
        anchor=f"op-{operation.get('operationId') or method + path}",
        method=method.upper(),
        path=path,
        summary=str(operation.get("summary", "")),
        description=_prose(str(operation.get("description", ""))),
        caller=caller_of(route.dependant) if route else ANYONE,
        parameters=parameters,
        body=body,
        body_type=body_type,
        replies=replies,
        refusals=refusals,
    )


def caller_of(dependant: Dependant) -> str:
    """Who may call the route: the strictest caller dependency anywhere in its tree."""
    found = [CALLERS[d.call] for d in _walk(dependant) if d.call in CALLERS]
    order = list(CALLERS.values())
    return max(found, key=order.index) if found else ANYONE


def _walk(dependant: Dependant) -> list[Dependant]:
    out = []
    for child in dependant.dependencies:
        out.append(child)
        out.extend(_walk(child))
    return out


def _schema(name: str, body: Json) -> Schema:
    required = set(body.get("required", []))
    fields = [
        Parameter(
            name=str(key),
            where="",
            type=type_of(value),
            required=key in required,
            notes=_notes(value, value.get("description")),
        )
        for key, value in body.get("properties", {}).items()
    ]
    return Schema(
        name=name,
        about=_prose(str(body.get("description", ""))),
        kind=Markup("object") if fields else type_of(body),
        fields=fields,
    )


def type_of(schema: Json) -> Markup:
    """A JSON schema as a short phrase: "integer", "list of <Role>", "string or null"; named
    schemas link to their entry on the page."""
    if "$ref" in schema:
        name = str(schema["$ref"]).removeprefix(REF)
        return Markup('<a href="#schema-{0}"><code>{0}</code></a>').format(name)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            joiner = " and " if key == "allOf" else " or "
            return Markup(joiner).join(type_of(part) for part in schema[key])
    if "enum" in schema:
        return Markup("one of ") + Markup(", ").join(
            Markup("<code>{}</code>").format(value) for value in schema["enum"]
        )
    if "const" in schema:
        return Markup("<code>{}</code>").format(schema["const"])
    kind = schema.get("type")
    if kind == "array":
        return Markup("list of ") + type_of(schema.get("items", {}))
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return Markup("map of string to ") + type_of(schema["additionalProperties"])
    if isinstance(kind, list):
        return Markup(" or ").join(escape(k) for k in kind)
    if kind:
        fmt = schema.get("format")
        return escape(f"{kind} ({fmt})" if fmt else kind)
    return Markup("any JSON")


def _notes(schema: Json, description: object) -> str:
    """Defaults and limits of a value, after its description."""
    notes = [_prose(str(description))] if description else []
    if "default" in schema:
        notes.append(f"default {_value(schema['default'])}")
    limits = [
        ("minimum", "at least"),
        ("maximum", "at most"),
        ("minLength", "at least {} characters"),
        ("maxLength", "at most {} characters"),
    ]
    for key, words in limits:
        if key in schema:
            notes.append(words.format(schema[key]) if "{}" in words else f"{words} {schema[key]}")
    return "; ".join(notes)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def _prose(text: str) -> str:
    """Docstring markup (reStructuredText's ``code``) as the Markdown the page renders."""
    return re.sub(r"``([^`]+)``", r"`\1`", text).strip()
