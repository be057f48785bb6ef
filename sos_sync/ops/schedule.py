"""Scheduling recipes: the cron line, systemd units and CI workflow for one workspace.

`recipe(kind, workspace, executable)` returns ready-to-install text (file name -> content)
that works as written: absolute paths, quoted where needed, the night's time in UK time,
a hard timeout, and an outer lock so two nights never overlap (SPEC §10, §11; research
reliability §4). The program also holds its own workspace lock and exits 75 when it is
taken, so a run started by hand is serialised too.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path
from typing import Literal

from sos_sync.ops.schedule_windows import TASK_FILE, windows_task

ScheduleKind = Literal["cron", "systemd", "ci", "windows"]

#: Exit code of `flock -E` and of sos-sync itself when another run holds the workspace.
LOCK_HELD_EXIT = 75

CRON_FILE = "crontab"
SERVICE_FILE = "sos-sync.service"
TIMER_FILE = "sos-sync.timer"
WORKFLOW_FILE = ".github/workflows/sos-sync-nightly.yml"

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
# Characters that cron (%), systemd (specifiers, quoting) or YAML would reinterpret.
_UNSAFE = re.compile(r"[%\"'\\\n\r\t$`]")


def recipe(
    kind: ScheduleKind,
    workspace: Path,
    executable: str,
    time: str = "02:30",
    timeout_minutes: int = 60,
) -> dict[str, str]:
    """Return the files that schedule one nightly `sos-sync sync` for a workspace.

    Args:
        kind: "cron" (one crontab entry), "systemd" (a service and a timer), "ci"
            (a GitHub Actions workflow) or "windows" (a Task Scheduler task).
        workspace: the workspace folder. For cron and systemd it is made absolute; for
            ci it is the folder's path inside the repository (an absolute path is
            replaced by `workspace`, with a comment saying so).
        executable: the full path of the `sos-sync` program (e.g. from
            `command -v sos-sync`); cron's and systemd's PATH will not find a virtualenv.
            Ignored for ci, which installs sos-sync on the runner.
        time: the night's start, HH:MM in UK time (Europe/London).
        timeout_minutes: the run is stopped after this many minutes.

    Returns:
        File name -> content: `crontab`; `sos-sync.service` and `sos-sync.timer`; or
        `.github/workflows/sos-sync-nightly.yml`; or `sos-sync-task.xml`.

    Raises:
        ValueError: a bad time, timeout, kind, or a path the scheduler would misread.
    """
    match = _TIME.match(time)
    if not match:
        raise ValueError(f"time {time!r} is not HH:MM in 24-hour UK time, e.g. 02:30.")
    hour, minute = int(match.group(1)), int(match.group(2))
    if not 1 <= timeout_minutes <= 24 * 60:
        raise ValueError(f"timeout_minutes {timeout_minutes} must be between 1 and 1440 (one day).")
    if kind == "ci":
        return {WORKFLOW_FILE: _workflow(workspace, hour, minute, timeout_minutes)}
    if kind == "windows":
        return {TASK_FILE: windows_task(str(workspace), executable, hour, minute, timeout_minutes)}
    ws = _absolute(workspace, "workspace")
    exe = _executable(executable)
    if kind == "cron":
        return {CRON_FILE: _cron(ws, exe, hour, minute, timeout_minutes)}
    if kind == "systemd":
        return {
            SERVICE_FILE: _service(ws, exe, timeout_minutes),
            TIMER_FILE: _timer(ws, hour, minute),
        }
    raise ValueError(f"kind {kind!r} is not one of cron, systemd, ci, windows.")


def cron_command(workspace: Path, executable: str, timeout_minutes: int = 60) -> str:
    """The shell command of the crontab line (without the five time fields)."""
    ws = _absolute(workspace, "workspace")
    exe = _executable(executable)
    lock = shlex.quote(str(ws / ".sos-sync.cron.lock"))
    log = shlex.quote(str(ws / "logs" / "cron.log"))
    return (
        f"flock -n -E {LOCK_HELD_EXIT} {lock} timeout {timeout_minutes}m "
        f"{shlex.quote(exe)} sync -w {shlex.quote(str(ws))} --log-format json "
        f">> {log} 2>&1"
    )


def _absolute(path: Path, what: str) -> Path:
    text = os.path.abspath(os.path.expanduser(str(path)))
    if _UNSAFE.search(text):
        raise ValueError(
            f"{what} {text!r} contains a character (% quote backslash $ ` tab or newline) "
            "that cron or systemd would reinterpret; use a plain path such as "
            "/srv/sos-sync/coventry."
        )
    return Path(text)


def _executable(executable: str) -> str:
    if not os.path.isabs(executable):
        raise ValueError(
            f"executable {executable!r} must be a full path (cron and systemd do not see "
            "your shell's PATH); find it with `command -v sos-sync`."
        )
    return str(_absolute(Path(executable), "executable"))


def _clock_note(hour: int) -> str:
    if hour == 1:
        # The UK clocks change between 01:00 and 02:00: in March that hour does not exist,
        # in October it happens twice.
        return (
            "# WARNING: 01:00-01:59 UK time is skipped in March and repeated in October;\n"
            "# choose a time from 02:00 so the job runs exactly once every night.\n"
        )
    return ""


def _cron(ws: Path, exe: str, hour: int, minute: int, timeout: int) -> str:
    return (
        f"# sos-sync: the nightly Schools of Sanctuary run for {ws}, at {hour:02d}:{minute:02d}"
        " UK time.\n"
        "# Install: `crontab -e` as the user that owns the workspace, paste these lines,\n"
        f"# and create the log folder first: mkdir -p {shlex.quote(str(ws / 'logs'))}\n"
        f"# flock -n -E {LOCK_HELD_EXIT}: if last night's run is still going, this start exits "
        f"{LOCK_HELD_EXIT}\n"
        f"# at once (so does sos-sync itself when a manual run holds the workspace).\n"
        f"# timeout {timeout}m stops a stuck run; the next night starts clean.\n"
        "# cron.log catches what the run prints (each run also keeps its own file in logs/);\n"
        "# it only grows, so add it to logrotate or empty it now and then.\n"
        "# CRON_TZ is honoured by cronie (RHEL, Fedora, Arch) and systemd-cron; Debian and\n"
        "# Ubuntu cron ignore it and use the machine's zone (`timedatectl` should then show\n"
        "# Europe/London). CRON_TZ applies to every line below it.\n"
        f"{_clock_note(hour)}"
        "CRON_TZ=Europe/London\n"
        f"{minute} {hour} * * * {cron_command(ws, exe, timeout)}\n"
    )


def _unit_quote(text: str) -> str:
    """Quote one word for a systemd command line or path list."""
    return f'"{text}"' if " " in text else text


def _service(ws: Path, exe: str, timeout: int) -> str:
    return f"""\
