"""Importing uploaded text/html or text/plain into a Google Doc: headings, paragraphs, list items."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class _HtmlText(HTMLParser):
    _BLOCKS = {
        "p",
        "div",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "title",
        "ul",
        "ol",
        "table",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[dict[str, Any]] = []
        self.current: list[str] = []
        self.style = "NORMAL_TEXT"
        self.bullet = False
        self.skip = 0

    def _flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            para: dict[str, Any] = {
                "text": text,
                "style": {"namedStyleType": self.style, "direction": "LEFT_TO_RIGHT"},
            }
            if self.bullet:
                para["bullet"] = {"listId": "kix.imported"}
            self.paragraphs.append(para)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "head"):
            self.skip += 1
        elif tag == "br":
            self._flush()
        elif tag in self._BLOCKS:
            self._flush()
            if tag[0] == "h" and tag[1:].isdigit():
                self.style = f"HEADING_{tag[1:]}"
            self.bullet = tag == "li"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head"):
            self.skip = max(0, self.skip - 1)
        elif tag in self._BLOCKS:
            self._flush()
            self.style = "NORMAL_TEXT"
            self.bullet = False

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.current.append(data)


def import_paragraphs(media: bytes, media_type: str | None) -> list[dict[str, Any]]:
    """Paragraphs of an uploaded text/html or text/plain file, as a Doc would hold them."""
    text = media.decode("utf-8", "replace")
    if media_type == "text/html" or text.lstrip().startswith("<"):
        parser = _HtmlText()
        parser.feed(text)
        parser.close()
        parser._flush()
        paragraphs = parser.paragraphs
    else:
        paragraphs = [
            {"text": line, "style": {"namedStyleType": "NORMAL_TEXT", "direction": "LEFT_TO_RIGHT"}}
            for line in text.replace("\r\n", "\n").rstrip("\n").split("\n")
        ]
    return paragraphs or [
        {"text": "", "style": {"namedStyleType": "NORMAL_TEXT", "direction": "LEFT_TO_RIGHT"}}
    ]
