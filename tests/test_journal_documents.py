"""Recovering document writes a killed run left in flight: one journal entry per document
(`document:<key>`, several at once on Google), and the single `document` entry of an
earlier release."""

from __future__ import annotations

from typing import Any

import pytest

from sos_sync.backends.base import DocState
from sos_sync.domain.report import Applied
from sos_sync.run.journal import (
    DOCUMENT,
    RUN,
    document_entry,
    pending_document_keys,
    recover,
)
from sos_sync.run.state import State


def _intent(key: str, new: bool, old: str | None = None) -> dict[str, Any]:
    record = {"hash": f"h-{key}", "link": f"⟦doc:{key}⟧", "fingerprint": f"⟦docfp:{key}⟧"}
    return {"key": key, "record": record, "new": new, "old_fingerprint": old}


def _journal(**intents: dict[str, Any]) -> dict[str, Any]:
    journal: dict[str, Any] = {RUN: {"run_id": "r1", "applied": Applied(writes=2).as_dict()}}
    for key, intent in intents.items():
        journal[DOCUMENT if key == "legacy" else document_entry(intent["key"])] = intent
    return journal


@pytest.mark.parametrize(
    ("landed", "adopted", "created", "updated"),
    [
        ((), (), 0, 0),  # killed before any write landed
        (("a",), ("a",), 1, 0),
        (("a", "b", "c"), ("a", "b", "c"), 2, 1),  # every write in flight landed
        (("c",), ("c",), 0, 1),  # an update: its fingerprint moved on
    ],
)
def test_every_document_in_flight_is_adopted_once_it_landed(
    landed: tuple[str, ...], adopted: tuple[str, ...], created: int, updated: int
) -> None:
    journal = _journal(a=_intent("a", True), b=_intent("b", True), c=_intent("c", False, "fp0"))
    state = State(extra={"documents": {"c": {"hash": "old", "fingerprint": "fp0", "link": "L"}}})
    documents = {k: DocState(k, f"https://docs/{k}", f"fp-{k}") for k in landed}
    if "c" not in landed:
        documents["c"] = DocState("c", "L", "fp0")  # there, as it was: not written
    assert pending_document_keys(journal) == {"a", "b", "c"}
    got = recover(state, journal, {}, documents)
    assert got.adopted == adopted
    records = got.state.extra["documents"]
    for key in adopted:
        assert records[key]["fingerprint"] == f"fp-{key}"
        assert records[key]["link"] == f"https://docs/{key}"
        assert records[key]["hash"] == f"h-{key}"
    assert set(records) == {"c"} | set(adopted)
    assert got.carried == Applied(
        docs_created=created, docs_updated=updated, writes=2 + len(adopted)
    )


def test_the_single_entry_an_earlier_release_left_is_still_recovered() -> None:
    journal = _journal(legacy=_intent("old", True), b=_intent("b", True))
    documents = {"old": DocState("old", "https://docs/old", "fp-old")}
    assert pending_document_keys(journal) == {"old", "b"}
    got = recover(State(), journal, {}, documents)
    assert got.adopted == ("old",)
    assert got.state.extra["documents"]["old"]["link"] == "https://docs/old"
    assert got.carried.docs_created == 1
