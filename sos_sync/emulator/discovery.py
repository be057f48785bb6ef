"""Routes and request validation taken from the discovery documents shipped in googleapiclient.

The emulator does not keep its own list of Google's endpoints, parameters or body fields: it reads
the same discovery JSON that `googleapiclient.discovery.build(static_discovery=True)` reads, so a
request the real client can build is routed, and a request Google would refuse (an unknown query
parameter, an unknown body field, a bad enum value) is refused with the 400 Google would send.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from sos_sync.emulator.errors import ApiError

#: (discovery file stem, short API name used in stats and error shapes)
APIS: tuple[tuple[str, str], ...] = (
    ("sheets.v4", "sheets"),
    ("drive.v3", "drive"),
    ("forms.v1", "forms"),
    ("calendar.v3", "calendar"),
    ("docs.v1", "docs"),
)

#: Query parameters every Google API accepts whatever the discovery document says.
_ALWAYS_ALLOWED = frozenset(
    {
        "alt",
        "prettyPrint",
        "quotaUser",
        "key",
        "fields",
        "access_token",
        "oauth_token",
        "callback",
        "$.xgafv",
        "uploadType",
        "upload_protocol",
        "userIp",
    }
)


@dataclass(frozen=True)
class Route:
    """One discovery method bound to a compiled path pattern."""

    api: str
    method_id: str
    http_method: str
    pattern: re.Pattern[str]
    spec: dict[str, Any] = field(hash=False, compare=False)
    upload: bool = False
    literal_length: int = 0


@dataclass(frozen=True)
class Match:
    """A routed request: which method, and its decoded path parameters."""

    route: Route
    path_params: dict[str, str]


def _documents_dir() -> Path:
    import googleapiclient  # imported lazily: only the emulator and sos_sync.google touch it

    return Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"


@functools.cache
def document(api: str) -> dict[str, Any]:
    """The discovery document of one API (`sheets`, `drive`, `forms`, `calendar`, `docs`)."""
    stem = dict((short, stem) for stem, short in APIS)[api]
    doc: dict[str, Any] = json.loads((_documents_dir() / f"{stem}.json").read_text("utf-8"))
    return doc


def _compile(template: str) -> tuple[re.Pattern[str], int]:
    regex = ""
    literal = 0
    for part in re.split(r"(\{[+]?[A-Za-z0-9_]+\})", template):
        if part.startswith("{") and part.endswith("}"):
            name = part.strip("{}+")
            regex += f"(?P<{name}>[^/]+)"
        else:
            regex += re.escape(part)
            literal += len(part)
    return re.compile(regex + r"\Z"), literal


def _methods(resources: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for resource in resources.values():
        found.extend(resource.get("methods", {}).values())
        found.extend(_methods(resource.get("resources", {})))
    return found


@functools.cache
def routes() -> tuple[Route, ...]:
    """Every method of the five APIs, most specific pattern first."""
    table: list[Route] = []
    for _, api in APIS:
        doc = document(api)
        for spec in _methods(doc["resources"]):
            template = "/" + doc["servicePath"] + spec.get("flatPath", spec["path"])
            pattern, literal = _compile(template)
            table.append(Route(api, spec["id"], spec["httpMethod"], pattern, spec, False, literal))
            simple = spec.get("mediaUpload", {}).get("protocols", {}).get("simple")
            if simple:
                pattern, literal = _compile(simple["path"])
                table.append(
                    Route(api, spec["id"], spec["httpMethod"], pattern, spec, True, literal)
                )
    table.sort(key=lambda r: -r.literal_length)
    return tuple(table)


def route(http_method: str, raw_path: str) -> Match | None:
    """Find the method for a still-percent-encoded path, or None when no API serves it."""
    for candidate in routes():
        if candidate.http_method != http_method:
            continue
        found = candidate.pattern.match(raw_path)
        if found:
            params = {k: unquote(v) for k, v in found.groupdict().items()}
            return Match(candidate, params)
    return None


def path_exists(raw_path: str) -> bool:
    """True when some method serves this path with another HTTP verb (for a 404 vs 405 choice)."""
    return any(r.pattern.match(raw_path) for r in routes())


# --------------------------------------------------------------------------------------------
# validation


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


_TRUE = {"true"}
_FALSE = {"false"}


def parse_bool(text: str) -> bool | None:
    """Google accepts `true`/`false` in any case (gspread sends `True`, googleapiclient `true`)."""
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


def validate_query(match: Match, query: dict[str, list[str]]) -> None:
    """Refuse malformed booleans/integers, bad enum values and unknown parameters (not on Drive)."""
    api = match.route.api
    spec_params: dict[str, Any] = match.route.spec.get("parameters", {})
    doc_params: dict[str, Any] = document(api).get("parameters", {})
    for name, values in query.items():
        if name in _ALWAYS_ALLOWED and name not in spec_params:
            continue
        param = spec_params.get(name) or doc_params.get(name)
        if param is None or param.get("location") == "path":
            if api == "drive":
                continue  # Drive ignores parameters it does not know (gspread sends some)
            if api == "calendar":
                raise ApiError(
                    400,
                    f"Invalid parameter: {name}",
                    reason="invalidParameter",
                    location=name,
                )
            raise ApiError(
                400,
                f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query '
                f"parameter. Field '{name}' could not be found in request message.",
            )
        for value in values:
            _check_scalar(api, name, value, param)


def _check_scalar(api: str, name: str, value: str, param: dict[str, Any]) -> None:
    kind = param.get("type")
    bad = False
    if kind == "boolean":
        bad = parse_bool(value) is None
    elif kind == "integer":
        bad = re.fullmatch(r"-?\d+", value.strip()) is None
    elif "enum" in param and value not in param["enum"]:
        bad = True
    if not bad:
        return
    if api in ("drive", "calendar"):
        raise ApiError(
            400, f"Invalid value '{value}' for {name}.", reason="invalidParameter", location=name
        )
    raise ApiError(400, f"Invalid value at '{_snake(name)}' ({kind or 'TYPE_ENUM'}), \"{value}\"")


#: Body fields Google accepts without a schema entry. gspread 6.2.1's `insert_permission` (behind
#: `Spreadsheet.share`) sends Drive v2's `withLink` to Drive v3, and that call works on Google.
_TOLERATED: dict[str, frozenset[str]] = {"drive": frozenset({"withLink"})}


_LEGACY = frozenset({"drive", "calendar"})


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def _flatten(value: Any) -> Any:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list) and any(isinstance(v, list) for v in value):
        flat: list[Any] = []
        for item in value:
            flat.extend(_flatten(item) if isinstance(item, list) else [item])
        return flat
    return value


def validate_body(match: Match, body: Any) -> None:
    """Walk the request body against the method's request schema."""
    request = match.route.spec.get("request")
    if request is None or body is None:
        return
    api = match.route.api
    schemas: dict[str, Any] = document(api)["schemas"]
    _walk(api, schemas, {"$ref": request["$ref"]}, body, "")


