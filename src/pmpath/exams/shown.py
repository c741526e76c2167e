"""How an item's options are shown in one sitting, under ids that give nothing away.

Authored option ids carry the key: an ordering item's steps are written in the right order
(a, b, c, ...), and a matching item pairs its i-th left with its i-th option. A learner who saw
those ids could answer "a,b,c,d,e" and score full marks. So every sitting shows the options in
a shuffled order, each under the letter of its place on the screen ("a" first, "b" second...):
an id says where an option is shown, never where it was authored.

Responses are stored and scored in authored ids (item analysis, calibration and the spaced
review all read them); :class:`Shown` translates at the edge, both ways.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pmpath.errors import ResponseError
from pmpath.exams.items import Item, ItemType

#: Public ids, by place on the screen. No item has more options than this.
PUBLIC_IDS = "abcdefghijklmnopqrstuvwxyz"


class Shown:
    """One item's options as one sitting shows them: ``order`` holds the authored ids in the
    order shown; the public id of each is the letter of its place."""

    def __init__(self, item: Item, order: Sequence[str] | None) -> None:
        self.item = item
        authored = list(order) if order else [option.id for option in item.options]
        self.order = tuple(authored)
        self._to_public = {a: PUBLIC_IDS[place] for place, a in enumerate(authored)}
        self._to_authored = {p: a for a, p in self._to_public.items()}

    def public(self, authored_id: str) -> str:
        return self._to_public[authored_id]

    def response_in(self, response: Any) -> Any:
        """A learner's response, from public ids into authored ones (numbers and text as they
        are). An id no option is shown under is refused here; a response of the wrong shape
        is left for scoring to refuse."""
        if not self._to_authored or response is None:
            return response
        kind = self.item.type
        if kind in (ItemType.SINGLE, ItemType.TRUE_FALSE):
            return self._authored(response)
        if kind in (ItemType.MULTIPLE, ItemType.ORDERING):
            if isinstance(response, str) or not isinstance(response, Sequence):
                return response
            return [self._authored(part) for part in response]
        if kind in (ItemType.MATCHING, ItemType.GAP) and isinstance(response, Mapping):
            return {left: self._authored(right) for left, right in response.items()}
        return response

    def response_out(self, response: Any) -> Any:
        """A stored response (authored ids) as the learner gave it (public ids)."""
        if not self._to_public or response is None:
            return response
        kind = self.item.type
        if kind in (ItemType.SINGLE, ItemType.TRUE_FALSE) and isinstance(response, str):
            return self._to_public.get(response, response)
        if kind in (ItemType.MULTIPLE, ItemType.ORDERING) and isinstance(response, list):
            return [self._to_public.get(part, part) for part in response]
        if kind in (ItemType.MATCHING, ItemType.GAP) and isinstance(response, dict):
            return {left: self._to_public.get(right, right) for left, right in response.items()}
        return response

    def public_keys(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """A mapping keyed by authored option id, keyed by public id instead (in shown order)."""
        return {self._to_public[a]: values[a] for a in self.order if a in values}

    def _authored(self, public_id: Any) -> Any:
        if not isinstance(public_id, str):
            return public_id  # the wrong shape: scoring says what it should be
        # Letters as the learner types them: "A" is option a.
        found = self._to_authored.get(public_id.strip().lower())
        if found is None:
            raise ResponseError(
                f"{public_id!r} is not one of the options shown "
                f"({', '.join(letter.upper() for letter in self._to_authored)})"
            )
        return found
