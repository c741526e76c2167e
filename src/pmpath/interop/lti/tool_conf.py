"""pylti1p3's tool configuration over the database: a registration per registered platform
(``lti_platforms`` + ``lti_deployments``) carrying the tool's current key (``lti_tool_keys``).

Any number of client ids may share an issuer (a platform can register pmpath more than once), so
every issuer is looked up by issuer and client id; when a login initiation omits ``client_id``
(it is optional in LTI 1.3) the issuer alone decides if exactly one platform has it.

Typical use, e.g. for an LTI Advantage service call::

    conf = DatabaseToolConf(app.database)
    registration = conf.registration_of(platform_row_id)
    connector = ServiceConnector(registration)
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration
from pylti1p3.request import Request
from pylti1p3.tool_config.abstract import ToolConfAbstract

from pmpath.interop.lti.keys import generate_key_pair, public_pem_of
from pmpath.store import Database
from pmpath.store import lti as lti_store
from pmpath.store.tables_lti import LtiPlatformRow, LtiToolKeyRow


def _now() -> datetime:
    return datetime.now(UTC)


class PlatformRegistration(Registration):
    """A pylti1p3 registration that remembers which ``lti_platforms`` row it came from."""

    def __init__(self, platform_id: int) -> None:
        self.platform_id = platform_id


def registration_for(platform: LtiPlatformRow, tool_key: LtiToolKeyRow) -> PlatformRegistration:
    """The pylti1p3 registration of ``platform``, signing with ``tool_key`` (its private key,
    its public key for the kid). Build a ``pylti1p3.service_connector.ServiceConnector`` on it
    to call the platform's services (AGS, NRPS)."""
    registration = PlatformRegistration(platform.id)
    registration.set_issuer(platform.issuer).set_client_id(platform.client_id)
    registration.set_auth_login_url(platform.auth_login_url)
    registration.set_auth_token_url(platform.auth_token_url)
    registration.set_key_set_url(platform.key_set_url)
    if platform.auth_audience:
        registration.set_auth_audience(platform.auth_audience)
    registration.set_tool_private_key(tool_key.private_key_pem)
    registration.set_tool_public_key(public_pem_of(tool_key.private_key_pem))
    return registration


def ensure_tool_key(database: Database, clock: Callable[[], datetime] = _now) -> LtiToolKeyRow:
    """The current tool key; the first call on a new database generates it (one transaction, so
    two processes racing end with one current key each having tried: the newest wins)."""
    with database.read() as session:
        found = lti_store.current_tool_key(session)
        if found is not None:
            session.expunge(found)
            return found
    pair = generate_key_pair()
    with database.transaction() as session:
        found = lti_store.current_tool_key(session)
        if found is None:
            found = lti_store.add_tool_key(
                session,
                LtiToolKeyRow(
                    kid=pair.kid,
                    private_key_pem=pair.private_key_pem,
                    public_jwk=pair.public_jwk,
                    created_at=clock(),
                ),
            )
        session.flush()
        session.expunge(found)
        return found


class DatabaseToolConf(ToolConfAbstract[Request]):
    """The registrations of the platforms registered in ``database``.

    ``clock`` dates a tool key generated on first need. Each lookup reads the database, so a
    platform registered or removed in one app process counts at once in every other.
    """

    def __init__(self, database: Database, clock: Callable[[], datetime] = _now) -> None:
        self.database = database
        self.clock = clock
        # An instance attribute: the class attribute of the base is shared by every instance.
        self.issuers_relation_types = {}

    # Every issuer may have several client ids.
    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def _platform(self, iss: str, client_id: str | None) -> LtiPlatformRow | None:
        with self.database.read() as session:
            if client_id:
                found = lti_store.platform_by_client(session, iss, client_id)
            else:
                candidates = lti_store.platforms_of_issuer(session, iss)
                found = candidates[0] if len(candidates) == 1 else None
            if found is not None:
                session.expunge(found)
            return found

    def issuer_known(self, iss: str) -> bool:
        """Whether any registered platform has the issuer ``iss``."""
        with self.database.read() as session:
            return bool(lti_store.platforms_of_issuer(session, iss))

    def registration_of(self, platform_id: int) -> PlatformRegistration:
        """The registration of the platform row ``platform_id`` (KeyError when there is none)."""
        with self.database.read() as session:
            found = lti_store.platform(session, platform_id)
            if found is None:
                raise KeyError(platform_id)
            session.expunge(found)
        return registration_for(found, ensure_tool_key(self.database, self.clock))

    def find_registration_by_issuer(  # type: ignore[override]
        self, iss: str, *args: Any, **kwargs: Any
    ) -> PlatformRegistration | None:
        found = self._platform(iss, None)
        if found is None:
            return None
        return registration_for(found, ensure_tool_key(self.database, self.clock))

    def find_registration_by_params(  # type: ignore[override]
        self, iss: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> PlatformRegistration | None:
        found = self._platform(iss, client_id)
        if found is None:
            return None
        return registration_for(found, ensure_tool_key(self.database, self.clock))

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> Deployment | None:
        found = self._platform(iss, client_id)
        if found is None:
            return None
        with self.database.read() as session:
            known = lti_store.has_deployment(session, found.id, deployment_id)
        return Deployment().set_deployment_id(deployment_id) if known else None


def new_value() -> str:
    """A random state or nonce value (256 bits)."""
    return secrets.token_urlsafe(32)
