"""Sweep a real kernel tree: explain every header in include/trace/events/
and compare every pass with gcc.  Prints one line per header and the
counts.  Usage:

    python bench/sweep.py [--kernel DIR|6.1|6.12|7|7-source] [--mode full|focused] [--jobs N]
                          [--json FILE] [HEADER ...]

--kernel names a tree, or one of the Debian kernels tests/kernels.py
fetches (6.1, the default; 6.12; 7, the newest configured 7.x headers;
7-source, the parts of the newest 7.x source it keeps, focused mode).
Each header is one of: explained (every pass identical to gcc's, and
the doctor finds nothing wrong); why-not (explainer says why it has no
walkthrough: the doctor's diagnosis, or an error gcc reports too, such
as a private file the tree does not ship); unnamed (a trace macro's
invocation has no name); differs (a pass is not gcc's); explain-fails
(explainer refuses what gcc reads, without a diagnosis).  Exit status 0
when none is unnamed, differs or fails.  --json also writes each
header's verdict, its passes and the invocations it could not name (none
in a sweep that passes), without timings, so that two sweeps compare.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from explainer.cpp import lexer
from explainer.cpp.recorder import Recorder
from explainer.errors import Diagnosis, ExplainError, PreprocessError
from explainer.kernel import knowledge, oracle
from explainer.kernel.translation_unit import setup
from explainer.model import Walkthrough
from explainer.walkthrough import assemble
from explainer.walkthrough.layout import lay_out_pass

FAILURES = ("differs", "explain-fails", "unnamed")


def one(job: tuple[str, str, str | None]) -> tuple[str, str, float, str, list[tuple[int, str, int]]]:
    """(header, verdict, seconds, detail, the invocations without a name)."""
    tree, header, mode = job
    start = time.perf_counter()
    try:
        tu = setup(header, [], [], Path.cwd(), tree, mode)
    except ExplainError as exc:
        return header, "explain-fails", 0.0, str(exc), []
    # explainer first: in focused mode it leaves the empty files gcc needs.
    try:
        recording = Recorder(tu).run()
        explain_error = None
    except PreprocessError as exc:
        explain_error = str(exc.shown(tu.shown))  # as explain says it
    except ExplainError as exc:
        explain_error = str(exc)
    seconds = time.perf_counter() - start
    try:
        gcc = oracle.split_passes(oracle.run_gcc(tu), tu.cwd, tu.header_abspath)
    except ExplainError as exc:
        if explain_error is not None:  # both refuse it, and explainer says why
            return header, "why-not", seconds, explain_error.splitlines()[0], []
        return header, "explain-fails", seconds, f"gcc fails ({exc}), explainer does not", []
    if explain_error is not None:
        return header, "explain-fails", seconds, explain_error, []
    # Read back from the code as shown, laid out.
    ours = [lexer.spellings(lay_out_pass(p.emitted)[0]) for p in recording.passes]
    theirs = [lexer.spellings(g) for g in gcc]
    if ours != theirs:
        bad = [i + 1 for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b]
        return header, "differs", seconds, f"{len(ours)} vs {len(theirs)} passes; differing: {bad}", []
    try:
        w = assemble.build(recording, "all", steps=False)
    except Diagnosis as exc:
        return header, "why-not", seconds, f"{len(ours)} passes identical; {exc.headline}", []
    except ExplainError as exc:
        return header, "explain-fails", seconds, f"{len(ours)} passes identical; {exc}", []
    nameless = unnamed(w)
    if nameless:
        return header, "unnamed", seconds, f"{len(ours)} passes identical; no name: {nameless[:3]}", nameless
    return header, "explained", seconds, f"{len(ours)} passes identical", []


def unnamed(w: Walkthrough) -> list[tuple[int, str, int]]:
    """The invocations of trace macros (or of their aliases) without a
    name: (pass, macro, line)."""
    return [(p.index, inv.macro, inv.line) for p in w.passes for inv in p.invocations
            if inv.name is None and (knowledge.roles(inv.macro) is not None
                                     or any(knowledge.roles(u) is not None for u in inv.used))]


def default_tree(kernel: str | None) -> str | None:
    """--kernel's tree: a folder, or a kernel tests/kernels.py fetches
    (default: Debian's 6.1 headers)."""
    from kernels import FETCH

    if kernel is not None and kernel not in FETCH:
        return kernel
    found = FETCH[kernel or "6.1"]()
    return None if found is None else str(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kernel")
    parser.add_argument("--mode", choices=("full", "focused"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("headers", nargs="*")
    args = parser.parse_args()
    tree = default_tree(args.kernel)
    if tree is None:
        print("sweep: no kernel tree (give --kernel DIR, or install apt-get and dpkg)")
        return 2
    from explainer.kernel import trees

    events = trees.open_tree(Path(tree), tree).events_dirs()
    headers = args.headers or sorted({p.name for d in events for p in d.glob("*.h")})
    counts: dict[str, int] = {}
    report: list[dict[str, object]] = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for header, verdict, seconds, detail, nameless in pool.map(one, [(tree, h, args.mode) for h in headers]):
            counts[verdict] = counts.get(verdict, 0) + 1
            print(f"{verdict:14} {seconds:6.1f}s  {header}: {detail}", flush=True)
            report.append({"header": header, "verdict": verdict, "detail": detail, "unnamed": nameless})
    total = len(headers)
    print(f"\n{total} headers: " + ", ".join(f"{n} {v}" for v, n in sorted(counts.items())))
    if args.json:
        release = trees.open_tree(Path(tree), tree).version()
        Path(args.json).write_text(json.dumps({"kernel": release, "mode": args.mode or "default",
                                               "counts": dict(sorted(counts.items())), "headers": report},
                                              indent=1) + "\n")
    return 1 if any(counts.get(v) for v in FAILURES) else 0


if __name__ == "__main__":
    sys.exit(main())
