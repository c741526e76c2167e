"""A small bank with gap items, for the tests that take one through an interface (the web player,
the terminal, exports) and for screenshots. The bundled bank has none yet: gap items for it are
content to be written and reviewed on their own."""

from __future__ import annotations

from pathlib import Path

from pmpath.exams.authoring import parse_bank
from pmpath.exams.blueprints import Blueprint
from pmpath.exams.items import Bank
from pmpath.framework import Framework

GAP_BANK = """---
domain: agile-and-scrum
name: Agile and Scrum
---
Scrum's events, artifacts and accountabilities.

---
id: agile-901
type: gap
level: entry
difficulty: 2
competencies: [execution-excellence]
---
Complete the note on Scrum's commitments.

The Product Backlog serves the [[1]], which the Product Owner [[2]]; each Sprint has its
own [[3]], and every Increment meets the [[4]].

- [1] Product Goal
  : The Product Goal is the long-term objective the Product Backlog serves.
- [3] Sprint Goal
  : The Sprint Goal is the single objective of one Sprint.
- [4] Definition of Done
  : The Definition of Done states the quality every Increment must meet.
- [ ] Velocity target
  : Velocity is a planning measure, not a commitment of any artifact.
Choices:
- [2] is accountable for
  : The Product Owner is accountable for the Product Backlog, its goal included.
- [ ] hands over to the Scrum Master
  : The Scrum Master serves the team; the Product Backlog stays the Product Owner's.

Explanation: Each artifact has one commitment; the Product Owner answers for the Product Backlog.

---
id: agile-902
type: gap
level: entry
difficulty: 1
competencies: [execution-excellence]
---
Name the event.

The Sprint ends with the [[1]].

- [1] Sprint Retrospective
  : The Retrospective is the Sprint's last event.
- [ ] Sprint Planning
  : Planning opens the next Sprint.

Explanation: The Retrospective concludes the Sprint.
"""

BLUEPRINT = Blueprint(
    id="gap-check",
    name="Scrum gaps",
    summary="Two gap items on Scrum's commitments and events.",
    items=2,
    minutes=30,
    pass_mark=50,
    levels=["entry"],
    domains={"agile-and-scrum": 1},
)


def gap_bank(framework: Framework, bank_id: str = "gaps") -> Bank:
    return parse_bank([("agile-and-scrum.md", GAP_BANK)], framework, bank_id)


def write_gap_bank(folder: Path) -> Path:
    """The bank as a folder of Markdown files, as an author keeps one."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "agile-and-scrum.md").write_text(GAP_BANK, encoding="utf-8")
    return folder
