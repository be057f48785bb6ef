"""Partial responses: apply a `fields=` selector (`files(id,name),nextPageToken`, `sheets.properties`)."""

from __future__ import annotations

from typing import Any

Tree = dict[str, "Tree | None"]


def parse(selector: str) -> Tree | None:
    """Parse a selector into a tree; None means "everything" (`*` or empty)."""
    selector = selector.replace(" ", "")
    if not selector or selector == "*":
        return None
    tree, rest = _parse_list(selector, 0)
    return tree


def _parse_list(text: str, pos: int) -> tuple[Tree, int]:
    tree: Tree = {}
    while pos < len(text):
        if text[pos] == ")":
            return tree, pos + 1
        if text[pos] == ",":
            pos += 1
            continue
        start = pos
        while pos < len(text) and text[pos] not in ",()":
            pos += 1
        path = [p for p in text[start:pos].replace(".", "/").split("/") if p]
        sub: Tree | None = None
        if pos < len(text) and text[pos] == "(":
            sub, pos = _parse_list(text, pos + 1)
        _insert(tree, path, sub)
    return tree, pos


def _insert(tree: Tree, path: list[str], sub: Tree | None) -> None:
    if not path:
        return
    head, rest = path[0], path[1:]
    if head == "*":
        tree.clear()
        tree["*"] = None
        return
    if not rest:
        if head in tree and tree[head] is not None and sub is not None:
            tree[head].update(sub)  # type: ignore[union-attr]
        else:
            tree[head] = sub if head not in tree or tree[head] is not None else None
        return
    node = tree.get(head, {})
    if node is None:
        return  # already selecting the whole value
    tree[head] = node
    _insert(node, rest, sub)


def apply(value: Any, tree: Tree | None) -> Any:
    """Keep only the selected parts of a response."""
    if tree is None or "*" in tree:
        return value
    if isinstance(value, list):
        return [apply(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, sub in tree.items():
        if key in value:
            out[key] = apply(value[key], sub)
    return out
