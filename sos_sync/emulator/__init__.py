"""A local Google Workspace emulator (Sheets, Drive, Forms, Calendar, Docs) for gspread and googleapiclient.

Start one with `start_in_thread()` (tests, the demo) or `sos-sync emulator serve`; seed and
inspect it with `EmulatorAdmin`; point the real clients at it with `sos_sync.google.transport`.
"""

from sos_sync.emulator.server import RunningEmulator, make_server, running, start_in_thread

__all__ = ["RunningEmulator", "make_server", "running", "start_in_thread"]
