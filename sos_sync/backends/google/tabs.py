"""The tracker as a Google Sheet (SPEC §4, §12): every tab in one read, every change in one write.

`read_tabs` reads every tab with one `values:batchGet` (FORMATTED_VALUE: the sync writes
RAW text, so what it wrote reads back as written). `apply` creates missing tabs and grows
grids in one structural `batchUpdate`, re-reads the planned tabs just before writing so a
lead's sort, inserted rows or edits made during the run are respected (rows are found by
key, never by number; a cell a person changed since the night's read is left alone), then
sends every cell in one `values:batchUpdate` with `valueInputOption=RAW`, so form text can
never become a formula. Nothing is appended: new rows go to explicit ranges, so a retried
write lands on the same cells and never duplicates a row.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.google.retry import GooglePermanent, GoogleTransient
from sos_sync.config.load import Config
from sos_sync.tracker.schema import TabData, TabPlan, TabSpec, cell_text

DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26
MAX_PAYLOAD = 4_000_000
"""Bytes of JSON per values:batchUpdate. Google recommends 2 MB and refuses requests over
10 MB; a normal night is far below, a first night importing years of responses is split."""


def quote_tab(title: str) -> str:
    """A tab name as an A1 range covering the whole tab: `'Tab''s name'`."""
    return "'" + title.replace("'", "''") + "'"


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def sheet_id_for(title: str) -> int:
    """A stable sheetId for a tab sos-sync creates (so one batch can address it)."""
    return int.from_bytes(hashlib.sha256(title.encode()).digest()[:4], "big") % 2_000_000_000 + 1


def tab_data(values: list[list[Any]]) -> TabData:
    """A value range's rows as text cells (header row first)."""
    text = [[cell_text(v) for v in row] for row in values]
    if not text:
        return TabData([], [])
    return TabData(text[0], text[1:])


