"""A local Google Workspace emulator (Sheets, Drive, Forms, Calendar, Docs) for gspread and googleapiclient.

    from sos_sync.emulator import start_in_thread
    from sos_sync.emulator.client import EmulatorAdmin
    from sos_sync.backends.google.transport import build_service, emulator_credentials, sheets_client

    with start_in_thread(state_file=None) as emu:          # or: sos-sync emulator serve --port 0
        admin = EmulatorAdmin(emu.base_url)
        admin.create_spreadsheet("Tracker", "tracker-id", sheets=["Schools"])
        admin.create_form("EOI", [{"title": "School name", "questionId": "q1"}], form_id="eoi")
        admin.add_response("eoi", {"q1": "Hill Primary"}, submitted="2024-10-01T09:00:00Z")
        admin.create_calendar("sos@group.calendar.google.com")
        admin.create_folder("Feedback", folder_id="feedback-folder")
        gc = sheets_client(emulator_credentials(), emu.base_url)
        forms = build_service("forms", "v1", emulator_credentials(), emu.base_url)

Module map: `server` (HTTP, routing, persistence, faults, stats), `discovery` (routes and request
validation from googleapiclient's discovery documents), `state`, `sheets`/`sheets_batch`/`grid`/
`a1`/`cells`, `forms`, `calendar`, `drive`/`drive_query`/`drive_sharing`/`doc_import`, `docs`,
`batch`, `faults`, `quota`, `stats`, `admin` (the `/_emulator/` API), `client`, `cli`.
"""

from sos_sync.emulator.server import RunningEmulator, make_server, running, start_in_thread

__all__ = ["RunningEmulator", "make_server", "running", "start_in_thread"]
