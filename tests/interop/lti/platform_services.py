"""An LMS's LTI Advantage services, built in the tests from the specifications, served over real
HTTP on 127.0.0.1 (a thread): what pmpath's grade passback and roster import talk to.

- the **token endpoint** of the 1EdTech Security Framework 1.0 (section 4.1): the OAuth 2
  client-credentials grant with a JWT client assertion (RFC 7523), verified against the tool's
  published JWKS with PyJWT; a bad assertion is refused with ``invalid_client`` (401) or
  ``invalid_grant``/``invalid_request`` (400) as RFC 6749 section 5.2 says;
- **Assignment and Grade Services 2.0**: the line items container (GET, POST), a line item (GET),
  scores (POST, ``application/vnd.ims.lis.v1.score+json``; a score older than the one on record
  is refused with 409) and results (GET);
- **Names and Role Provisioning Services 2.0**: a course's membership container, paged with
  ``Link: <...>; rel="next"``.

Every service checks the bearer token and its scope (401/403), and the media types (415).
Switches for the tests: ``down`` (every request answers 503), ``refuse_tokens`` (the token
endpoint answers 401 invalid_client), ``revoke_tokens()`` (tokens handed out stop working).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import requests

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_RESULT = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
AGS_SCOPES = [SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY, SCOPE_SCORE, SCOPE_RESULT]
KNOWN_SCOPES = {*AGS_SCOPES, SCOPE_NRPS}

LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE = "application/vnd.ims.lis.v1.score+json"
RESULTS = "application/vnd.ims.lis.v2.resultcontainer+json"
MEMBERSHIPS = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ACTIVITY = {"Initialized", "Started", "InProgress", "Submitted", "Completed"}
GRADING = {"FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"}

ROLE_LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
ROLE_INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


@dataclass
class Course:
    """A course of the platform: its line items, their scores, and its members."""

    id: str
    title: str
    members: list[dict[str, Any]] = field(default_factory=list)
    line_items: list[dict[str, Any]] = field(default_factory=list)
    #: line item id (URL) -> the scores posted to it, in order.
    scores: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class PlatformServices:
    """The services of one platform for one tool registration (``client_id``)."""

    def __init__(
        self,
        client_id: str,
        tool_jwks: Callable[[], dict[str, Any]] | str,
        *,
        token_lifetime: int = 3600,
        page_size: int = 50,
    ) -> None:
        self.client_id = client_id
        self.tool_jwks = tool_jwks
        self.token_lifetime = token_lifetime
        self.page_size = page_size
        self.courses: dict[str, Course] = {}
        self.down = False
        self.refuse_tokens = False
        #: (method, path) of every request, in order.
        self.requests: list[tuple[str, str]] = []
        self._tokens: dict[str, tuple[set[str], float]] = {}
        self._seen_jti: set[str] = set()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- running -----------------------------------------------------------------------------

    def start(self) -> PlatformServices:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    # -- the courses ---------------------------------------------------------------------------

    def add_course(self, course_id: str, title: str) -> Course:
        course = Course(course_id, title)
        self.courses[course_id] = course
        return course

    def lineitems_url(self, course_id: str) -> str:
        return f"{self.url}/courses/{course_id}/lineitems"

    def memberships_url(self, course_id: str) -> str:
        return f"{self.url}/courses/{course_id}/memberships"

    def add_line_item(self, course_id: str, **fields: Any) -> dict[str, Any]:
        """A line item made on the platform (as an instructor or a launch's ``lineitem``)."""
        course = self.courses[course_id]
        item = {"id": f"{self.lineitems_url(course_id)}/{len(course.line_items) + 1}", **fields}
        course.line_items.append(item)
        course.scores[item["id"]] = []
        return item

    def scores_of(self, course_id: str) -> dict[str, list[dict[str, Any]]]:
        """The scores of the course, by line item label."""
        course = self.courses[course_id]
        return {
            item.get("label", item["id"]): course.scores[item["id"]] for item in course.line_items
        }

    def revoke_tokens(self) -> None:
        """Every token handed out so far stops working (as if it expired early)."""
        with self._lock:
            self._tokens.clear()

    # -- the token endpoint ----------------------------------------------------------------------

    def issue_token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if self.refuse_tokens:
            return 401, {"error": "invalid_client", "error_description": "unknown client"}
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            return 400, {"error": "invalid_request", "error_description": "assertion type"}
        assertion = form.get("client_assertion", "")
        try:
            header = jwt.get_unverified_header(assertion)
            key = self._tool_key(header.get("kid"))
            claims = jwt.decode(
                assertion,
                key,
                algorithms=["RS256"],
                audience=self.token_url,
                issuer=self.client_id,
                options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]},
            )
        except (jwt.PyJWTError, LookupError) as error:
            return 401, {"error": "invalid_client", "error_description": str(error)}
        if claims["sub"] != self.client_id:
            return 401, {"error": "invalid_client", "error_description": "sub is not the client"}
        with self._lock:
            if claims["jti"] in self._seen_jti:
                return 400, {"error": "invalid_grant", "error_description": "jti replayed"}
            self._seen_jti.add(claims["jti"])
            asked = set(form.get("scope", "").split())
            granted = asked & KNOWN_SCOPES
            if not granted:
                return 400, {"error": "invalid_scope"}
            token = secrets.token_urlsafe(24)
            self._tokens[token] = (granted, time.time() + self.token_lifetime)
        return 200, {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
            "scope": " ".join(sorted(granted)),
        }

    def _tool_key(self, kid: str | None) -> Any:
        source = self.tool_jwks
        document = requests.get(source, timeout=5).json() if isinstance(source, str) else source()
        for entry in document.get("keys", []):
            if entry.get("kid") == kid:
                return jwt.PyJWK(entry).key
        raise LookupError(f"no key {kid!r} in the tool's JWKS")

    def authorised(self, header: str | None, scopes: set[str]) -> int | None:
        """None when the bearer token is valid and has one of ``scopes``; else the status."""
        if not header or not header.startswith("Bearer "):
            return 401
        with self._lock:
            found = self._tokens.get(header.removeprefix("Bearer ").strip())
        if found is None or found[1] < time.time():
            return 401
        return None if found[0] & scopes else 403

    # -- AGS and NRPS ----------------------------------------------------------------------------

    def list_line_items(self, course: Course, query: dict[str, list[str]]) -> list[dict[str, Any]]:
        found = course.line_items
        for name, key in (("resource_link_id", "resourceLinkId"), ("tag", "tag")):
            if name in query:
                found = [item for item in found if item.get(key) == query[name][0]]
        if "resource_id" in query:
            found = [item for item in found if item.get("resourceId") == query["resource_id"][0]]
        return found

    def create_line_item(self, course: Course, body: Any) -> tuple[int, Any]:
        if not isinstance(body, dict) or not body.get("label"):
            return 400, {"error": "a line item needs a label"}
        maximum = body.get("scoreMaximum")
        if not isinstance(maximum, (int, float)) or maximum <= 0:
            return 400, {"error": "scoreMaximum must be a number above 0"}
        fields = {k: v for k, v in body.items() if k != "id"}
        return 201, self.add_line_item(course.id, **fields)

    def post_score(self, course: Course, item: dict[str, Any], body: Any) -> tuple[int, Any]:
        problem = _score_problem(body)
        if problem:
            return 400, {"error": problem}
        previous = [s for s in course.scores[item["id"]] if s["userId"] == body["userId"]]
        if previous and _time(previous[-1]["timestamp"]) > _time(body["timestamp"]):
            return 409, {"error": "a newer score is on record"}
        course.scores[item["id"]].append(body)
        return 204, None

    def results(self, course: Course, item: dict[str, Any]) -> list[dict[str, Any]]:
        newest: dict[str, dict[str, Any]] = {}
        for score in course.scores[item["id"]]:
            newest[score["userId"]] = score
        return [
            {
                "id": f"{item['id']}/results/{user}",
                "scoreOf": item["id"],
                "userId": user,
                "resultScore": score.get("scoreGiven"),
                "resultMaximum": item.get("scoreMaximum"),
            }
            for user, score in newest.items()
        ]

    def memberships(self, course: Course, page: int) -> tuple[dict[str, Any], str | None]:
        start = (page - 1) * self.page_size
        chunk = course.members[start : start + self.page_size]
        more = start + self.page_size < len(course.members)
        body = {
            "id": self.memberships_url(course.id),
            "context": {"id": course.id, "label": course.id, "title": course.title},
            "members": chunk,
        }
        return body, (f"{self.memberships_url(course.id)}?page={page + 1}" if more else None)


