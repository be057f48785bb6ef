"""What an endpoint handler receives: the routed call, its parameters, body and the world."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sos_sync.emulator.discovery import parse_bool
from sos_sync.emulator.errors import ApiError
from sos_sync.emulator.state import State


@dataclass
class Request:
    """One API call, already routed and validated."""

    api: str
    method_id: str
    http_method: str
    path_params: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    state: State
    headers: dict[str, str] = field(default_factory=dict)
    media: bytes | None = None
    media_type: str | None = None
    upload: bool = False

    def param(self, name: str) -> str:
        """A path parameter."""
        return self.path_params[name]

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name: str) -> list[str]:
        """Every value of a repeated query parameter."""
        return list(self.query.get(name, []))

    def flag(self, name: str, default: bool = False) -> bool:
        """A boolean query parameter (`True`, `true`, `FALSE` ...)."""
        value = self.arg(name)
        if value is None:
            return default
        parsed = parse_bool(value)
        return default if parsed is None else parsed

    def integer(self, name: str, default: int) -> int:
        """An integer query parameter."""
        value = self.arg(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError as exc:
            raise ApiError(400, f"Invalid value for {name}: {value}") from exc

    def json(self) -> dict[str, Any]:
        """The JSON body as an object (empty when there was none)."""
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise ApiError(400, "Invalid JSON payload received. Expected an object.")
        return self.body
