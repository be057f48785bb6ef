"""The Windows recipe: a Task Scheduler task that runs one `sos-sync sync` a night.

The same rules as the cron line: never two runs at once (`MultipleInstancesPolicy`
IgnoreNew; sos-sync's own workspace lock besides), a hard time-out (`ExecutionTimeLimit`:
Task Scheduler stops a stuck run and the next night starts clean), and a missed night
run when the machine is next on (`StartWhenAvailable`, like systemd's Persistent=).
The task XML is registered from PowerShell:

    sos-sync schedule show --kind windows -w C:\\sos\\coventry > sos-sync-task.xml
    Register-ScheduledTask -TaskName "sos-sync nightly" -Xml (Get-Content sos-sync-task.xml -Raw)
"""

from __future__ import annotations

import ntpath
import os
import re
from xml.sax.saxutils import escape

TASK_FILE = "sos-sync-task.xml"
TASK_NAME = "sos-sync nightly"
_UNSAFE = re.compile(r"[\"%\n\r\t<>|]")


def _windows_path(text: str, what: str) -> str:
    """An absolute path as Windows sees it (a POSIX path stays as it is, for tests and WSL)."""
    path = text if ntpath.isabs(text) or os.path.isabs(text) else os.path.abspath(text)
    if _UNSAFE.search(path):
        raise ValueError(
            f'{what} {path!r} contains a character (" % < > | tab or newline) that Task '
            "Scheduler or cmd would reinterpret; use a plain path such as C:\\sos\\coventry."
        )
    return path


def _comment(text: str) -> str:
    """Text safe inside an XML comment (which may not hold `--`)."""
    return escape(text).replace("--", "- -")


def _quote(arg: str) -> str:
    return f'"{arg}"' if " " in arg else arg


def windows_task(workspace: str, executable: str, hour: int, minute: int, timeout: int) -> str:
    """The Task Scheduler XML for one nightly run at HH:MM (the machine's local time)."""
    ws = _windows_path(workspace, "workspace")
    if not (ntpath.isabs(executable) or os.path.isabs(executable)):
        raise ValueError(
            f"executable {executable!r} must be a full path (Task Scheduler does not see your "
            "PATH); find it with `(Get-Command sos-sync).Source` in PowerShell."
        )
    exe = _windows_path(executable, "executable")
    args = f"sync -w {_quote(ws)} --log-format json"
    return f"""<?xml version="1.0"?>
<!--
  sos-sync: the nightly Schools of Sanctuary run for {_comment(ws)}, at {hour:02d}:{minute:02d}.
  Install: save this text as {TASK_FILE}, then in PowerShell, as the user that owns the
  workspace:  Register-ScheduledTask -TaskName "{TASK_NAME}" -Xml (Get-Content {TASK_FILE} -Raw)
  Check it:   Get-ScheduledTaskInfo "{TASK_NAME}"
  The time is the machine's own clock: set Windows to (UTC+00:00) Dublin, Edinburgh, Lisbon, London.
  IgnoreNew: if last night's run is still going, this start is skipped (sos-sync itself also
  exits 75 when a manual run holds the workspace: LastTaskResult 75).
  ExecutionTimeLimit PT{timeout}M stops a stuck run; the next night starts clean.
  StartWhenAvailable runs a missed night when the computer is next on.
  InteractiveToken runs while the user is signed in; on a server, register it with
  -User and -Password (or change LogonType to S4U) so it runs when nobody is signed in.
  Each run keeps its own log in the workspace's logs/ folder.
-->
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>sos-sync nightly run for {escape(ws)}</Description>
  </RegistrationInfo>
  <Triggers>
    <CalendarTrigger>
      <StartBoundary>2025-01-01T{hour:02d}:{minute:02d}:00</StartBoundary>
      <RandomDelay>PT5M</RandomDelay>
      <Enabled>true</Enabled>
      <ScheduleByDay>
        <DaysInterval>1</DaysInterval>
      </ScheduleByDay>
    </CalendarTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <ExecutionTimeLimit>PT{timeout}M</ExecutionTimeLimit>
    <StartWhenAvailable>true</StartWhenAvailable>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <WakeToRun>false</WakeToRun>
    <Enabled>true</Enabled>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>{escape(exe)}</Command>
      <Arguments>{escape(args)}</Arguments>
      <WorkingDirectory>{escape(ws)}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
"""
