"""The tool's RSA keys: generated on first need, published as a JWKS, rotated by an admin.

A key's ``kid`` is its RFC 7638 thumbprint, the one pylti1p3 puts in the header of what it signs
(:meth:`pylti1p3.registration.Registration.get_kid`), so a platform finds the key by it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pylti1p3.registration import Registration

#: How long a retired key stays in the published JWKS. Platforms cache a tool's JWKS (Moodle
#: and Canvas for minutes to hours) and messages signed just before a rotation may be verified
#: a little later; three days covers both with room to spare, after which the key drops out.
RETIRED_KEY_GRACE = timedelta(days=3)
KEY_SIZE = 2048


@dataclass(frozen=True)
class KeyPair:
    kid: str
    private_key_pem: str
    public_key_pem: str
    public_jwk: dict[str, Any]


def generate_key_pair() -> KeyPair:
    """A new 2048-bit RSA key pair, its public JWK (RS256, use "sig") and its kid."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = public_pem_of(private_pem)
    jwk = dict(Registration.get_jwk(public_pem))
    return KeyPair(str(jwk["kid"]), private_pem, public_pem, jwk)


@lru_cache(maxsize=16)
def public_pem_of(private_key_pem: str) -> str:
    """The public half of a PEM private key, as PEM. Remembered (a key never changes): loading
    an RSA private key checks it, about 50 ms, and every launch builds a registration."""
    private = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def published(retired_at: datetime | None, now: datetime) -> bool:
    """Whether a key belongs in the JWKS at ``now``: current, or retired within the grace."""
    return retired_at is None or now - retired_at < RETIRED_KEY_GRACE


def jwks(public_jwks: list[dict[str, Any]]) -> dict[str, Any]:
    """The JWKS document of the given public JWKs (copies: callers keep theirs)."""
    return {"keys": [json.loads(json.dumps(jwk)) for jwk in public_jwks]}
