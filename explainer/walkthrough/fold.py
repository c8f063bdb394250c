"""Kernel helpers folded: an invocation's code with each helper's
expansion (recorded by cpp/invocations.py as a Fold) written as the call
that was written, laid out again as C.  The tokens and the gcc check stay
those of the whole expansion; this is only how it reads."""

from __future__ import annotations

from array import array
from collections.abc import Sequence

from explainer.walkthrough.layout import lay_out_values

# What folded() needs of a fold, and what it gives (the helper process
# sends both through marshal): (first, end, the call's token texts); and
# the text, each piece's start and end in it, and what each piece is
# (model.Folded).
FoldCall = tuple[int, int, tuple[str, ...]]
FoldedParts = tuple[str, "array[int]", "array[int]", "array[int]"]


def folded(values: Sequence[str], folds: Sequence[FoldCall]) -> FoldedParts:
    """The invocation whose token texts are *values*, with *folds*
    written as their calls, laid out."""
    texts: list[str] = []
    pieces: list[int] = []
    at = 0
    for n, (first, end, call) in enumerate(folds):
        texts.extend(values[at:first])  # slices: an event's code is thousands of tokens
        pieces.extend(range(at, first))
        texts.extend(call)
        pieces.extend([-1 - n] * len(call))
        at = end
    texts.extend(values[at:])
    pieces.extend(range(at, len(values)))
    code, spans = lay_out_values(texts)
    return code, spans.starts, spans.ends, array("l", pieces)
