"""Sweep the format files of a kernel tree: for every event of every
header in include/trace/events/, build its format file (numbers by gcc,
in the unit of the header's creating .c file) and its decoder tables,
and check each field's run-time offset against gcc's offsetof.  One line
per header, then the counts.  Usage:

    python bench/formats.py [--kernel DIR] [--jobs N] [HEADER ...]

Without --kernel it fetches Debian's 6.1 headers (tests/kernels.py).
Each header is: formats (every event's file built, every offset equal to
gcc's), no-numbers (the files built, but gcc cannot compile the unit's
code up to stage 4 in this tree, and explain format prints them with ?
and that reason), no-events (it makes no format file: says why),
why-not (the header has no walkthrough, with the reason explain gives),
or fails (explain format refuses an event, or an offset differs).  Exit
status 0 when none fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from sweep import default_tree

from explainer.errors import ExplainError


def one(job: tuple[str, str]) -> tuple[str, str, float, str]:
    """(header, verdict, seconds, detail)."""
    from explainer.tracefs import walkthrough
    from explainer.userspace import decode
    from explainer.userspace import format as tracefs_format

    tree, header = job
    start = time.perf_counter()
    args = argparse.Namespace(header=header, include_dirs=[], macro_args=[], kernel=tree, mode=None, event="")
    try:
        w, tu = walkthrough(args, Path.cwd())
    except ExplainError as exc:
        return header, "why-not", time.perf_counter() - start, str(exc).splitlines()[0]
    names = tracefs_format.events(w)
    if not names:
        return header, "no-events", time.perf_counter() - start, "no stage 7 event_<name> (DECLARE_TRACE only?)"
    try:
        formats = tracefs_format.build_all(w, tu, names, compute=tu.keep is None)
        stage4 = tracefs_format.fields_pass(w)
        assert stage4 is not None  # the formats were read from it
        tables = sum(len(t) for t in decode.page_tables(formats, tu, stage4).values())
    except ExplainError as exc:
        # explain format then prints the files without numbers, and why
        try:
            formats = tracefs_format.build_all(w, tu, names, compute=False)
        except ExplainError as again:
            return header, "fails", time.perf_counter() - start, str(again).splitlines()[0]
        return header, "no-numbers", time.perf_counter() - start, f"{len(formats)} events; " + str(exc)
    bad = [f"{f.event}.{x}" for f in formats for x in f.mismatches]
    if bad:
        return header, "fails", time.perf_counter() - start, "offset is not gcc's offsetof: " + ", ".join(bad)
    unit = tu.creator or "explainer's own unit"
    return header, "formats", time.perf_counter() - start, f"{len(formats)} events, {tables} tables; {unit}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kernel")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("headers", nargs="*")
    args = parser.parse_args()
    tree = default_tree(args.kernel)
    if tree is None:
        print("formats: no kernel tree (give --kernel DIR, or install apt-get and dpkg)", file=sys.stderr)
        return 2
    from explainer.site import tree_headers

    headers = args.headers or tree_headers(tree, Path.cwd())
    counts: dict[str, int] = {}
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for header, verdict, seconds, detail in pool.map(one, [(tree, h) for h in headers]):
            counts[verdict] = counts.get(verdict, 0) + 1
            print(f"{verdict:10} {seconds:6.1f}s {header}: {detail}", flush=True)
    print(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())), f"of {len(headers)} headers")
    return 1 if counts.get("fails") else 0


if __name__ == "__main__":
    sys.exit(main())
