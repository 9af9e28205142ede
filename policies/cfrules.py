"""The part of Cloudflare's Rules language our edge rules use, parsed and evaluated against a
request, so a policy can show which real routes an expression protects.

Semantics follow Cloudflare's reference (developers.cloudflare.com/ruleset-engine/
rules-language/operators and /functions, read Nov 2026):
- `eq`/`==`, `ne`/`!=`, `contains`, `in {...}` compare strings case-sensitively;
- `wildcard` matches the ENTIRE field value, case-insensitively, `*` standing for zero or
  more characters; `strict wildcard` is the case-sensitive form; `\\*` is a literal star,
  `\\\\` a literal backslash, and `**` is invalid;
- `starts_with(field, "x")`, `ends_with(field, "x")`, `lower(field)` are functions, not operators;
- `not` binds tightest, then `and`, `xor`, `or` (English operators are lower case only).
Anything outside the subset is a `RulesSyntaxError`, never a silent guess.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

STRING_FIELDS: Final = frozenset(
    {
        "http.host",
        "http.request.method",
        "http.request.uri",
        "http.request.uri.path",
        "http.request.uri.query",
        "http.request.full_uri",
        "cf.verified_bot_category",
    }
)
BOOL_FIELDS: Final = frozenset({"cf.client.bot", "ssl"})
INT_FIELDS: Final = frozenset({"cf.waf.score"})
FIELDS: Final = STRING_FIELDS | BOOL_FIELDS | INT_FIELDS

_COMPARATORS: Final = {
    "eq": "eq",
    "==": "eq",
    "ne": "ne",
    "!=": "ne",
    "contains": "contains",
    "wildcard": "wildcard",
    "lt": "lt",
    "<": "lt",
    "le": "le",
    "<=": "le",
    "gt": "gt",
    ">": "gt",
    "ge": "ge",
    ">=": "ge",
}
_ORDER: Final = {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge}
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<number>-?\d+)
      | (?P<op>==|!=|<=|>=|&&|\|\||\^\^|[<>!(){},])
      | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)


class RulesSyntaxError(ValueError):
    """The expression is outside the subset we model (or not valid at all)."""


@dataclass(frozen=True)
class Request:
    """One request as the Rules engine sees it; `fields` holds a value per field name."""

    fields: Mapping[str, str | bool | int]

    @classmethod
    def https(
        cls, host: str, method: str, path: str, query: str = "", *, verified_bot: bool = False
    ) -> Request:
        uri = path + (f"?{query}" if query else "")
        return cls(
            {
                "http.host": host,
                "http.request.method": method,
                "http.request.uri": uri,
                "http.request.uri.path": path,
                "http.request.uri.query": query,
                "http.request.full_uri": f"https://{host}{uri}",
                "cf.client.bot": verified_bot,
                "cf.verified_bot_category": "Search Engine Crawler" if verified_bot else "",
                "ssl": True,
                "cf.waf.score": 99,  # 1 = attack ... 99 = clean: a legitimate client
            }
        )


def _unquote(token: str) -> str:
    body = token[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            if i + 1 >= len(body) or body[i + 1] not in '"\\':
                raise RulesSyntaxError(f"unsupported escape in string {token}")
            out.append(body[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def wildcard_regex(pattern: str, *, case_sensitive: bool) -> re.Pattern[str]:
    """Cloudflare's wildcard literal as an anchored regex over the whole field value."""
    parts: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "*\\":
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if ch == "*":
            if i + 1 < len(pattern) and pattern[i + 1] == "*":
                raise RulesSyntaxError(f'wildcard "{pattern}" contains a double star')
            parts.append(".*")
        else:
            parts.append(re.escape(ch))
        i += 1
    return re.compile("".join(parts), re.DOTALL | (0 if case_sensitive else re.IGNORECASE))


