"""The claims of LTI 1.3 core and Deep Linking 2.0 that pmpath reads, the required ones a
message must carry, how platform roles map to pmpath's site roles, and what a resource link
opens (pure: no I/O)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = LTI + "message_type"
VERSION = LTI + "version"
DEPLOYMENT_ID = LTI + "deployment_id"
TARGET_LINK_URI = LTI + "target_link_uri"
RESOURCE_LINK = LTI + "resource_link"
ROLES = LTI + "roles"
CONTEXT = LTI + "context"
CUSTOM = LTI + "custom"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
MESSAGE_TYPES = (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST)

#: The custom parameter (and target link URI query parameter) naming what a link opens.
TARGET_PARAM = "pmpath_target"

# Role URIs (LTI 1.3 core, appendix A.2): context roles, full and short (a simple name is
# allowed for context roles), and the institution roles that count as staff.
_CONTEXT = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
_INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
_SYSTEM = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"
INSTRUCTOR_ROLES = frozenset(
    {
        _CONTEXT + "Instructor",
        _CONTEXT + "Administrator",
        _CONTEXT + "ContentDeveloper",
        "Instructor",
        "Administrator",
        "ContentDeveloper",
        _INSTITUTION + "Instructor",
        _INSTITUTION + "Administrator",
        _INSTITUTION + "Faculty",
        _SYSTEM + "Administrator",
        _SYSTEM + "SysAdmin",
    }
)
_SITE_ROLES = ("learner", "author", "admin")


def is_instructor(roles: list[str]) -> bool:
    """Whether the roles make the user an instructor (Instructor, Administrator or Content
    Developer in the course, or Instructor/Administrator/Faculty of the institution)."""
    return any(role in INSTRUCTOR_ROLES for role in roles)


def site_role(roles: list[str]) -> str:
    """pmpath's site role for the platform roles: "author" for instructors, else "learner".
    An LMS never makes a site admin: that stays a decision inside pmpath."""
    return "author" if is_instructor(roles) else "learner"


def raised_role(current: str, given: str) -> str:
    """The higher of two site roles: a launch never lowers a role."""
    return max(current, given, key=_SITE_ROLES.index)


def message_problem(body: dict[str, Any]) -> tuple[str, str] | None:
    """The first required claim missing or wrong in a launch's id_token, as (message, claim),
    or None when the message is complete."""
    message_type = body.get(MESSAGE_TYPE)
    if not message_type:
        return "the id_token has no message_type claim", MESSAGE_TYPE
    if message_type not in MESSAGE_TYPES:
        return (
            f"pmpath does not take {str(message_type)!r} messages "
            f"(only {' and '.join(MESSAGE_TYPES)})",
            MESSAGE_TYPE,
        )
    version = body.get(VERSION)
    if version != "1.3.0":
        return (
            f"the LTI version is {version!r}, not 1.3.0" if version else "no version claim",
            VERSION,
        )
    if not isinstance(body.get("sub"), str) or not body.get("sub"):
        return "the id_token has no sub claim (the user): anonymous launches are refused", "sub"
    roles = body.get(ROLES)
    if not isinstance(roles, list):
        return "the id_token has no roles claim", ROLES
    if message_type == RESOURCE_LINK_REQUEST:
        link = body.get(RESOURCE_LINK)
        if not isinstance(link, dict) or not link.get("id"):
            return "the id_token has no resource_link claim with an id", RESOURCE_LINK
        if not body.get(TARGET_LINK_URI):
            return "the id_token has no target_link_uri claim", TARGET_LINK_URI
    else:
        settings = body.get(DEEP_LINKING_SETTINGS)
        if not isinstance(settings, dict) or not settings.get("deep_link_return_url"):
            return (
                "the id_token has no deep_linking_settings with a deep_link_return_url",
                DEEP_LINKING_SETTINGS,
            )
        accepted = settings.get("accept_types")
        if not isinstance(accepted, list) or "ltiResourceLink" not in accepted:
            return "the platform does not accept LTI resource links here", DEEP_LINKING_SETTINGS
    return None


def encode_target(kind: str, ref: str | None) -> str:
    """The value of :data:`TARGET_PARAM`: "exam:<blueprint id>", "practice", "self-assessment"."""
    return f"{kind}:{ref}" if ref else kind


def decode_target(value: str) -> tuple[str, str | None] | None:
    """(kind, ref) of a :data:`TARGET_PARAM` value, or None when it names nothing known."""
    kind, _, ref = value.strip().partition(":")
    if kind == "exam" and ref:
        return "exam", ref
    if kind in ("practice", "self-assessment") and not ref:
        return kind, None
    return None


def target_of(body: dict[str, Any]) -> tuple[str, str | None] | None:
    """What a launch asks to open: the custom parameter a deep link set, else the
    ``pmpath_target`` query parameter of the target link URI; None when it names nothing."""
    custom = body.get(CUSTOM)
    if isinstance(custom, dict) and isinstance(custom.get(TARGET_PARAM), str):
        found = decode_target(custom[TARGET_PARAM])
        if found is not None:
            return found
    uri = body.get(TARGET_LINK_URI)
    if isinstance(uri, str):
        values = parse_qs(urlsplit(uri).query).get(TARGET_PARAM)
        if values:
            return decode_target(values[0])
    return None
