"""`sos-sync forms create | sync | print`: the five forms themselves (SPEC §3, §10).

- `create` (google): builds each form the workspace has no `form_id` for, from its design
  (`domain/form_design.py`), and records the new id in `sos-sync.toml`; a form that already
  has an id is adopted: only the questions it lacks are added. A second call sends no write.
- `sync` (google): the sign-up form's event choices follow the programme (events still to
  come), without touching questions a lead added; responses are kept by Google as they are.
- `print` (any backend): every form's questions, types and exact choices as a Markdown
  checklist for building the forms by hand in Google Forms or Microsoft Forms.

A form create whose reply is lost has an unknown outcome; a journal entry written before
the create (`state/forms-journal.json`) makes the next call stop and ask the lead to look
in Drive, instead of making a second form.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.google.forms_builder import FormChanges, FormsApi, changes
from sos_sync.config.edit import set_config
from sos_sync.config.load import CONFIG_NAME, Config, load_config
from sos_sync.domain.form_design import FormDesign, design_forms, event_choices
from sos_sync.domain.forms import FORM_KINDS
from sos_sync.errors import ConfigError, SosSyncError
from sos_sync.files import atomic_write_text
from sos_sync.ops.forms_marker import mark_synced
from sos_sync.run.lock import workspace_lock

JOURNAL = Path("state") / "forms-journal.json"
SYNCED_CHOICES = frozenset({"events"})
_KIND_NAMES = {"short": "Short answer", "paragraph": "Paragraph", "radio": "Multiple choice"}
_KIND_NAMES |= {"checkbox": "Checkboxes", "date": "Date"}


@dataclass
class FormsReport:
    """What a `forms` command did (or, with --dry-run, would do)."""

    dry_run: bool
    lines: list[str] = field(default_factory=list)
    created: dict[str, str] = field(default_factory=dict)
    writes: int = 0


def _google_config(workspace: Path) -> Config:
    config = load_config(workspace, forms_optional=True)
    if config.backend != "google":
        raise ConfigError(
            f"{workspace}: `forms create` and `forms sync` build Google Forms, but this workspace "
            "uses the local backend. Use `sos-sync forms print` for a checklist to build them "
            "by hand."
        )
    return config


def _journal(workspace: Path) -> dict[str, dict[str, str]]:
    path = workspace / JOURNAL
    if not path.exists():
        return {}
    data: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _save_journal(workspace: Path, data: dict[str, dict[str, str]]) -> None:
    atomic_write_text(workspace / JOURNAL, json.dumps(data, indent=1, sort_keys=True))


def _bring(
    api: FormsApi, form_id: str, design: FormDesign, report: FormsReport
) -> FormChanges | None:
    """Add the questions a form lacks and set the synced choices; one batchUpdate at most.

    Returns what the form needed when first read (None: nothing)."""
    first: FormChanges | None = None
    for attempt in (1, 2):
        form = api.get(form_id)
        wanted = changes(form, design, SYNCED_CHOICES)
        if first is None and wanted.lines:
            first = wanted
            report.lines += [f"{design.title} ({form_id}): {line}" for line in wanted.lines]
        if not wanted.requests:
            return first
        if report.dry_run:
            return first
        try:
            api.update(form_id, wanted.requests, str(form.get("revisionId", "")))
            report.writes += 1
            return first
        except SosSyncError:
            # the form changed under us (a lead's edit, or our own update whose reply was
            # lost): read it again and work out what is still missing, once
            if attempt == 2:
                raise
    return first


def _bring_signup(
    api: FormsApi, form_id: str, config: Config, today: dt.date, report: FormsReport
) -> FormChanges | None:
    """`_bring` for the sign-up form, then remember the choices it now offers."""
    design = design_forms(config.forms, config.programme, today)["signup"]
    found = _bring(api, form_id, design, report)
    if not report.dry_run:
        mark_synced(config.workspace, event_choices(config.programme, today))
    return found


def sync_signup(config: Config, today: dt.date, clients: GoogleClients) -> FormChanges | None:
    """The nightly step: bring the sign-up form's event choices in step with the programme
    (and add the questions it lacks), as `forms sync` does. Raises SosSyncError."""
    if not config.form_settings["signup"].form_id:
        raise ConfigError(
            "the sign-up form has no form_id in sos-sync.toml, so sos-sync cannot edit it: "
            "run `sos-sync forms create`, or set [forms.signup] form_id"
        )
    with workspace_lock(config.workspace):
        form_id = config.form_settings["signup"].form_id
        return _bring_signup(FormsApi(clients), form_id, config, today, FormsReport(False))


def forms_create(
    workspace: Path, today: dt.date, *, dry_run: bool = False, clients: GoogleClients | None = None
) -> FormsReport:
    """Create the forms the workspace lacks, adopt the ones it has (see the module docstring)."""
    config = _google_config(workspace)
    report = FormsReport(dry_run)
    with workspace_lock(config.workspace):
        api = FormsApi(clients or GoogleClients(config))
        designs = design_forms(config.forms, config.programme, today)
        journal = _journal(config.workspace)
        for kind in FORM_KINDS:
            design, form_id = designs[kind], config.form_settings[kind].form_id
            pending = journal.get(kind, {})
            if not form_id and pending.get("creating") and not pending.get("form_id"):
                raise SosSyncError(
                    f"An earlier `forms create` started making the form `{pending['creating']}` "
                    f"on {pending.get('started', '?')} and did not hear back. Look in Google Drive "
                    f"for a form of that name: put its id in sos-sync.toml under [forms.{kind}] "
                    f"form_id (or delete the form), then delete {JOURNAL} and run again."
                )
            if not form_id:
                report.lines.append(
                    f"{design.title}: create the form with {len(design.questions)} questions"
                )
                if dry_run:
                    continue
                journal[kind] = {
                    "creating": design.title,
                    "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                }
                _save_journal(config.workspace, journal)
                form_id = api.create(design.title)
                report.writes += 1
                journal[kind]["form_id"] = form_id
                _save_journal(config.workspace, journal)
                set_config(config.workspace / CONFIG_NAME, {f"forms.{kind}": {"form_id": form_id}})
                report.created[kind] = form_id
            if kind == "signup":
                _bring_signup(api, form_id, config, today, report)
            else:
                _bring(api, form_id, design, report)
        if not report.lines:
            report.lines.append("Every form already matches: nothing to change.")
    return report


def forms_sync(
    workspace: Path, today: dt.date, *, dry_run: bool = False, clients: GoogleClients | None = None
) -> FormsReport:
    """Bring the sign-up form's event choices in step with the programme (and add missing questions)."""
    config = _google_config(workspace)
    report = FormsReport(dry_run)
    with workspace_lock(config.workspace):
        api = FormsApi(clients or GoogleClients(config))
        designs = design_forms(config.forms, config.programme, today)
        for kind in FORM_KINDS:
            form_id = config.form_settings[kind].form_id
            if not form_id:
                report.lines.append(
                    f"{designs[kind].title}: no form_id in sos-sync.toml; run `sos-sync forms create`"
                )
                continue
            if kind == "signup":
                _bring_signup(api, form_id, config, today, report)
            else:
                _bring(api, form_id, designs[kind], report)
        if not report.lines:
            report.lines.append("Every form already matches the programme: nothing to change.")
    return report


def forms_checklist(workspace: Path, today: dt.date) -> str:
    """Every form's questions, types and exact choices, as a Markdown checklist."""
    config = load_config(workspace, forms_optional=True)
    designs = design_forms(config.forms, config.programme, today)
    out = [
        "# The five forms, question by question",
        "",
        "Build each form with these questions, titles copied exactly (sos-sync finds answers "
        "by question title). Choices must be typed exactly as shown. In Google Forms also turn "
        "on *Collect email addresses*; in Microsoft Forms, *Record name*.",
    ]
    for kind in FORM_KINDS:
        design = designs[kind]
        out += ["", f"## {design.title} (`{kind}`)", ""]
        for n, q in enumerate(design.questions, start=1):
            need = ", required" if q.required else ""
            out.append(f"- [ ] {n}. **{q.title}** — {_KIND_NAMES[q.kind]}{need}")
            if q.help:
                out.append(f"    Help text: {q.help}")
            for choice in q.choices:
                out.append(f"    - `{choice}`")
            if q.kind == "checkbox" and q.field == "events" and not q.choices:
                out.append("    (no events to come in the programme yet)")
    return "\n".join(out) + "\n"
