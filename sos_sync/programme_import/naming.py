"""An offer row's title, place, mode, key and sign-up label, and how an imported event is
matched to one already in the programme (so keys survive a re-import)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from sos_sync.domain.programme import Programme, ProgrammeEvent
from sos_sync.programme_import.dates import _clock, _say
from sos_sync.programme_import.table import _clean, _Row

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


_TBC = re.compile(
    r"[\s,;(]*\b(?:venue\s+)?(?:tbc|tba|to be confirmed|to be arranged|tbd)\b[).]*",
    re.IGNORECASE,
)


_SLUG = re.compile(r"[^a-z0-9]+")


_PREFIX = re.compile(r"^(?:the\s+)?(?:schools?\s+of\s+sanctuary|sos)\b[\s:–—-]*", re.IGNORECASE)


_CONNECTOR = re.compile(
    r"\s+(?:of|to|for|with|encouraging|that|who|which|where|about|including)\s+", re.IGNORECASE
)


@dataclass
class _Draft:
    """An event before keys and labels are settled."""

    title: str
    short: str
    start: str | None
    end: str | None
    where: str
    mode: str
    notes: str
    row: _Row


def _title_and_notes(what: str) -> tuple[str, str, bool, list[str]]:
    """Title, notes, whether the title was shortened, and the asides moved to the notes."""
    text = _clean(what)
    notes: list[str] = []
    asides: list[str] = []
    urls = _URL.findall(text)
    for url in urls:
        text = text.replace(url, " ")
    # A lead's aside in brackets ending with "?" is a question, not part of the title.
    for aside in re.findall(r"\([^()]*\?\s*\)", text):
        text = text.replace(aside, " ")
        notes.append(aside.strip("() "))
        asides.append(aside)
    text = _clean(re.sub(r"\s+-\s+", " – ", text))
    title = text
    shortened = bool(urls) or len(text) > 120
    if shortened:
        first, _, rest = text.partition(" – ")
        title = first.strip()
        if rest.strip():
            notes.insert(0, rest.strip()[0].upper() + rest.strip()[1:])
    notes.extend(urls)
    title = title.strip(" –-") or _clean(what)[:80] or "Untitled event"
    return title, "\n".join(notes), shortened, asides


def short_title(title: str) -> str:
    """A short name for keys and form labels: "Network meeting" from the full title."""
    clauses = [c.strip() for c in re.split(r"\s+[–—-]\s+|\s*\(|:\s+(?=[A-Z])", title)]
    chosen = ""
    for clause in clauses:
        chosen = _PREFIX.sub("", clause).strip()
        if chosen:
            break
    chosen = chosen or title
    if ": " in title and title.split(": ")[0] in clauses:
        chosen = title.split(" – ")[0]  # "Refugee Week: Planning and Inspiration" stays whole
    for m in _CONNECTOR.finditer(chosen):
        if len(chosen[: m.start()].split()) >= 2:
            chosen = chosen[: m.start()]
            break
    chosen = " ".join(chosen.split()[:6]).rstrip(",;:")
    return (chosen[:1].upper() + chosen[1:]) if chosen else "Event"


def _slug(text: str) -> str:
    slug = _SLUG.sub("-", text.lower()).strip("-")[:60].strip("-")
    return slug if len(slug) >= 2 else "event"


def clean_where(raw: str) -> str:
    """Where, in plain words: "In person Venue TBC" -> "In person, venue to be confirmed"."""
    where = _clean(raw).rstrip(".")
    if _TBC.search(where):
        where = _TBC.sub(", venue to be confirmed", where).strip(" ,")
        where = where[:1].upper() + where[1:]
    return where


def mode_of(where: str) -> str:
    """The mode (Online / In school / Email / In person) a Where text implies."""
    low = where.lower()
    if re.search(r"\b(online|zoom|teams|virtual|webinar)\b", low):
        return "Online"
    if re.search(r"\b(in|at) (your |the |each )?schools?\b", low):
        return "In school"
    if re.search(r"\be-?mail\b", low):
        return "Email"
    return "In person" if low else ""


def _named_venue(where: str) -> bool:
    return bool(where) and not re.match(
        r"(in person|online|in school|at school|e-?mail|venue to be confirmed|to be confirmed)",
        where,
        re.IGNORECASE,
    )


def form_label(short: str, start: str | None, mode: str, where: str) -> str:
    """The choice the sign-up form shows for an event."""
    if start is None:
        return ""
    if len(start) == 7:
        return f"{short} ({dt.date.fromisoformat(start + '-01'):%B %Y})"
    label = f"{short} – {_say(dt.date.fromisoformat(start[:10]))}"
    if len(start) > 10:
        label += f", {_clock(dt.time.fromisoformat(start[11:]))}"
    if mode == "Online":
        label += " (online)"
    elif _named_venue(where):
        label += f" ({where})"
    return label


def _norm(title: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", title.lower()).split())


def _similar(a: ProgrammeEvent | _Draft, b: ProgrammeEvent) -> float:
    return float(fuzz.token_set_ratio(_norm(a.title), _norm(b.title)))


_SIMILAR = 80.0


def _match_existing(
    drafts: Sequence[_Draft], existing: Programme, choices: list[str], warnings: list[str]
) -> dict[int, ProgrammeEvent]:
    """Which existing event each draft continues (by index); never guesses between two."""
    matched: dict[int, ProgrammeEvent] = {}
    used: set[str] = set()
    old = list(existing.events)

    def same_day(a: str | None, b: str | None) -> bool:
        return (a or "")[:10] == (b or "")[:10]

    # 1. same title and same date; 2. similar title and same date (best score, unique)
    for exact in (True, False):
        for i, d in enumerate(drafts):
            if i in matched:
                continue
            scored = [
                (_similar(d, e), e)
                for e in old
                if e.key not in used
                and same_day(d.start, e.start)
                and (_norm(d.title) == _norm(e.title) if exact else _similar(d, e) >= _SIMILAR)
            ]
            if not scored:
                continue
            scored.sort(key=lambda c: -c[0])
            if len(scored) > 1 and scored[0][0] == scored[1][0]:
                continue
            matched[i] = scored[0][1]
            used.add(scored[0][1].key)
    # 3. similar title, moved date: only when the pairing is unique both ways
    for i, d in enumerate(drafts):
        if i in matched:
            continue
        cands = [e for e in old if e.key not in used and _similar(d, e) >= _SIMILAR]
        if not cands:
            continue
        names = ", ".join(f"`{e.key}`" for e in cands)
        rivals = [
            j
            for j, other in enumerate(drafts)
            if j not in matched and any(_similar(other, e) >= _SIMILAR for e in cands)
        ]
        if len(cands) == 1 and rivals == [i]:
            prev = cands[0]
            matched[i] = prev
            used.add(prev.key)
            choices.append(
                f"Kept key `{prev.key}` for '{d.short}': same event, moved from "
                f"{prev.start or 'on request'} to {d.start or 'on request'}."
            )
        else:
            warnings.append(
                f"{d.row.ref}: '{d.short}' on {d.start or 'request'} may be the old {names} "
                f"moved, but {len(rivals)} new and {len(cands)} old events are alike; did not "
                f"guess, gave it a new key. Put the right old key back in the programme file "
                f"if it is the same event."
            )
    return matched
