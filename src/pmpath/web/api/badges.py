"""Open Badges 3.0: a learner's badges, claiming one for a passed exam or a placement test,
downloading it, verifying any credential (no sign-in) and revoking one (admins). Who may do
what is the badge service's decision (docs/badges.md): someone else's attempt or badge is 404,
an attempt that earns no badge 422 naming ``attempt``, revoking twice 409."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pmpath.services.badge_verification import BadgeVerificationService
from pmpath.services.badges import BadgeService
from pmpath.services.models.badges import (
    Badge,
    BadgeFile,
    BadgeFormat,
    IssuedBadges,
    MyBadges,
    RevokeRequest,
    Verification,
    VerifyRequest,
)
from pmpath.web.api.bodies import documented_body, json_body
from pmpath.web.auth import application
from pmpath.web.deps import Admin, Learner

router = APIRouter()

#: A credential to verify is about 4 KB; room for a foreign issuer's larger ones.
BODY_LIMIT = 80 * 1024
#: A badge's public id (22 URL-safe characters when pmpath makes it).
PublicId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]


class NewBadge(BaseModel):
    """The attempt (a passed mock exam, an adaptive exam or the placement test) to issue the
    badge of; its number is the ``attempt_id`` of the exam and placement routes."""

    model_config = ConfigDict(extra="forbid")

    attempt_id: int = Field(ge=0, le=2**31 - 1)  # the attempts table's integer ids


def badges_for(request: Request) -> BadgeService:
    """The badge service for the site as this request reached it, unless the site's public
    address is configured (PMPATH_PUBLIC_URL), which always wins."""
    app = application(request)
    if app.settings.public_url:
        return app.badges
    return app.badges.at(str(request.base_url))


def verification_for(request: Request) -> BadgeVerificationService:
    """The verification service for the site as this request reached it (the configured public
    address wins, as for :func:`badges_for`)."""
    app = application(request)
    if app.settings.public_url:
        return app.badge_verification
    return app.badge_verification.at(str(request.base_url))


def _parsed(model: type[BaseModel], body: Any) -> Any:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        errors = [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        raise RequestValidationError(errors) from None


@router.get("/badges", summary="Your badges, and the finished attempts that earn one")
def my_badges(request: Request, me: Learner) -> MyBadges:
    return badges_for(request).mine(me)


@router.post(
    "/badges",
    summary="Issue the badge of your passed exam or placement test (the same one if issued)",
    openapi_extra=documented_body(NewBadge),
)
async def claim(request: Request, me: Learner) -> Badge:
    given: NewBadge = _parsed(NewBadge, await json_body(request))
    return badges_for(request).claim(me, given.attempt_id)


@router.get("/badges/issued", summary="Every badge issued, newest first (admins)")
def issued(request: Request, me: Admin) -> IssuedBadges:
    return badges_for(request).issued(me)


@router.post(
    "/badges/verify",
    summary="Verify a credential (no sign-in): signature, issuer, dates and revocation",
    openapi_extra=documented_body(VerifyRequest),
)
async def verify(request: Request) -> Verification:
    given: VerifyRequest = _parsed(VerifyRequest, await json_body(request, BODY_LIMIT))
    return verification_for(request).verify(given.credential)


@router.get("/badges/{public_id}", summary="One of your badges (admins: any badge)")
def badge(request: Request, me: Learner, public_id: PublicId) -> Badge:
    return badges_for(request).get(me, public_id)


@router.get(
    "/badges/{public_id}/credential",
    summary="The badge as a file: the signed JWT-VC (format=jwt) or its JSON form (json)",
)
def credential(
    request: Request, me: Learner, public_id: PublicId, format: BadgeFormat = "jwt"
) -> BadgeFile:
    return badges_for(request).download(me, public_id, format)


@router.get("/badges/{public_id}/verification", summary="Verify a badge issued here (no sign-in)")
def verification(request: Request, public_id: PublicId) -> Verification:
    return verification_for(request).verify_public(public_id)


@router.post(
    "/badges/{public_id}/revoke",
    summary="Revoke a badge with a reason (admins): its status list bit is set",
    openapi_extra=documented_body(RevokeRequest),
)
async def revoke(request: Request, me: Admin, public_id: PublicId) -> Badge:
    given: RevokeRequest = _parsed(RevokeRequest, await json_body(request))
    return badges_for(request).revoke(me, public_id, given.reason)
