"""The report as one self-contained HTML page: inline styles, charts as base64 PNG images."""

from __future__ import annotations

import base64
import html

from .layout import Block

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1a1a1a; max-width: 60rem;
       margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; font-size: 15px; }
h1 { font-size: 1.6rem; color: #08519c; margin-bottom: .3rem; }
h2 { font-size: 1.25rem; color: #08519c; border-bottom: 2px solid #c6dbef;
     padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.02rem; margin: 1.2rem 0 .4rem; }
.subtitle { color: #555; margin-top: 0; }
.note { color: #555; font-style: italic; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .88rem; }
th, td { border: 1px solid #c6dbef; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #eef4fb; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; }
img { max-width: 100%; height: auto; border: 1px solid #e3e3e3; }
@media print { h2 { break-after: avoid; } figure, table { break-inside: avoid; } }
"""


def _table(block: Block) -> str:
    t = block.table
    assert t is not None
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in t.columns)
    rows = []
    for values in t.itertuples(index=False):
        cells = []
        for v in values:
            text = str(v)
            cls = ' class="num"' if text.replace(".", "", 1).isdigit() else ""
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def render_html(blocks: list[Block]) -> bytes:
    title = next((b.text for b in blocks if b.kind == "title"), "Progress report")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
    ]
    tags = {"title": "h1", "h2": "h2", "h3": "h3", "p": "p"}
    for b in blocks:
        if b.kind in tags:
            parts.append(f"<{tags[b.kind]}>{html.escape(b.text)}</{tags[b.kind]}>")
        elif b.kind in ("subtitle", "note"):
            parts.append(f'<p class="{b.kind}">{html.escape(b.text)}</p>')
        elif b.kind == "table":
            parts.append(_table(b))
        elif b.kind == "chart" and b.chart is not None and b.chart.png is not None:
            data = base64.b64encode(b.chart.png).decode("ascii")
            alt = html.escape(b.chart.title)
            parts.append(f'<figure><img alt="{alt}" src="data:image/png;base64,{data}"></figure>')
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")
