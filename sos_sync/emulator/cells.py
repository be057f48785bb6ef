"""Cell values: RAW vs USER_ENTERED input, and FORMATTED / UNFORMATTED / FORMULA rendering.

A stored cell is `{"v": value}` plus `"f"` (the formula text) for formulas, `"d"` (the date
style) for dates typed as dates and `"n"` for its note (a cell with only a note has no `"v"`). RAW keeps text as text (`"=1+1"`, `"0123"`); USER_ENTERED turns
`=...` into a formula, `0123` into 123, `2024-05-19` into a date serial, `TRUE` into a boolean.

The spreadsheet's locale decides how typed dates are read (`5/19/2024` is a date in en_US and
text in en_GB; `19/05/2024` the other way round) and how numbers and dates are shown: a date typed
in the locale's own pattern follows the locale, a number typed with thousands separators keeps
them (`2,000,000.01`).
"""

from __future__ import annotations

import ast
import operator
import re
from datetime import date, datetime, timedelta
from typing import Any

Cell = dict[str, Any]

_EPOCH = datetime(1899, 12, 30)
_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?\Z")
_ISO_DATE = re.compile(
    r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\Z"
)
_GB_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?\Z")


def _serial(moment: datetime) -> float | int:
    delta = moment - _EPOCH
    serial = delta.days + delta.seconds / 86400
    return int(serial) if serial == int(serial) else serial


def _date_cell(groups: tuple[str | None, ...], style: str) -> Cell | None:
    year, month, day, hour, minute, second = groups
    try:
        moment = datetime(
            int(year or 0),
            int(month or 0),
            int(day or 0),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
        )
    except ValueError:
        return None
    return {"v": _serial(moment), "d": style + ("T" if hour is not None else "")}


#: Decimal and thousands separators by locale language (English ones for the rest).
_SEPARATORS = {"de": (",", "."), "fr": (",", "\u202f"), "es": (",", "."), "it": (",", ".")}


def _month_first(locale: str) -> bool:
    return locale in ("en_US", "en_PH", "en_CA") or locale.startswith("es_US")


def user_entered(value: Any, locale: str = "en_GB") -> Cell | None:
    """Parse one input value as if typed into the UI (in `locale`); None clears the cell."""
    if isinstance(value, (bool, int, float)):
        return {"v": value}
    text = str(value)
    if text == "":
        return None
    if text.startswith("'"):
        return {"v": text[1:]}
    if text.startswith("=") and len(text) > 1:
        return {"v": evaluate(text), "f": text}
    stripped = text.strip()
    if stripped.upper() in ("TRUE", "FALSE"):
        return {"v": stripped.upper() == "TRUE"}
    if stripped and _NUMBER.match(stripped) and any(ch.isdigit() for ch in stripped):
        number = float(stripped.replace(",", ""))
        cell: Cell | None = {
            "v": int(number) if number.is_integer() and "e" not in stripped.lower() else number
        }
        if "," in stripped and cell is not None:
            cell["g"] = len(stripped.partition(".")[2])  # grouped, with this many decimals
        return cell
    if stripped.endswith("%") and _NUMBER.match(stripped[:-1]) and stripped[:-1]:
        return {"v": float(stripped[:-1].replace(",", "")) / 100, "p": True}
    iso = _ISO_DATE.match(stripped)
    if iso:
        cell = _date_cell(iso.groups(), "iso")
        if cell:
            return cell
    local = _GB_DATE.match(stripped)
    if local:
        d, m, y, hh, mm, ss = local.groups()
        if _month_first(locale):
            d, m = m, d
        cell = _date_cell((y, m, d, hh, mm, ss), "loc")
        if cell:
            return cell
    return {"v": text}


def raw(value: Any) -> Cell | None:
    """Store one input value as-is (`valueInputOption=RAW`); "" clears the cell."""
    if isinstance(value, str) and value == "":
        return None
    if isinstance(value, (bool, int, float)):
        return {"v": value}
    return {"v": str(value)}


def _number_text(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        text = f"{value:.10g}"
        return text
    return str(value)


def _grouped(value: float | int, decimals: int, locale: str) -> str:
    point, group = _SEPARATORS.get(locale.split("_")[0], (".", ","))
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", point).replace("\0", group)


def _date_text(serial: float, style: str, locale: str) -> str:
    moment = _EPOCH + timedelta(days=float(serial))
    moment = moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1e6))
    with_time = style.endswith("T")
    if style.startswith(("gb", "loc")) and _month_first(locale):
        text = f"{moment.month}/{moment.day}/{moment.year}"
        return text + f" {moment.hour}:{moment:%M:%S}" if with_time else text
    if style.startswith(("gb", "loc")):
        text = moment.strftime("%d/%m/%Y")
        return text + moment.strftime(" %H:%M:%S") if with_time else text
    text = moment.strftime("%Y-%m-%d")
    return text + moment.strftime(" %H:%M:%S") if with_time else text


