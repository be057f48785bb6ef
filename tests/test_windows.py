"""The Windows path, tested on Linux: the portable lock, the Task Scheduler recipe, and the
package and demo with no `fcntl` (Windows has none)."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import filelock
import pytest
from click.testing import CliRunner

from sos_sync.cli.main import cli
from sos_sync.ops.schedule import recipe
from sos_sync.run.lock import lock_class, workspace_lock

NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
HOLD = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from sos_sync.run.lock import workspace_lock\n"
    "with workspace_lock(Path(sys.argv[1])):\n"
    "    print('held', flush=True)\n"
    "    time.sleep(120)\n"
)


def test_the_lock_is_the_portable_librarys_kernel_lock() -> None:
    assert lock_class() is (
        filelock.WindowsFileLock if sys.platform == "win32" else filelock.UnixFileLock
    )


def test_another_process_holding_the_lock_means_75_and_a_killed_holder_frees_it(
    workspace: Path,
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(workspace)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        p = CliRunner().invoke(cli, ["sync", "-w", str(workspace)])
        assert p.exit_code == 75 and f"(process {holder.pid})" in p.stderr
        assert not (workspace / "tracker.xlsx").exists()
    finally:
        holder.kill()  # as a crash or a closed laptop would: the OS frees the lock
        holder.wait(timeout=30)
    p = CliRunner().invoke(cli, ["sync", "-w", str(workspace), "--today", "2025-07-14"])
    assert p.exit_code == 0, p.stderr


def test_a_nested_lock_passes_only_when_the_outer_one_says_so(workspace: Path) -> None:
    with workspace_lock(workspace, nested=True), workspace_lock(workspace):
        pass
    with workspace_lock(workspace), pytest.raises(Exception, match="holds the workspace"):  # noqa: SIM117
        with workspace_lock(workspace):
            pass


NO_FCNTL = (
    "import sys\n"
    "sys.modules['fcntl'] = None  # `import fcntl` now fails, as on Windows\n"
    "from pathlib import Path\n"
    "from sos_sync.errors import LockHeld\n"
    "from sos_sync.run.lock import lock_class, workspace_lock\n"
    "import filelock\n"
    "assert lock_class() is filelock.SoftFileLock, lock_class()\n"
    "ws = Path(sys.argv[1])\n"
    "ws.mkdir()\n"
    "with workspace_lock(ws):\n"
    "    try:\n"
    "        with workspace_lock(ws):\n"
    "            raise SystemExit('a second lock was granted')\n"
    "    except LockHeld:\n"
    "        pass\n"
    "assert not (ws / '.sos-sync.lock').exists()\n"
    "from sos_sync.cli.main import main\n"
    "sys.argv = ['sos-sync', 'demo', '--out', sys.argv[2]]\n"
    "main()\n"
)


def test_the_package_imports_and_the_demo_runs_without_fcntl(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    p = subprocess.run(
        [sys.executable, "-c", NO_FCNTL, str(tmp_path / "locks"), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert p.returncode == 0, p.stderr
    assert "Warning" not in p.stderr
    assert "Schools per step" in p.stdout
    assert (out / "tracker.xlsx").exists() and (out / "calendar.ics").exists()
    assert not (out / ".sos-sync.lock").exists()  # the soft lock is removed on release


def _task(workspace: str, exe: str, time: str = "02:30") -> ET.Element:
    (text,) = recipe("windows", Path(workspace), exe, time=time).values()  # type: ignore[arg-type]
    assert "--" not in text.split("-->")[0].split("<!--")[1]  # a valid XML comment
    return ET.fromstring(text)


def test_the_task_scheduler_recipe_keeps_the_cron_rules() -> None:
    task = _task(r"C:\sos\coventry & co", r"C:\Python311\Scripts\sos-sync.exe", "03:15")
    settings = task.find("t:Settings", NS)
    assert settings is not None
    assert settings.findtext("t:MultipleInstancesPolicy", namespaces=NS) == "IgnoreNew"
    assert settings.findtext("t:ExecutionTimeLimit", namespaces=NS) == "PT60M"
    assert settings.findtext("t:StartWhenAvailable", namespaces=NS) == "true"
    trigger = task.find("t:Triggers/t:CalendarTrigger", NS)
    assert trigger is not None
    assert trigger.findtext("t:StartBoundary", namespaces=NS, default="").endswith("T03:15:00")
    assert trigger.findtext("t:ScheduleByDay/t:DaysInterval", namespaces=NS) == "1"
    action = task.find("t:Actions/t:Exec", NS)
    assert action is not None
    assert action.findtext("t:Command", namespaces=NS) == r"C:\Python311\Scripts\sos-sync.exe"
    args = action.findtext("t:Arguments", namespaces=NS)
    assert args == r'sync -w "C:\sos\coventry & co" --log-format json'


def test_the_task_scheduler_recipe_refuses_what_it_cannot_quote(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="full path"):
        _task(r"C:\sos", "sos-sync.exe")
    with pytest.raises(ValueError, match="reinterpret"):
        _task('C:\\sos\\"quoted"', r"C:\sos-sync.exe")
    task = _task(str(tmp_path), "/usr/bin/sos-sync")  # a POSIX path stays itself (WSL, tests)
    assert task.findtext("t:Actions/t:Exec/t:WorkingDirectory", namespaces=NS) == str(tmp_path)
