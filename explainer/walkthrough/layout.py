"""Lay out a pass's tokens as kernel-style C: tabs, 80 columns, Linux braces.

Our own layout rather than clang-format's: it starts from the tokens the
recorder already has, runs in one pass (compiled), and says where each
token ends up, so nothing has to be matched up afterwards.  It chooses
white space only: the tokens come out in order, unchanged, and two tokens
are never written together where they would read back as one
(lexer.would_paste).

Two steps.  The token stream is cut into logical lines (a declaration, a
statement, a struct member, an initializer element) with an indent, by
following braces, parentheses and statement keywords.  A logical line
wider than 80 columns is then broken: at spaces between "atoms" (runs of
tokens written without a space) where it can, after an operator rather
than before, and inside parentheses with the arguments aligned after the
opening one, as the kernel's own style does.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Final

from explainer.cpp.lexer import would_paste
from explainer.cpp.macros import PAD
from explainer.cpp.printer import Emitted

LIMIT: Final = 80
TAB: Final = 8
# Limits, so that hostile input costs time in proportion to its size:
# indentation stops growing past MAX_INDENT columns, and a line nested
# deeper than MAX_LINE_NESTING in parentheses is written unbroken.
MAX_INDENT: Final = 20 * TAB
MAX_LINE_NESTING: Final = 200
# A parenthesized group this narrow ("(char *)", "(x)") is never broken.
SMALL_GROUP: Final = 24

_CONTROL: Final = frozenset(("if", "for", "while", "switch"))
# Words after which "(" takes a space, and that are never a value.
_KEYWORDS: Final = frozenset((
    "if", "for", "while", "switch", "return", "case", "else", "do", "goto", "default",
))
_AGGREGATE: Final = frozenset(("struct", "union", "enum"))
# Type words written right before their "(": typeof(x), asm volatile("").
_CALL_LIKE: Final = frozenset((
    "typeof", "__typeof__", "volatile", "__volatile__", "inline", "__inline", "__inline__",
))
_TYPE_WORDS: Final = frozenset((
    "void", "char", "short", "int", "long", "float", "double", "signed", "unsigned", "_Bool",
    "bool", "const", "volatile", "static", "inline", "extern", "register", "restrict",
    "__restrict", "struct", "union", "enum", "u8", "u16", "u32", "u64", "s8", "s16", "s32",
    "s64", "__u8", "__u16", "__u32", "__u64", "__s8", "__s16", "__s32", "__s64", "typeof",
    "__typeof__", "__inline", "__inline__", "__always_inline",
))
_ATTRIBUTE: Final = frozenset(("__attribute__", "__attribute"))
# Parenthesized parts of a declaration that leave it a declaration.
_KEEPS_WORDS: Final = frozenset((
    "__attribute__", "__attribute", "typeof", "__typeof__", "__typeof", "__aligned",
))
_OPEN: Final = frozenset(("(", "["))
_CLOSE: Final = frozenset((")", "]"))
# Operators written with a space on both sides, and broken after, not
# before.  "*", "&", "-", "+" are here when binary.
_BINARY: Final = frozenset((
    "=", "==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>",
    "&&", "||", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "?", ":",
))
_POINTER_END: Final = frozenset((")", "*"))
_MAYBE_UNARY: Final = frozenset(("*", "&", "-", "+"))
_ALWAYS_UNARY: Final = frozenset(("!", "~"))
# Tokens that can never merge with a neighbour.
_NEVER_PASTE: Final = frozenset(("(", ")", "[", "]", "{", "}", ";", ","))

# Kinds of brace.
TOP: Final = 0
FUNCTION: Final = 1
BLOCK: Final = 2
SWITCH: Final = 3
AGGREGATE: Final = 4
INIT: Final = 5  # an initializer list broken over lines
EXPRESSION: Final = 6  # a block inside an expression: ({ ... })


def is_word(v: str) -> bool:
    if not v:
        return False
    c = v[0]
    if not (c.isalpha() or c == "_" or c == "$"):
        return False
    # L"x", u8"x", U'x' are literals, not words.
    return not (v[-1] == '"' or v[-1] == "'")


def _ends_value(v: str) -> bool:
    """True when *v* can end an operand: then a following "*" or "-" is
    binary and a following "(" is a call."""
    if not v:
        return False
    c = v[0]
    if c.isalnum() or c == "_" or c == "$" or c == '"' or c == "'" or c == ".":
        return v not in _KEYWORDS and v != "." and v != "..."
    return v == ")" or v == "]" or v == "++" or v == "--"


def _estimate(v: str) -> int:
    """The width of a token with the space usually written before it."""
    if v in _BINARY or v == "{" or v == "}":
        return len(v) + 1
    c = v[0] if v else " "
    if c.isalnum() or c == "_" or c == '"' or c == "'":
        return len(v) + 1
    return len(v)


class Spans:
    """Where each non-padding token of a pass is in its laid-out code:
    starts and ends as machine integers (a kernel header's passes have
    170,000 tokens; a tuple of two ints each took 20 MB)."""

    __slots__ = ("ends", "starts")

    def __init__(self, starts: array[int], ends: array[int]) -> None:
        self.starts = starts
        self.ends = ends

    def __len__(self) -> int:
        return len(self.starts)

    def pairs(self, first: int = 0, last: int = -1, origin: int = 0) -> list[tuple[int, int]]:
        """(start, end) of tokens first to last (excluded; -1: to the end),
        counted from *origin*."""
        if last < 0:
            last = len(self.starts)
        starts, ends = self.starts, self.ends
        return [(starts[i] - origin, ends[i] - origin) for i in range(first, last)]


class _Brace:
    __slots__ = ("close_col", "control_close", "depth", "indent", "is_do", "kind", "one_per_line",
                 "virtual")

    def __init__(self, kind: int, indent: int, close_col: int, virtual: int, depth: int) -> None:
        self.kind = kind
        self.indent = indent  # column of the lines inside
        self.close_col = close_col  # column of the line that starts with "}"
        self.virtual = virtual  # the enclosing statement's pending indents
        self.depth = depth  # the enclosing statement's parenthesis depth
        self.is_do = False
        self.one_per_line = True
        self.control_close = -1  # the enclosing statement's, as _Layout's


class _Layout:
    def __init__(self, vals: list[str]) -> None:
        self.vals = vals
        n = len(vals)
        self.match = [-1] * n
        self.has_semicolon = [False] * n
        # Estimated widths (spaces included) before each token, to tell
        # whether a braced list fits on its line.
        self.acc = [0] * (n + 1)
        self._pair_up()
        self.parts: list[str] = []
        self.pos = 0
        self.starts = [0] * n
        # The logical line being collected: global token indices, and a
        # space before each (0 or 1).
        self.line: list[int] = []
        self.space: list[int] = []
        self.line_w = 0
        self.line_indent = 0
        self.last_line_col = 0
        self.braces: list[_Brace] = [_Brace(TOP, 0, 0, 0, 0)]
        self.virtual = 0
        self.depth = 0
        self.control_close = -1
        self.ternary = 0
        # For the spacing of "*": is the current segment (since the last
        # "(", ",", ";" or brace) only words so far, and type-like?
        self.seg_words = 0
        self.seg_only_words = True
        self.seg_typed = False
        self.seg_stack: list[tuple[int, bool, bool]] = []
        # Kinds of the open parentheses of the statement: 1 a cast
        # candidate, 2 an attribute, 0 anything else.
        self.paren_kinds: list[int] = []
        self.cast_end = -1  # index of a ")" that closed a cast
        # A cast of a type, not a lone name: "(u64)-x", but "(x) - y".
        self.cast_strong = False
        # The physical line being written.
        self.col = 0
        self.fresh = True
        self.line_start_col = 0
        self.inline = [False] * n  # a "{" written with its list on one line
        self.cast_close = [False] * n  # a ")" that ends a cast
        # For breaking the logical line: widths before each token, matching
        # brackets, and where a declared function's name starts.
        self.widths: list[int] = []
        self.lmatch: list[int] = []
        self.home = -1

    def _pair_up(self) -> None:
        vals = self.vals
        stack: list[int] = []
        acc = self.acc
        total = 0
        for i, v in enumerate(vals):
            total += _estimate(v)
            acc[i + 1] = total
            if v == "(" or v == "[" or v == "{":
                stack.append(i)
            elif v == ")" or v == "]" or v == "}":
                want = "(" if v == ")" else "[" if v == "]" else "{"
                if stack and vals[stack[-1]] == want:
                    j = stack.pop()
                    self.match[i] = j
                    self.match[j] = i
                    if self.has_semicolon[j] and stack:
                        self.has_semicolon[stack[-1]] = True
            elif v == ";" and stack:
                self.has_semicolon[stack[-1]] = True

    # ------------------------------------------------------------ output

    def _write(self, text: str) -> None:
        self.parts.append(text)
        self.pos += len(text)

    def _newline(self, col: int) -> None:
        if self.parts:
            self._write("\n")
        col = min(col, MAX_INDENT)
        self._write("\t" * (col // TAB) + " " * (col % TAB))
        self.col = col
        self.line_start_col = col
        self.fresh = True

    def _put(self, k: int) -> None:
        """Writes the k-th token of the logical line."""
        if self.space[k] and not self.fresh:
            self._write(" ")
            self.col += 1
        i = self.line[k]
        v = self.vals[i]
        self.starts[i] = self.pos
        self._write(v)
        self.col += len(v)
        self.fresh = False

    # ------------------------------------------------- collecting lines

    def run(self) -> tuple[str, Spans]:
        vals = self.vals
        n = len(vals)
        for i in range(n):
            self._token(i)
        self._flush()
        if self.parts:
            self._write("\n")
        ends = [self.starts[i] + len(vals[i]) for i in range(n)]
        return "".join(self.parts), Spans(array("l", self.starts), array("l", ends))

    def _next(self, i: int) -> str:
        return self.vals[i + 1] if i + 1 < len(self.vals) else ""

    def _prev(self) -> str:
        return self.vals[self.line[-1]] if self.line else ""

    def _append(self, i: int) -> None:
        v = self.vals[i]
        if not self.line:
            self.line_indent = self._indent_for(v)
            sp = 0
        else:
            sp = self._space_before(i, v)
        self.line.append(i)
        self.space.append(sp)
        self.line_w += sp + len(v)
        self._track(i, v)

    def _indent_for(self, first: str) -> int:
        brace = self.braces[-1]
        col = brace.indent + self.virtual * TAB
        if brace.kind == SWITCH and (first == "case" or first == "default"):
            col -= TAB
        return max(col, 0)

    def _token(self, i: int) -> None:
        v = self.vals[i]
        brace = self.braces[-1]
        if v == "{":
            self._open_brace(i)
            return
        if v == "}":
            opener = self.match[i]
            if opener >= 0 and not self.inline[opener]:
                self._close_brace(i)
                return
            self._append(i)
            if opener >= 0:
                self.depth -= 1
            return
        self._append(i)
        if v == "(" or v == "[":
            if v == "(" and self.depth == 0 and len(self.line) >= 2 \
                    and self.vals[self.line[-2]] in _CONTROL:
                self.control_close = self.match[i]
            self.depth += 1
        elif v == ")" or v == "]":
            self.depth -= 1
            if i == self.control_close:
                self.control_close = -1
                nxt = self._next(i)
                if nxt != "{" and nxt != ";":
                    self._flush()
                    self.virtual += 1
        elif v == "?":
            self.ternary += 1
        elif v == ":" and self.ternary > 0:
            self.ternary -= 1
        elif self.depth > 0:
            return
        elif v == ";":
            if brace.kind != INIT:
                self._flush()
                self._statement_done(i)
        elif v == ",":
            if brace.kind == INIT and brace.one_per_line:
                self._flush()
        elif v == ":":
            if brace.kind in (FUNCTION, BLOCK, SWITCH, EXPRESSION) and self._is_label():
                self._flush()
        elif v == "else" or v == "do":
            nxt = self._next(i)
            if nxt != "{" and nxt != "if":
                self._flush()
                self.virtual += 1

    def _is_label(self) -> bool:
        first = self.vals[self.line[0]]
        return first == "case" or first == "default" or (len(self.line) == 2 and is_word(first))

    def _statement_done(self, i: int) -> None:
        self.ternary = 0
        if self._next(i) == "else":
            self.virtual = max(self.virtual - 1, 0)
        else:
            self.virtual = 0

    def _open_brace(self, i: int) -> None:
        kind = self._brace_kind(i)
        close = self.match[i]
        inline_kind = (kind == INIT and not self.has_semicolon[i]) or (
            kind == AGGREGATE and self.depth > 0)  # __alignof__(struct { int b; })
        if inline_kind and close >= 0:
            inside = self.acc[close + 1] - self.acc[i]
            trailing_comma = close > i + 1 and self.vals[close - 1] == ","
            if not trailing_comma and self.line_indent + self.line_w + inside + 1 <= LIMIT:
                self._append(i)  # written on one line: "{ a, b }"
                self.inline[i] = True
                self.depth += 1
                return
        if kind == FUNCTION:
            self._flush()
        prev = self._prev()
        self._append(i)
        if kind == INIT and self.depth > 0 and self.has_semicolon[i]:
            kind = EXPRESSION  # a list holding a statement expression
        self._flush()
        if kind == EXPRESSION or self.depth > 0:
            close_col = self.last_line_col
            indent = (close_col // TAB + 1) * TAB
        else:
            close_col = self.line_indent
            indent = close_col + TAB
        brace = _Brace(kind, indent, close_col, self.virtual, self.depth)
        brace.is_do = prev == "do"
        brace.control_close = self.control_close
        self.control_close = -1
        if kind == INIT:
            brace.one_per_line = self._one_per_line(i, close)
        self.braces.append(brace)
        self.virtual = 0
        self.depth = 0
        self.ternary = 0
        self._reset_segment()

    def _brace_kind(self, i: int) -> int:
        outer = self.braces[-1].kind
        prev = self._prev()
        if prev == "(":
            return EXPRESSION
        if self._after_aggregate_head():
            return INIT if self._enum_head() else AGGREGATE
        if outer == INIT or self.depth > 0 or prev == "=":
            return INIT
        if prev == "" or prev == ";" or prev == "else" or prev == "do" or prev == ":":
            return BLOCK if outer != TOP and outer != AGGREGATE else INIT
        if prev == ")":
            if outer == TOP:
                return FUNCTION
            opener = self.match[self.line[-1]]
            before = self.vals[opener - 1] if opener > 0 else ""
            if before in _CONTROL:
                return SWITCH if before == "switch" else BLOCK
            return INIT  # a compound literal: (struct x){ ... }
        return BLOCK if outer != TOP and outer != AGGREGATE else INIT

    def _after_aggregate_head(self) -> bool:
        """Does the line end "struct", "struct tag", or either followed by
        attributes?"""
        line = self.line
        k = len(line) - 1
        vals = self.vals
        while k >= 0 and vals[line[k]] == ")":
            opener = self.match[line[k]]
            while k >= 0 and line[k] != opener:
                k -= 1
            k -= 1
            if k < 0 or vals[line[k]] not in _ATTRIBUTE:
                return False
            k -= 1
        if k >= 0 and vals[line[k]] in _AGGREGATE:
            return True
        return k >= 1 and is_word(vals[line[k]]) and vals[line[k - 1]] in _AGGREGATE

    def _enum_head(self) -> bool:
        for k in range(len(self.line) - 1, -1, -1):
            v = self.vals[self.line[k]]
            if v in _AGGREGATE:
                return v == "enum"
        return False

    def _one_per_line(self, i: int, close: int) -> bool:
        """A broken list of plain values (numbers, names) is filled line by
        line; designators, nested lists and trailing commas take a line
        per element."""
        if close < 0 or self._enum_head():
            return True
        vals = self.vals
        if vals[close - 1] == ",":
            return True
        k = i + 1
        while k < close:
            v = vals[k]
            if v == "{" or v == "(" or v == "." or v == "[" or v == "=":
                return True
            k += 1
        return False

    def _close_brace(self, i: int) -> None:
        self._flush()
        brace = self.braces.pop() if len(self.braces) > 1 else self.braces[0]
        self.virtual = brace.virtual
        self.depth = brace.depth
        self.control_close = brace.control_close
        self.ternary = 0
        self._reset_segment()
        # Not _append, which would take the indent of the enclosing brace:
        # the closing line starts where its opening line did.
        self.line_indent = brace.close_col
        self.line.append(i)
        self.space.append(0)
        self.line_w += 1
        self.cast_end = -1
        nxt = self._next(i)
        kind = brace.kind
        # A statement's block ends the line, unless "else", "while" (of a
        # do) or ";" follows; declarators, commas and ")" follow the others.
        if kind == FUNCTION or kind == BLOCK or kind == SWITCH:
            if nxt == "else" or nxt == ";" or (nxt == "while" and brace.is_do):
                return
            self._flush()
            self._statement_done(i)

    # ------------------------------------------------------------ spacing

    def _reset_segment(self) -> None:
        self.seg_words = 0
        self.seg_only_words = True
        self.seg_typed = False

    def _track(self, i: int, v: str) -> None:
        """Follows what the statement is so far (for the spacing of "*"
        and of a cast)."""
        if v == "(" or v == "[":
            prev = self.vals[self.line[-2]] if len(self.line) >= 2 else ""
            if prev in _KEEPS_WORDS or (prev == "(" and len(self.paren_kinds) > 0 and self.paren_kinds[-1] == 2):
                kind = 2
            elif v == "(" and not _ends_value(prev) and prev not in _KEYWORDS and prev != "sizeof":
                kind = 1
            else:
                kind = 0
            self.paren_kinds.append(kind)
            self.seg_stack.append((self.seg_words, self.seg_only_words, self.seg_typed))
            self._reset_segment()
            return
        if v == ")" or v == "]":
            was_type = self.seg_only_words and (self.seg_typed or self.seg_words == 1)
            strong = self.seg_only_words and self.seg_typed
            kind = self.paren_kinds.pop() if self.paren_kinds else 0
            if self.seg_stack:
                self.seg_words, self.seg_only_words, self.seg_typed = self.seg_stack.pop()
            else:
                self._reset_segment()
            if kind == 1 and was_type:
                self.cast_end = i
                self.cast_close[i] = True
                self.cast_strong = strong
            elif kind != 2:
                self.seg_only_words = False
            return
        if v == "," or v == ";":
            self._reset_segment()
            return
        if is_word(v):
            if v in _KEYWORDS or v == "sizeof":
                self.seg_only_words = False
            self.seg_words += 1
            if v in _TYPE_WORDS or v.endswith("_t"):
                self.seg_typed = True
        elif v != "*":
            self.seg_only_words = False

    def _pointer(self) -> bool:
        return self.seg_only_words and (self.seg_typed or self.seg_words >= 2)

    def _space_before(self, i: int, v: str) -> int:
        prev_k = self.line[-1]
        p = self.vals[prev_k]
        sp = self._style_space(prev_k, p, v)
        if sp == 0 and p not in _NEVER_PASTE and v not in _NEVER_PASTE and (
                would_paste(p, v) or (p[-1] == "." and v[0] == ".")):  # ". ." + "." is "..."
            return 1
        return sp

    def _style_space(self, prev_k: int, p: str, v: str) -> int:
        if v == ")" or v == "]" or v == ";" or v == ",":
            return 0
        if p == "(" or p == "[" or p == "." or p == "->" or v == "->":
            return 0
        if p == "{":
            return 0 if v == "}" else 1
        if v == ".":
            return 1 if p == "," or p == "=" else 0
        if prev_k == self.cast_end and (v not in _MAYBE_UNARY or self.cast_strong):
            return 0 if v not in _BINARY or v in _MAYBE_UNARY else 1
        if v == "(":
            if p in _KEYWORDS or (p in _TYPE_WORDS and p not in _CALL_LIKE):
                return 1
            return 0 if _ends_value(p) or p == ")" or self._unary_at(prev_k) else 1
        if v == "[":
            return 0 if _ends_value(p) else 1
        if v == "{":
            return 0 if p == "(" else 1
        if v == "++" or v == "--":
            return 0 if _ends_value(p) else (0 if self._unary_at(prev_k) else 1)
        if p == "++" or p == "--":
            return 1 if self._postfix_at(prev_k) else 0
        if self._unary_at(prev_k):
            return 0
        if v == ":" and p == "?":
            return 0  # GNU's "a ?: b"
        if v == ":" and self.ternary == 0 and self.line and (
            self.vals[self.line[0]] in ("case", "default") or len(self.line) == 1
        ):
            return 0
        if v == "*" and self._pointer():
            return 0 if p == "*" else 1
        return 1

    def _unary_at(self, k: int) -> bool:
        """Is the token at global index *k* (the last one written) a
        prefix operator?"""
        v = self.vals[k]
        if v in _ALWAYS_UNARY:
            return True
        if v == "*" and self._pointer():
            return True
        if v not in _MAYBE_UNARY and v != "++" and v != "--" and v != "&&":
            return False
        if len(self.line) < 2:
            return True
        before = self.vals[self.line[-2]]
        if v == "*" or v == "&" or v == "-" or v == "+" or v == "&&":
            if self.line[-2] == self.cast_end and self.cast_strong:
                return True
            return not _ends_value(before)
        return not self._postfix_at(k)

    def _postfix_at(self, k: int) -> bool:
        if len(self.line) < 2 or self.line[-1] != k:
            return False
        return _ends_value(self.vals[self.line[-2]])

    # ---------------------------------------------------- breaking lines

    def _flush(self) -> None:
        line = self.line
        if not line:
            return
        self._newline(self.line_indent)
        self.last_line_col = self.line_indent
        n = len(line)
        if self.line_indent + self.line_w <= LIMIT or self._too_nested():
            for k in range(n):
                self._put(k)
        else:
            self.widths = [0] * (n + 1)
            total = 0
            for k in range(n):
                total += self.space[k] + len(self.vals[line[k]])
                self.widths[k + 1] = total
            self.lmatch = self._line_match()
            self.home = self._home_break()
            cont = min(self.line_indent, MAX_INDENT) + TAB
            self._place(0, n, self.col, cont, 0)
            self.last_line_col = self.line_start_col
        self.line = []
        self.space = []
        self.line_w = 0
        self.paren_kinds = []
        self.seg_stack = []
        self.cast_end = -1
        self._reset_segment()

    def _too_nested(self) -> bool:
        depth = 0
        for i in self.line:
            v = self.vals[i]
            if v in _OPEN:
                depth += 1
                if depth > MAX_LINE_NESTING:
                    return True
            elif v in _CLOSE:
                depth -= 1
        return False

    def _line_match(self) -> list[int]:
        """Matching brackets within the logical line (-1: none here)."""
        line = self.line
        out = [-1] * len(line)
        stack: list[int] = []
        for k, i in enumerate(line):
            v = self.vals[i]
            if v in _OPEN or (v == "{"):
                stack.append(k)
            elif (v in _CLOSE or v == "}") and stack:
                j = stack.pop()
                out[j] = k
                out[k] = j
        return out

    def _home_break(self) -> int:
        """Where a declaration's name starts, if the line declares a
        function: breaking there puts the name at the line's indent
        (the kernel's return type on a line of its own)."""
        if self.braces[-1].kind not in (TOP, AGGREGATE):
            return -1
        line = self.line
        vals = self.vals
        k = 0
        n = len(line)
        while k < n:
            v = vals[line[k]]
            if v == "(":
                if k >= 2 and is_word(vals[line[k - 1]]) and vals[line[k - 1]] not in _ATTRIBUTE \
                        and vals[line[k - 1]] not in _TYPE_WORDS:
                    before = vals[line[k - 2]]
                    if is_word(before) or before == "*" or before == ")":
                        start = k - 1
                        while start > 0 and not self.space[start]:
                            start -= 1
                        return start if start > 0 else -1
                    return -1
                if self.lmatch[k] < 0:
                    return -1
                k = self.lmatch[k] + 1
                continue
            if v == "=" or v == "{":
                return -1
            k += 1
        return -1

    def _width(self, lo: int, hi: int) -> int:
        """Width of tokens lo..hi-1 of the logical line on one line, without
        the space before the first."""
        return self.widths[hi] - self.widths[lo] - self.space[lo]

    def _atom_end(self, k: int, hi: int) -> int:
        vals = self.vals
        last = len(self.line) - 1
        while True:
            m = self.lmatch[k]
            k = m + 1 if m > k and m < hi else k + 1
            if k >= hi:
                return hi
            # The "{" that ends a statement's line stays on it.
            if self.space[k] and vals[self.line[k - 1]] not in _NO_BREAK_AFTER \
                    and not self._glued_operator(k) and not (k == last and vals[self.line[k]] == "{"):
                return k

    def _glued_operator(self, k: int) -> bool:
        """Binary operators stay at the end of a line: no break before
        them (a unary one has no space after it)."""
        v = self.vals[self.line[k]]
        if k + 1 >= len(self.line):
            return False
        if v == "*" and self.vals[self.line[k + 1]] in _POINTER_END:
            return True  # the "*" of a cast: "(struct x *)"
        return v in _BINARY and self.space[k + 1] == 1

    def _place(self, lo: int, hi: int, col: int, cont: int, tail: int) -> int:
        """Places tokens lo..hi-1, an argument list or a whole line, from
        column *col*; breaks go to column *cont*.  *tail* is the width
        that must follow on the same line.  A break after a comma is tried
        first, then breaks between the atoms of an argument."""
        k = lo
        while k < hi:
            e = self._argument_end(k, hi)
            t = tail if e == hi else 0
            if not self._fits(k, e, col, t) and not self.fresh and self.space[k]:
                self._newline(self.line_indent if k == self.home else cont)
                col = self.col
            if self._fits(k, e, col, t):
                for x in range(k, e):
                    self._put(x)
                col = self.col
            else:
                col = self._place_atoms(k, e, col, cont, t)
            k = e
        return col

    def _fits(self, lo: int, hi: int, col: int, tail: int) -> bool:
        sp = 1 if self.space[lo] and not self.fresh else 0
        return col + sp + self._width(lo, hi) + tail <= LIMIT

    def _argument_end(self, k: int, hi: int) -> int:
        """The index after the next comma at this level (or *hi*)."""
        vals = self.vals
        while k < hi:
            m = self.lmatch[k]
            if m > k and m < hi:
                k = m + 1
                continue
            k += 1
            if vals[self.line[k - 1]] == ",":
                return k
        return hi

    def _place_atoms(self, lo: int, hi: int, col: int, cont: int, tail: int) -> int:
        k = lo
        while k < hi:
            j = self._atom_end(k, hi)
            t = tail if j == hi else 0
            if self._fits(k, j, col, t):
                for x in range(k, j):
                    self._put(x)
                col = self.col
            elif not self.fresh and self.space[k] and (
                    self._fits_at(k, j, cont, t) or not self._head_fits(k, j, col)
                    or (k == self.home and not self._aligns(k, j, col)
                        and self._aligns(k, j, self.line_indent))):
                self._newline(self.line_indent if k == self.home else cont)
                col = self.col
                continue
            else:
                col = self._place_atom(k, j, col, cont, t)
            k = j
        return col

    def _aligns(self, lo: int, hi: int, col: int) -> bool:
        """Would the atom's first parentheses, opened on this line, leave
        room for their widest argument after the "("?"""
        k = self._first_group(lo, hi)
        if k < 0:
            return False
        m = self.lmatch[k]
        align = col + 1 + self._width(lo, k + 1)
        return align + self._widest_argument(k + 1, m, 1 + self._rest(m + 1, hi, 0)) <= LIMIT

    def _first_group(self, lo: int, hi: int) -> int:
        """Where the first bracketed group of tokens lo..hi-1 opens (-1:
        none closes before *hi*)."""
        for k in range(lo, hi):
            m = self.lmatch[k]
            if m > k and m < hi:
                return k
        return -1

    def _rest(self, lo: int, hi: int, tail: int) -> int:
        """Width of what must follow a group on its line: the rest of its
        atom up to where it could break next (the "(" of a following
        call), or all of it and then *tail*."""
        k = lo
        while k < hi:
            m = self.lmatch[k]
            if m > k and m < hi and self._is_call(k):
                return self.space[lo] + self._width(lo, k + 1) if k > lo else 1
            k += 1
        return (self.space[lo] + self._width(lo, hi) if lo < hi else 0) + tail

    def _fits_at(self, lo: int, hi: int, col: int, tail: int) -> bool:
        return col + self._width(lo, hi) + tail <= LIMIT

    def _head_fits(self, lo: int, hi: int, col: int) -> bool:
        """Does the atom fit up to its first "(" on this line?  Then it is
        broken inside its parentheses rather than moved to the next line
        ("x = f(a,\n      b)" rather than "x =\n\tf(a, b)")."""
        k = self._first_group(lo, hi)
        return k >= 0 and self._is_call(k) and col + 1 + self._width(lo, k + 1) <= LIMIT - TAB

    def _place_atom(self, lo: int, hi: int, col: int, cont: int, tail: int) -> int:
        k = lo
        while k < hi:
            m = self.lmatch[k]
            if m > k and m < hi and self.vals[self.line[k]] != "{":
                rest = self._rest(m + 1, hi, tail)
                sp = 1 if self.space[k] and not self.fresh else 0
                width = self._width(k, m + 1)
                if col + sp + width + rest <= LIMIT or (width <= SMALL_GROUP and not self._is_call(k)):
                    for x in range(k, m + 1):
                        self._put(x)
                    col = self.col
                    k = m + 1
                    continue
                self._put(k)
                align = self.col
                inner = max(cont, self.line_start_col + TAB)
                if align + self._widest_argument(k + 1, m, 1 + rest) > LIMIT and inner < align \
                        and self._is_call(k):
                    self._newline(inner)
                    align = inner
                self._place(k + 1, m, self.col, align, 1 + rest)
                self._put(m)
                col = self.col
                k = m + 1
            else:
                self._put(k)
                col = self.col
                k += 1
        return col

    def _is_call(self, k: int) -> bool:
        """Is the k-th token of the line the "(" of a call (or of a
        declarator's parameters), where a break may follow it?"""
        if k == 0:
            return False
        i = self.line[k - 1]
        before = self.vals[i]
        if before == ")" or before == "]":
            return not self.cast_close[i]
        return is_word(before) and before not in _KEYWORDS

    def _widest_argument(self, lo: int, hi: int, tail: int) -> int:
        widest = 0
        k = lo
        start = lo
        while k < hi:
            m = self.lmatch[k]
            if m > k and m < hi:
                k = m + 1
                continue
            if self.vals[self.line[k]] == ",":
                widest = max(widest, self._width(start, k + 1))
                start = k + 1
            k += 1
        if start < hi:
            widest = max(widest, self._width(start, hi) + tail)
        return widest


# Never break right after these: they open or bind what follows.
_NO_BREAK_AFTER: Final = frozenset((
    "(", "[", ".", "->", "!", "~", "if", "for", "while", "switch", "sizeof", "struct", "union",
    "enum",
))


def values(emitted: Sequence[Emitted]) -> list[str]:
    """The texts a pass's layout is made from: its non-padding tokens'."""
    return [e.tok.value for e in emitted if e.tok.type != PAD]


def lay_out_values(vals: list[str]) -> tuple[str, Spans]:
    """The code of a pass with token texts *vals*, laid out, and where
    each token is in it, in order."""
    return _Layout(vals).run()


def lay_out_pass(emitted: Sequence[Emitted]) -> tuple[str, Spans]:
    return lay_out_values(values(emitted))
