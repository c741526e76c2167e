"""LTI 1.3 on the web: the tool's public endpoints (its JWKS, OIDC login initiation, the launch),
what a launch leads to (the target chooser of a new link, the deep-linking picker and its
answer to the platform), and the admin page of platforms, URLs and keys.

Every rule is the LTI service's; a refused launch answers an HTML page naming what was wrong,
with the status it deserves (400 malformed, 401 not authentic, 403 not allowed here)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from pmpath.errors import ConflictError, PmpathError
from pmpath.interop.lti.claims import decode_target, encode_target
from pmpath.interop.lti.launch import LaunchRefused
from pmpath.services.accounts import SESSION_LIFETIME
from pmpath.services.models.lti import DeepLinkRequest, PlatformInput
from pmpath.web.auth import SESSION_COOKIE, secure
from pmpath.web.deps import Admin, App, Learner, MaybeUser, RowId
from pmpath.web.flash import flash
from pmpath.web.guards import SECURITY_HEADERS
from pmpath.web.pages.accounts import field_errors
from pmpath.web.pages.render import page

router = APIRouter()

LaunchId = Annotated[str, Path(min_length=10, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]
PLATFORM_FIELDS = (
    "name",
    "issuer",
    "client_id",
    "deployment_ids",
    "key_set_url",
    "auth_login_url",
    "auth_token_url",
    "auth_audience",
)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _refused(request: Request, error: LaunchRefused) -> Response:
    """The page of a refused login initiation or launch."""
    values = {"messages": [error.message], "claim": error.claim, "status": error.status}
    return page(request, "lti_error.html", values, error.status)


# -- the tool's public endpoints -------------------------------------------------------------------


@router.get("/lti/jwks.json")
def tool_jwks(app: App) -> JSONResponse:
    """The tool's public keys (current, and retired ones within their grace); no sign-in."""
    return JSONResponse(app.lti.jwks(), headers={"cache-control": "public, max-age=300"})


@router.api_route("/lti/login", methods=["GET", "POST"], response_model=None)
async def login_initiation(request: Request, app: App) -> Response:
    """Third-party initiated login: redirect to the platform's authentication endpoint."""
    params: dict[str, str] = dict(request.query_params)
    if request.method == "POST":
        form = await request.form()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    try:
        found = app.lti.login(params, request.cookies, secure(request), _base(request))
    except LaunchRefused as error:
        return _refused(request, error)
    response = RedirectResponse(found.location, status_code=302)
    for cookie in found.cookies:
        response.set_cookie(
            cookie.name,
            cookie.value,
            max_age=cookie.max_age,
            httponly=True,
            secure=cookie.secure,
            # The launch comes back by a cross-site form post: over https the state cookie
            # must be SameSite=None to come with it (it is only a second check, see the docs).
            samesite="none" if cookie.secure else "lax",
            path="/lti/",
        )
    return response


@router.post("/lti/launch", response_model=None)
async def launch(request: Request, app: App) -> Response:
    """The platform's form post: verify, record, sign in, and go where the link leads."""
    form = await request.form()
    params = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        outcome = app.lti.launch(params, request.cookies, secure(request))
    except LaunchRefused as error:
        return _refused(request, error)
    if outcome.launch_id is not None:
        where = f"/lti/deep-link/{outcome.launch_id}"
    elif outcome.redirect_to is not None:
        where = outcome.redirect_to
    else:
        where = f"/lti/links/{outcome.resource_link_row_id}"
    response = RedirectResponse(where, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        outcome.session_token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure(request),
        path="/",
    )
    return response


# -- a resource link with no target yet ------------------------------------------------------------


@router.get("/lti/links/{link_id}", response_class=HTMLResponse)
def link_page(request: Request, app: App, me: Learner, link_id: RowId) -> Response:
    title, where, may_choose = app.lti.link(me, link_id)
    if where is not None:
        return RedirectResponse(where, status_code=303)
    values = {
        "title": title,
        "may_choose": may_choose,
        "targets": app.lti.targets() if may_choose else [],
        "action": f"/lti/links/{link_id}",
        "encode": encode_target,
        "errors": {},
    }
    return page(request, "lti_link.html", values)


@router.post("/lti/links/{link_id}", response_model=None)
def choose_link_target(
    request: Request, app: App, me: Learner, link_id: RowId, target: str = Form("")
) -> Response:
    kind, ref = decode_target(target) or ("", None)
    where = app.lti.choose_link_target(me, link_id, kind, ref)
    response = RedirectResponse(where, status_code=303)
    flash(response, request, "Saved: this activity opens it for everyone in the course.")
    return response


# -- deep linking ----------------------------------------------------------------------------------


# The picker and the page returning to the LMS are what Moodle's "Select content" and Canvas's
# link selection show in an iframe of the LMS: they are authorised by the launch id in the URL
# (a one-hour, one-time capability, see LtiService.deep_link_request), not by the session
# cookie a cross-site frame does not send, and they may be framed by the platform's origins.


@router.get("/lti/deep-link/{launch_id}", response_class=HTMLResponse)
def deep_link_picker(request: Request, app: App, me: MaybeUser, launch_id: LaunchId) -> Response:
    found = app.lti.deep_link_request(me, launch_id)
    return _picker(request, app, found, launch_id)