def _walk(api: str, schemas: dict[str, Any], schema: dict[str, Any], value: Any, at: str) -> None:
    if value is None:
        return  # JSON null is "not set" everywhere (gspread sends many)
    if "$ref" in schema:
        schema = schemas[schema["$ref"]]
    kind = schema.get("type")
    if kind == "object":
        if not isinstance(value, dict):
            _invalid_value(api, at, value)
        props: dict[str, Any] = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            where = f"{at}.{key}" if at else key
            if key not in props and api not in _LEGACY and _camel(key) in props:
                key = _camel(key)  # proto JSON accepts the field's snake_case name too
            if key in props:
                _walk(api, schemas, props[key], item, where)
            elif extra is not None:
                _walk(api, schemas, extra, item, where)
            elif key in _TOLERATED.get(api, ()):
                continue
            else:
                _unknown_name(api, key, at)
    elif kind == "array":
        if api not in _LEGACY and "$ref" in schema.get("items", {}):
            value = _flatten(value)  # one message or nested lists of messages: a flat list
        if not isinstance(value, list):
            _invalid_value(api, at, value)
        for i, item in enumerate(value):
            _walk(api, schemas, schema.get("items", {}), item, f"{at}[{i}]")
    elif kind == "string":
        if "enum" in schema and value not in schema["enum"]:
            _invalid_value(api, at, value)
        if isinstance(value, (dict, list)):
            _invalid_value(api, at, value)
    elif kind in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            _invalid_value(api, at, value)
        if isinstance(value, str):
            try:
                float(value)
            except ValueError:
                _invalid_value(api, at, value)
    elif kind == "boolean" and not isinstance(value, bool):
        _invalid_value(api, at, value)


def _proto_path(at: str) -> str:
    return ".".join(_snake(part) for part in at.split(".")) if at else ""


def _unknown_name(api: str, key: str, at: str) -> None:
    where = f" at '{_proto_path(at)}'" if at else ""
    message = f'Invalid JSON payload received. Unknown name "{key}"{where}: Cannot find field.'
    raise ApiError(400, message, reason="badRequest" if api in ("drive", "calendar") else None)


def _invalid_value(api: str, at: str, value: Any) -> None:
    message = f"Invalid value at '{_proto_path(at)}', {json.dumps(value)[:200]}"
    raise ApiError(400, message, reason="invalid" if api in ("drive", "calendar") else None)