@dataclass
class Writes:
    """The cells one apply will write, by tab and 0-based row and column."""

    cells: dict[str, dict[int, dict[int, Any]]] = field(default_factory=dict)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (tab, key, column)

    def put(self, tab: str, row: int, col: int, value: Any) -> None:
        self.cells.setdefault(tab, {}).setdefault(row, {})[col] = value

    def extent(self, tab: str) -> tuple[int, int]:
        rows = self.cells.get(tab, {})
        if not rows:
            return 0, 0
        return max(rows) + 1, max(max(c) for c in rows.values()) + 1

    def value_ranges(self, max_bytes: int = 0) -> list[list[dict[str, Any]]]:
        """The cells as value ranges, in batches of at most `max_bytes` of JSON (0: one batch).

        Consecutive rows of a tab (the night's new rows) go as one block; other rows as one
        range each, from their first to their last cell (null: leave the cell as it is).
        """
        limit = max_bytes or 1 << 62
        batches: list[list[dict[str, Any]]] = [[]]
        size = 0
        for tab, rows in self.cells.items():
            block: list[tuple[int, dict[int, Any]]] = []
            block_size = 0
            width = max(max(cols) for cols in rows.values()) + 1  # nulls pad a block's rows
            for r in sorted(rows):
                row_size = len(json.dumps(list(rows[r].values()), ensure_ascii=False)) + 5 * width
                if block and (r != block[-1][0] + 1 or block_size + row_size > limit // 2):
                    size = self._flush(tab, block, batches, size, block_size, limit)
                    block, block_size = [], 0
                block.append((r, rows[r]))
                block_size += row_size
            if block:
                size = self._flush(tab, block, batches, size, block_size, limit)
        return [b for b in batches if b]

    @staticmethod
    def _flush(
        tab: str,
        block: list[tuple[int, dict[int, Any]]],
        batches: list[list[dict[str, Any]]],
        size: int,
        block_size: int,
        limit: int,
    ) -> int:
        lo = min(min(cols) for _r, cols in block)
        hi = max(max(cols) for _r, cols in block)
        first, last = block[0][0], block[-1][0]
        a1 = f"{quote_tab(tab)}!{column_letters(lo)}{first + 1}:{column_letters(hi)}{last + 1}"
        values = [[cols.get(c) for c in range(lo, hi + 1)] for _r, cols in block]
        if batches[-1] and size + block_size > limit:
            batches.append([])
            size = 0
        batches[-1].append({"range": a1, "majorDimension": "ROWS", "values": values})
        return size + block_size + len(a1) + 40

    def __len__(self) -> int:
        return sum(len(c) for rows in self.cells.values() for c in rows.values())


def _raw_value(value: str, kind: str) -> Any:
    """Whole numbers as numbers (charts and sorting); every other value as RAW text."""
    if kind == "int" and value.isdigit() and len(value) < 15:
        return int(value)
    return value


class GoogleTracker:
    """The master spreadsheet, through gspread's low-level HTTP client."""

    def __init__(
        self, config: Config, clients: GoogleClients, on_applied: Callable[[], None] | None = None
    ) -> None:
        self.config = config
        self.clients = clients
        self.spreadsheet_id = config.raw.google.spreadsheet_id
        self.on_applied = on_applied
        self.read: dict[str, TabData | None] = {}
        self.skipped: list[tuple[str, str, str]] = []

    @property
    def _share(self) -> str:
        return f"the spreadsheet {self.spreadsheet_id} as Editor"

    def _what(self, detail: str = "") -> str:
        return f"the spreadsheet {self.spreadsheet_id}" + (f" ({detail})" if detail else "")

    # ------------------------------------------------------------------ reading
    def metadata(self) -> dict[str, dict[str, Any]]:
        """Tab title -> its properties (sheetId, index, gridProperties)."""
        http = self.clients.sheets
        meta = self.clients.call(
            lambda: http.fetch_sheet_metadata(self.spreadsheet_id, {"fields": "sheets.properties"}),
            self._what(),
            self._share,
        )
        return {str(s["properties"]["title"]): s["properties"] for s in meta.get("sheets", [])}

    def _batch_get(self, titles: Sequence[str]) -> dict[str, TabData]:
        if not titles:
            return {}
        http = self.clients.sheets
        ranges = [quote_tab(t) for t in titles]
        reply = self.clients.call(
            lambda: http.values_batch_get(
                self.spreadsheet_id,
                ranges,
                {"majorDimension": "ROWS", "valueRenderOption": "FORMATTED_VALUE"},
            ),
            self._what("reading the tabs"),
            self._share,
        )
        got = reply.get("valueRanges", [])
        return {t: tab_data(vr.get("values", [])) for t, vr in zip(titles, got, strict=False)}

    def read_tabs(self, tabs: Sequence[TabSpec]) -> dict[str, TabData | None]:
        """Every tab in one `values:batchGet`; a tab the spreadsheet lacks is None."""
        names = [t.name for t in tabs]
        try:
            found = self._batch_get(names)
        except GooglePermanent as exc:
            if exc.status != 400 or "parse range" not in exc.detail.lower():
                raise
            # a tab is missing (first night): ask which tabs exist, read those
            existing = self.metadata()
            found = self._batch_get([n for n in names if n in existing])
        out: dict[str, TabData | None] = {n: found.get(n) for n in names}
        self.read = out
        return out

    # ------------------------------------------------------------------ writing
    def _plan_cells(self, plan: TabPlan, spec: TabSpec, now: TabData, writes: Writes) -> None:
        kinds = {c.name: c.kind for c in spec.columns}
        header = list(now.header)
        while header and header[-1] == "":
            header.pop()
        colpos: dict[str, int] = {}
        for i, h in enumerate(header):
            if h and h not in colpos:
                colpos[h] = i
        for name in plan.add_headers:
            if name not in colpos:
                colpos[name] = len(header)
                header.append(name)
                writes.put(plan.tab, 0, colpos[name], name)
        index = now.index(plan.key_column)[0] if plan.key_column in colpos else {}
        before = self.read.get(plan.tab)
        next_row = 1 + len(now.rows)
        for rw in plan.rows:
            pos = index.get(rw.key)
            if pos is None:
                r = next_row
                next_row += 1
                index[rw.key] = r - 1
                for cw in rw.cells:
                    writes.put(plan.tab, r, colpos[cw.column], _raw_value(cw.value, cw.kind))
                continue
            row = now.rows[pos] if pos < len(now.rows) else []
            for cw in rw.cells:
                ci = colpos[cw.column]
                found = row[ci] if ci < len(row) else ""
                if found == cw.value:
                    continue
                expected = (
                    before.value(plan.key_column, rw.key, cw.column) if before is not None else None
                )
                if expected is None:
                    expected = ""  # the row appeared during the run: only fill empty cells
                if found != expected:
                    writes.skipped.append((plan.tab, rw.key, cw.column))
                    continue  # a person changed it since the night's read: theirs
                writes.put(
                    plan.tab, pos + 1, ci, _raw_value(cw.value, kinds.get(cw.column, "text"))
                )

    def _structure(
        self, tabs: Sequence[TabSpec], existing: dict[str, dict[str, Any]], writes: Writes
    ) -> list[dict[str, Any]]:
        requests: list[dict[str, Any]] = []
        for i, spec in enumerate(tabs):
            rows, cols = writes.extent(spec.name)
            props = existing.get(spec.name)
            if props is None:
                requests.append(
                    {
                        "addSheet": {
                            "properties": {
                                "sheetId": sheet_id_for(spec.name),
                                "title": spec.name,
                                "index": i,
                                "gridProperties": {
                                    "rowCount": max(DEFAULT_ROWS, rows + 100),
                                    "columnCount": max(DEFAULT_COLUMNS, cols, len(spec.columns)),
                                    "frozenRowCount": 1,
                                },
                            }
                        }
                    }
                )
                continue
            grid = props.get("gridProperties", {})
            have_rows = int(grid.get("rowCount", 0))
            have_cols = int(grid.get("columnCount", 0))
            if rows > have_rows:
                requests.append(
                    {
                        "appendDimension": {
                            "sheetId": props["sheetId"],
                            "dimension": "ROWS",
                            "length": rows - have_rows + 100,
                        }
                    }
                )
            if cols > have_cols:
                requests.append(
                    {
                        "appendDimension": {
                            "sheetId": props["sheetId"],
                            "dimension": "COLUMNS",
                            "length": cols - have_cols,
                        }
                    }
                )
        return requests

    def apply(self, tabs: Sequence[TabSpec], plans: Sequence[TabPlan]) -> int:
        """Write the plans; return the number of write requests sent."""
        specs = {t.name: t for t in tabs}
        plans = [p for p in plans if p.add_headers or p.rows]
        http = self.clients.sheets
        sent = 0
        existing = self.metadata()
        now = self._batch_get([p.tab for p in plans if p.tab in existing])
        writes = Writes()
        for plan in plans:
            self._plan_cells(plan, specs[plan.tab], now.get(plan.tab, TabData([], [])), writes)
        self.skipped = writes.skipped
        # tabs and grid sizes first: the one request that must not be sent twice blindly
        for _attempt in range(self.clients.policy.tries):
            structure = self._structure(tabs, existing, writes)
            if not structure:
                break
            try:
                self.clients.call(
                    functools.partial(
                        http.batch_update, self.spreadsheet_id, {"requests": structure}
                    ),
                    self._what("adding tabs and rows"),
                    self._share,
                    retry=False,
                )
                sent += 1
                break
            except GoogleTransient:
                sent += 1
                existing = self.metadata()  # it may have landed: look before trying again
        else:
            raise GoogleTransient(
                f"Google kept failing while adding tabs and rows to {self._what()}. "
                "Run again later; nothing is lost."
            )
        for data in writes.value_ranges(MAX_PAYLOAD):
            body = {"valueInputOption": "RAW", "data": data}
            self.clients.call(
                functools.partial(http.values_batch_update, self.spreadsheet_id, body),
                self._what("writing the night's changes"),
                self._share,
            )
            sent += 1
        if self.on_applied is not None:
            self.on_applied()
        return sent
