"""The scheduling recipes work as written: cron parses and locks, units verify, CI parses.

Checks that depend on the machine pick themselves at runtime and put their name in the
test id: the systemd units are always checked with `configparser` and also with
`systemd-analyze verify` when it is installed; the workflow is always parsed with the
small YAML reader below and also with PyYAML when some Python on the machine has it
(the two must agree).
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sos_sync.ops.schedule import WORKFLOW_FILE, cron_command, recipe

EXAMPLE = Path("/srv/sos-sync/coventry")
# The real program, so `systemd-analyze verify` finds an executable ExecStart.
SOS_SYNC = str(Path(sys.executable).parent / "sos-sync")

# --- cron -------------------------------------------------------------------------------

_CRON_FIELDS: tuple[tuple[str, int, int], ...] = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day", 1, 31),
    ("month", 1, 12),
    ("weekday", 0, 7),
)


def _check_cron_field(text: str, name: str, low: int, high: int) -> None:
    for part in text.split(","):
        base, _, step = part.partition("/")
        if step and (not step.isdigit() or int(step) == 0):
            raise ValueError(f"{name}: bad step in {part!r}")
        if base == "*":
            continue
        first, _, last = base.partition("-")
        for number in (first, last) if last else (first,):
            if not number.isdigit() or not low <= int(number) <= high:
                raise ValueError(f"{name}: {number!r} is not in {low}-{high}")
        if last and int(first) > int(last):
            raise ValueError(f"{name}: range {base!r} runs backwards")


def parse_crontab(text: str) -> tuple[dict[str, str], list[tuple[list[str], str]]]:
    """Environment lines and (five fields, command) jobs of a crontab, validated."""
    env: dict[str, str] = {}
    jobs: list[tuple[list[str], str]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        assignment = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line)
        if assignment:
            env[assignment.group(1)] = assignment.group(2)
            continue
        parts = line.split(None, 5)
        if len(parts) != 6:
            raise ValueError(f"not five fields and a command: {line!r}")
        for field, (name, low, high) in zip(parts[:5], _CRON_FIELDS, strict=True):
            _check_cron_field(field, name, low, high)
        if re.search(r"(?<!\\)%", parts[5]):
            raise ValueError("cron turns an unescaped % into a newline")
        jobs.append((parts[:5], parts[5]))
    return env, jobs


def test_cron_line_parses_with_uk_time_lock_and_timeout() -> None:
    text = recipe("cron", EXAMPLE, "/opt/sos-sync/bin/sos-sync")["crontab"]
    env, jobs = parse_crontab(text)
    assert env == {"CRON_TZ": "Europe/London"}
    assert text.index("CRON_TZ=") < text.index("30 2 * * *")
    assert text.startswith("# sos-sync: the nightly")
    [(fields, command)] = jobs
    assert fields == ["30", "2", "*", "*", "*"]
    assert command == (
        "flock -n -E 75 /srv/sos-sync/coventry/.sos-sync.cron.lock timeout 60m "
        "/opt/sos-sync/bin/sos-sync sync -w /srv/sos-sync/coventry --log-format json "
        ">> /srv/sos-sync/coventry/logs/cron.log 2>&1"
    )


def test_cron_validator_rejects_bad_lines() -> None:
    for bad in ("61 2 * * * true", "30 2 * * true", "30 2 0 * * true", "30 2 * * * a % b"):
        with pytest.raises(ValueError):
            parse_crontab(bad)


def test_cron_time_and_timeout_are_filled_in() -> None:
    text = recipe("cron", EXAMPLE, "/opt/x/sos-sync", time="23:05", timeout_minutes=90)
    _, [(fields, command)] = parse_crontab(text["crontab"])
    assert fields[:2] == ["5", "23"]
    assert " timeout 90m " in command


def test_a_time_inside_the_clock_change_hour_is_flagged() -> None:
    for kind, name in (("cron", "crontab"), ("systemd", "sos-sync.timer")):
        text = recipe(kind, EXAMPLE, "/opt/x/sos-sync", time="01:30")[name]  # type: ignore[arg-type]
        assert "skipped in March and repeated in October" in text
    assert "skipped in March" not in recipe("cron", EXAMPLE, "/opt/x/sos-sync")["crontab"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"executable": "sos-sync"}, "must be a full path"),
        ({"time": "2:30"}, "is not HH:MM"),
        ({"time": "24:00"}, "is not HH:MM"),
        ({"timeout_minutes": 0}, "between 1 and 1440"),
        ({"workspace": Path("/srv/50%/x")}, "would reinterpret"),
    ],
)
def test_bad_arguments_are_refused_in_plain_words(kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"workspace": EXAMPLE, "executable": "/opt/x/sos-sync"} | kwargs
    with pytest.raises(ValueError, match=message):
        recipe("cron", **args)


def _dummy_program(folder: Path) -> tuple[Path, Path, Path]:
    """A stand-in for sos-sync that logs its arguments and waits for a release file."""
    started, release = folder / "started", folder / "release"
    program = folder / "fake-sos-sync"
    program.write_text(
        "#!/bin/sh\n"
        'echo "ran with: $*"\n'
        f"touch '{started}'\n"
        f"while [ ! -e '{release}' ]; do sleep 0.02; done\n"
    )
    program.chmod(0o755)
    return program, started, release


def test_cron_command_really_refuses_a_second_concurrent_start(tmp_path: Path) -> None:
    assert shutil.which("flock"), "flock is part of util-linux and must be installed"
    workspace = tmp_path / "my workspace"  # a space: the quoting must hold in /bin/sh
    (workspace / "logs").mkdir(parents=True)
    program, started, release = _dummy_program(tmp_path)
    command = cron_command(workspace, str(program), timeout_minutes=1)
    log = workspace / "logs" / "cron.log"

    first = subprocess.Popen(["/bin/sh", "-c", command])
    try:
        deadline = time.monotonic() + 10
        while not started.exists():
            assert time.monotonic() < deadline, "the first run never started"
            assert first.poll() is None, f"the first run ended early: {first.returncode}"
            time.sleep(0.02)
        second = subprocess.run(["/bin/sh", "-c", command], timeout=10)
        assert second.returncode == 75
        assert log.read_text().count("ran with:") == 1
    finally:
        release.touch()
        assert first.wait(timeout=10) == 0

    third = subprocess.run(["/bin/sh", "-c", command], timeout=10)
    assert third.returncode == 0, "the lock must be free once the first run ended"
    lines = log.read_text().splitlines()
    assert lines == [f"ran with: sync -w {workspace} --log-format json"] * 2


# --- systemd ----------------------------------------------------------------------------

SYSTEMD_CHECKS = ["configparser"] + (["systemd-analyze"] if shutil.which("systemd-analyze") else [])


def _read_unit(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return parser


@pytest.mark.parametrize("check", SYSTEMD_CHECKS)
def test_systemd_units_are_valid(check: str, tmp_path: Path) -> None:
    workspace = tmp_path / "coventry"
    workspace.mkdir()
    files = recipe("systemd", workspace, SOS_SYNC, timeout_minutes=45)
    assert sorted(files) == ["sos-sync.service", "sos-sync.timer"]
    for name, text in files.items():
        (tmp_path / name).write_text(text)

    if check == "systemd-analyze":
        units = [str(tmp_path / name) for name in sorted(files)]
        verify = subprocess.run(
            ["systemd-analyze", "verify", *units], capture_output=True, text=True, timeout=30
        )
        output = verify.stdout + verify.stderr
        assert verify.returncode == 0, output
        assert "sos-sync" not in output, output  # no warnings about our units either
        calendar = subprocess.run(
            ["systemd-analyze", "calendar", "*-*-* 02:30:00 Europe/London"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert calendar.returncode == 0 and "Next elapse" in calendar.stdout
        return

    service = _read_unit(files["sos-sync.service"])
    assert service.sections() == ["Unit", "Service"]
    svc = service["Service"]
    assert svc["Type"] == "oneshot"
    assert svc["ExecStart"] == f"{SOS_SYNC} sync -w {workspace}"
    assert svc["WorkingDirectory"] == str(workspace)
    assert svc["TimeoutStartSec"] == "45min"
    assert svc["NoNewPrivileges"] == "yes"
    assert svc["ProtectSystem"] == "strict"
    assert svc["ReadWritePaths"] == str(workspace)
    assert "SuccessExitStatus" not in svc, "exit 75 (a skipped night) must show as failed"
    assert "User" not in svc and "# User=" in files["sos-sync.service"]
    timer = _read_unit(files["sos-sync.timer"])
    assert timer.sections() == ["Unit", "Timer", "Install"]
    assert dict(timer["Timer"]) == {
        "OnCalendar": "*-*-* 02:30:00 Europe/London",
        "Persistent": "true",
        "RandomizedDelaySec": "300",
        "Unit": "sos-sync.service",
    }
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_systemd_explains_exit_75() -> None:
    service = recipe("systemd", EXAMPLE, "/opt/x/sos-sync")["sos-sync.service"]
    assert "Exit 75" in service and "NOT listed" in service


# --- GitHub Actions ---------------------------------------------------------------------


class MiniYaml:
    """Reads the block-style YAML subset our workflow uses; rejects what it cannot read.

    Mappings, `- ` sequences, `|` block scalars, quoted and plain scalars, `{}`, booleans
    and integers; tabs in indentation and duplicate keys are errors (GitHub rejects both).
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.i = 0

    def parse(self) -> Any:
        head = self._peek()
        assert head is not None, "empty document"
        value = self._block(head[0])
        if self._peek() is not None:
            raise ValueError(f"line {self.i + 1}: unexpected indentation")
        return value

    def _peek(self) -> tuple[int, str] | None:
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if "\t" in line[: len(line) - len(line.lstrip())]:
                raise ValueError(f"line {self.i + 1}: tab in indentation")
            if line.strip() and not line.lstrip().startswith("#"):
                return len(line) - len(line.lstrip(" ")), line.strip()
            self.i += 1
        return None

    def _block(self, indent: int) -> Any:
        head = self._peek()
        assert head is not None
        if head[1] == "-" or head[1].startswith("- "):
            return self._sequence(indent)
        return self._mapping(indent)

    def _sequence(self, indent: int) -> list[Any]:
        items: list[Any] = []
        while (head := self._peek()) and head[0] == indent and head[1].startswith("- "):
            rest = head[1][2:].strip()
            if re.match(r"^[^\"'{\[][^:]*:( |$)", rest):
                # `- key: value` opens a mapping whose keys sit two columns in.
                self.lines[self.i] = " " * (indent + 2) + rest
                items.append(self._mapping(indent + 2))
            else:
                self.i += 1
                items.append(self._scalar(rest))
        return items

    def _mapping(self, indent: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while (head := self._peek()) and head[0] == indent and not head[1].startswith("- "):
            key, colon, rest = head[1].partition(":")
            if not colon or (rest and not rest.startswith(" ")):
                raise ValueError(f"line {self.i + 1}: expected `key: value`")
            if key in result:
                raise ValueError(f"line {self.i + 1}: duplicate key {key!r}")
            rest = rest.strip()
            self.i += 1
            if rest in ("|", "|-"):
                result[key] = self._literal(indent, keep_last=rest == "|")
            elif rest and not rest.startswith("#"):
                result[key] = self._scalar(rest)
            else:
                nxt = self._peek()
                if nxt and (nxt[0] > indent or (nxt[0] == indent and nxt[1].startswith("- "))):
                    result[key] = self._block(nxt[0])
                else:
                    result[key] = None
        return result

    def _literal(self, indent: int, keep_last: bool) -> str:
        body: list[str] = []
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if line.strip() and len(line) - len(line.lstrip(" ")) <= indent:
                break
            body.append(line)
            self.i += 1
        while body and not body[-1].strip():
            body.pop()
        margin = min(len(x) - len(x.lstrip(" ")) for x in body if x.strip())
        text = "\n".join(x[margin:] for x in body)
        return text + "\n" if keep_last else text

    @staticmethod
    def _scalar(text: str) -> Any:
        if text.startswith('"'):
            return json.loads(text)
        if text.startswith("'"):
            return text[1:-1].replace("''", "'")
        text = text.split(" #", 1)[0].strip()
        special: dict[str, Any] = {"{}": {}, "[]": [], "true": True, "false": False}
        if text in special:
            return special[text]
        if text in ("null", "~"):
            return None
        return int(text) if re.fullmatch(r"-?\d+", text) else text


_PYYAML_TO_JSON = "import json,sys,yaml; print(json.dumps(yaml.safe_load(sys.stdin)))"


def _pyyaml_reader() -> tuple[str, Callable[[str], Any]] | None:
    """PyYAML from this venv, else from the system Python, else None."""
    try:
        import yaml

        return "pyyaml", yaml.safe_load
    except ImportError:
        pass
    for python in ("/usr/bin/python3", shutil.which("python3")):
        if (
            python
            and subprocess.run([python, "-c", "import yaml"], capture_output=True).returncode == 0
        ):

            def load(text: str, python: str = python) -> Any:
                out = subprocess.run(
                    [python, "-c", _PYYAML_TO_JSON],
                    input=text,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                return json.loads(out.stdout)

            return f"pyyaml-via-{python}", load
    return None


_PYYAML = _pyyaml_reader()
YAML_CHECKS: dict[str, Callable[[str], Any]] = {"mini-yaml": lambda t: MiniYaml(t).parse()}
if _PYYAML:
    YAML_CHECKS[_PYYAML[0]] = _PYYAML[1]


def _load_workflow(check: str, text: str) -> dict[str, Any]:
    doc = YAML_CHECKS[check](text)
    # YAML 1.1 readers turn the key `on` into true; GitHub reads it as "on".
    for odd in (True, "true"):
        if odd in doc:
            doc["on"] = doc.pop(odd)
    assert isinstance(doc, dict)
    return doc


def _step(doc: dict[str, Any], uses_or_name: str) -> dict[str, Any]:
    for step in doc["jobs"]["sync"]["steps"]:
        if step.get("uses", "").startswith(uses_or_name) or step.get("name") == uses_or_name:
            return dict(step)
    raise AssertionError(f"no step {uses_or_name!r}")


@pytest.mark.parametrize("check", sorted(YAML_CHECKS))
def test_workflow_is_valid_yaml_with_the_nightly_schedule(check: str) -> None:
    [(name, text)] = recipe("ci", Path("workspace"), "ignored").items()
    assert name == WORKFLOW_FILE == ".github/workflows/sos-sync-nightly.yml"
    doc = _load_workflow(check, text)

    [schedule] = doc["on"]["schedule"]
    _, [(fields, _)] = parse_crontab(f"{schedule['cron']} true")
    assert fields == ["30", "2", "*", "*", "*"]
    assert "workflow_dispatch" in doc["on"]
    assert doc["concurrency"] == {"group": "sos-sync", "cancel-in-progress": False}
    job = doc["jobs"]["sync"]
    assert job["timeout-minutes"] == 60
    assert _step(doc, "actions/checkout@")
    assert _step(doc, "actions/setup-python@")["with"] == {"python-version": "3.11"}
    assert _step(doc, "Install sos-sync from this repository")["run"] == "python -m pip install ."
    cache = _step(doc, "actions/cache@")["with"]
    assert "${{ github.run_id }}" in cache["key"]
    assert cache["restore-keys"].strip() == "sos-sync-state-"
    assert cache["path"].split() == ["workspace/state", "workspace/logs", "workspace/reports"]
    sync = _step(doc, "Sync")
    assert sync["run"] == "sos-sync sync -w workspace --log-format json"
    upload = _step(doc, "actions/upload-artifact@")
    assert upload["if"] == "always()" and upload["with"]["path"] == "workspace/reports/"
    # The secret reaches a script only through env, never pasted into the script text.
    for step in job["steps"]:
        assert "secrets." not in step.get("run", "")
    if check != "mini-yaml":
        # The small reader used by the other tests agrees with a real YAML parser.
        assert _load_workflow("mini-yaml", text) == doc


def test_mini_yaml_refuses_what_github_would() -> None:
    for bad in ("a: 1\na: 2\n", "a:\n\tb: 1\n", "a: 1\n  b: 2\n", "a 1\n"):
        with pytest.raises(ValueError):
            MiniYaml(bad).parse()


def test_workflow_schedule_and_workspace_follow_the_arguments() -> None:
    text = recipe("ci", Path("deploy/coventry"), "", time="03:15", timeout_minutes=30)[
        WORKFLOW_FILE
    ]
    doc = _load_workflow("mini-yaml", text)
    assert doc["on"]["schedule"] == [{"cron": "15 3 * * *"}]
    assert "04:15 in summer (BST" in text
    assert _step(doc, "Sync")["run"] == "sos-sync sync -w deploy/coventry --log-format json"
    assert doc["jobs"]["sync"]["timeout-minutes"] == 30
    absolute = recipe("ci", EXAMPLE, "")[WORKFLOW_FILE]
    assert (
        "sync -w workspace " in absolute and "configuration of /srv/sos-sync/coventry" in absolute
    )


def test_workflow_key_step_writes_a_private_file_and_never_prints_it(tmp_path: Path) -> None:
    doc = _load_workflow("mini-yaml", recipe("ci", Path("workspace"), "")[WORKFLOW_FILE])
    step = _step(doc, "Write the service-account key")
    assert step["env"] == {
        "SOS_SYNC_SERVICE_ACCOUNT_JSON": "${{ secrets.SOS_SYNC_SERVICE_ACCOUNT_JSON }}"
    }
    secret = '{"type": "service_account", "private_key": "-----BEGIN KEY-----\\nabc%s\\n"}'
    github_env = tmp_path / "github_env"
    ran = subprocess.run(
        ["bash", "-e", "-c", step["run"]],  # GitHub runs `run:` with bash -e
        env={
            "PATH": os.environ["PATH"],
            "RUNNER_TEMP": str(tmp_path),
            "GITHUB_ENV": str(github_env),
            "SOS_SYNC_SERVICE_ACCOUNT_JSON": secret,
        },
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "" and ran.stderr == ""
    key = tmp_path / "sos-sync-service-account.json"
    assert key.read_text() == secret
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert github_env.read_text() == f"GOOGLE_APPLICATION_CREDENTIALS={key}\n"
