"""The parse cache (`backends/local/parse_cache.py`): a night reads its files' parse of the
night before only while their bytes are the same; it never hides a changed file, a
damaged entry is ignored, a dry run keeps nothing, and responses are not kept once
someone is on the erasure list."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from helpers import TODAY, column_of, edit_tracker, row_of

from sos_sync.backends.local.backend import LocalBackend
from sos_sync.backends.local.ics import read_ics_entries
from sos_sync.backends.local.parse_cache import FOLDER
from sos_sync.backends.local.stores import SEEN_FILE
from sos_sync.backends.local.xlsx import XlsxTracker
from sos_sync.config.load import load_config
from sos_sync.domain.report import RunReport
from sos_sync.ops.erase import erase
from sos_sync.run.read import tab_specs
from sos_sync.run.sync import run_sync

Sync = Callable[..., RunReport]


def _entry(ws: Path, name: str) -> Path:
    return ws / FOLDER / f"{name}.json"


def _rewrite(path: Path, edit: Callable[[object], object]) -> None:
    """Change an entry's payload and make its checksum fit again (as only a bug could)."""
    head, text = path.read_text(encoding="utf-8").split("\n", 1)
    payload = edit(json.loads(text))
    text = json.dumps(payload, ensure_ascii=False)
    check = hashlib.sha256(text.encode()).hexdigest()
    path.write_text(f"{head.split()[0]} {check}\n{text}", encoding="utf-8")


def _responses(ws: Path) -> dict[str, list[tuple[str, str]]]:
    read = LocalBackend(load_config(ws)).source.read_responses()
    return {k: [(r.response_id, r.submitted_raw) for r in rs] for k, rs in read.responses.items()}


def _quiet_twice(ws: Path, sync: Sync) -> None:
    sync(ws)
    sync(ws)  # a night that did not write the tracker keeps its parse too


def test_a_night_keeps_its_parses_and_the_next_one_reads_them(workspace: Path, sync: Sync) -> None:
    _quiet_twice(workspace, sync)
    for name in ("inbox", "tracker-Schools", "ics-calendar", "ics-calendar-attendees"):
        assert _entry(workspace, name).exists(), name
    fresh = _responses(workspace)
    # the entry is what the night reads: a (checksummed) change to it shows
    _rewrite(
        _entry(workspace, "inbox"),
        lambda p: {**p, "failed": {"eoi": "kept, not parsed"}},  # type: ignore[dict-item]
    )
    read = LocalBackend(load_config(workspace)).source.read_responses()
    assert read.failed == {"eoi": "kept, not parsed"}
    assert {
        k: [(r.response_id, r.submitted_raw) for r in rs] for k, rs in read.responses.items()
    } == fresh


def test_an_export_saved_again_with_other_bytes_is_read_again(workspace: Path, sync: Sync) -> None:
    _quiet_twice(workspace, sync)
    before = _responses(workspace)
    path = workspace / "inbox" / "catchups.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    row = list(rows[-1])
    row[0], row[1] = "2025/07/15 10:00:00 AM GMT+1", "new.person@example.sch.uk"
    with path.open("a", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerow(row)
    after = _responses(workspace)
    assert len(after["catchup"]) == len(before["catchup"]) + 1
    report = sync(workspace)
    assert report.as_json()["responses"]["new"] == 1
    # the patched sheets were read again for the next night, the others kept: as the file reads
    config = load_config(workspace)
    cached = LocalBackend(config).tracker.read_tabs(tab_specs(config))
    assert cached == XlsxTracker(workspace / "tracker.xlsx").read_tabs(tab_specs(config))


def test_a_tracker_edited_by_a_lead_is_read_again(workspace: Path, sync: Sync) -> None:
    _quiet_twice(workspace, sync)

    def note(wb: object) -> None:
        ws = wb["Schools"]  # type: ignore[index]
        ws.cell(row_of(ws, "URN", "131003"), column_of(ws, "Notes"), "Called on Monday")

    edit_tracker(workspace, note)
    backend = LocalBackend(load_config(workspace))
    tabs = backend.tracker.read_tabs(tab_specs(load_config(workspace)))
    schools = tabs["Schools"]
    assert schools is not None
    assert schools.value("URN", "131003", "Notes") == "Called on Monday"


def test_a_damaged_or_foreign_entry_is_ignored(workspace: Path, sync: Sync) -> None:
    _quiet_twice(workspace, sync)
    fresh = _responses(workspace)
    config = load_config(workspace)
    tabs = LocalBackend(config).tracker.read_tabs(tab_specs(config))
    inbox, tracker = _entry(workspace, "inbox"), _entry(workspace, "tracker-Schools")
    inbox.write_bytes(inbox.read_bytes()[:-40])  # cut short
    text = tracker.read_text(encoding="utf-8")
    tracker.write_text(text.replace('"URN"', '"URX"', 1), encoding="utf-8")  # edited
    assert _responses(workspace) == fresh
    assert LocalBackend(config).tracker.read_tabs(tab_specs(config)) == tabs
    _entry(workspace, "ics-calendar").write_text("not json at all", encoding="utf-8")
    backend = LocalBackend(config)
    assert backend.calendar.read_events(["x"]) == {"x": None}
    assert sync(workspace).as_json()["writes"] == 0


def test_calendar_entries_read_from_the_cache_equal_the_file(workspace: Path, sync: Sync) -> None:
    _quiet_twice(workspace, sync)
    config = load_config(workspace)
    backend = LocalBackend(config)
    keys = sorted(read_ics_entries(workspace / "calendar.ics"))
    assert keys
    cached = backend.calendar.read_events(keys)
    backend.calendar.cache = None
    assert cached == backend.calendar.read_events(keys)


def test_a_dry_run_keeps_nothing(workspace: Path, sync: Sync) -> None:
    run_sync(workspace, TODAY, dry_run=True)
    assert not (workspace / FOLDER).exists()
    sync(workspace)  # documents made; what the next night finds of them is kept by a night
    seen = workspace / SEEN_FILE
    before = seen.read_bytes() if seen.exists() else None
    for doc in (workspace / "docs").glob("*.docx"):
        doc.write_bytes(doc.read_bytes() + b" ")  # a person's save: found changed
    run_sync(workspace, TODAY, dry_run=True)
    assert (seen.read_bytes() if seen.exists() else None) == before


def test_no_responses_are_kept_once_someone_is_erased(workspace: Path, sync: Sync) -> None:
    _quiet_twice(workspace, sync)
    assert _entry(workspace, "inbox").exists()
    erase(workspace, TODAY, email="g.obi@canalside.example.sch.uk")
    assert not _entry(workspace, "inbox").exists()
    sync(workspace)
    assert not _entry(workspace, "inbox").exists()
    kept = "".join(p.read_text(encoding="utf-8") for p in (workspace / FOLDER).glob("*.json"))
    assert "g.obi@canalside.example.sch.uk" not in kept


def test_the_first_night_keeps_the_tracker_it_wrote_as_it_reads(
    workspace: Path, sync: Sync
) -> None:
    sync(workspace)
    config = load_config(workspace)
    names = sorted(p.stem for p in (workspace / FOLDER).glob("tracker-*.json"))
    assert "tracker-Schools" in names and len(names) == len(tab_specs(config))
    cached = LocalBackend(config).tracker.read_tabs(tab_specs(config))
    assert cached == XlsxTracker(workspace / "tracker.xlsx").read_tabs(tab_specs(config))
