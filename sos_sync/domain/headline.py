"""The night in one line, for the Dashboard top, the Run log and the morning report.

Pure words from a `RunReport`: the plan writes the line into the tracker, and the
morning report (`run/morning_report.py`) leads with it.
"""

from __future__ import annotations

from sos_sync.domain.privacy import redact_emails
from sos_sync.domain.report import RunReport

#: Form kinds in report order, with their singular and plural nouns.
FORM_NOUNS: dict[str, tuple[str, str]] = {
    "eoi": ("expression of interest", "expressions of interest"),
    "audit": ("audit", "audits"),
    "signup": ("event sign-up", "event sign-ups"),
    "application": ("application", "applications"),
    "catchup": ("catch-up request", "catch-up requests"),
}

#: What each step means (SPEC §6.2), for the schools-per-step table.
STEP_LABELS: dict[int, str] = {
    1: "Getting started",
    2: "Action planning",
    3: "Draft application",
    4: "Final application, assessment or awarded",
    5: "Renewal due",
}


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """`1 school`, `2 schools`, `0 schools` (pass the plural when it is not just +s)."""
    return f"{n} {singular if n == 1 else (plural_form or singular + 's')}"


def moves_of(s: RunReport) -> list[tuple[str, list[tuple[str, str, int]]]]:
    """Step moves grouped by where they went: ("moved to step 2", [(urn, name, from)])."""
    groups: dict[tuple[int, bool], list[tuple[str, str, int]]] = {}
    for urn, name, old, new in s.step_moves:
        if old == new:
            continue
        groups.setdefault((new, new < old), []).append((urn, name, old))
    out = []
    for (new, back), schools in sorted(groups.items()):
        verb = "moved back to" if back else "moved to"
        out.append((f"{verb} step {new}", sorted(schools)))
    return out


def response_lines(s: RunReport) -> list[str]:
    parts = [
        plural(n, "new " + one, "new " + many)
        for kind, (one, many) in FORM_NOUNS.items()
        if (n := s.new_responses.get(kind, 0))
    ]
    others = sorted(set(s.new_responses) - set(FORM_NOUNS))
    parts += [plural(s.new_responses[k], f"new {k} response") for k in others if s.new_responses[k]]
    if s.updated_responses:
        parts.append(f"{plural(s.updated_responses, 'response')} updated")
    return parts


def change_lines(s: RunReport) -> list[str]:
    parts = response_lines(s)
    if s.schools_created:
        parts.append(f"{plural(s.schools_created, 'new school')} added")
    for where, schools in moves_of(s):
        parts.append(f"{plural(len(schools), 'school')} {where}")
    if s.events_created:
        parts.append(f"{plural(s.events_created, 'calendar event')} created")
    if s.events_updated:
        parts.append(f"{plural(s.events_updated, 'calendar event')} updated")
    if s.docs_created:
        parts.append(f"{plural(s.docs_created, 'document')} generated")
    if s.docs_updated:
        parts.append(f"{plural(s.docs_updated, 'document')} updated")
    return parts


def problems_line(s: RunReport, still: bool) -> str:
    n = s.problems_open
    if not n:
        return ""
    verb = "needs" if n == 1 else "need"
    if still or not s.problems_new:
        return f"{plural(n, 'problem')} still {verb} you"
    if s.problems_new == n:
        return f"{plural(n, 'problem')} {verb} you"
    return f"{plural(n, 'problem')} {verb} you ({s.problems_new} new)"


def failure_reason(s: RunReport) -> str:
    return redact_emails((s.error or "no reason was recorded").strip().rstrip("."))


def headline(s: RunReport) -> str:
    """One line for the Dashboard top and the Run log.

    "Last night: 3 new expressions of interest, 2 schools moved to step 2, 1 document
    generated, 2 problems need you." / "Last night: nothing new. 4 problems still need
    you." / "Last night's run FAILED: <reason>. ..."
    """
    if not s.ok:
        text = (
            f"Last night's run FAILED: {failure_reason(s)}. The tracker may be only partly updated; "
            "fix the cause and run it again (a rerun is always safe)."
        )
        return text + (f" {problems_line(s, still=True)}." if s.problems_open else "")
    changes = change_lines(s)
    if not changes:
        problems = problems_line(s, still=True)
        return "Last night: nothing new." + (f" {problems}." if problems else "")
    problems = problems_line(s, still=False)
    return "Last night: " + ", ".join(changes + ([problems] if problems else [])) + "."