def _picker(
    request: Request,
    app: Any,
    found: DeepLinkRequest,
    launch_id: str,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    values = {
        "course": found.course,
        "targets": app.lti.targets(),
        "action": f"/lti/deep-link/{launch_id}",
        "encode": encode_target,
        "errors": errors or {},
    }
    response = page(request, "lti_deep_link.html", values, status)
    response.headers["content-security-policy"] = framed_policy(found.frame_origins)
    return response


@router.post("/lti/deep-link/{launch_id}", response_model=None)
def deep_link_answer(
    request: Request, app: App, me: MaybeUser, launch_id: LaunchId, target: str = Form("")
) -> Response:
    kind, ref = decode_target(target) or ("", None)
    try:
        answer = app.lti.answer_deep_link(me, launch_id, kind, ref, _base(request))
    except PmpathError as error:
        if error.location.field_path != ("target",):
            raise
        found = app.lti.deep_link_request(me, launch_id)
        errors = {"target": "Choose one of the exams, practice or the self-assessment."}
        return _picker(request, app, found, launch_id, errors, 422)
    response = page(request, "lti_deep_link_return.html", {"answer": answer})
    response.headers["content-security-policy"] = framed_policy(
        answer.frame_origins, _origin(answer.return_url)
    )
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def framed_policy(frame_origins: list[str], form_origin: str | None = None) -> str:
    """The site's Content-Security-Policy for a page the platform shows in its iframe:
    ``frame-ancestors`` names the platform's origins instead of 'none' ('none' when there are
    none), and on the return page ``form-action`` also allows the LMS's origin, where its one
    form posts the signed answer. The Guards middleware keeps a reply's own policy and then
    leaves out X-Frame-Options: DENY (frame-ancestors supersedes it)."""
    policy = dict(SECURITY_HEADERS)[b"content-security-policy"].decode()
    ancestors = " ".join(frame_origins) or "'none'"
    policy = policy.replace("frame-ancestors 'none'", f"frame-ancestors {ancestors}")
    if form_origin is not None:
        policy = policy.replace("form-action 'self'", f"form-action 'self' {form_origin}")
    return policy


# -- the admin page ------------------------------------------------------------------------------


def _admin_page(
    request: Request,
    app: Any,
    me: Any,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "platforms": app.lti.platforms(me).platforms,
        "urls": app.lti.tool_urls(_base(request)),
        "keys": app.lti.keys(me),
        "values": values or {},
        "errors": errors or {},
    }
    return page(request, "lti_admin.html", context, status)


@router.get("/admin/lti", response_class=HTMLResponse)
def admin_page(request: Request, app: App, me: Admin) -> Response:
    return _admin_page(request, app, me)


@router.post("/admin/lti/platforms", response_model=None)
def register_platform(
    request: Request,
    app: App,
    me: Admin,
    name: str = Form(""),
    issuer: str = Form(""),
    client_id: str = Form(""),
    deployment_ids: str = Form(""),
    key_set_url: str = Form(""),
    auth_login_url: str = Form(""),
    auth_token_url: str = Form(""),
    auth_audience: str = Form(""),
) -> Response:
    values = {
        "name": name,
        "issuer": issuer,
        "client_id": client_id,
        "deployment_ids": deployment_ids,
        "key_set_url": key_set_url,
        "auth_login_url": auth_login_url,
        "auth_token_url": auth_token_url,
        "auth_audience": auth_audience,
    }
    given = PlatformInput(
        name=name,
        issuer=issuer,
        client_id=client_id,
        # One per line, or separated by commas (how LMS pages tend to show them).
        deployment_ids=[d for line in deployment_ids.splitlines() for d in line.split(",")],
        key_set_url=key_set_url,
        auth_login_url=auth_login_url,
        auth_token_url=auth_token_url,
        auth_audience=auth_audience or None,
    )
    try:
        made = app.lti.register_platform(me, given)
    except PmpathError as error:
        if not error.location.field_path:
            raise
        status = 409 if isinstance(error, ConflictError) else 422
        errors = field_errors(error, PLATFORM_FIELDS)
        return _admin_page(request, app, me, values, errors, status)
    response = RedirectResponse("/admin/lti#platforms", status_code=303)
    flash(response, request, f"{made.name} is registered: its launches are accepted from now on.")
    return response


@router.get("/admin/lti/platforms/{platform_id}/remove", response_class=HTMLResponse)
def confirm_removal(request: Request, app: App, me: Admin, platform_id: RowId) -> Response:
    """What removing a platform loses, before it is done (a single click never removes)."""
    return page(request, "lti_remove.html", {"platform": app.lti.platform(me, platform_id)})


@router.post("/admin/lti/platforms/{platform_id}/remove", response_model=None)
def remove_platform(request: Request, app: App, me: Admin, platform_id: RowId) -> Response:
    removed = app.lti.remove_platform(me, platform_id)
    response = RedirectResponse("/admin/lti#platforms", status_code=303)
    flash(response, request, f"{removed.name} is removed: its launches are refused from now on.")
    return response


@router.post("/admin/lti/keys/rotate", response_model=None)
def rotate_key(request: Request, app: App, me: Admin) -> Response:
    keys = app.lti.rotate_key(me)
    response = RedirectResponse("/admin/lti#keys", status_code=303)
    flash(
        response,
        request,
        f"A new key signs from now on; the old one stays published for {keys.grace_days} days.",
    )
    return response
