"""LTI 1.3 core (issue #20): platforms registered by an admin, the tool's keys, and launches.

The rules, checked here so every interface gets them:

- only a site admin registers, lists and removes platforms and rotates the tool's keys; the
  JWKS and the tool's URLs are public;
- a platform's URLs are https (http only for localhost, for trying pmpath out); an issuer and
  client id pair is registered once; bad input names its field and changes nothing;
- a launch is verified by pylti1p3 (:mod:`pmpath.interop.lti.launch`); a refused launch creates
  nothing (no user, identity, context, link or launch): the state and nonce it spent are spent;
- a verified launch finds the user by (platform, ``sub``), or creates them with the name and
  email the platform sent; an email already used by another pmpath account is not linked
  (a platform must not take over an account) and the new account gets an address of its own;
  an account made by a launch has no password: it is used through the LMS only;
- platform roles map to site roles (Instructor, Administrator → author; anything else →
  learner) and a launch never lowers a role;
- the context, the resource link (with the AGS and NRPS endpoints of the claims), the launch and
  a session are written in one transaction.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException

from pmpath.errors import (
    ConflictError,
    ForbiddenError,
    Location,
    NotFoundError,
    PmpathError,
    Problem,
)
from pmpath.interop.lti import claims as c
from pmpath.interop.lti.adapters import (
    STATE_SECONDS,
    CollectingCookieService,
    CookieToSet,
    DatabaseSessionService,
    LoginInitiation,
    ParamsRequest,
)
from pmpath.interop.lti.keys import RETIRED_KEY_GRACE, generate_key_pair, jwks, published
from pmpath.interop.lti.launch import CheckedLaunch, LaunchRefused, refuse_login
from pmpath.interop.lti.tool_conf import DatabaseToolConf, ensure_tool_key
from pmpath.services.accounts import SESSION_LIFETIME, User, _digest, require
from pmpath.services.assessments import utc_now
from pmpath.services.models.exams import ExamCatalogue
from pmpath.services.models.lti import (
    DeepLinkAnswer,
    DeepLinkRequest,
    LaunchOutcome,
    LaunchTarget,
    Platform,
    PlatformInput,
    Platforms,
    ToolKey,
    ToolKeys,
    ToolUrls,
)
from pmpath.services.passwords import NO_PASSWORD
from pmpath.store import Database
from pmpath.store import accounts as account_store
from pmpath.store import lti as store
from pmpath.store.tables import UserRow
from pmpath.store.tables_lti import (
    LtiContextRow,
    LtiIdentityRow,
    LtiLaunchDataRow,
    LtiLaunchRow,
    LtiPlatformRow,
    LtiResourceLinkRow,
    LtiToolKeyRow,
)

#: How long a deep-linking request waits for the instructor's choice.
DEEP_LINK_SECONDS = 60 * 60
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
MAX_NAME = 200
MAX_ID = 255
MAX_URL = 1000

# The tool's paths (the web layer serves them; the URLs shown to admins are built from them).
LOGIN_PATH = "/lti/login"
LAUNCH_PATH = "/lti/launch"
JWKS_PATH = "/lti/jwks.json"


@dataclass(frozen=True)
class LoginRedirect:
    """Where login initiation sends the browser, and the cookies to set on the way."""

    location: str
    cookies: list[CookieToSet]


def _problem(field: str, message: str) -> Problem:
    return Problem(message, Location(field_path=(field,)))


def _url_problem(field: str, value: str, label: str) -> Problem | None:
    """Why ``value`` is no good as the https URL ``label``, or None."""
    if not value:
        return _problem(field, f"enter the {label}")
    if len(value) > MAX_URL:
        return _problem(field, f"the {label} is longer than {MAX_URL} characters")
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return _problem(field, f"the {label} must be a full https:// URL")
    if parts.scheme == "http" and not _local(host):
        return _problem(field, f"the {label} must use https (http only for localhost)")
    if parts.fragment:
        return _problem(field, f"the {label} must not have a #fragment")
    return None


def _local(host: str) -> bool:
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def target_path(kind: str, ref: str | None) -> str:
    """The pmpath page a resource link opens."""
    if kind == "exam" and ref:
        return f"/exams/{ref}/start"
    if kind == "practice":
        return "/practice"
    return "/assess/new"


class LtiService:
    """Platforms, the tool's keys and URLs, login initiation, launches and deep linking."""

    def __init__(
        self,
        database: Database,
        catalogue: Callable[[], ExamCatalogue],
        public_url: str | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self.catalogue = catalogue
        self.public_url = public_url.rstrip("/") if public_url else None
        self.clock = clock
        self.tool_conf = DatabaseToolConf(database, clock)

    # -- platforms --------------------------------------------------------------------------------

    def platforms(self, acting: User | None) -> Platforms:
        require(acting, "admin")
        with self.database.read() as session:
            return Platforms(
                platforms=[_platform_of(session, row) for row in store.platforms(session)]
            )

    def platform(self, acting: User | None, platform_id: int) -> Platform:
        require(acting, "admin")
        with self.database.read() as session:
            row = store.platform(session, platform_id)
            if row is None:
                raise NotFoundError(f"no LTI platform {platform_id}")
            return _platform_of(session, row)

    def register_platform(self, acting: User | None, given: PlatformInput) -> Platform:
        """Register a platform with its deployments; every problem of the input at once."""
        require(acting, "admin")
        name = given.name.strip()
        issuer = given.issuer.strip()
        client_id = given.client_id.strip()
        deployments = list(dict.fromkeys(d.strip() for d in given.deployment_ids if d.strip()))
        urls = {
            "key_set_url": (given.key_set_url.strip(), "platform's keyset (JWKS) URL"),
            "auth_login_url": (given.auth_login_url.strip(), "platform's authentication URL"),
            "auth_token_url": (given.auth_token_url.strip(), "platform's access token URL"),
        }
        audience = (given.auth_audience or "").strip() or None
        problems: list[Problem] = []
        if not name or len(name) > MAX_NAME:
            problems.append(_problem("name", f"enter a name (up to {MAX_NAME} characters)"))
        found = _url_problem("issuer", issuer, "issuer")
        if found is not None:
            problems.append(found)
        if not client_id or len(client_id) > MAX_ID:
            problems.append(
                _problem("client_id", f"enter the client id (up to {MAX_ID} characters)")
            )
        if not deployments:
            problems.append(_problem("deployment_ids", "enter at least one deployment id"))
        elif any(len(d) > MAX_ID for d in deployments):
            problems.append(
                _problem("deployment_ids", f"a deployment id is longer than {MAX_ID} characters")
            )
        for field, (value, label) in urls.items():
            found = _url_problem(field, value, label)
            if found is not None:
                problems.append(found)
        if audience is not None and len(audience) > MAX_URL:
            problems.append(
                _problem("auth_audience", f"the audience is longer than {MAX_URL} characters")
            )
        if problems:
            raise PmpathError(problems)
        with self.database.transaction() as session:
            if store.platform_by_client(session, issuer, client_id) is not None:
                raise ConflictError(
                    f"a platform with the issuer {issuer} and this client id is registered already",
                    Location(field_path=("client_id",)),
                )
            row = LtiPlatformRow(
                name=name,
                issuer=issuer,
                client_id=client_id,
                key_set_url=urls["key_set_url"][0],
                auth_login_url=urls["auth_login_url"][0],
                auth_token_url=urls["auth_token_url"][0],
                auth_audience=audience,
                created_at=self.clock(),
            )
            store.add_platform(session, row, deployments)
            return _platform_of(session, row)

    def remove_platform(self, acting: User | None, platform_id: int) -> Platform:
        """Remove a platform and what its launches recorded (the users stay)."""
        require(acting, "admin")
        with self.database.transaction() as session:
            row = store.platform(session, platform_id)
            if row is None:
                raise NotFoundError(f"no LTI platform {platform_id}")
            removed = _platform_of(session, row)
            store.delete_platform(session, row)
            return removed

    # -- the tool's keys and URLs -----------------------------------------------------------------

    def keys(self, acting: User | None) -> ToolKeys:
        require(acting, "admin")
        ensure_tool_key(self.database, self.clock)
        now = self.clock()
        with self.database.read() as session:
            rows = store.tool_keys(session)
            return ToolKeys(
                keys=[_key_of(row, now) for row in rows],
                grace_days=RETIRED_KEY_GRACE.days,
            )

    def rotate_key(self, acting: User | None) -> ToolKeys:
        """A new current key; the old one is retired and stays published for the grace."""
        require(acting, "admin")
        pair = generate_key_pair()
        now = self.clock()
        with self.database.transaction() as session:
            store.retire_tool_keys(session, now)
            store.add_tool_key(
                session,
                LtiToolKeyRow(
                    kid=pair.kid,
                    private_key_pem=pair.private_key_pem,
                    public_jwk=pair.public_jwk,
                    created_at=now,
                ),
            )
        return self.keys(acting)

    def jwks(self) -> dict[str, Any]:
        """The tool's public keys: the current one and those retired within the grace."""
        ensure_tool_key(self.database, self.clock)
        now = self.clock()
        with self.database.read() as session:
            rows = store.tool_keys(session)
            return jwks([dict(row.public_jwk) for row in rows if published(row.retired_at, now)])

    def base_url(self, request_base: str | None = None) -> str:
        """The site's address: the configured public URL, else the request's."""
        base = self.public_url or (request_base.rstrip("/") if request_base else None)
        if not base:
            raise PmpathError(
                "pmpath does not know its public address: set PMPATH_PUBLIC_URL "
                "(e.g. https://pmpath.example.org), or give --base-url on the command line"
            )
        return base

    def tool_urls(self, request_base: str | None = None) -> ToolUrls:
        base = self.base_url(request_base)
        return ToolUrls(
            tool_url=base + LAUNCH_PATH,
            login_url=base + LOGIN_PATH,
            launch_url=base + LAUNCH_PATH,
            jwks_url=base + JWKS_PATH,
            deep_linking_url=base + LAUNCH_PATH,
        )

    # -- state and nonce ------------------------------------------------------------------------

    def _save_value(self, value: str, kind: str) -> None:
        now = self.clock()
        with self.database.transaction() as session:
            store.purge_nonces(session, now)
            store.add_nonce(session, value, kind, now + timedelta(seconds=STATE_SECONDS))

    def _use_value(self, value: str, kind: str) -> bool:
        with self.database.transaction() as session:
            return store.use_nonce(session, value, kind, self.clock())

    def _services(
        self, params: Mapping[str, str], cookies: Mapping[str, str], secure: bool
    ) -> tuple[ParamsRequest, DatabaseSessionService, CollectingCookieService]:
        request = ParamsRequest(params, cookies, secure)
        return (
            request,
            DatabaseSessionService(request, self._save_value, self._use_value),
            CollectingCookieService(request),
        )

    # -- login initiation and launch ---------------------------------------------------------------

    def login(
        self,
        params: Mapping[str, str],
        cookies: Mapping[str, str],
        secure: bool,
        request_base: str | None = None,
    ) -> LoginRedirect:
        """Third-party initiated login: the platform's authentication request to redirect to,
        or LaunchRefused (unknown platform, missing issuer or login hint)."""
        request, sessions, cookie_service = self._services(params, cookies, secure)
        login = LoginInitiation(request, self.tool_conf, sessions, cookie_service)
        launch_url = self.base_url(request_base) + LAUNCH_PATH
        try:
            location = login.redirect(launch_url)
        except (OIDCException, LtiException) as error:
            raise refuse_login(error) from None
        return LoginRedirect(location, cookie_service.to_set)

    def launch(
        self, params: Mapping[str, str], cookies: Mapping[str, str], secure: bool
    ) -> LaunchOutcome:
        """Verify a launch and record it; LaunchRefused (nothing created) when it is refused."""
        request, sessions, cookie_service = self._services(params, cookies, secure)
        checked = CheckedLaunch(request, self.tool_conf, sessions, cookie_service).validate()
        body = checked.claims
        roles = [str(role) for role in body.get(c.ROLES, [])]
        instructor = c.is_instructor(roles)
        deep = body.get(c.MESSAGE_TYPE) == c.DEEP_LINKING_REQUEST
        if deep and not instructor:
            raise LaunchRefused(
                "only an instructor chooses what pmpath opens (the roles of this launch are "
                "not an instructor's)",
                403,
                c.ROLES,
            )
        return self._record(checked.platform_id, body, roles, instructor, deep)

    def _record(
        self,
        platform_id: int,
        body: dict[str, Any],
        roles: list[str],
        instructor: bool,
        deep: bool,
    ) -> LaunchOutcome:
        now = self.clock()
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.database.transaction() as session:
            platform = store.platform(session, platform_id)
            if platform is None:  # removed between the check and now
                raise LaunchRefused("this platform is no longer registered in pmpath", 403, "iss")
            user = user_for(session, platform, body, c.site_role(roles), now)
            context = _context(session, platform_id, body)
            link: LtiResourceLinkRow | None = None
            launch_id: str | None = None
            if deep:
                launch_id = secrets.token_urlsafe(24)
                store.purge_launch_data(session, now)
                store.add_launch_data(
                    session,
                    LtiLaunchDataRow(
                        launch_id=launch_id,
                        platform_id=platform_id,
                        user_id=user.id,
                        claims=body,
                        expires_at=now + timedelta(seconds=DEEP_LINK_SECONDS),
                    ),
                )
            else:
                link = _link(session, platform_id, context, body, now, self._offered)
                store.add(
                    session,
                    LtiLaunchRow(
                        resource_link_row_id=link.id, user_id=user.id, roles=roles, launched_at=now
                    ),
                )
            account_store.add_session(
                session, _digest(token), user.id, csrf, now, now + SESSION_LIFETIME
            )
            redirect_to = None
            if link is not None and link.target_kind is not None:
                redirect_to = target_path(link.target_kind, link.target_ref)
            return LaunchOutcome(
                user_id=user.id,
                role=user.role,
                session_token=token,
                csrf_token=csrf,
                is_instructor=instructor,
                message_type=c.DEEP_LINKING_REQUEST if deep else c.RESOURCE_LINK_REQUEST,
                resource_link_row_id=None if link is None else link.id,
                link_title=(link.title if link is not None else "") or "",
                redirect_to=redirect_to,
                launch_id=launch_id,
            )

    # -- what a link opens -----------------------------------------------------------------------

    def targets(self) -> list[LaunchTarget]:
        """What an instructor can choose: each bundled exam, practice, the self-assessment."""
        return launch_targets(self.catalogue())

    def _offered(self, kind: str, ref: str | None) -> bool:
        return any(t.kind == kind and t.ref == ref for t in self.targets())

    def _target(self, kind: str, ref: str | None) -> LaunchTarget:
        for target in self.targets():
            if target.kind == kind and target.ref == (ref or None):
                return target
        raise PmpathError(
            "choose one of the exams, practice or the self-assessment",
            Location(field_path=("target",)),
        )

    def link(self, acting: User | None, link_row_id: int) -> tuple[str, str | None, bool]:
        """(title, where it opens or None, whether ``acting`` may choose its target)."""
        me = require(acting, "learner")
        with self.database.read() as session:
            row = store.resource_link_by_id(session, link_row_id)
            if row is None or not _launched_by(session, row, me.id):
                raise NotFoundError("no such LMS activity")
            where = (
                None if row.target_kind is None else target_path(row.target_kind, row.target_ref)
            )
            return row.title, where, _may_choose(session, row, me)

    def choose_link_target(
        self, acting: User | None, link_row_id: int, kind: str, ref: str | None
    ) -> str:
        """Set what a link with no target opens (an instructor who launched it, or an admin);
        the path to go to."""
        me = require(acting, "learner")
        target = self._target(kind, ref)
        with self.database.transaction() as session:
            row = store.resource_link_by_id(session, link_row_id)
            if row is None or not _launched_by(session, row, me.id):
                raise NotFoundError("no such LMS activity")
            if not _may_choose(session, row, me):
                raise ForbiddenError("only an instructor of the course chooses what this opens")
            if row.target_kind is not None:
                raise ConflictError(
                    "this activity opens something already", Location(field_path=("target",))
                )
            row.target_kind, row.target_ref = target.kind, target.ref
            return target_path(target.kind, target.ref)

    # -- deep linking -----------------------------------------------------------------------------

    def deep_link_request(self, acting: User | None, launch_id: str) -> DeepLinkRequest:
        """The course the instructor picks for, and the platform's origins that may frame the
        picker (NotFoundError once the request expired, was answered, or is someone else's).

        The launch id is the capability: 192 random bits (``secrets.token_urlsafe(24)``), made
        by a verified deep-linking launch of an instructor, valid for an hour and once. The
        picker usually runs in the LMS's cross-site iframe, where pmpath's session cookie is
        neither stored nor sent, so ``acting`` is None there and the id alone is enough. When a
        session does come (the picker opened in a window of the same site), it must be the
        instructor's: a leaked link is not answered from another pmpath account."""
        row, origins = self._deep_link(acting, launch_id)
        context = row.claims.get(c.CONTEXT)
        course = str(context.get("title") or "") if isinstance(context, dict) else ""
        return DeepLinkRequest(course=course, frame_origins=origins)

    def _deep_link(self, acting: User | None, launch_id: str) -> tuple[LtiLaunchDataRow, list[str]]:
        with self.database.read() as session:
            row = store.launch_data(session, launch_id)
            platform = None if row is None else store.platform(session, row.platform_id)
            if (
                row is None
                or platform is None
                or row.expires_at <= self.clock()
                or (acting is not None and row.user_id != acting.id)
            ):
                raise NotFoundError(
                    "this content selection expired or is not yours: start it again from the LMS"
                )
            session.expunge(row)
            settings = row.claims.get(c.DEEP_LINKING_SETTINGS)
            return_url = settings.get("deep_link_return_url") if isinstance(settings, dict) else ""
            return row, frame_origins(platform.issuer, platform.auth_login_url, str(return_url))

    def answer_deep_link(
        self,
        acting: User | None,
        launch_id: str,
        kind: str,
        ref: str | None,
        request_base: str | None = None,
    ) -> DeepLinkAnswer:
        """The signed LtiDeepLinkingResponse with the chosen item (pylti1p3's DeepLink); the
        custom parameter and the target link URI both name the target."""
        row, origins = self._deep_link(acting, launch_id)
        target = self._target(kind, ref)
        registration = self.tool_conf.registration_of(row.platform_id)
        value = c.encode_target(target.kind, target.ref)
        url = self.base_url(request_base) + LAUNCH_PATH + "?" + urlencode({c.TARGET_PARAM: value})
        resource = (
            DeepLinkResource()
            .set_url(url)
            .set_title(target.title)
            .set_custom_params({c.TARGET_PARAM: value})
        )
        settings = row.claims[c.DEEP_LINKING_SETTINGS]
        deep_link = DeepLink(registration, str(row.claims[c.DEPLOYMENT_ID]), settings)
        token = deep_link.get_response_jwt([resource])
        with self.database.transaction() as session:
            found = store.launch_data(session, launch_id)
            if found is not None:
                session.delete(found)  # answered once
        return DeepLinkAnswer(
            return_url=str(settings["deep_link_return_url"]),
            jwt=token,
            title=target.title,
            frame_origins=origins,
        )


_ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(:[0-9]{1,5})?$")


def frame_origins(*urls: str) -> list[str]:
    """The distinct http(s) origins of ``urls``, in order: who may frame the deep-linking pages.

    The issuer is the LMS's own address on Moodle (its wwwroot, the page that holds the
    picker's iframe); the authentication URL is the LMS's host on most self-hosted platforms;
    the request's ``deep_link_return_url`` (in the verified claims) is on the very site that
    shows the picker, which is what Canvas needs (its issuer is canvas.instructure.com, its
    pages are on the school's own domain)."""
    found: list[str] = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            continue
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        # It goes into a header: a host name and a port, nothing a policy could be bent with.
        if _ORIGIN.match(origin) and origin not in found:
            found.append(origin)
    return found


def launch_targets(catalogue: ExamCatalogue) -> list[LaunchTarget]:
    """What an instructor can choose: each bundled exam, practice, the self-assessment."""
    found = [
        LaunchTarget(kind="exam", ref=exam.id, title=exam.name, summary=exam.summary)
        for exam in catalogue.blueprints
    ]
    found.append(
        LaunchTarget(
            kind="practice",
            ref=None,
            title="Practice",
            summary="Questions with explanations after each answer, on the learner's pace.",
        )
    )
    found.append(
        LaunchTarget(
            kind="self-assessment",
            ref=None,
            title="Self-assessment",
            summary="Where the learner stands on the product-manager career ladder.",
        )
    )
    return found


def _platform_of(session: Any, row: LtiPlatformRow) -> Platform:
    return Platform(
        id=row.id,
        name=row.name,
        issuer=row.issuer,
        client_id=row.client_id,
        deployment_ids=store.deployments_of(session, row.id),
        key_set_url=row.key_set_url,
        auth_login_url=row.auth_login_url,
        auth_token_url=row.auth_token_url,
        auth_audience=row.auth_audience,
        created_at=row.created_at,
        launches=store.count_launches_of_platform(session, row.id),
    )


def _key_of(row: LtiToolKeyRow, now: datetime) -> ToolKey:
    until = None if row.retired_at is None else row.retired_at + RETIRED_KEY_GRACE
    status = (
        "current"
        if row.retired_at is None
        else ("retired" if published(row.retired_at, now) else "expired")
    )
    return ToolKey(
        kid=row.kid,
        created_at=row.created_at,
        retired_at=row.retired_at,
        status=status,
        published_until=until,
    )


def user_for(
    session: Any,
    platform: LtiPlatformRow,
    body: dict[str, Any],
    role: str,
    now: datetime,
) -> UserRow:
    """The user of the platform's ``sub``: found by (platform, subject) and their role raised
    to ``role`` if it is higher, or made with the claims' name and email (an email another
    account has is not taken: the new account gets an address of its own) and no password.
    The launch's rule, and the roster import's (LTI Advantage, NRPS)."""
    subject = str(body["sub"])
    identity = store.identity(session, platform.id, subject)
    if identity is not None:
        row = store.user(session, identity.user_id)
        assert row is not None, "lti_identities.user_id cascades"
        row.role = c.raised_role(row.role, role)
        return row
    name = _name_of(body) or f"Learner from {platform.name}"
    email = _email_of(body)
    if email is None or store.email_taken(session, email):
        digest = hashlib.sha256(f"{platform.id}\n{subject}".encode()).hexdigest()[:20]
        email = f"lti-{platform.id}-{digest}@lti.invalid"
    row = account_store.add_user(
        session, email, name[:100], NO_PASSWORD, role, f"lti-{secrets.token_hex(8)}", now
    )
    store.add_identity(
        session,
        LtiIdentityRow(platform_id=platform.id, subject=subject, user_id=row.id, created_at=now),
    )
    return row


def _context(session: Any, platform_id: int, body: dict[str, Any]) -> LtiContextRow | None:
    claim = body.get(c.CONTEXT)
    if not isinstance(claim, dict) or not claim.get("id"):
        return None
    nrps = body.get(c.NRPS)
    memberships = nrps.get("context_memberships_url") if isinstance(nrps, dict) else None
    title = str(claim.get("title") or claim.get("label") or "")[:500]
    row = store.context(session, platform_id, str(claim["id"]))
    if row is None:
        row = LtiContextRow(
            platform_id=platform_id,
            deployment_id=str(body.get(c.DEPLOYMENT_ID, "")),
            context_id=str(claim["id"]),
            title=title,
            memberships_url=memberships,
        )
        store.add(session, row)
    else:
        row.title = title or row.title
        if memberships:
            row.memberships_url = memberships
    return row


def _link(
    session: Any,
    platform_id: int,
    context: LtiContextRow | None,
    body: dict[str, Any],
    now: datetime,
    offered: Callable[[str, str | None], bool],
) -> LtiResourceLinkRow:
    claim = body[c.RESOURCE_LINK]
    ags = body.get(c.AGS_ENDPOINT)
    ags = ags if isinstance(ags, dict) else {}
    title = str(claim.get("title") or "")[:500]
    row = store.resource_link(session, platform_id, str(claim["id"]))
    if row is None:
        row = LtiResourceLinkRow(
            platform_id=platform_id,
            resource_link_id=str(claim["id"]),
            title=title,
            ags_scopes=[],
            created_at=now,
        )
        store.add(session, row)
    row.context_row_id = context.id if context is not None else row.context_row_id
    row.title = title or row.title
    row.ags_lineitems_url = ags.get("lineitems") or row.ags_lineitems_url
    row.ags_lineitem_url = ags.get("lineitem") or row.ags_lineitem_url
    if isinstance(ags.get("scope"), list):
        row.ags_scopes = [str(scope) for scope in ags["scope"]]
    if row.target_kind is None:
        # The first launch of a deep-linked item carries its target: remember it.
        found = c.target_of(body)
        if found is not None and offered(*found):
            row.target_kind, row.target_ref = found
    session.flush()
    return row


def _launched_by(session: Any, row: LtiResourceLinkRow, user_id: int) -> bool:
    return any(launch.user_id == user_id for launch in store.launches_of_link(session, row.id))


def _may_choose(session: Any, row: LtiResourceLinkRow, me: User) -> bool:
    if me.has("admin"):
        return True
    launches = [x for x in store.launches_of_link(session, row.id) if x.user_id == me.id]
    return bool(launches) and c.is_instructor(list(launches[-1].roles))


def _name_of(body: dict[str, Any]) -> str:
    name = body.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    parts = [body.get("given_name"), body.get("family_name")]
    return " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())


def _email_of(body: dict[str, Any]) -> str | None:
    from pmpath.services.accounts import EMAIL

    email = body.get("email")
    if isinstance(email, str):
        email = email.strip().lower()
        if EMAIL.match(email) and len(email) <= 254:
            return email
    return None
