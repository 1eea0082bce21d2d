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
from typing import TYPE_CHECKING

from corridor.errors import DataError, InvalidRequestError, UnknownPlaceError, shown
from corridor.model import Place

if TYPE_CHECKING:
    from corridor.data import Where

MAX_SUGGESTIONS = 3
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_CJK = re.compile("[\u3400-\u9fff]")
"""Chinese characters: names in Chinese are written without spaces between words."""


def fold(text: str) -> str:
    """Fold a name for matching: strip diacritics (đ → d too), lower-case, collapse punctuation."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.casefold()).strip()


NAME_COLUMNS = ("id", "name", "name_vi", "name_zh", "aliases")
"""The ``places.csv`` columns a place is looked up by, most specific first."""


def name_keys(place: Place) -> dict[str, str]:
    """The folded names of ``place``, each with the first column (of NAME_COLUMNS) giving it."""
    keys: dict[str, str] = {}
    for column in NAME_COLUMNS:
        cell = getattr(place, column)
        for name in cell if isinstance(cell, tuple) else (cell,):
            key = fold(name) if name else ""
            if key:
                keys.setdefault(key, column)
    return keys


def check_unique_names(rows: Iterable[tuple[Where | None, Place]]) -> None:
    """Check that no two places share a name or alias after folding, whatever their years.

    ``rows`` are places with where they were written (their line in ``places.csv``, say;
    ``None`` if unknown). Of two places sharing a name, the one whose cell is the less
    specific (an alias rather than an id or name; the later row if alike) is reported.

    Raises
    ------
    DataError
        Naming the line and column of the clashing cell and the other place.
    """
    rows = list(rows)
    rank = {column: i for i, column in enumerate(NAME_COLUMNS)}
    owner: dict[str, tuple[int, int, str]] = {}  # key -> rank, order, id
    for order, (_, place) in enumerate(rows):
        for key, column in name_keys(place).items():
            claim = (rank[column], order, place.id)
            owner[key] = min(owner.get(key, claim), claim)
    for where, place in rows:
        for key, column in name_keys(place).items():
            rank_of_first, order, other = owner[key]
            if other != place.id:
                first = rows[order][0]
                cell = NAME_COLUMNS[rank_of_first]
                at = f" ({first.relative_to(where, cell)})" if first and where else ""
                msg = f"places {place.id!r} and {other!r}{at} share the name {key!r}"
                if where is None:
                    raise DataError(msg, file="places.csv", column=column)
                raise where.error(msg, column)


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
        self._places: dict[str, Place] = {place.id: place for place in places}
        check_unique_names((None, place) for place in self._places.values())
        self._by_key: dict[str, str] = {
            key: place.id for place in self._places.values() for key in name_keys(place)
        }

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._places

    def resolve(self, query: str | Place) -> Place:
        """The place ``query`` names.

        An exact match on id, name, Vietnamese name, Chinese name or alias wins (after
        folding case and diacritics); otherwise a unique place whose name starts with the
        query (``"Yen Vien"`` → Yen Vien station), unless another place's name holds all of
        the query's words as well (``"Cua khau Huu Nghi"`` starts Youyiguan's Vietnamese name
        and is all in Huu Nghi's: the two are suggested).

        Raises
        ------
        UnknownPlaceError
            With up to three suggestions when nothing or more than one place matches.
        """
        if isinstance(query, Place):
            return self._places[query.id]
        key = _key(query)
        if key in self._by_key:
            return self._places[self._by_key[key]]
        # a name's first words ("Yen Vien"), or in Chinese, written without spaces, its first
        # characters (河口北 for 河口北站, 友谊关 for 友谊关口岸)
        start = key if _CJK.search(key) else key + " "
        prefixed = sorted({pid for k, pid in self._by_key.items() if k.startswith(start)})
        words = set(key.split())
        holding = {pid for k, pid in self._by_key.items() if words <= set(k.split())}
        if key and len(prefixed) == 1 and holding <= set(prefixed):
            return self._places[prefixed[0]]
        candidates = sorted(set(prefixed) | holding) if prefixed else self._close(key)
        raise UnknownPlaceError(
            query, [(pid, self._places[pid].name) for pid in candidates[:MAX_SUGGESTIONS]]
        )

    def exact(self, query: str | Place) -> Place | None:
        """The place whose id, name, Vietnamese or Chinese name or alias is ``query`` (folded)."""
        if isinstance(query, Place):
            return self._places.get(query.id)
        place_id = self._by_key.get(_key(query))
        return None if place_id is None else self._places[place_id]

    def search(self, query: str, limit: int = 10) -> list[Place]:
        """Places whose names contain ``query`` or come close to it, best first."""
        key = _key(query)
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
        if len(key) > MAX_QUERY_CHARS:  # no place is named so; fuzzy matching would be slow
            return []
        matches = difflib.get_close_matches(key, self._by_key, n=10, cutoff=0.6)
        return list(dict.fromkeys(self._by_key[m] for m in matches))


MAX_QUERY_CHARS = 200
"""The longest place name looked up by similarity (the longest name in the data is far shorter)."""


def _key(query: object) -> str:
    """A query folded for lookup; a query that is no text is a bad request."""
    if not isinstance(query, str):
        msg = f"a place is named by text (its name or id), got {shown(query)}"
        raise InvalidRequestError(msg)
    return fold(query)