# sos-sync.service: one nightly Schools of Sanctuary run for {ws}.
# Install (as root): copy sos-sync.service and sos-sync.timer to /etc/systemd/system/,
# set User= below (the workspace folder must exist), then:
#   systemd-analyze verify /etc/systemd/system/sos-sync.service /etc/systemd/system/sos-sync.timer
#   systemctl daemon-reload && systemctl enable --now sos-sync.timer
#   systemctl list-timers sos-sync.timer      # when it runs next
#   journalctl -u sos-sync.service            # what the last run said
[Unit]
Description=sos-sync nightly Schools of Sanctuary run ({ws})
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
# User=sos-sync
#   ^ set to the account that owns {ws}; without it the run is root's.
WorkingDirectory={ws}
ExecStart={_unit_quote(exe)} sync -w {_unit_quote(str(ws))}
TimeoutStartSec={timeout}min
# Exit 75 (another run holds the workspace) is deliberately NOT listed in
# SuccessExitStatus=: systemd never starts this oneshot unit twice at once, so 75 only
# happens when someone's manual run held the workspace at the scheduled time, and that
# night's sync did not happen. It shows as failed in `systemctl --failed` (and triggers
# OnFailure= if you add one) so a human notices. 0 is the only success.
# The SMTP password for the morning report (SOS_SYNC_SMTP_PASSWORD), mode 600, root-owned:
EnvironmentFile=-/etc/sos-sync/sos-sync.env
# Files the run creates (reports, logs, tokens) are readable by its user only.
UMask=0077
# Hardening: the run can write to its workspace and nowhere else.
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=read-only
ReadWritePaths={_unit_quote(str(ws))}
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes
"""


def _timer(ws: Path, hour: int, minute: int) -> str:
    note = _clock_note(hour)
    return f"""\
# sos-sync.timer: starts sos-sync.service every night at {hour:02d}:{minute:02d} UK time
# (plus up to 5 minutes' random delay). Persistent=true runs a missed night at boot.
{note}[Unit]
Description=Nightly sos-sync run ({ws})

[Timer]
OnCalendar=*-*-* {hour:02d}:{minute:02d}:00 Europe/London
Persistent=true
RandomizedDelaySec=300
Unit=sos-sync.service

