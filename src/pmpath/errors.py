"""The one error hierarchy of pmpath.

Every error a user can cause carries a location (file, line, field path), so that
each interface can say *where* and *why* in one line. Interfaces map the classes to
exit codes (CLI) and HTTP statuses (web); nothing else decides that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

FieldPath = tuple[str | int, ...]


def format_field_path(path: FieldPath) -> str:
    """Render ``("roles", 3, "expectations", "x")`` as ``roles[3].expectations.x``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True)
class Location:
    """Where a problem is: any of a file, a 1-based line and a field path."""

    file: str | None = None
    line: int | None = None
    field_path: FieldPath = field(default_factory=tuple)

    def __str__(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(self.file if self.line is None else f"{self.file}:{self.line}")
        elif self.line is not None:
            parts.append(f"line {self.line}")
        if self.field_path:
            parts.append(format_field_path(self.field_path))
        return ": ".join(parts)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, and where it is."""

    message: str
    location: Location = field(default_factory=Location)

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message


class PmpathError(Exception):
    """Base of every error pmpath raises on purpose. ``problems`` lists each finding."""

    #: True when the user's input is at fault (CLI exit code 2, HTTP 4xx).
    is_bad_input = True

    def __init__(self, problems: Sequence[Problem] | str, location: Location | None = None) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems, location or Location())]
        if not problems:
            raise ValueError("a PmpathError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def location(self) -> Location:
        """The location of the first problem."""
        return self.problems[0].location


# -- bad input (CLI exit code 2, HTTP 4xx) -----------------------------------------------------


class FrameworkError(PmpathError):
    """A career framework file is unreadable or breaks the format's rules."""


class NotFoundError(PmpathError):
    """An id given by the user names nothing in the framework."""


class NoPathError(PmpathError):
    """No sequence of next-role steps leads from one role to another."""


class AssessmentError(PmpathError):
    """Self-assessment answers are unreadable or do not fit the framework."""


class BankError(PmpathError):
    """A question bank or blueprint file is unreadable or breaks the authoring rules."""


class ResponseError(PmpathError):
    """A response that does not fit its item (an unknown option, a text for a number, ...)."""


class AttemptError(PmpathError):
    """An exam attempt cannot take this action (finished, out of time, not the learner's)."""


class InvitationError(PmpathError):
    """An invitation that can no longer be accepted: used already, or expired."""


class ConflictError(PmpathError):
    """A step the thing's current status does not allow (HTTP 409), e.g. editing a promotion
    case already submitted, or deciding one that is still a draft; nothing changes."""


class CalibrationError(PmpathError, ValueError):
    """Responses cannot be calibrated; the message names the row, item and reason.

    Also a ValueError: the IRT functions raise it for arguments no caller should pass.
    """


class CalibrationInputError(BankError):
    """Stored or given responses that cannot be calibrated (exit code 2, nothing stored)."""


class RaterCalibrationError(PmpathError):
    """Ratings that cannot calibrate raters: out of scale, repeated, too few for a rater, or
    not linked; the message names the ratings, raters and people concerned."""


class FormatError(PmpathError):
    """A quiz file in a foreign format (GIFT, Moodle XML, Aiken, QTI, CSV) cannot be read."""


class FormulaError(ValueError):
    """A Moodle formula that cannot be evaluated: what is wrong and where (a 1-based column).
    Internal to reading calculated questions, which turn it into a located FormatError; a
    ValueError, not a PmpathError, because it never reaches a user on its own."""

    def __init__(self, message: str, column: int | None = None) -> None:
        self.message = message
        self.column = column
        where = f" at column {column}" if column is not None else ""
        super().__init__(f"{message}{where}")


class AuthError(PmpathError):
    """Signing in failed, or the request has no valid session or token (HTTP 401)."""


class SignUpError(PmpathError):
    """A sign-up form with a problem in a named field (HTTP 422)."""


class ForbiddenError(PmpathError):
    """The signed-in user may not do this (HTTP 403)."""


class CsrfError(ForbiddenError):
    """A state-changing form without the session's CSRF token (HTTP 403)."""


class TooLargeError(PmpathError):
    """A request body or upload over the configured limit (HTTP 413); nothing was stored."""


class AttemptLimitError(PmpathError):
    """A learner started an exam as often as its blueprint allows for now (HTTP 429)."""


class ThrottledError(PmpathError):
    """Too many failed sign-ins for this account; try again later (HTTP 429)."""


# -- not the user's fault (CLI exit code 1, HTTP 500) ------------------------------------------


class DatabaseError(PmpathError):
    """The database cannot be used as it is (e.g. its schema is behind this version)."""

    is_bad_input = False


class RosterError(PmpathError):
    """A membership container from an LMS that breaks the NRPS format (LTI Advantage)."""


class PlatformError(PmpathError):
    """An LMS platform's service could not be used (down, refusing pmpath's token, an error):
    not the user's fault (HTTP 500, exit code 1); the message says what the platform answered."""

    is_bad_input = False
