"""The IRIs statements are made of: ADL's registered verbs and activity types, and pmpath's own
activity ids and extensions, which live under the site's base URL.

Every verb pmpath sends is one of ADL's (http://adlnet.gov/expapi/verbs/...), registered in the
xAPI vocabulary, so any LRS and any report that knows ADL's verbs reads pmpath's statements.
A placement is "scored" (ADL) with the level in a result extension: no registered verb says
"placed", and a made-up one would be understood by no report.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

#: The xAPI version pmpath writes and asks for (the X-Experience-API-Version header).
XAPI_VERSION = "1.0.3"

_ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
_ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"


@dataclass(frozen=True)
class Verb:
    """A verb: its IRI and its display name in English."""

    iri: str
    display: str

    def as_json(self) -> dict[str, object]:
        return {"id": self.iri, "display": {"en": self.display}}


ATTEMPTED = Verb(_ADL_VERBS + "attempted", "attempted")
ANSWERED = Verb(_ADL_VERBS + "answered", "answered")
COMPLETED = Verb(_ADL_VERBS + "completed", "completed")
PASSED = Verb(_ADL_VERBS + "passed", "passed")
FAILED = Verb(_ADL_VERBS + "failed", "failed")
SCORED = Verb(_ADL_VERBS + "scored", "scored")

#: Every verb pmpath sends, by its display name.
VERBS = {verb.display: verb for verb in (ATTEMPTED, ANSWERED, COMPLETED, PASSED, FAILED, SCORED)}

#: ADL activity types.
ASSESSMENT = _ADL_ACTIVITIES + "assessment"
QUESTION = _ADL_ACTIVITIES + "question"


@dataclass(frozen=True)
class Site:
    """The site statements come from: its base URL (``https://pmpath.example.org``) names the
    learners' accounts, every activity and every extension."""

    base_url: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    def iri(self, *parts: str) -> str:
        """``{base}/xapi/part/part...``, each part percent-encoded (ids may hold any text)."""
        return "/".join([self.base_url, "xapi", *(quote(part, safe="") for part in parts)])

    def extension(self, name: str) -> str:
        """The IRI of one of pmpath's result or context extensions."""
        return self.iri("extensions", name)


#: pmpath's extensions (each under ``{base}/xapi/extensions/``): what a placement or a
#: self-assessment concluded, and the kind of exam an attempt was.
EXTENSIONS = {
    "mode": "the kind of attempt: mock, practice or adaptive",
    "role": "the role a self-assessment placed the learner at (its id)",
    "role-status": "ready-now or working-towards that role",
    "level": "the career level the placement test placed the learner at (its id)",
    "level-range": "the range of levels the learner plausibly is at (low, high)",
    "standard-error": "the standard error of the ability estimate (theta)",
    "items": "how many questions the adaptive test asked",
    "framework-version": "the version of the career framework a self-assessment was taken on",
}
