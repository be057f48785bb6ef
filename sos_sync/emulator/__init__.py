"""A local Google Workspace emulator (Sheets, Drive, Forms, Calendar, Docs) for gspread and googleapiclient.

    from sos_sync.emulator import start_in_thread
    from sos_sync.emulator.client import EmulatorAdmin
    from sos_sync.emulator.clients import service, sheets_client

    with start_in_thread(state_file=None) as emu:          # or: sos-sync emulator serve --port 0
        admin = EmulatorAdmin(emu.base_url)
        admin.create_spreadsheet("Tracker", "tracker-id", sheets=["Schools"])
        admin.create_form("EOI", [{"title": "School name", "questionId": "q1"}], form_id="eoi")
        admin.add_response("eoi", {"q1": "Hill Primary"}, submitted="2024-10-01T09:00:00Z")
        admin.create_calendar("sos@group.calendar.google.com")
        admin.create_folder("Feedback", folder_id="feedback-folder")
        gc = sheets_client(emu.base_url)
        forms = service("forms", "v1", emu.base_url)

Fenced like moto: it imports nothing else from sos_sync, and has no import cycles.

- core: `state` (the world as JSON), `core` (world + `faults` + `quota` + `stats`), `errors`,
  `request`, `discovery` (routes and validation from googleapiclient's discovery documents),
  `fields`; `router` (one API call), `server` (HTTP only), `batch`, `admin` (`/_emulator/`).
- per API, model apart from HTTP handlers:
  Sheets `grid`/`a1`/`cells`/`sheets_view`/`sheets_batch` (requests from `sheets_tabs`,
  `sheets_dimensions`, `sheets_ranges`, `sheets_named`, `sheets_layout`, `sheets_cells`,
  `sheets_metadata`) | `sheets`, `sheets_values`;
  Drive `drive_models`/`drive_query`/`doc_import` | `drive`, `drive_sharing`;
  Docs `docs_models` | `docs`; Calendar `calendar_models` | `calendar`; Forms `forms`.
- clients: `client` (admin API), `clients` (gspread / googleapiclient for tests), `cli`.
"""

from sos_sync.emulator.server import RunningEmulator, make_server, running, start_in_thread

__all__ = ["RunningEmulator", "make_server", "running", "start_in_thread"]
