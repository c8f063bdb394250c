"""``explain diff EVENT [HEADER] --kernel A --kernel B`` and ``explain
diff EVENT OLD.h NEW.h``: the two sides the command line names, each a
walkthrough focused on the event, compared (walkthrough/diff.py) and
written as text, JSON or a page."""

from __future__ import annotations

import argparse
from pathlib import Path

from explainer import prose
from explainer.errors import Diagnosis, ExplainError, PreprocessError
from explainer.kernel.trees import Tree
from explainer.walkthrough.diff import Side, compare, extract


def _words(key: str, **values: object) -> str:
    return str(prose.load()["diff"][key]).format(**values)


def _side(args: argparse.Namespace, cwd: Path, header: str | None, kernel: str | None, tree: Tree | None) -> Side:
    """The event in *header* of *kernel* (opened as *tree*; None: the bundled kernel)."""
    from explainer.cpp.recorder import Recorder
    from explainer.kernel import trees
    from explainer.kernel.translation_unit import setup
    from explainer.walkthrough import assemble

    label = (tree.version() or kernel) if tree is not None and kernel is not None else (header or "")
    if header is None:  # in neither tree
        return Side(label, "", None, _words("no_header", label=label))
    if tree is not None and trees.header_in_tree(tree, header, cwd) is None:
        return Side(label, "", None, _words("no_such_header", label=label, header=header))
    tu = setup(header, args.include_dirs, args.macro_args or [], cwd, kernel, args.mode)
    recording = Recorder(tu, assemble.trace_filter(args.event)).run()
    try:
        w = assemble.build(recording, args.event)
    except (Diagnosis, PreprocessError):
        raise
    except ExplainError:
        w = None  # nothing of that name: this side shows it without
    if w is None or not any(inv.focus and inv.name == args.event for p in w.passes for inv in p.invocations):
        return Side(label, tu.shown(tu.header), None, _words("no_event", label=label, header=tu.shown(tu.header)))
    return Side(label, w.display(w.header), extract(w, args.event))


def _named_by(event: str, tree: Tree, kernel: str) -> str | None:
    """The header of *tree*'s include/trace/events/ that names *event*."""
    from explainer.kernel import trees

    found = trees.event_headers(tree, event)
    if len(found) > 1:
        raise ExplainError(_words("many_headers", event=event, label=tree.version() or kernel,
                                  headers=", ".join(found)))
    return found[0] if found else None


def sides(args: argparse.Namespace, cwd: Path) -> tuple[Side, Side]:
    """The two sides the command line names: two kernels (a header or
    none, found by the event's name in each), or two headers of one tree."""
    from explainer.kernel import trees

    kernels: list[str] = args.kernel or []
    headers: list[str] = args.headers
    if len(kernels) == 2 and len(headers) <= 1:
        opened = trees.same_architecture(kernels, cwd)
        header = headers[0] if headers else None
        if header is None:
            # The header that names the event in one tree is the one to read in both.
            found = [_named_by(args.event, t, k) for t, k in zip(opened, kernels, strict=True)]
            header = next((f for f in found if f is not None), None)
        pair = (_side(args, cwd, header, kernels[0], opened[0]), _side(args, cwd, header, kernels[1], opened[1]))
    elif len(kernels) <= 1 and len(headers) == 2:
        kernel = kernels[0] if kernels else None
        tree = trees.open_tree(cwd / kernel, kernel) if kernel is not None else None
        pair = (_side(args, cwd, headers[0], kernel, tree), _side(args, cwd, headers[1], kernel, tree))
    else:
        raise ExplainError(_words("usage"))
    if pair[0].extract is None and pair[1].extract is None:
        raise ExplainError(_words("neither", event=args.event, a=pair[0].missing, b=pair[1].missing))
    return pair


def run(args: argparse.Namespace, cwd: Path, width: int) -> str:
    old, new = sides(args, cwd)
    d = compare(args.event, old, new)
    if args.format == "json":
        from explainer.render import diff_json

        return diff_json.render(d)
    if args.format == "html":
        from explainer.render import diff_html

        return diff_html.render(d)
    from explainer.render import diff_text

    return diff_text.render(d, width)
