"""Passwords: argon2 hashes, a check that takes as long for an unknown account, and the
strength rule (zxcvbn).

A wrong password for a known email costs one argon2 verification (about 200 ms here); an
unknown email used to answer at once, which told anyone which emails have accounts (464 ms
against 25 ms in the probe of issue #13). :func:`verify_nothing` spends the same work on a
dummy hash, so both answers take as long.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pmpath.errors import Location, SignUpError

MIN_PASSWORD = 10
#: zxcvbn's scores run from 0 (guessed at once) to 4; 3 is "safely unguessable: moderate
#: protection from an offline attack" (about 10^10 guesses).
MIN_SCORE = 3

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


#: The password "hash" of an account an LMS made (LTI): it matches no password, and marks the
#: account as one that signs in through the LMS only (no password form, no API tokens).
NO_PASSWORD = "!lti-only"


def is_password_hash(password_hash: str) -> bool:
    """False for an account an LMS made, which has no password (:data:`NO_PASSWORD`)."""
    return password_hash != NO_PASSWORD


@cache
def _dummy_hash() -> str:
    # Made on first use, not at import: the CLI imports this module and must start fast.
    return _hasher.hash(secrets.token_urlsafe(16))


def verify_nothing(password: str) -> bool:
    """As slow as :func:`verify` with a real hash, and always False: for an unknown email."""
    verify(_dummy_hash(), password)
    return False


def check_strength(password: str, field: str, context: Sequence[str] = ()) -> None:
    """Refuse a password shorter than 10 characters or one zxcvbn scores under 3, with its
    feedback (why it is weak, what would help) as the message. ``context``: the user's email
    and name, which make a password weak when it contains them."""
    where = Location(field_path=(field,))
    if len(password) < MIN_PASSWORD:
        raise SignUpError(f"choose a password of at least {MIN_PASSWORD} characters", where)
    from zxcvbn import zxcvbn  # 40 ms to import: only when someone chooses a password

    # zxcvbn's own limit: longer passwords are strong anyway, and its time grows with length.
    verdict = zxcvbn(password[:100], user_inputs=[part for part in context if part])
    if verdict["score"] >= MIN_SCORE:
        return
    feedback = verdict["feedback"]
    reasons = [feedback.get("warning") or "This password is easy to guess."]
    reasons += feedback.get("suggestions") or ["Add another word or two."]
    raise SignUpError(
        "choose a stronger password. " + " ".join(reason.strip() for reason in reasons), where
    )