# AST nodes are tuples: ("or"|"and"|"xor", left, right), ("not", node), ("const", bool),
# ("bool", field), ("cmp", op, value_node, literal), ("in", value_node, frozenset),
# ("call", name, value_node, literal); value nodes are ("field", name) or ("lower", node).
Node = tuple[Any, ...]


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its source, syntax tree and the fields it reads."""

    source: str
    tree: Node
    fields: frozenset[str]

    def matches(self, request: Request) -> bool:
        return bool(_eval(self.tree, request))


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = self._tokenize(source)
        self.pos = 0
        self.fields: set[str] = set()

    @staticmethod
    def _tokenize(source: str) -> list[tuple[str, str]]:
        tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(source):
            if source[pos:].strip() == "":
                break
            m = _TOKEN.match(source, pos)
            if m is None or m.end() == pos:
                raise RulesSyntaxError(f"cannot read {source[pos : pos + 20]!r} (at {pos})")
            kind = m.lastgroup or ""
            tokens.append((kind, m.group(kind)))
            pos = m.end()
        return tokens

    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise RulesSyntaxError(f"unexpected end of expression: {self.source!r}")
        self.pos += 1
        return token

    def expect(self, text: str) -> None:
        _kind, value = self.take()
        if value != text:
            raise RulesSyntaxError(f"expected {text!r}, got {value!r} in {self.source!r}")

    def at(self, *texts: str) -> bool:
        token = self.peek()
        return token is not None and token[1] in texts

    def parse(self) -> Expression:
        tree = self.binary(("or", "||"), "or")
        rest = self.peek()
        if rest is not None:
            raise RulesSyntaxError(f"unexpected {rest[1]!r} in {self.source!r}")
        return Expression(self.source, tree, frozenset(self.fields))

    def binary(self, ops: tuple[str, str], name: str) -> Node:
        lower = {"or": (("xor", "^^"), "xor"), "xor": (("and", "&&"), "and")}
        if name == "and":
            node = self.unary()
            while self.at("and", "&&"):
                self.take()
                node = ("and", node, self.unary())
            return node
        sub_ops, sub_name = lower[name]
        node = self.binary(sub_ops, sub_name)
        while self.at(*ops):
            self.take()
            node = (name, node, self.binary(sub_ops, sub_name))
        return node

    def unary(self) -> Node:
        if self.at("not", "!"):
            self.take()
            return ("not", self.unary())
        return self.primary()

    def primary(self) -> Node:
        kind, value = self.take()
        if value == "(":
            node = self.binary(("or", "||"), "or")
            self.expect(")")
            return node
        if value in ("true", "false") and kind == "word":
            return ("const", value == "true")
        if kind == "word" and value in ("starts_with", "ends_with"):
            self.expect("(")
            operand = self.value_term()
            self.expect(",")
            literal = self.string()
            self.expect(")")
            return ("call", value, operand, literal)
        self.pos -= 1
        operand = self.value_term()
        if operand[0] == "field" and operand[1] in BOOL_FIELDS and not self._comparison_next():
            return ("bool", operand[1])
        return self.comparison(operand)

    def _comparison_next(self) -> bool:
        token = self.peek()
        return token is not None and (
            token[1] in _COMPARATORS or token[1] in ("in", "strict", "matches", "~")
        )

    def value_term(self) -> Node:
        kind, value = self.take()
        if kind == "word" and value == "lower":
            self.expect("(")
            inner = self.value_term()
            self.expect(")")
            return ("lower", inner)
        if kind != "word" or ("." not in value and value != "ssl"):
            raise RulesSyntaxError(f"expected a field, got {value!r} in {self.source!r}")
        if value not in FIELDS:
            raise RulesSyntaxError(
                f"field {value!r} is outside the modelled subset ({', '.join(sorted(FIELDS))})"
            )
        self.fields.add(value)
        return ("field", value)

    def string(self) -> str:
        kind, value = self.take()
        if kind != "string":
            raise RulesSyntaxError(f"expected a quoted string, got {value!r} in {self.source!r}")
        return _unquote(value)

    def comparison(self, operand: Node) -> Node:
        _kind, op = self.take()
        if op in ("matches", "~"):
            raise RulesSyntaxError("regex ('matches') is outside the modelled subset")
        if op == "in":
            self.expect("{")
            values: list[str | int] = []
            while not self.at("}"):
                k, v = self.take()
                if k == "string":
                    values.append(_unquote(v))
                elif k == "number":
                    values.append(int(v))
                else:
                    raise RulesSyntaxError(f"unexpected {v!r} in a set in {self.source!r}")
            self.expect("}")
            return ("in", operand, frozenset(values))
        strict = False
        if op == "strict":
            strict = True
            _, op = self.take()
            if op != "wildcard":
                raise RulesSyntaxError("'strict' must be followed by 'wildcard'")
        if op not in _COMPARATORS:
            raise RulesSyntaxError(f"unsupported operator {op!r} in {self.source!r}")
        name = _COMPARATORS[op]
        k, v = self.take()
        literal: str | int = int(v) if k == "number" else _unquote(v) if k == "string" else ""
        if k not in ("number", "string"):
            raise RulesSyntaxError(f"expected a literal after {op!r}, got {v!r}")
        if name == "wildcard":
            regex = wildcard_regex(str(literal), case_sensitive=strict)
            return ("wildcard", operand, regex)
        return ("cmp", name, operand, literal)


def parse(source: str) -> Expression:
    """Parse an expression of the subset, or raise RulesSyntaxError naming the problem."""
    return _Parser(source).parse()


def _value(node: Node, request: Request) -> Any:
    if node[0] == "lower":
        return str(_value(node[1], request)).lower()
    name = node[1]
    if name not in request.fields:
        raise RulesSyntaxError(f"the request has no value for field {name!r}")
    return request.fields[name]


def _eval(node: Node, request: Request) -> bool:
    kind = node[0]
    if kind == "or":
        return _eval(node[1], request) or _eval(node[2], request)
    if kind == "and":
        return _eval(node[1], request) and _eval(node[2], request)
    if kind == "xor":
        return _eval(node[1], request) != _eval(node[2], request)
    if kind == "not":
        return not _eval(node[1], request)
    if kind == "const":
        return bool(node[1])
    if kind == "bool":
        return bool(_value(("field", node[1]), request))
    if kind == "in":
        return _value(node[1], request) in node[2]
    if kind == "wildcard":
        return node[2].fullmatch(str(_value(node[1], request))) is not None
    if kind == "call":
        text = str(_value(node[2], request))
        return text.startswith(node[3]) if node[1] == "starts_with" else text.endswith(node[3])
    _, op, operand, literal = node
    actual = _value(operand, request)
    if op == "eq":
        return bool(actual == literal)
    if op == "ne":
        return bool(actual != literal)
    if op == "contains":
        return str(literal) in str(actual)
    if not isinstance(actual, int) or not isinstance(literal, int):
        raise RulesSyntaxError(f"{op} compares numbers only, got {actual!r} and {literal!r}")
    return bool(_ORDER[op](actual, literal))


def cloudflare_parse_error(source: str) -> str | None:
    """Cloudflare's own wirefilter parser (octorules-wirefilter) on the expression: the
    error it would report at `pulumi up`, or None when Cloudflare accepts the syntax."""
    from octorules_wirefilter import parse_expression

    result = parse_expression(source)
    error = result.get("error")
    return str(error).strip() if error else None


def matching(expression: Expression, requests: Sequence[Request]) -> list[Request]:
    return [r for r in requests if expression.matches(r)]
