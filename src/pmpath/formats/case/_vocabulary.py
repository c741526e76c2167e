"""The names pmpath's CASE packages share between writing and reading."""

from __future__ import annotations

import uuid

#: Every identifier pmpath writes is a UUID version 5 under this namespace, so exporting the
#: same ladder twice gives the same identifiers and a CASE server updates instead of duplicating.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:pmpath:case")

AREA_TYPE = "Competency Area"
COMPETENCY_TYPE = "Competency"

#: The key of pmpath's object in the CFPackage's ``extensions`` (CASE 1.1, table 7.1.21.6).
EXTENSION_KEY = "pmpath"
#: The version of what pmpath keeps under that key; a reader refuses versions it does not know.
EXTENSION_FORMAT = 1

#: The parts of a ladder CASE has no class for; they travel in the extension.
LADDER_SECTIONS = (
    "stages",
    "roles",
    "interests",
    "backgrounds",
    "certifications",
    "development_actions",
    "specialisations",
    "exits",
    "previous_versions",
)
