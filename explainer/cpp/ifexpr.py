"""#if expressions, evaluated as gcc's cpp does: 64-bit values that are
signed or unsigned, C's usual conversions, shifts by a negative count
going the other way, short-circuit operators that silence division by
zero on the side not taken.  pcpp's evaluator differs on several of these.
"""

from __future__ import annotations

import re

from explainer.cpp.macros import CHAR, ID, STRING, Tok
from explainer.prose import gcc

BITS = 64
MASK = (1 << BITS) - 1
SIGN = 1 << (BITS - 1)

_BINARY = {
    ",": 1, "||": 3, "&&": 4, "|": 5, "^": 6, "&": 7, "==": 8, "!=": 8,
    "<": 9, ">": 9, "<=": 9, ">=": 9, "<<": 10, ">>": 10, "+": 11, "-": 11,
    "*": 12, "/": 12, "%": 12,
}
_INTEGER = re.compile(r"(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)([uU]?[lL]{0,2}[uU]?)")
_ESCAPES = {"n": 10, "t": 9, "r": 13, "0": 0, "a": 7, "b": 8, "f": 12, "v": 11, "e": 27,
            "\\": 92, "'": 39, '"': 34, "?": 63}


# Parentheses and operators nested deeper than this are refused (gcc has no
# such limit; no real header comes near it, and it bounds the recursion).
MAX_NESTING = 200


