"""Docs v1 model: documents and the edits of a batchUpdate, with indexes counted in UTF-16 code units.

A document is stored as its paragraphs (text without the newline, paragraph style, bullet).
The body starts with a section break (0-1); the first paragraph starts at index 1; the final
newline of the body can never be deleted; a batch applies in order and all-or-nothing.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from sos_sync.emulator.errors import ApiError
from sos_sync.emulator.state import State

_NORMAL = {"namedStyleType": "NORMAL_TEXT", "direction": "LEFT_TO_RIGHT"}


def u16(text: str) -> int:
    """Length in UTF-16 code units (an emoji counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def new_document(
    state: State, document_id: str, title: str, paragraphs: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Store a document (blank unless paragraphs are given)."""
    doc = {
        "documentId": document_id,
        "title": title,
        "revision": 1,
        "paragraphs": paragraphs or [{"text": "", "style": dict(_NORMAL)}],
        "lists": {},
    }
    state.documents[document_id] = doc
    return doc


def plain_text(doc: dict[str, Any]) -> str:
    """The document body as text, one line per paragraph."""
    return "".join(p["text"] + "\n" for p in doc["paragraphs"])


def revision_id(doc: dict[str, Any]) -> str:
    return f"emu-rev-{doc['documentId'][:8]}-{doc['revision']}"


def public_document(doc: dict[str, Any], tabs: bool = False) -> dict[str, Any]:
    """A document as documents.get shows it."""
    content: list[dict[str, Any]] = [
        {
            "endIndex": 1,
            "sectionBreak": {
                "sectionStyle": {
                    "columnSeparatorStyle": "NONE",
                    "contentDirection": "LEFT_TO_RIGHT",
                    "sectionType": "CONTINUOUS",
                }
            },
        }
    ]
    index = 1
    for para in doc["paragraphs"]:
        text = para["text"] + "\n"
        end = index + u16(text)
        paragraph: dict[str, Any] = {
            "elements": [
                {
                    "startIndex": index,
                    "endIndex": end,
                    "textRun": {"content": text, "textStyle": {}},
                }
            ],
            "paragraphStyle": para["style"],
        }
        if para.get("bullet"):
            paragraph["bullet"] = para["bullet"]
        content.append({"startIndex": index, "endIndex": end, "paragraph": paragraph})
        index = end
    body = {"content": content}
    reply: dict[str, Any] = {
        "documentId": doc["documentId"],
        "title": doc["title"],
        "revisionId": revision_id(doc),
        "suggestionsViewMode": "SUGGESTIONS_INLINE",
        "documentStyle": {
            "pageSize": {
                "height": {"magnitude": 841.8898, "unit": "PT"},
                "width": {"magnitude": 595.3058, "unit": "PT"},
            }
        },
    }
    if tabs:
        reply["tabs"] = [
            {
                "tabProperties": {"tabId": "t.0", "title": "Tab 1", "index": 0},
                "documentTab": {"body": body, "lists": doc["lists"]},
            }
        ]
    else:
        reply["body"] = body
        if doc["lists"]:
            reply["lists"] = doc["lists"]
    return reply


# --------------------------------------------------------------------------------------------
# index arithmetic on the flat body text


class _Body:
    """The body as one string plus one style per paragraph (style lives on the newline)."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.text = plain_text(doc)
        self.paras = [{k: v for k, v in p.items() if k != "text"} for p in doc["paragraphs"]]

    @property
    def end(self) -> int:
        """endIndex of the body (1 + UTF-16 length)."""
        return 1 + u16(self.text)

    def offset(self, index: int, what: str) -> int:
        """Python offset into `text` of a body index; 400 when it splits a surrogate pair."""
        if index < 1 or index > self.end:
            raise _invalid(
                f"Index {index} must be less than the end index of the referenced segment, {self.end}."
                if index > 1
                else f"{what} index must be at least 1."
            )
        units = index - 1
        count = 0
        for pos, ch in enumerate(self.text):
            if count == units:
                return pos
            count += 2 if ord(ch) > 0xFFFF else 1
            if count > units:
                raise _invalid(f"Index {index} is in the middle of a surrogate pair.")
        return len(self.text)

    def paragraph_at(self, pos: int) -> int:
        return self.text.count("\n", 0, pos)

    def insert(self, index: int, text: str) -> None:
        if index >= self.end:
            raise _invalid(
                f"Index {index} must be less than the end index of the referenced segment, {self.end}."
            )
        pos = self.offset(index, "Insertion")
        k = self.paragraph_at(pos)
        self.text = self.text[:pos] + text + self.text[pos:]
        for _ in range(text.count("\n")):
            self.paras.insert(k, copy.deepcopy(self.paras[k]))

    def delete(self, start: int, end: int) -> None:
        if end <= start:
            raise _invalid("The range must not be empty.")
        if end >= self.end:
            raise _invalid(
                "The range cannot include the newline character at the end of the segment."
            )
        a, b = self.offset(start, "Start"), self.offset(end, "End")
        k = self.paragraph_at(a)
        removed = self.text.count("\n", a, b)
        del self.paras[k : k + removed]
        self.text = self.text[:a] + self.text[b:]

    def spans(self, start: int, end: int) -> list[int]:
        """Paragraphs overlapping [start, end)."""
        a = self.offset(start, "Start")
        b = self.offset(min(end, self.end), "End")
        first = self.paragraph_at(a)
        last = self.paragraph_at(max(a, b - 1)) if b > a else first
        return list(range(first, last + 1))

    def store(self) -> None:
        texts = self.text[:-1].split("\n")
        self.doc["paragraphs"] = [{"text": t, **p} for t, p in zip(texts, self.paras, strict=True)]


def _invalid(message: str) -> ApiError:
    return ApiError(400, message)


def _range(req: dict[str, Any]) -> tuple[int, int]:
    span = req.get("range") or {}
    if span.get("segmentId") or span.get("tabId") not in (None, "", "t.0"):
        raise _invalid("Only the body of the first tab is emulated.")
    return int(span.get("startIndex", 0)), int(span.get("endIndex", 0))


def apply_edit(doc: dict[str, Any], kind: str, req: dict[str, Any]) -> dict[str, Any]:
    body = _Body(doc)
    reply: dict[str, Any] = {}
    if kind == "insertText":
        text = req.get("text") or ""
        if "endOfSegmentLocation" in req and req["endOfSegmentLocation"] is not None:
            index = body.end - 1
        else:
            index = int((req.get("location") or {}).get("index", 0))
        body.insert(index, text)
    elif kind == "deleteContentRange":
        body.delete(*_range(req))
    elif kind == "replaceAllText":
        contains = req.get("containsText") or {}
        needle = contains.get("text") or ""
        if not needle:
            raise _invalid("containsText.text must not be empty.")
        flags = 0 if contains.get("matchCase") else re.IGNORECASE
        found = [m.start() for m in re.finditer(re.escape(needle), body.text, flags)]
        replacement = req.get("replaceText") or ""
        for pos in reversed(found):
            k = body.paragraph_at(pos)
            removed = body.text.count("\n", pos, pos + len(needle))
            del body.paras[k : k + removed]
            for _ in range(replacement.count("\n")):
                body.paras.insert(k, copy.deepcopy(body.paras[k]))
            body.text = body.text[:pos] + replacement + body.text[pos + len(needle) :]
        if found:
            reply = {"replaceAllText": {"occurrencesChanged": len(found)}}
        else:
            reply = {"replaceAllText": {}}
    elif kind == "updateParagraphStyle":
        start, end = _range(req)
        style = req.get("paragraphStyle") or {}
        mask = req.get("fields")
        if not mask:
            raise _invalid("fields is required.")
        keys = list(style) if mask.strip() == "*" else [f.strip() for f in mask.split(",")]
        for k in body.spans(start, end):
            for key in keys:
                if style.get(key) is None:
                    body.paras[k]["style"].pop(key, None)
                else:
                    body.paras[k]["style"][key] = style[key]
    elif kind == "createParagraphBullets":
        start, end = _range(req)
        list_id = f"kix.emu{doc['revision']}{len(doc['lists'])}"
        doc["lists"][list_id] = {
            "listProperties": {"nestingLevels": [{"glyphType": "GLYPH_TYPE_UNSPECIFIED"}]}
        }
        targets = body.spans(start, end)
        lines = body.text[:-1].split("\n")
        for k in targets:
            tabs = len(lines[k]) - len(lines[k].lstrip("\t"))
            lines[k] = lines[k][tabs:]
            body.paras[k]["bullet"] = {
                "listId": list_id,
                **({"nestingLevel": tabs} if tabs else {}),
            }
        body.text = "\n".join(lines) + "\n"
    elif kind == "deleteParagraphBullets":
        start, end = _range(req)
        for k in body.spans(start, end):
            body.paras[k].pop("bullet", None)
    elif kind == "updateTextStyle":
        start, end = _range(req)
        body.spans(start, end)  # validates the range; text styles are not kept
    else:
        raise _invalid(f"{kind} is not supported by the emulator.")
    body.store()
    return reply