[Install]
WantedBy=timers.target
"""


def _ci_workspace(workspace: Path) -> tuple[str, str]:
    text = str(workspace).replace(os.sep, "/")
    if workspace.is_absolute() or text.startswith("..") or not text or text == ".":
        note = (
            f"# The workspace is the folder `workspace` in this repository: copy the\n"
            f"# configuration of {text} there (never its credentials).\n"
        )
        return "workspace", note
    if _UNSAFE.search(text) or " " in text or ":" in text or "#" in text:
        raise ValueError(f"workspace {text!r}: use a plain folder name such as `workspace`.")
    return text.rstrip("/"), ""


def _workflow(workspace: Path, hour: int, minute: int, timeout: int) -> str:
    ws, ws_note = _ci_workspace(workspace)
    bst_hour = (hour + 1) % 24
    return f"""\
# sos-sync-nightly.yml: the nightly Schools of Sanctuary run on GitHub Actions.
# Needs the repository secret SOS_SYNC_SERVICE_ACCOUNT_JSON (the service-account key) and,
# for the e-mailed morning report, SOS_SYNC_SMTP_PASSWORD. Keep this repository private:
# the morning report names schools.
{ws_note}name: sos-sync nightly

on:
  schedule:
    # GitHub's cron is UTC. {hour:02d}:{minute:02d} UTC is {hour:02d}:{minute:02d} in UK winter
    # (GMT) and {bst_hour:02d}:{minute:02d} in summer (BST, UTC+1). GitHub may start scheduled
    # runs late when busy, and turns schedules off after 60 days without commits in a
    # public repository.
    - cron: "{minute} {hour} * * *"
  workflow_dispatch: {{}}

# Never two runs at once; a second start waits for the first instead of cancelling it.
concurrency:
  group: sos-sync
  cancel-in-progress: false

permissions:
  contents: read

jobs:
  sync:
    runs-on: ubuntu-latest
    timeout-minutes: {timeout}
    steps:
      - uses: actions/checkout@v6
        with:
          persist-credentials: false

      - uses: actions/setup-python@v6
        with:
          python-version: "3.11"

      - name: Install sos-sync from this repository
        run: python -m pip install .

      # The key goes to the runner's temp folder, outside the workspace, so it is never
      # cached or uploaded. It passes through env (not ${{{{ }}}} in the script) and
      # printf (a shell builtin), so it is never echoed or put on a command line.
      - name: Write the service-account key
        env:
          SOS_SYNC_SERVICE_ACCOUNT_JSON: ${{{{ secrets.SOS_SYNC_SERVICE_ACCOUNT_JSON }}}}
        run: |
          umask 077
          key="$RUNNER_TEMP/sos-sync-service-account.json"
          printf '%s' "$SOS_SYNC_SERVICE_ACCOUNT_JSON" > "$key"
          chmod 600 "$key"
          echo "GOOGLE_APPLICATION_CREDENTIALS=$key" >> "$GITHUB_ENV"

      # Workspace state (run state, logs, reports) is kept between nights in the Actions
      # cache rather than a committed state branch: a branch would put school data in git
      # history for ever (UK GDPR erasure would mean rewriting history). Cache entries are
      # immutable, so each run saves under its own key and restores the newest one.
      # Only what runs produce is cached (state/ is sos_sync.state.STATE_DIR); the
      # configuration, programme and templates always come from the repository.
      # The cache is saved only when the job succeeds, so a failed night leaves the last
      # good state. A lost cache (unused for 7 days, or evicted) never duplicates anything,
      # since every write is keyed, but the sync no longer remembers which tracker values
      # it wrote itself and may list them in Needs review once; check after a long pause.
      - name: Restore the workspace state
        uses: actions/cache@v5
        with:
          path: |
            {ws}/state
            {ws}/logs
            {ws}/reports
          key: sos-sync-state-${{{{ github.run_id }}}}-${{{{ github.run_attempt }}}}
          restore-keys: |
            sos-sync-state-

      - name: Sync
        env:
          SOS_SYNC_SMTP_PASSWORD: ${{{{ secrets.SOS_SYNC_SMTP_PASSWORD }}}}
        run: sos-sync sync -w {ws} --log-format json

      - name: Upload the morning report
        if: always()
        uses: actions/upload-artifact@v6
        with:
          name: morning-report-${{{{ github.run_id }}}}
          path: {ws}/reports/
          if-no-files-found: warn
          retention-days: 30

      - name: Remove the key
        if: always()
        run: rm -f "$RUNNER_TEMP/sos-sync-service-account.json"
"""
