"""Build the backend the configuration names (SPEC §9).

The Google modules are imported only when the workspace uses them, so a local night
(and `--version`) never pays for gspread and googleapiclient.
"""

from __future__ import annotations

from sos_sync.backends.base import Backend
from sos_sync.config.load import Config


def make_backend(config: Config) -> Backend:
    if config.backend == "local":
        from sos_sync.backends.local.backend import LocalBackend

        return LocalBackend(config)
    from sos_sync.backends.google.backend import GoogleBackend

    return GoogleBackend(config)
