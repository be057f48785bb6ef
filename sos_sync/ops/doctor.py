"""`sos-sync doctor`: checks the workspace and says what to fix, leading with what matters.

First whether the nightly job is healthy (the last run failed, or none succeeded for 48
hours); then the configuration; then the backend (for local: the inbox exports match
the forms, the tracker opens; for google: every form, the sheet, the calendar and the
documents folder, see `sos_sync.google.doctor`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sos_sync.backends.base import Check
from sos_sync.config.load import Config, load_config
from sos_sync.domain.forms import FORM_KINDS
from sos_sync.errors import ConfigError
from sos_sync.run.morning_report import needs_attention
from sos_sync.run.state import read_runs


def run_doctor(workspace: Path, now: dt.datetime | None = None) -> list[Check]:
    """Every check, in the order a technician should read them; never raises for a failed check."""
    checks: list[Check] = []
    try:
        config = load_config(workspace)
    except ConfigError as exc:
        return [Check("configuration", "fail", "; ".join(exc.problems))]
    runs = read_runs(config.workspace)
    attention = needs_attention(
        [(str(r.get("finished", "")), bool(r.get("ok"))) for r in runs],
        now or dt.datetime.now(dt.UTC),
    )
    last_error = str(runs[-1].get("error") or "") if runs and not runs[-1].get("ok") else ""
    if last_error:
        checks.append(
            Check(
                "last run",
                "fail",
                f"{runs[-1].get('finished', '?')} failed: {last_error}",
            )
        )
    if attention and runs:
        checks.append(Check("nightly runs", "fail", attention))
    elif runs:
        checks.append(
            Check("nightly runs", "ok", f"last run finished {runs[-1].get('finished', '?')}")
        )
    else:
        checks.append(Check("nightly runs", "warn", "no run yet: run `sos-sync sync` once by hand"))
    checks.append(Check("configuration", "ok", f"{config.source} is valid"))
    n = len(config.programme.events)
    checks.append(
        Check(
            "programme",
            "ok" if n else "warn",
            f"{n} events ({config.programme.academic_year or 'no year'})",
        )
    )
    checks.extend(_templates(config))
    if config.backend == "local":
        checks.extend(_local(config))
    else:
        from sos_sync.backends.google.doctor import doctor as google_doctor

        checks.extend(google_doctor(config))
    return checks


def _templates(config: Config) -> list[Check]:
    d = config.templates_dir
    missing = [
        k
        for k in ("audit_feedback", "application_feedback", "award_letter")
        if not (d / f"{k}.html.j2").exists()
    ]
    if missing:
        return [
            Check(
                "templates", "fail", f"{d}: missing " + ", ".join(f"{m}.html.j2" for m in missing)
            )
        ]
    return [Check("templates", "ok", str(d))]


def _local(config: Config) -> list[Check]:
    from sos_sync.backends.local.inbox import read_csv_export

    out: list[Check] = []
    inbox = config.path(config.raw.local.inbox)
    for kind in FORM_KINDS:
        spec = config.forms[kind]
        path = inbox / spec.inbox_file
        if not path.exists():
            out.append(
                Check(
                    f"form {kind}",
                    "warn",
                    f"{path} not there yet (export the form's responses as CSV)",
                )
            )
            continue
        try:
            n = len(read_csv_export(path, spec))
            out.append(
                Check(
                    f"form {kind}", "ok", f"{path.name}: {n} responses, every mapped question found"
                )
            )
        except ValueError as exc:
            out.append(Check(f"form {kind}", "fail", str(exc)))
    tracker = config.path(config.raw.local.tracker)
    if tracker.exists():
        try:
            from sos_sync.backends.local.xlsx import read_workbook
            from sos_sync.tracker.schema import SCHOOLS

            read_workbook(tracker, (SCHOOLS,))
            out.append(Check("tracker", "ok", f"{tracker} opens"))
        except Exception as exc:  # a damaged or foreign file: say so plainly
            out.append(
                Check(
                    "tracker", "fail", f"{tracker} cannot be read ({exc}); restore it from backups/"
                )
            )
    else:
        out.append(Check("tracker", "warn", f"{tracker} will be created by the first sync"))
    return out