def formatted(cell: Cell | None, locale: str = "en_GB") -> str:
    """FORMATTED_VALUE: what the cell shows in a spreadsheet of this locale."""
    if cell is None or "v" not in cell:
        return ""
    value = cell["v"]
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if "d" in cell:
            return _date_text(value, cell["d"], locale)
        if "g" in cell:
            return _grouped(value, int(cell["g"]), locale)
        if cell.get("p"):
            return _number_text(round(value * 100, 10)) + "%"
        return _number_text(value)
    return str(value)


def unformatted(
    cell: Cell | None, date_render: str = "SERIAL_NUMBER", locale: str = "en_GB"
) -> Any:
    """UNFORMATTED_VALUE: numbers as numbers, dates as serials (or strings when asked)."""
    if cell is None or "v" not in cell:
        return ""
    value = cell["v"]
    if "d" in cell and date_render == "FORMATTED_STRING":
        return formatted(cell, locale)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def render(cell: Cell | None, option: str, date_render: str, locale: str = "en_GB") -> Any:
    """Render a cell for `valueRenderOption` in a spreadsheet of this locale."""
    if option == "FORMULA":
        if cell is not None and "f" in cell:
            return cell["f"]
        return unformatted(cell, date_render, locale)
    if option == "UNFORMATTED_VALUE":
        return unformatted(cell, date_render, locale)
    return formatted(cell, locale)


# --------------------------------------------------------------------------------------------
# a small, safe formula evaluator: arithmetic, string literals, HYPERLINK(url, label)

_OPS: dict[type, Any] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


NOT_EMULATED = "#NOT_EMULATED!"  # not a Google value: a formula Google computes and we do not
GOOGLE_FUNCTIONS = frozenset(
    """ABS AND ARRAYFORMULA AVERAGE AVERAGEIF CHOOSE COLUMN COLUMNS CONCATENATE COUNT COUNTA
    COUNTBLANK COUNTIF COUNTIFS DATE DATEDIF DATEVALUE DAY EDATE EOMONTH EXACT FALSE FILTER FIND
    FLATTEN HLOOKUP HYPERLINK IF IFERROR IFNA IFS IMPORTRANGE INDEX INDIRECT INT ISBLANK ISERROR
    ISNUMBER ISTEXT JOIN LEFT LEN LOOKUP LOWER MATCH MAX MAXIFS MID MIN MINIFS MONTH NETWORKDAYS
    NOT NOW OR PROPER QUERY REGEXEXTRACT REGEXMATCH REGEXREPLACE RIGHT ROUND ROUNDDOWN ROUNDUP
    ROW ROWS SEARCH SEQUENCE SORT SORTN SPLIT SUBSTITUTE SUM SUMIF SUMIFS SUMPRODUCT SWITCH TEXT
    TEXTJOIN TODAY TRANSPOSE TRIM TRUE UNIQUE UPPER VALUE VLOOKUP WEEKDAY XLOOKUP YEAR""".split()  # noqa: SIM905 (a word list)
)


def _unknown_function(body: str) -> bool:
    """True when the formula calls a name Google does not know (Google shows `#NAME?`)."""
    code = re.sub(r'"[^"]*"', '""', body)
    called = re.findall(r"([A-Za-z_][A-Za-z0-9_.]*)\s*\(", code)
    return any(name.upper() not in GOOGLE_FUNCTIONS for name in called)


def evaluate(formula: str) -> Any:
    """The displayed value of a formula: computed for literals, arithmetic and HYPERLINK;
    `#NAME?` for a function Google does not know either; `NOT_EMULATED` for the rest."""
    body = formula[1:].strip()
    link = re.fullmatch(r'(?i)HYPERLINK\(\s*"([^"]*)"\s*(?:[,;]\s*"([^"]*)"\s*)?\)', body)
    if link:
        return link.group(2) if link.group(2) is not None else link.group(1)
    if re.fullmatch(r'"[^"]*"', body):
        return body[1:-1]
    try:
        tree = ast.parse(body.replace("^", "**"), mode="eval")
        result = _eval(tree.body)
    except (SyntaxError, ValueError, ZeroDivisionError, TypeError, OverflowError):
        if _unknown_function(body):
            return "#NAME?"
        return NOT_EMULATED if re.search(r"[A-Za-z]", body) else "#ERROR!"
    if isinstance(result, float) and result.is_integer():
        return int(result)
    return result


def _eval(node: ast.AST) -> float | int:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.left), _eval(node.right))  # type: ignore[no-any-return]
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.operand))  # type: ignore[no-any-return]
    raise ValueError("unsupported formula")


def parse_serial_date(value: date) -> int:
    """A date as a Sheets serial number (days since 1899-12-30)."""
    return (value - _EPOCH.date()).days
