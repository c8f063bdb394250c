"""One event in two walkthroughs (two kernels, or two versions of a
header): what changed in its definition, in the machinery its
invocations went through, and in the code each pass made of it.  Passes
are matched by stage, not by number: a stage one kernel has and the
other lacks shows on one side.  An Extract of each walkthrough in (what
a comparison needs of it), an EventDiff out; render/diff_*.py write it
as text, JSON or a page (explain diff, a site across kernels)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from explainer.kernel import knowledge
from explainer.model import Pass, Walkthrough

# Lines of context around a change in a pass's code, as diff -u.
CONTEXT = 3
_LEADING = re.compile(r"\s*([A-Za-z_]\w*)\s*\(")


@dataclass(frozen=True)
class PassExtract:
    """What one pass made of the event, and the machinery's macros its
    invocations went through there (name -> "#define ..."; None: #undef)."""

    index: int
    stage: str
    code: str
    macros: tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class Extract:
    """What a comparison needs of an event's walkthrough: small, so that
    a site keeps one per event and kernel, not the walkthroughs."""

    macros: tuple[str, ...]  # the trace macros that define it (its class's, its own)
    args: tuple[tuple[str, str], ...]  # (label, text) of their arguments
    passes: tuple[PassExtract, ...]


@dataclass(frozen=True)
class Side:
    """One side of the comparison: its label (a kernel release, a header
    path), the header read, and what the event is there; None, with
    *missing* saying why, where the event is not there."""

    label: str
    header: str
    extract: Extract | None
    missing: str | None = None


@dataclass(frozen=True)
class TokenOp:
    """A run of tokens: the same on both sides, or changed."""

    op: str  # "equal", "delete", "insert" or "replace"
    old: str
    new: str


@dataclass(frozen=True)
class ArgumentDiff:
    """An argument of the event's definition, by what it is (TP_PROTO,
    TP_STRUCT__entry, TP_printk ...), where the two sides differ."""

    label: str
    old: str | None
    new: str | None
    ops: tuple[TokenOp, ...]


@dataclass(frozen=True)
class MacroDiff:
    """A macro of the machinery the event's invocations went through,
    defined otherwise on the two sides, and in which stages."""

    name: str
    stages: tuple[str, ...]
    old: str | None  # "#define NAME(params) body", None: not used there
    new: str | None

    @property
    def ops(self) -> tuple[TokenOp, ...]:
        """The two definitions token by token, where both sides use it."""
        return token_ops(self.old or "", self.new or "") if self.old and self.new else ()


@dataclass(frozen=True)
class Line:
    op: str  # "equal", "delete" or "insert"
    old: int | None  # its line number on each side
    new: int | None
    text: str


@dataclass(frozen=True)
class PassDiff:
    """The code one stage made of the event on each side; a hunk of
    lines around each change (token by token: layout alone is no change)."""

    stage: str
    old: int | None  # the pass's number on each side, None: no such stage
    new: int | None
    hunks: tuple[tuple[Line, ...], ...]
    old_code: str
    new_code: str

    @property
    def same(self) -> bool:
        return self.old is not None and self.new is not None and not self.hunks


@dataclass(frozen=True)
class EventDiff:
    event: str
    old: Side
    new: Side
    macros: tuple[tuple[str, ...], tuple[str, ...]]  # the definition's trace macros, each side
    definition: tuple[ArgumentDiff, ...]
    machinery: tuple[MacroDiff, ...]
    passes: tuple[PassDiff, ...]


# C's tokens, near enough to compare texts token by token and keep each
# one's place (a string or a character constant whole, punctuators of
# up to three characters, identifiers and numbers).
_TOKEN = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|[A-Za-z_0-9.]+|\.\.\.|<<=|>>=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||##|[-+*/%&|^]=|\S')


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def token_ops(old: str, new: str) -> tuple[TokenOp, ...]:
    """The two texts as runs of tokens, the same or changed; each run is
    its text as written, with the white space after it (so the runs
    joined give the text back)."""
    a, b = list(_TOKEN.finditer(old)), list(_TOKEN.finditer(new))
    matcher = difflib.SequenceMatcher(None, [m.group() for m in a], [m.group() for m in b], autojunk=False)

    def cut(text: str, found: list[re.Match[str]], i: int, j: int) -> str:
        if i == j:
            return ""
        end = found[j].start() if j < len(found) else len(text)
        return text[found[i].start():end]

    return tuple(TokenOp(op, cut(old, a, i1, i2), cut(new, b, j1, j2))
                 for op, i1, i2, j1, j2 in matcher.get_opcodes())


def _label(text: str, index: int) -> str:
    m = _LEADING.match(text)
    return m.group(1) if m is not None else ("name" if index == 0 else f"#{index + 1}")


def definition(w: Walkthrough, event: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """The trace macros that define *event* in the header (its class's
    and its own) and their arguments by label, the event's own winning
    (DEFINE_EVENT_PRINT's TP_printk over its class's)."""
    first = w.passes[0]
    own = [inv for inv in first.invocations if inv.name == event]
    classes = {inv.template for inv in own if inv.template}
    klass = [inv for inv in first.invocations if inv.name in classes and inv.name != event]
    args: dict[str, str] = {}
    for inv in (*klass, *own):
        for i, text in enumerate(inv.args):
            label = _label(text, i)
            if label == "name" and inv in klass:
                label = "class"
            args[label] = text.strip()
    return tuple(inv.macro for inv in (*klass, *own)), args


def _define_text(change: object) -> str | None:
    from explainer.model import Change

    assert isinstance(change, Change)
    if change.kind != "define":
        return None
    params = f"({change.params})" if change.params is not None else ""
    body = " ".join((change.body or "").split())
    return f"#define {change.name}{params} {body}".rstrip()


def _used_macros(p: Pass, header: str) -> dict[str, str | None]:
    """The machinery's macros the pass's focused invocations used, with
    their definitions there."""
    meanings = {c.name: c for c in p.meanings}
    used: dict[str, str | None] = {}
    for name in sorted(p.used_names()):
        change = meanings.get(name)
        if change is not None and knowledge.is_machinery(change.file, header):
            used[name] = _define_text(change)
    return used


def _code(p: Pass) -> str:
    """What the pass made of the event, kernel helpers folded to their calls."""
    parts = [(inv.folded.code if inv.folded is not None else inv.code).rstrip("\n")
             for inv in p.invocations if inv.focus]
    return "\n".join(part for part in parts if part) + ("\n" if parts else "")


def _hunks(old: str, new: str) -> tuple[tuple[Line, ...], ...]:
    a, b = old.splitlines(), new.splitlines()
    keys_a = [tuple(_tokens(line)) for line in a]
    keys_b = [tuple(_tokens(line)) for line in b]
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    hunks: list[tuple[Line, ...]] = []
    for group in matcher.get_grouped_opcodes(CONTEXT):
        lines: list[Line] = []
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                lines += [Line("equal", i + 1, j1 + (i - i1) + 1, a[i]) for i in range(i1, i2)]
                continue
            lines += [Line("delete", i + 1, None, a[i]) for i in range(i1, i2)]
            lines += [Line("insert", None, j + 1, b[j]) for j in range(j1, j2)]
        hunks.append(tuple(lines))
    return tuple(hunks)


def _matched(old: Sequence[PassExtract], new: Sequence[PassExtract],
             ) -> list[tuple[PassExtract | None, PassExtract | None]]:
    """The passes paired by stage (the n-th read of a stage with the n-th),
    in the order they come, a stage one side lacks where it would be."""
    def keyed(passes: Sequence[PassExtract]) -> list[tuple[str, int]]:
        seen: dict[str, int] = {}
        keys = []
        for p in passes:
            seen[p.stage] = seen.get(p.stage, 0) + 1
            keys.append((p.stage, seen[p.stage]))
        return keys

    ka, kb = keyed(old), keyed(new)
    matcher = difflib.SequenceMatcher(None, ka, kb, autojunk=False)
    pairs: list[tuple[PassExtract | None, PassExtract | None]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pairs += [(old[i], new[j1 + (i - i1)]) for i in range(i1, i2)]
        else:
            pairs += [(old[i], None) for i in range(i1, i2)]
            pairs += [(None, new[j]) for j in range(j1, j2)]
    return pairs


def extract(w: Walkthrough, event: str) -> Extract:
    macros, args = definition(w, event)
    return Extract(macros, tuple(args.items()), tuple(
        PassExtract(p.index, p.stage, _code(p), tuple(_used_macros(p, w.header).items())) for p in w.passes))


def compare(event: str, old: Side, new: Side) -> EventDiff:
    ea, eb = old.extract, new.extract
    args_a = dict(ea.args) if ea is not None else {}
    args_b = dict(eb.args) if eb is not None else {}
    changed = []
    for label in [*args_a, *(k for k in args_b if k not in args_a)]:
        a, b = args_a.get(label), args_b.get(label)
        if a != b and ea is not None and eb is not None:
            changed.append(ArgumentDiff(label, a, b, token_ops(a or "", b or "")))
    machinery: dict[tuple[str, str | None, str | None], list[str]] = {}
    passes = []
    for pa, pb in _matched(ea.passes if ea else (), eb.passes if eb else ()):
        if pa is not None and pb is not None:
            ua, ub = dict(pa.macros), dict(pb.macros)
            for name in sorted(set(ua) | set(ub)):
                if ua.get(name) != ub.get(name):
                    machinery.setdefault((name, ua.get(name), ub.get(name)), []).append(pa.stage)
        code_a = pa.code if pa is not None else ""
        code_b = pb.code if pb is not None else ""
        either = pa if pa is not None else pb
        stage = either.stage if either is not None else ""
        passes.append(PassDiff(stage, pa.index if pa else None, pb.index if pb else None,
                               _hunks(code_a, code_b), code_a, code_b))
    return EventDiff(
        event, old, new, (ea.macros if ea else (), eb.macros if eb else ()), tuple(changed),
        tuple(MacroDiff(name, tuple(stages), a, b) for (name, a, b), stages in machinery.items()),
        tuple(passes),
    )
