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


# every replacement in one pass: no replacement makes text an earlier or later one matches
# (`test_name_normalisation_is_the_replacements_in_turn` checks it against one by one)
_ONE_PASS = re.compile("|".join(f"(?:{p})" for p, _ in _REPLACEMENTS))
_BY_TEXT = {p[2:-2].replace("\\b", ""): r for p, r in _REPLACEMENTS}
_APOSTROPHES = re.compile(r"['’‘`´]")
_NOT_WORDS = re.compile(r"[^\w&]+")
_SPACES = re.compile(r"\s+")
_SCHOOL_LAST = re.compile(r"\bschool\b$")


@functools.lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """A school name folded for comparison: `St. Mary's C of E Primary School` -> `st marys ce primary`."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()
    s = _APOSTROPHES.sub("", s)
    s = _NOT_WORDS.sub(" ", s)
    s = _SPACES.sub(" ", s).strip()
    s = _ONE_PASS.sub(lambda m: _BY_TEXT[m.group()], s)
    s = _SCHOOL_LAST.sub("", s).strip()
    return _SPACES.sub(" ", s)


@dataclass(frozen=True)
class Match:
    """The outcome of matching a name: one URN, or the candidates a person must choose from."""

    urn: str | None
    candidates: tuple[tuple[str, str], ...] = ()  # (URN, name)


class SchoolIndex:
    """Known schools by URN, and every name each has been given (its aliases).

    A school keeps the names its responses gave it, so a response matched by an earlier
    name still finds the school after a later expression of interest renames it, whatever
    the night it is read (SPEC §6.4).
    """

    def __init__(self, score_cutoff: float = 92.0) -> None:
        self.names: dict[str, str] = {}  # URN -> the name shown for it (the last one added)
        self._by_norm: dict[str, set[str]] = {}
        self._aliases: dict[str, set[str]] = {}  # URN -> normalised names
        self._cutoff = score_cutoff
        self._choices: tuple[list[str], list[str]] | None = None  # (norms, URNs), parallel
        # URN -> name -> `clearly_different`, while the URN's names stay as they are (a
        # school's responses mostly give one name: it is compared with the others once)
        self._verdicts: dict[str, dict[str, bool]] = {}

    def add(self, urn: str, name: str) -> None:
        """Know `urn`, and `name` as one of its names (shown from now on)."""
        new = urn not in self.names
        self.names[urn] = name
        norm = normalise_name(name)
        if norm and norm not in self._aliases.get(urn, ()):
            self._by_norm.setdefault(norm, set()).add(urn)
            self._aliases.setdefault(urn, set()).add(norm)
            self._choices = None
            new = True
        if new:
            self._verdicts.pop(urn, None)

    def __contains__(self, urn: object) -> bool:
        return urn in self.names

    def _candidates(self, urns: object) -> tuple[tuple[str, str], ...]:
        return tuple((u, self.names[u]) for u in sorted(set(urns)))  # type: ignore[call-overload]

    def match(self, name: str) -> Match:
        """One URN when exactly one school confidently has this name; else the candidates,
        sorted by URN."""
        norm = normalise_name(name)
        if not norm:
            return Match(None)
        exact = self._by_norm.get(norm, set())
        if len(exact) == 1:
            return Match(next(iter(exact)))
        if len(exact) > 1:
            return Match(None, self._candidates(exact))
        from rapidfuzz import fuzz, process  # only a name with no exact match needs it

        if self._choices is None:
            pairs = sorted((n, u) for u, ns in self._aliases.items() for n in ns)
            self._choices = ([n for n, _ in pairs], [u for _, u in pairs])
        norms, urns = self._choices
        best: dict[str, float] = {}
        for _, score, i in process.extract(
            norm,
            norms,
            scorer=fuzz.token_sort_ratio,
            limit=None,
            score_cutoff=self._cutoff - 12,
        ):
            best[urns[i]] = max(best.get(urns[i], 0.0), float(score))
        confident = [u for u, s in best.items() if s >= self._cutoff]
        near = self._candidates(best)
        if len(confident) == 1:
            return Match(confident[0], near)
        return Match(None, near)

    def clearly_different(self, urn: str, name: str) -> bool:
        """True when `name` shares no distinctive word with any name known for `urn`."""
        known = self._verdicts.setdefault(urn, {})
        verdict = known.get(name)
        if verdict is None:
            verdict = known[name] = self._clearly_different(urn, name)
        return verdict

    def _clearly_different(self, urn: str, name: str) -> bool:
        if urn not in self.names or not normalise_name(name):
            return False
        aliases = self._aliases.get(urn, set())
        return bool(aliases) and all(_different(a, name) for a in aliases)


# words every other school has: they never tell two schools apart (SPEC §6.4)
COMMON_WORDS = frozenset(
    [
        "school",
        "schools",
        "primary",
        "secondary",
        "junior",
        "infant",
        "nursery",
        "academy",
        "college",
        "high",
        "community",
        "ce",
        "rc",
        "st",
        "c",
        "e",
        "of",
        "the",
        "&",
        "church",
        "england",
        "catholic",
        "free",
        "trust",
        "federation",
        "foundation",
        "multi",
        "learning",
        "upper",
        "lower",
        "middle",
        "first",
        "grammar",
        "county",
        "city",
    ]
)


def distinctive_words(name: str) -> frozenset[str]:
    """The words of a normalised name that tell one school from another."""
    return frozenset(w for w in normalise_name(name).split() if w not in COMMON_WORDS)


@functools.lru_cache(maxsize=65536)
def _different(known: str, name: str) -> bool:
    a, b = distinctive_words(known), distinctive_words(name)
    if not a or not b:  # a name of common words only ("Primary School") proves nothing
        return False
    return not (a & b)