class IfError(Exception):
    """A malformed expression; the message is gcc's wording."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause  # a prose.Said: str(self) would say it plainly


class Value:
    __slots__ = ("unsigned", "v")

    def __init__(self, v: int, unsigned: bool = False) -> None:
        v &= MASK
        if not unsigned and v & SIGN:
            v -= 1 << BITS
        self.v = v
        self.unsigned = unsigned


def _literal(tok: Tok) -> Value:
    if tok.type == CHAR:
        return _char(tok.value)
    text = tok.value
    m = _INTEGER.fullmatch(text)
    if m is None or (tok.type not in ("CPP_INTEGER",) and not text[:1].isdigit()):
        if tok.type == "CPP_FLOAT" or (text[:1].isdigit() or text[:1] == "."):
            raise IfError(gcc("float_in_if") if _looks_float(text) else gcc("bad_integer", text=text))
        raise IfError(gcc("bad_token", text=text))
    digits, suffix = m.groups()
    if digits[:2] in ("0x", "0X"):
        value, decimal = int(digits, 16), False
    elif digits[:2] in ("0b", "0B"):
        value, decimal = int(digits[2:], 2), False
    elif digits.startswith("0") and len(digits) > 1:
        value, decimal = int(digits, 8), False
    else:
        value, decimal = int(digits), True
    if value > MASK:
        raise IfError(gcc("too_large"))
    unsigned = "u" in suffix.lower() or value >= SIGN
    del decimal  # gcc makes too-large decimals unsigned too (with a warning)
    return Value(value, unsigned)


def _looks_float(text: str) -> bool:
    return "." in text or (not text.lower().startswith("0x") and "e" in text.lower())


def _char(text: str) -> Value:
    prefix = text[: text.index("'")]
    body = text[len(prefix) + 1 : -1]
    chars: list[int] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            chars.append(ord(c))
            i += 1
            continue
        nxt = body[i + 1] if i + 1 < len(body) else ""
        if nxt in "01234567" and nxt:
            m = re.match(r"[0-7]{1,3}", body[i + 1 :])
            assert m is not None
            chars.append(int(m.group(), 8))
            i += 1 + len(m.group())
        elif nxt == "x":
            m = re.match(r"[0-9a-fA-F]+", body[i + 2 :])
            if m is None:
                raise IfError(gcc("no_hex_digits"))
            chars.append(int(m.group(), 16))
            i += 2 + len(m.group())
        elif nxt in _ESCAPES:
            chars.append(_ESCAPES[nxt])
            i += 2
        else:
            chars.append(ord(nxt) if nxt else 92)
            i += 2
    if not chars:
        raise IfError(gcc("empty_char"))
    if prefix:  # L'x' and friends: the (last) character's code, unsigned for u/U
        return Value(chars[-1], prefix in ("u", "U"))
    if len(chars) == 1:  # plain char is signed on x86
        code = chars[0] & 0xFF
        return Value(code - 256 if code >= 128 else code)
    value = 0
    for code in chars[-4:]:
        value = (value << 8) | (code & 0xFF)
    value &= 0xFFFFFFFF
    return Value(value - (1 << 32) if value & 0x80000000 else value)


class _Parser:
    def __init__(self, tokens: list[Tok]) -> None:
        self.toks = tokens
        self.i = 0

    def peek(self) -> str | None:
        if self.i >= len(self.toks):
            return None
        t = self.toks[self.i]
        return t.value if t.type not in (STRING, CHAR, "CPP_INTEGER", "CPP_FLOAT", ID) else None

    def parse(self) -> Value:
        if not self.toks:
            raise IfError(gcc("if_no_expression"))
        value = self.binary(1, False, 0)
        if self.i < len(self.toks):
            t = self.toks[self.i]
            raise IfError(gcc("missing_operator", text=t.value))
        return value

    def primary(self, skip: bool, depth: int) -> Value:
        if depth > MAX_NESTING:
            raise IfError(gcc("if_nest_limit", limit=MAX_NESTING))
        if self.i >= len(self.toks):
            raise IfError(gcc("if_no_expression") if not self.toks else gcc("no_operand"))
        t = self.toks[self.i]
        self.i += 1
        op = t.value if t.type not in (STRING, CHAR, "CPP_INTEGER", "CPP_FLOAT", ID) else None
        if op == "(":
            if self.peek() == ")":
                raise IfError(gcc("empty_parens"))
            value = self.binary(1, skip, depth + 1)
            if self.peek() != ")":
                raise IfError(gcc("missing_paren"))
            self.i += 1
            return value
        if op in ("+", "-", "~", "!"):
            v = self.primary(skip, depth + 1)
            if op == "+":
                return v
            if op == "-":
                return Value(-v.v, v.unsigned)
            if op == "~":
                return Value(~v.v, v.unsigned)
            return Value(int(v.v == 0))
        if t.type == ID:
            return Value(0)
        if t.type in ("CPP_INTEGER", "CPP_FLOAT", CHAR):
            return _literal(t)
        raise IfError(gcc("bad_token", text=t.value))

    def binary(self, min_prec: int, skip: bool, depth: int) -> Value:
        left = self.primary(skip, depth)
        while True:
            op = self.peek()
            if op == "?" and min_prec <= 2:
                self.i += 1
                taken = left.v != 0
                a = self.binary(1, skip or not taken, depth + 1)
                if self.peek() != ":":
                    raise IfError(gcc("no_colon"))
                self.i += 1
                b = self.binary(2, skip or taken, depth + 1)
                unsigned = a.unsigned or b.unsigned
                left = Value((a if taken else b).v, unsigned)
                continue
            prec = _BINARY.get(op or "")
            if prec is None or prec < min_prec:
                if op is not None and op not in _BINARY and op not in (")", ":", "?"):
                    raise IfError(gcc("bad_token", text=op))
                return left
            self.i += 1
            assert op is not None
            if op == "&&":
                right = self.binary(prec + 1, skip or left.v == 0, depth)
                left = Value(int(left.v != 0 and right.v != 0))
            elif op == "||":
                right = self.binary(prec + 1, skip or left.v != 0, depth)
                left = Value(int(left.v != 0 or right.v != 0))
            else:
                right = self.binary(prec + 1, skip, depth)
                left = _apply(op, left, right, skip)


def _apply(op: str, a: Value, b: Value, skip: bool) -> Value:
    if op == ",":
        return b
    if op in ("<<", ">>"):
        n = b.v
        if n < 0:
            op, n = ("<<" if op == ">>" else ">>"), -n
        if op == "<<":
            return Value(a.v << n if n < BITS else 0, a.unsigned)
        if n >= BITS:
            return Value(-1 if (a.v < 0 and not a.unsigned) else 0, a.unsigned)
        return Value(a.v >> n, a.unsigned)
    unsigned = a.unsigned or b.unsigned
    x, y = (a.v & MASK, b.v & MASK) if unsigned else (a.v, b.v)
    if op in ("==", "!=", "<", ">", "<=", ">="):
        holds = {"==": x == y, "!=": x != y, "<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]
        return Value(int(holds))
    if op in ("/", "%"):
        if y == 0:
            if skip:
                return Value(0, unsigned)
            raise IfError(gcc("division_by_zero"))
        q = abs(x) // abs(y)
        if (x < 0) != (y < 0):
            q = -q
        return Value(q if op == "/" else x - q * y, unsigned)
    result = {"+": x + y, "-": x - y, "*": x * y, "&": x & y, "^": x ^ y, "|": x | y}[op]
    return Value(result, unsigned)


def evaluate(tokens: list[Tok]) -> int:
    """The value of a fully expanded #if expression (identifiers are 0)."""
    return _Parser(tokens).parse().v
