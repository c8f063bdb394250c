"""The step-by-step record of one invocation's expansion: which macro was
replaced (with its arguments before and after pre-expansion) and what it
became, and every '#' and '##' on the way, in the order gcc does them.

A kernel helper's expansion folds to its call in the code (see
invocations.folds); its steps fold the same way: the list keeps the
step that expanded the helper, with the count of its own steps, and
leaves those out.  Pass 1 of a kernel event made 426 steps, 9 deep in
percpu and static_call macros; the tracing machinery's are about 100."""

from __future__ import annotations

from collections.abc import Callable

from explainer.cpp.macros import Frame, MacroDef, Tok
from explainer.cpp.printer import print_tokens
from explainer.model import Step

# A hostile header could make millions of steps; past this, stop recording.
MAX_STEPS = 2_000
# Longer argument and result texts are cut to this many characters, "..."
# included.  A kernel event's steps nest: each result holds the results
# below it, and printing all of them in full would cost a fifth of a run.
MAX_TEXT = 800


def clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 3] + "..."


def _text(tokens: list[Tok]) -> str:
    """The tokens' text, cut at MAX_TEXT.  Printing a prefix of the tokens
    gives a prefix of the text, so a long list is printed only as far as
    the cut needs: every token but a padding one prints a character."""
    if len(tokens) > MAX_TEXT:
        head = print_tokens(tokens[:MAX_TEXT + 1], show_paste=True).strip()
        if len(head) > MAX_TEXT:
            return clip(head)
    return clip(print_tokens(tokens, show_paste=True).strip())


def _same(a: list[Tok], b: list[Tok]) -> bool:
    """The same tokens, in the same order (then the same text)."""
    if len(a) != len(b):
        return False
    for i in range(len(a)):
        if a[i] is not b[i]:
            return False
    return True


# What an "expand" step's texts are made of, kept until the step is
# known to be listed (StepRecorder.finished): the arguments, their
# pre-expansions and the result, as the expander had them.  Most steps of
# a kernel event are a helper's own, and printing their texts was a
# quarter of the recording.
_Raw = tuple[list[list[Tok] | None], dict[int, list[Tok]], list[Tok]]


class StepRecorder:
    """Implements expand.Tracer for one top-level invocation."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self._frames: list[Frame | None] = []  # per step: the expansion it belongs to
        self._raw: list[_Raw | None] = []  # per step: its texts to make, if not made
        self.truncated = False

    def _add(self, depth: int, kind: str, macro: MacroDef | None, args: tuple[str, ...],
             pre: tuple[str | None, ...], result: str, frame: Frame | None, raw: _Raw | None = None) -> None:
        if len(self.steps) >= MAX_STEPS:
            self.truncated = True
            return
        where = f"{macro.file}:{macro.line}" if macro is not None else None
        name = macro.name if macro is not None else None
        self.steps.append(Step(len(self.steps) + 1, depth, kind, name, where, args, pre, result))
        self._frames.append(frame)
        self._raw.append(raw)

    def expanded(self, macro: MacroDef, args: list[list[Tok] | None] | None,
                 pre_expanded: dict[int, list[Tok]], result: list[Tok], depth: int,
                 frame: Frame | None = None) -> None:
        self._add(depth, "expand", macro, (), (), "", frame, (args or [], pre_expanded, result))

    @staticmethod
    def _texts(step: Step, raw: _Raw) -> None:
        args, pre_expanded, result = raw
        written: list[str] = []
        pre: list[str | None] = []
        for i, arg in enumerate(args):
            tokens = arg or []
            text = _text(tokens)
            written.append(text)
            done = pre_expanded.get(i)
            if done is None:
                pre.append(None)
            elif _same(done, tokens):
                pre.append(text)  # nothing in it expanded (the usual case)
            else:
                pre.append(_text(done))
        step.args = tuple(written)
        step.pre_expanded = tuple(pre)
        step.result = _text(result)

    def pasted(self, lhs: Tok, rhs: Tok, result: Tok, depth: int, frame: Frame | None = None) -> None:
        self._add(depth, "paste", lhs.origin, (clip(lhs.value), clip(rhs.value)), (), clip(result.value), frame)

    def stringified(self, macro: MacroDef, arg: list[Tok], result: Tok, depth: int,
                    frame: Frame | None = None) -> None:
        self._add(depth, "stringify", macro, (_text(arg),), (), clip(result.value), frame)

    def finished(self, root_of: Callable[[Frame], Frame | None]) -> tuple[Step, ...]:
        """The steps to list, with depths counted from the shallowest one.
        *root_of* gives the kernel helper's expansion a frame is part of
        (its own, for the helper's; None in the tracing machinery's): a
        step of a helper's own expansion is left out and counted in the
        step that expanded the helper.  Asked only now that the
        invocation is over: a call that takes its arguments from beyond
        an expansion makes that expansion no fold, and shows only then."""
        roots = [None if f is None else root_of(f) for f in self._frames]
        # The step that expanded each helper, by the id of its frame.
        helpers = {id(f): s for s, f, root in zip(self.steps, self._frames, roots, strict=True)
                   if root is not None and root is f and s.kind == "expand"}
        listed: list[Step] = []
        for s, root, raw in zip(self.steps, roots, self._raw, strict=True):
            helper = None if root is None else helpers.get(id(root))
            if helper is None or helper is s:
                # The machinery's, a helper's own, or one whose helper's
                # step came before tracing began (an alias's).
                if raw is not None:
                    self._texts(s, raw)
                listed.append(s)
            else:
                helper.inner += 1
        self._raw = []
        base = min((s.depth for s in listed), default=0)
        for n, s in enumerate(listed, 1):
            s.depth -= base
            s.number = n
        return tuple(listed)
