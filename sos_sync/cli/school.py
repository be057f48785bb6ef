"""`sos-sync problems` (open `Needs review` rows) and `sos-sync school URN` (one school)."""

from __future__ import annotations

from pathlib import Path

import click

from sos_sync.cli.output import JSON, WORKSPACE, emit_json, say


@click.command()
@WORKSPACE
@JSON
def problems(workspace: Path, as_json: bool) -> None:
    """The open `Needs review` rows: what needs a person, oldest first."""
    from sos_sync.cli.emulated import served
    from sos_sync.ops.school import open_problems

    with served(workspace):
        found = open_problems(workspace)
    if as_json:
        emit_json({"ok": True, "open": len(found), "problems": found})
        return
    if not found:
        say("No open problems.")
        return
    say(f"{len(found)} open problem(s) (mark `Resolved` on the `Needs review` tab when done):")
    for p in found:
        who = f"{p.get('School', '')} ({p['URN']})" if p.get("URN") else p.get("School", "")
        say(f"  {p.get('Raised on', '')}  {who or p.get('Where', '')}: {p.get('Reason', '')}")


@click.command()
@click.argument("urn")
@WORKSPACE
@JSON
def school(urn: str, workspace: Path, as_json: bool) -> None:
    """One school's history: step, milestones, responses, events, documents, problems."""
    from sos_sync.cli.emulated import served
    from sos_sync.ops.school import school_history

    with served(workspace):
        h = school_history(workspace, urn)
    if as_json:
        emit_json({"ok": True, **h})
        return
    say(f"{h['school']} ({h['urn']}): step {h['step']}, {h['stage']}", "bold")
    if h["next_action"]:
        say(f"  next: {h['next_action']}" + ("  (stalled)" if h["stalled"] == "Yes" else ""))
    sections = (
        ("Milestones", [f"{k}: {v}" for k, v in h["milestones"].items()]),
        ("Responses", [f"{r['submitted']}  {r['form']}  {r['status']}" for r in h["responses"]]),
        ("Events", [f"{e['events']}  attended: {e['attended'] or '?'}" for e in h["events"]]),
        ("Documents", [f"{d['Generated on']}  {d['Title']}  {d['Link']}" for d in h["documents"]]),
        ("Problems", [f"{p['Raised on']}  {p['Status']}: {p['Reason']}" for p in h["problems"]]),
    )
    for title, lines in sections:
        say(f"{title}:" + ("" if lines else " none"))
        for line in lines:
            say(f"  {line}")
