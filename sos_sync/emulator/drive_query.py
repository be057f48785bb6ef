"""The Drive v3 search language (`q`): a small parser turning a query into a predicate on a file.

Supported: `name`, `mimeType`, `trashed`, `starred`, `createdTime`, `modifiedTime`,
`fullText contains`, `'id' in parents`, `'me' in owners`, `appProperties has { key='k' and
value='v' }` (`properties` too); `and`, `or`, `not`, parentheses; strings in ' or " quotes.
Anything else is the 400 "Invalid Value" Drive answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sos_sync.emulator.errors import ApiError

Predicate = Callable[[dict[str, Any]], bool]

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op><=|>=|!=|=|<|>|\(|\)|\{|\})
      | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)


def invalid_query() -> ApiError:
    """Drive's answer to a query it cannot run."""
    return ApiError(400, "Invalid Value", reason="invalid", location="q")


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match:
            raise invalid_query()
        pos = match.end()
        if match.group("string") is not None:
            raw = match.group("string")[1:-1]
            out.append(("str", re.sub(r"\\(.)", r"\1", raw)))
        elif match.group("op") is not None:
            out.append(("op", match.group("op")))
        else:
            out.append(("word", match.group("word")))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, kind: str | None = None, value: str | None = None) -> str:
        token = self.peek()
        if (
            token is None
            or (kind and token[0] != kind)
            or (value is not None and token[1].lower() != value.lower())
        ):
            raise invalid_query()
        self.pos += 1
        return token[1]

    def word_is(self, value: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "word" and token[1].lower() == value

    def parse(self) -> Predicate:
        predicate = self.disjunction()
        if self.peek() is not None:
            raise invalid_query()
        return predicate

    def disjunction(self) -> Predicate:
        parts = [self.conjunction()]
        while self.word_is("or"):
            self.pos += 1
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else (lambda f: any(p(f) for p in parts))

    def conjunction(self) -> Predicate:
        parts = [self.unary()]
        while self.word_is("and"):
            self.pos += 1
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else (lambda f: all(p(f) for p in parts))

    def unary(self) -> Predicate:
        if self.word_is("not"):
            self.pos += 1
            inner = self.unary()
            return lambda f: not inner(f)
        if self.peek() == ("op", "("):
            self.pos += 1
            inner = self.disjunction()
            self.take("op", ")")
            return inner
        return self.comparison()

    def comparison(self) -> Predicate:
        token = self.peek()
        if token is None:
            raise invalid_query()
        if token[0] == "str":
            value = self.take("str")
            self.take("word", "in")
            collection = self.take("word")
            if collection == "parents":
                return lambda f: value in (f.get("parents") or [])
            if collection in ("owners", "writers", "readers"):
                return lambda f: value == "me"
            raise invalid_query()
        field = self.take("word")
        if field in ("appProperties", "properties"):
            self.take("word", "has")
            self.take("op", "{")
            self.take("word", "key")
            self.take("op", "=")
            key = self.take("str")
            self.take("word", "and")  # Drive refuses a key without a value
            self.take("word", "value")
            self.take("op", "=")
            wanted = self.take("str")
            self.take("op", "}")
            return lambda f: (f.get(field) or {}).get(key) == wanted
        operator = self.peek()
        if operator is None:
            raise invalid_query()
        if operator[0] == "word" and operator[1] == "contains":
            self.pos += 1
            needle = self.take("str")
            if field == "name":
                return lambda f: needle.lower() in f.get("name", "").lower()
            if field == "fullText":
                return lambda f: (
                    needle.lower() in (f.get("name", "") + " " + f.get("text", "")).lower()
                )
            if field == "mimeType":
                return lambda f: needle in f.get("mimeType", "")
            raise invalid_query()
        op = self.take("op")
        if op not in ("=", "!=", "<", "<=", ">", ">="):
            raise invalid_query()
        if field in ("trashed", "starred"):
            literal = self.take("word").lower()
            if literal not in ("true", "false") or op not in ("=", "!="):
                raise invalid_query()
            flag = literal == "true"
            return lambda f: (bool(f.get(field)) == flag) == (op == "=")
        if field in ("name", "mimeType") and op in ("=", "!="):
            value = self.take("str")
            return lambda f: (f.get(field) == value) == (op == "=")
        if field in ("createdTime", "modifiedTime", "viewedByMeTime"):
            value = self.take("str")
            compare: dict[str, Callable[[str, str], bool]] = {
                "=": lambda a, b: a == b,
                "!=": lambda a, b: a != b,
                "<": lambda a, b: a < b,
                "<=": lambda a, b: a <= b,
                ">": lambda a, b: a > b,
                ">=": lambda a, b: a >= b,
            }
            test = compare[op]
            return lambda f: test(f.get(field, "")[:19], value[:19])
        raise invalid_query()


def compile_query(text: str) -> Predicate:
    """A predicate for a Drive `q`; an empty query matches everything."""
    if not text or not text.strip():
        return lambda f: True
    return _Parser(text).parse()
