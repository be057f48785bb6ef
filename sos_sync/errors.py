"""The exceptions of sos-sync, grouped by what the operator should do.

- ConfigError: fix the configuration (exit 2), reported before any write.
- BadInput: one bad response or row; routed to `Needs review`, the night carries on.
- Transient: try again later (429, 5xx, timeouts); retried within a time budget.
- Permanent: stop (permission denied, not found); fail fast with what to share with whom.
- LockHeld: another run holds the workspace (exit 75).
- TrackerHeld: a person has the tracker open in Excel or LibreOffice (exit 75: try again
  later, as EX_TEMPFAIL says; nothing was written).
"""

from __future__ import annotations


class SosSyncError(Exception):
    """Root of every error sos-sync raises on purpose."""

    exit_code = 1


class ConfigError(SosSyncError):
    """The configuration is wrong; nothing was written.

    Carries every problem found, each naming the file and key it came from.
    """

    exit_code = 2

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class UsageError(SosSyncError):
    """The command line was used wrongly."""

    exit_code = 2


class BadInput(SosSyncError):
    """One response or row cannot be used as it is; it goes to `Needs review`."""


class Transient(SosSyncError):
    """A passing fault (rate limit, server error, timeout): try again later."""


class Permanent(SosSyncError):
    """A fault that retrying will not fix (permission denied, not found)."""


class LockHeld(SosSyncError):
    """Another run holds the workspace lock."""

    exit_code = 75


class TrackerHeld(SosSyncError):
    """A person has the tracker open for editing; the night waits for it to be closed."""

    exit_code = 75


class PartlyApplied(SosSyncError):
    """The run stopped after some writes; rerunning converges to a clean run."""