def _score_problem(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "a score is a JSON object"
    if not isinstance(body.get("userId"), str) or not body["userId"]:
        return "userId is required"
    if body.get("activityProgress") not in ACTIVITY:
        return "activityProgress is required and must be one of the specification's values"
    if body.get("gradingProgress") not in GRADING:
        return "gradingProgress is required and must be one of the specification's values"
    if "scoreGiven" in body:
        if not isinstance(body["scoreGiven"], (int, float)) or body["scoreGiven"] < 0:
            return "scoreGiven must be a number of 0 or more"
        if not isinstance(body.get("scoreMaximum"), (int, float)) or body["scoreMaximum"] <= 0:
            return "scoreMaximum must come with scoreGiven, above 0"
    try:
        moment = _time(body.get("timestamp", ""))
    except ValueError:
        return "timestamp must be ISO 8601 with a time zone"
    if moment.tzinfo is None:
        return "timestamp must carry its time zone"
    return None


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _handler(platform: PlatformServices) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet tests

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, method: str) -> None:
            parts = urlsplit(self.path)
            platform.requests.append((method, parts.path))
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if platform.down:
                self._send(503, {"error": "the platform is down for maintenance"})
                return
            path = [p for p in parts.path.split("/") if p]
            query = parse_qs(parts.query)
            if method == "POST" and path == ["token"]:
                form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                self._send(*platform.issue_token(form))
                return
            if len(path) < 3 or path[0] != "courses" or path[1] not in platform.courses:
                self._send(404, {"error": "no such resource"})
                return
            course = platform.courses[path[1]]
            rest = path[2:]
            auth = self.headers.get("Authorization")
            if rest == ["memberships"] and method == "GET":
                if (status := platform.authorised(auth, {SCOPE_NRPS})) is not None:
                    self._send(status, {"error": "invalid_token"})
                    return
                page = int(query.get("page", ["1"])[0])
                body, next_url = platform.memberships(course, page)
                links = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
                self._send(200, body, MEMBERSHIPS, links)
                return
            if rest[0] != "lineitems":
                self._send(404, {"error": "no such resource"})
                return
            if len(rest) == 1:
                self._container(method, course, query, auth, raw)
                return
            item = next(
                (i for i in course.line_items if i["id"].rsplit("/", 1)[1] == rest[1]), None
            )
            if item is None:
                self._send(404, {"error": "no such line item"})
                return
            self._line_item(method, course, item, rest[2:], auth, raw)

        def _container(
            self, method: str, course: Course, query: Any, auth: str | None, raw: bytes
        ) -> None:
            if method == "GET":
                wanted = {SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY}
                if (status := platform.authorised(auth, wanted)) is not None:
                    self._send(status, {"error": "invalid_token"})
                    return
                self._send(200, platform.list_line_items(course, query), LINEITEMS)
                return
            if (status := platform.authorised(auth, {SCOPE_LINEITEM})) is not None:
                self._send(status, {"error": "invalid_token"})
                return
            if self.headers.get("Content-Type", "").split(";")[0] != LINEITEM:
                self._send(415, {"error": f"send {LINEITEM}"})
                return
            status, body = platform.create_line_item(course, _json(raw))
            self._send(status, body, LINEITEM)

        def _line_item(
            self,
            method: str,
            course: Course,
            item: dict[str, Any],
            rest: list[str],
            auth: str | None,
            raw: bytes,
        ) -> None:
            if not rest and method == "GET":
                wanted = {SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY}
                if (status := platform.authorised(auth, wanted)) is not None:
                    self._send(status, {"error": "invalid_token"})
                    return
                self._send(200, item, LINEITEM)
            elif rest == ["scores"] and method == "POST":
                if (status := platform.authorised(auth, {SCOPE_SCORE})) is not None:
                    self._send(status, {"error": "invalid_token"})
                    return
                if self.headers.get("Content-Type", "").split(";")[0] != SCORE:
                    self._send(415, {"error": f"send {SCORE}"})
                    return
                self._send(*platform.post_score(course, item, _json(raw)))
            elif rest == ["results"] and method == "GET":
                if (status := platform.authorised(auth, {SCOPE_RESULT})) is not None:
                    self._send(status, {"error": "invalid_token"})
                    return
                self._send(200, platform.results(course, item), RESULTS)
            else:
                self._send(405, {"error": "method not allowed"})

        def _send(
            self,
            status: int,
            body: Any,
            media_type: str = "application/json",
            headers: dict[str, str] | None = None,
        ) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            if data:
                self.send_header("Content-Type", media_type)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return None


def member(
    subject: str,
    name: str,
    email: str | None = None,
    *,
    instructor: bool = False,
    status: str = "Active",
) -> dict[str, Any]:
    """A member of a membership container as NRPS 2.0 writes it."""
    found: dict[str, Any] = {
        "status": status,
        "name": name,
        "user_id": subject,
        "roles": [ROLE_INSTRUCTOR if instructor else ROLE_LEARNER],
    }
    if email:
        found["email"] = email
    return found
