"""The morning report: what changed overnight and what needs a human, in plain words.

Built from the night's `RunReport`: a one-line `headline` for the
Dashboard and the Run log, and a Markdown report written to `reports/YYYY-MM-DD.md` (the
optional e-mail is `run.mail`). Reports may name schools and URNs, never contacts: every text this
module produces passes through `redact_emails`. `needs_attention` is the sentence
`status` and `doctor` lead with when the nightly job has failed or stopped running.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from sos_sync.domain.headline import (
    STEP_LABELS,
    failure_reason,
    headline,
    moves_of,
    plural,
    response_lines,
)
from sos_sync.domain.privacy import redact_emails
from sos_sync.domain.report import RunReport

UK = ZoneInfo("Europe/London")
STALE_AFTER = dt.timedelta(hours=48)


def _long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def signup_form_lines(s: RunReport) -> tuple[list[str], list[str]]:
    """What the night did to the sign-up form's choices (for "What changed"), and what a
    person must do about them (for "What needs a human")."""
    news = s.signup_form
    if news is None or not (news.changes or news.error or news.left_on):
        return [], []
    if news.left_on:
        return [], [
            "- No event of the programme is to come, and a Google Form cannot offer no "
            "choice, so the sign-up form still offers "
            + ", ".join(f"'{x}'" for x in news.left_on)
            + ". Stop it accepting responses (its Responses tab) until the next programme "
            "is imported (`sos-sync programme import`)."
        ]
    if news.error:
        waiting = news.changes.phrases(to_do=True)
        return [], [
            "- The sign-up form's event choices could not be brought in step with the "
            f"programme tonight: {news.error}. The rest of the night was not affected; the "
            "next night tries again (or run `sos-sync forms sync` once it is fixed)."
            + (f" Waiting: {', '.join(waiting)}." if waiting else "")
        ]
    if news.by_hand:
        return [], [
            "- The programme changed, and the sign-up form needs these choices changed by "
            "hand (type them exactly; `sos-sync forms print` lists every form's questions "
            "and exact choices):",
            *(f"  - {x}" for x in news.changes.phrases(to_do=True)),
        ]
    return [f"- Sign-up form: {', '.join(news.changes.phrases())}."], []


def _calendar_docs(s: RunReport) -> list[str]:
    return [
        text
        for n, text in (
            (s.events_created, f"{plural(s.events_created, 'calendar event')} created"),
            (s.events_updated, f"{plural(s.events_updated, 'calendar event')} updated"),
            (s.docs_created, f"{plural(s.docs_created, 'document')} generated"),
            (s.docs_updated, f"{plural(s.docs_updated, 'document')} updated"),
        )
        if n
    ]


def render_markdown(s: RunReport, school_names: bool = True) -> str:
    """The report `reports/YYYY-MM-DD.md`: headline, what changed, schools per step,
    what needs a human and, after a failure, how to fix it.

    Args:
        s: the night's summary.
        school_names: name schools next to their URNs (False: URNs only).
    """
    lines = [f"# Schools of Sanctuary: morning report for {_long_date(s.day)}", ""]
    lines += [headline(s), ""]
    lines += [
        f"Run started {s.started} on the {s.backend} backend; {plural(s.writes, 'write')} sent.",
        "",
    ]

    lines += ["## What changed", ""]
    responses = response_lines(s)
    schools = [f"{plural(s.schools_created, 'new school')} added"] if s.schools_created else []
    calendar_docs = _calendar_docs(s)
    moves = moves_of(s)
    form_done, form_to_do = signup_form_lines(s)
    changed = bool(responses or schools or moves or calendar_docs or form_done)
    if changed and not s.ok:
        lines += ["The run stopped before it finished; this is what it did before it stopped.", ""]
    if not changed:
        lines += [
            "Nothing changed: no new form responses, and every school, event and document "
            "was already up to date."
            if s.ok
            else "Nothing was changed before it stopped.",
            "",
        ]
    if responses:
        lines += ["### Form responses", "", *(f"- {x}" for x in responses), ""]
    if schools or moves:
        lines += ["### Schools", "", *(f"- {x}" for x in schools)]
        for where, group in moves:
            lines.append(f"- {plural(len(group), 'school')} {where}:")
            for urn, name, old in group:
                who = f"{urn} {name}" if school_names and name else urn
                lines.append(f"  - {who} (was step {old})")
        lines.append("")
    if calendar_docs:
        lines += ["### Calendar and documents", "", *(f"- {x}" for x in calendar_docs), ""]
    if form_done:
        lines += ["### Sign-up form", "", *form_done, ""]

    lines += ["## Schools per step", ""]
    if s.by_step or s.ok:
        lines += ["| Step | Stage | Schools |", "|---:|---|---:|"]
        for step, label in STEP_LABELS.items():
            lines.append(f"| {step} | {label} | {s.by_step.get(step, 0)} |")
        lines += [f"| | **Total** | **{sum(s.by_step.values())}** |", ""]
    else:
        lines += ["Not counted: the run stopped before it read the tracker.", ""]
    if s.stalled:
        lines += [
            f"{plural(s.stalled, 'school')} {'is' if s.stalled == 1 else 'are'} stalled "
            "(no activity for 90 days and not yet awarded): see `Stalled` on the Schools tab.",
            "",
        ]

    lines += ["## What needs a human", ""]
    if s.problems_open:
        new = f" ({s.problems_new} new since the last run)" if s.problems_new else ""
        lines += [
            f"- {plural(s.problems_open, 'problem')} open in `Needs review`{new}. Each row says "
            "what is wrong and what to do; fix it in the form or the tracker, then tick "
            "`Resolved`.",
        ]
    lines += form_to_do
    if not s.ok:
        lines.append("- The run failed: see below.")
    if not s.problems_open and s.ok and not form_to_do:
        lines.append("Nothing. Every response was filed and no school needs a decision.")
    lines.append("")

    if not s.ok:
        lines += [
            "## How to fix the failure",
            "",
            f"The run stopped because: {failure_reason(s)}.",
            "",
            "1. On the machine that runs the job, run `sos-sync doctor -w <workspace>`: it "
            "checks the configuration, the credentials and access to every form, sheet, "
            "calendar and folder, and says what to fix.",
            "2. For details, open the newest `sync-*.log` file in the workspace's `logs/` "
            "folder (it names URNs, never contacts).",
            "3. Then run `sos-sync sync -w <workspace>` again. A rerun finishes what was left "
            "and never duplicates a row, event or document.",
            "4. If it says another run holds the workspace (exit code 75), wait for that run "
            "to finish; if it happens every night, the job is taking longer than a day.",
            "",
        ]
    return redact_emails("\n".join(lines))


def write_report(workspace: Path, s: RunReport) -> Path:
    """Write `reports/YYYY-MM-DD.md` atomically and return its path.

    A second run on the same day replaces that day's file; readers never see half a file.
    The file is created readable by the job's user only (it names schools).
    """
    folder = workspace / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{s.day.isoformat()}.md"
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(render_markdown(s))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def _uk(moment: dt.datetime) -> str:
    local = moment.astimezone(UK)
    return f"{local:%a} {local.day} {local:%b} at {local:%H:%M}"


def _ago(delta: dt.timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return plural(hours, "hour") if hours < 48 else plural(hours // 24, "day")


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def needs_attention(last_runs: list[tuple[str, bool]], now: dt.datetime) -> str | None:
    """The sentence `status` and `doctor` lead with, or None when the job is healthy.

    Args:
        last_runs: the Run log's (finished ISO time, ok) rows, in any order; times
            without a zone are taken as UTC; rows whose time cannot be read are ignored.
        now: the current time.

    Returns:
        A sentence when the last run failed or no run succeeded in the last 48 hours.
    """
    now = _aware(now)
    runs: list[tuple[dt.datetime, bool]] = []
    for finished, ok in last_runs:
        try:
            runs.append((_aware(dt.datetime.fromisoformat(finished)), ok))
        except (TypeError, ValueError):
            continue
    runs.sort(key=lambda run: run[0])
    good = [when for when, ok in runs if ok]
    if not runs:
        return (
            "sos-sync has not run in this workspace yet: run `sos-sync sync`, and check "
            "the nightly schedule is installed (`sos-sync schedule show`)."
        )
    last_when, last_ok = runs[-1]
    since = (
        f"the last successful run finished {_uk(good[-1])}, {_ago(now - good[-1])} ago"
        if good
        else "no run has succeeded yet"
    )
    if not last_ok:
        return (
            f"The last nightly run FAILED (it finished {_uk(last_when)}) and {since}. "
            "The tracker may be out of date: run `sos-sync doctor` to see what to fix, "
            "then `sos-sync sync`."
        )
    if now - good[-1] > STALE_AFTER:
        return (
            f"No nightly run for {_ago(now - good[-1])}: the last one finished "
            f"{_uk(good[-1])}. Check the schedule is still running (`systemctl list-timers "
            "sos-sync.timer`, `crontab -l`, or the CI workflow's runs)."
        )
    return None
