"""School identity: which school a response belongs to (SPEC §5).

The key is the URN. Without a usable URN the school's name is normalised (case,
punctuation, "St"/"Saint", "C of E"/"CE", "Primary School"/"Primary", apostrophes,
whitespace) and matched to known schools: exactly one confident match joins; two or
more, or none, go to `Needs review` with the candidates. It never guesses between two.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

_REPLACEMENTS = (
    (r"\bsaint\b", "st"),
    (r"\bchurch of england\b", "ce"),
    (r"\bc of e\b", "ce"),
    (r"\bc e\b", "ce"),
    (r"\broman catholic\b", "rc"),
    (r"\bcatholic\b", "rc"),
    (r"\bprimary school\b", "primary"),
    (r"\bsecondary school\b", "secondary"),
    (r"\bjunior school\b", "junior"),
    (r"\binfant school\b", "infant"),
    (r"\binfants\b", "infant"),
    (r"\bacademy\b", "academy"),
    (r"\band\b", "&"),
)


@functools.lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """A school name folded for comparison: `St. Mary's C of E Primary School` -> `st marys ce primary`."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()
    s = re.sub(r"['’‘`´]", "", s)
    s = re.sub(r"[^\w&]+", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    for pattern, repl in _REPLACEMENTS:
        s = re.sub(pattern, repl, s)
    s = re.sub(r"\bschool\b$", "", s).strip()
    return re.sub(r"\s+", " ", s)


@dataclass(frozen=True)
class Match:
    """The outcome of matching a name: one URN, or the candidates a person must choose from."""

    urn: str | None
    candidates: tuple[tuple[str, str], ...] = ()  # (URN, name)


class SchoolIndex:
    """Known schools by URN and by normalised name."""

    def __init__(self, score_cutoff: float = 92.0) -> None:
        self.names: dict[str, str] = {}
        self._by_norm: dict[str, set[str]] = {}
        self._cutoff = score_cutoff
        self._choices: dict[str, str] | None = None

    def add(self, urn: str, name: str) -> None:
        old = self.names.get(urn)
        if old is not None:
            self._by_norm.get(normalise_name(old), set()).discard(urn)
        self.names[urn] = name
        self._by_norm.setdefault(normalise_name(name), set()).add(urn)
        self._choices = None

    def __contains__(self, urn: object) -> bool:
        return urn in self.names

    def match(self, name: str) -> Match:
        norm = normalise_name(name)
        if not norm:
            return Match(None)
        exact = sorted(self._by_norm.get(norm, set()))
        if len(exact) == 1:
            return Match(exact[0])
        if len(exact) > 1:
            return Match(None, tuple((u, self.names[u]) for u in exact))
        if self._choices is None:
            self._choices = {u: normalise_name(n) for u, n in self.names.items()}
        found = process.extract(
            norm,
            self._choices,
            scorer=fuzz.token_sort_ratio,
            limit=5,
            score_cutoff=self._cutoff - 12,
        )
        confident = [(u, s) for _, s, u in found if s >= self._cutoff]
        near = tuple((u, self.names[u]) for _, _, u in found)
        if len(confident) == 1 and all(
            s < self._cutoff for _, s, _ in found if _ != confident[0][0]
        ):
            return Match(confident[0][0], near)
        return Match(None, near)

    def clearly_different(self, urn: str, name: str) -> bool:
        """True when `name` is clearly not the name known for `urn`."""
        known = self.names.get(urn)
        if not known or not name.strip():
            return False
        return _different(known, name)


@functools.lru_cache(maxsize=65536)
def _different(known: str, name: str) -> bool:
    a, b = normalise_name(known), normalise_name(name)
    if a == b or a in b or b in a:
        return False
    return bool(fuzz.token_set_ratio(a, b) < 70)
