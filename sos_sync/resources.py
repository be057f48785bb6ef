"""The files sos-sync ships beside its code: document templates and default configuration.

In the repository they live at the top level, where leads and engineers find them:
`templates/` (the document templates) and `config/` (the default criteria set and the
2024-25 programme). A built wheel carries the same folders inside the package as
`sos_sync/_shipped/templates` and `sos_sync/_shipped/config` (hatchling `force-include`
in pyproject.toml); an editable install or a checkout reads them from the repository.
There is one copy of each file: this module only decides where that copy is.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _shipped(name: str) -> Path:
    packaged = Path(str(files("sos_sync"))) / "_shipped" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


def templates_dir() -> Path:
    """The document templates that ship with sos-sync (`templates/`)."""
    return _shipped("templates")


def config_dir() -> Path:
    """The default configuration that ships with sos-sync (`config/`)."""
    return _shipped("config")
