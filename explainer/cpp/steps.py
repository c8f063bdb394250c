"""The step-by-step record of one invocation's expansion: which macro was
replaced (with its arguments before and after pre-expansion) and what it
became, and every '#' and '##' on the way, in the order gcc does them."""

from __future__ import annotations

from explainer.cpp.macros import MacroDef, Tok
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


class StepRecorder:
    """Implements expand.Tracer for one top-level invocation."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.truncated = False
        self._base_depth: int | None = None

    def _add(self, depth: int, kind: str, macro: MacroDef | None, args: tuple[str, ...],
             pre: tuple[str | None, ...], result: str) -> None:
        if len(self.steps) >= MAX_STEPS:
            self.truncated = True
            return
        if self._base_depth is None or depth < self._base_depth:
            self._base_depth = depth
        where = f"{macro.file}:{macro.line}" if macro is not None else None
        name = macro.name if macro is not None else None
        self.steps.append(Step(len(self.steps) + 1, depth, kind, name, where, args, pre, result))

    def expanded(self, macro: MacroDef, args: list[list[Tok] | None] | None,
                 pre_expanded: dict[int, list[Tok]], result: list[Tok], depth: int) -> None:
        written: list[str] = []
        pre: list[str | None] = []
        for i, arg in enumerate(args or []):
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
        self._add(depth, "expand", macro, tuple(written), tuple(pre), _text(result))

    def pasted(self, lhs: Tok, rhs: Tok, result: Tok, depth: int) -> None:
        self._add(depth, "paste", lhs.origin, (clip(lhs.value), clip(rhs.value)), (), clip(result.value))

    def stringified(self, macro: MacroDef, arg: list[Tok], result: Tok, depth: int) -> None:
        self._add(depth, "stringify", macro, (_text(arg),), (), clip(result.value))

    def finished(self) -> tuple[Step, ...]:
        """Steps with depths counted from the shallowest one."""
        base = self._base_depth or 0
        if base:
            for s in self.steps:
                s.depth -= base
        return tuple(self.steps)
