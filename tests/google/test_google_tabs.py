"""The tracker write's shapes: A1 ranges, blocks of new rows, and batches under Google's payload limit."""

from __future__ import annotations

import json

from sos_sync.backends.google.tabs import Writes, column_letters, quote_tab


def test_a1_names() -> None:
    assert quote_tab("Needs review") == "'Needs review'"
    assert quote_tab("Lead's notes") == "'Lead''s notes'"
    assert [column_letters(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def _cells(batches: list[list[dict[str, object]]]) -> dict[tuple[str, int, int], object]:
    """Every non-null cell the batches write, by (tab, row, column) 1-based."""
    out: dict[tuple[str, int, int], object] = {}
    for batch in batches:
        for vr in batch:
            tab, _, box = str(vr["range"]).rpartition("!")
            start = box.split(":")[0]
            letters = start.rstrip("0123456789")
            row0 = int(start[len(letters) :])
            col0 = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(letters)))
            for r, line in enumerate(vr["values"]):  # type: ignore[arg-type]
                for c, v in enumerate(line):
                    if v is not None:
                        key = (tab.strip("'"), row0 + r, col0 + c)
                        assert key not in out, f"written twice: {key}"
                        out[key] = v
    return out


def test_new_rows_go_as_one_block_and_big_nights_are_split_without_losing_a_cell() -> None:
    w = Writes()
    expected: dict[tuple[str, int, int], object] = {}
    for r in range(1, 301):  # 300 new rows, consecutive
        for c in (0, 1, 4):
            w.put("Schools", r, c, f"v{r}-{c}" * 3)
            expected[("Schools", r + 1, c + 1)] = f"v{r}-{c}" * 3
    for r in (3, 90):  # changed cells in other rows of another tab
        w.put("Events", r, 7, 5)
        expected[("Events", r + 1, 8)] = 5
    one = w.value_ranges()
    assert len(one) == 1
    assert [vr["range"] for vr in one[0]] == [
        "'Schools'!A2:E301",
        "'Events'!H4:H4",
        "'Events'!H91:H91",
    ]
    assert _cells(one) == expected
    split = w.value_ranges(max_bytes=4_000)
    assert len(split) > 3
    for batch in split:
        assert len(json.dumps({"valueInputOption": "RAW", "data": batch})) < 4_000 * 1.5
    assert _cells(split) == expected
