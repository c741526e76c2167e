"""Open Badges 3.0 in the browser: a learner's badges, claiming the badge of a passed exam or a
placement test, the badge's page with its downloads and share link, the public verification
pages, the admins' list with revocation, and what verifiers fetch (the issuer's DID document
and the revocation status lists). Every permission is the badge service's."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from pmpath.errors import PmpathError
from pmpath.interop.badges.verification import MAX_TOKEN
from pmpath.services.accounts import User
from pmpath.services.models.badges import BadgeFormat, Verification
from pmpath.web.api.badges import PublicId, badges_for, verification_for
from pmpath.web.deps import Admin, Learner, RowId, signed_in
from pmpath.web.flash import flash
from pmpath.web.pages.render import page
from pmpath.web.problems import status_of

router = APIRouter()

#: Status lists are re-signed on every request; a verifier may keep one a few minutes.
STATUS_LIST_CACHE = "public, max-age=300"


def _said(exc: PmpathError) -> str:
    """An error's messages, without the field they name (the page shows it by the field)."""
    return "; ".join(problem.message for problem in exc.problems)


# -- what verifiers fetch ----------------------------------------------------------------------


@router.get("/.well-known/did.json")
@router.get("/did.json")
def did_document(request: Request) -> JSONResponse:
    """The issuer's DID document (did:web resolves here), with its public key."""
    return JSONResponse(
        verification_for(request).did_document(),
        media_type="application/did+json",
        headers={"cache-control": STATUS_LIST_CACHE},
    )


@router.get("/badges/status/{number}")
def status_list(request: Request, number: RowId) -> Response:
    """Revocation status list ``number``: a BitstringStatusListCredential signed as a JWT-VC."""
    token = verification_for(request).status_list(number)
    return Response(
        token, media_type="application/vc+jwt", headers={"cache-control": STATUS_LIST_CACHE}
    )


# -- a learner's badges ------------------------------------------------------------------------


@router.get("/badges", response_class=HTMLResponse)
def my_badges(request: Request, me: Annotated[User, signed_in("/badges")]) -> Response:
    return page(request, "badges.html", {"mine": badges_for(request).mine(me)})


@router.get("/attempts/{attempt_id}/badge", response_class=HTMLResponse)
def claim_page(
    request: Request,
    attempt_id: RowId,
    me: Annotated[User, signed_in("/attempts/{attempt_id}/badge")],
) -> Response:
    """What the badge of the attempt is, with the button that issues it (or the badge itself,
    once issued)."""
    service = badges_for(request)
    mine = service.mine(me)
    for badge in mine.badges:
        if badge.attempt_id == attempt_id:
            return RedirectResponse(f"/badges/{badge.public_id}", status_code=303)
    offer = next((c for c in mine.claimable if c.attempt_id == attempt_id), None)
    return page(
        request,
        "badge_claim.html",
        {"offer": offer, "attempt_id": attempt_id},
        200 if offer else 404,
    )


@router.post("/attempts/{attempt_id}/badge")
def claim(request: Request, me: Learner, attempt_id: RowId) -> Response:
    try:
        badge = badges_for(request).claim(me, attempt_id)
    except PmpathError as exc:
        if status_of(exc) != 422:
            raise
        return page(
            request,
            "badge_claim.html",
            {"offer": None, "attempt_id": attempt_id, "error": _said(exc)},
            422,
        )
    response = RedirectResponse(f"/badges/{badge.public_id}", status_code=303)
    flash(response, request, f"Your badge is issued: {badge.name}.")
    return response


@router.get("/badges/{public_id}", response_class=HTMLResponse)
def badge_page(
    request: Request, public_id: PublicId, me: Annotated[User, signed_in("/badges/{public_id}")]
) -> Response:
    service = badges_for(request)
    badge = service.get(me, public_id)
    return page(request, "badge.html", {"badge": badge})


@router.get("/badges/{public_id}/download.jwt")
@router.get("/badges/{public_id}/download.json")
def download(request: Request, public_id: PublicId, me: Learner) -> Response:
    form: BadgeFormat = "json" if request.url.path.endswith(".json") else "jwt"
    file = badges_for(request).download(me, public_id, form)
    return Response(
        file.content,
        media_type=file.media_type,
        headers={"content-disposition": f'attachment; filename="{file.filename}"'},
    )


# -- verification (no sign-in) -----------------------------------------------------------------


@router.get("/verify", response_class=HTMLResponse)
def verify_form(request: Request) -> Response:
    return page(request, "badge_verify.html", {"result": None, "typed": ""})


@router.post("/verify", response_class=HTMLResponse)
async def verify_given(
    request: Request,
    credential: Annotated[str, Form(max_length=MAX_TOKEN)] = "",
    file: UploadFile | None = None,
) -> Response:
    """A pasted credential, or an uploaded ``.jwt`` file (or the ``.json`` file pmpath
    downloads, which names the badge's verification page but is not signed itself)."""
    text = credential.strip()
    if not text and file is not None and file.filename:
        raw = await file.read(MAX_TOKEN + 1)
        text = raw.decode("utf-8", errors="replace").strip()
    if not text:
        return page(
            request,
            "badge_verify.html",
            {"result": None, "typed": "", "error": "Paste a credential or choose its file."},
            422,
        )
    if text.startswith("{"):
        return page(
            request,
            "badge_verify.html",
            {"result": None, "typed": text[:2000], "error": _json_form_hint(text)},
            422,
        )
    result = verification_for(request).verify(text)
    return page(request, "badge_verify.html", {"result": result, "typed": text})


def _json_form_hint(text: str) -> str:
    try:
        said = json.loads(text)
    except ValueError:
        said = None
    name = said.get("name") if isinstance(said, dict) else None
    what = f"“{name}”" if isinstance(name, str) else "this"
    return (
        f"This is the readable JSON form of {what}, which is not signed: verify the signed "
        "credential instead (the .jwt file of the same badge)."
    )


@router.get("/verify/{public_id}", response_class=HTMLResponse)
def verify_badge(request: Request, public_id: PublicId) -> Response:
    result: Verification = verification_for(request).verify_public(public_id)
    return page(request, "badge_verify.html", {"result": result, "typed": None})


# -- admins ------------------------------------------------------------------------------------


@router.get("/admin/badges", response_class=HTMLResponse)
def admin_badges(request: Request, me: Annotated[User, signed_in("/admin/badges")]) -> Response:
    return _admin_page(request, me)


def _admin_page(
    request: Request,
    me: User,
    status: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    issued = badges_for(request).issued(me)
    return page(
        request,
        "badge_admin.html",
        {"issued": issued, "errors": errors or {}, "typed": typed or {}},
        status,
    )


@router.post("/admin/badges/{public_id}/revoke")
def revoke(
    request: Request, me: Admin, public_id: PublicId, reason: Annotated[str, Form()] = ""
) -> Response:
    try:
        badge = badges_for(request).revoke(me, public_id, reason)
    except PmpathError as exc:
        if status_of(exc) not in (409, 422):
            raise
        field = f"reason-{public_id}"
        return _admin_page(request, me, status_of(exc), {field: _said(exc)}, {field: reason})
    response = RedirectResponse("/admin/badges", status_code=303)
    flash(response, request, f"Revoked: {badge.name}, of {badge.recipient}.")
    return response
