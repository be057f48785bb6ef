"""The emulator's moving parts apart from HTTP: the world, its faults, quotas and statistics.

The HTTP server, the router, the admin API and batch requests all take a `Core`; none of them
needs to know about the others.
"""

from __future__ import annotations

from sos_sync.emulator.faults import Faults
from sos_sync.emulator.quota import Quotas
from sos_sync.emulator.state import State
from sos_sync.emulator.stats import Stats


class Core:
    """One emulated Google: the world plus the faults, quotas and statistics around it."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.faults = Faults()
        self.stats = Stats()
        self.quotas = Quotas()
