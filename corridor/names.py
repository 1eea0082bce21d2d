"""Place lookup by id, English, Vietnamese (with or without diacritics) or Chinese name.

>>> fold("Lào Cai")
'lao cai'
>>> fold("Đồng Đăng")
'dong dang'
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from corridor.errors import DataError, UnknownPlaceError
from corridor.model import Place

MAX_SUGGESTIONS = 3
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Fold a name for matching: strip diacritics (đ → d too), lower-case, collapse punctuation."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.casefold()).strip()


def _keys(place: Place) -> set[str]:
    names = {place.id, place.name, place.name_vi, place.name_zh, *place.aliases}
    return {fold(name) for name in names if name and fold(name)}


class PlaceIndex:
    """Resolve user-typed place names to :class:`~corridor.model.Place` objects.

    Parameters
    ----------
    places
        The places to index.

    Raises
    ------
    DataError
        If two places share a name or alias after folding.
    """

    def __init__(self, places: Iterable[Place]) -> None:
        self._places: dict[str, Place] = {}
        self._by_key: dict[str, str] = {}
        for place in places:
            self._places[place.id] = place
            for key in _keys(place):
                other = self._by_key.setdefault(key, place.id)
                if other != place.id:
                    msg = f"places {other!r} and {place.id!r} share the name {key!r}"
                    raise DataError(msg, file="places.csv", column="aliases")

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._places

    def resolve(self, query: str | Place) -> Place:
        """The place ``query`` names.

        An exact match on id, name, Vietnamese name, Chinese name or alias wins (after
        folding case and diacritics); otherwise a unique place whose name starts with the
        query (``"Yen Vien"`` → Yen Vien station).

        Raises
        ------
        UnknownPlaceError
            With up to three suggestions when nothing or more than one place matches.
        """
        if isinstance(query, Place):
            return self._places[query.id]
        key = fold(query)
        if key in self._by_key:
            return self._places[self._by_key[key]]
        prefixed = sorted({pid for k, pid in self._by_key.items() if k.startswith(key + " ")})
        if key and len(prefixed) == 1:
            return self._places[prefixed[0]]
        candidates = prefixed or self._close(key)
        raise UnknownPlaceError(
            query, [(pid, self._places[pid].name) for pid in candidates[:MAX_SUGGESTIONS]]
        )

    def search(self, query: str, limit: int = 10) -> list[Place]:
        """Places whose names contain ``query`` or come close to it, best first."""
        key = fold(query)
        if not key:
            return []
        found: list[str] = []
        if key in self._by_key:
            found.append(self._by_key[key])
        found += sorted({pid for k, pid in self._by_key.items() if key in k})
        found += self._close(key)
        unique = list(dict.fromkeys(found))
        return [self._places[pid] for pid in unique[:limit]]

    def _close(self, key: str) -> list[str]:
        matches = difflib.get_close_matches(key, self._by_key, n=10, cutoff=0.6)
        return list(dict.fromkeys(self._by_key[m] for m in matches))
