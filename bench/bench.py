"""Speed and memory of explainer against gcc -E, measured side by side.

    python bench/bench.py [--runs N] [--kernel DIR|6.1|6.12|7 ...] [--site]

What is timed is what users get: the wheel that `pip install .` builds
(in pip's isolated build environment), installed into a venv of its own
(build/bench/venv), and its `explain`; the line above the table says
which wheel and whether it runs compiled.  Each target runs gcc and
explainer in alternation N times (default 9) in the same run and prints
medians, their ratio, the lowest and highest ratio of a run to the gcc
run beside it, the goal and whether it is met, plus explainer's peak
memory.  Target 1 also runs the checkout's explainer (as make builds
it) in the same alternation: the installed wheel must be as fast.
--kernel (repeatable) names a tree, or a Debian kernel tests/kernels.py
fetches; without it, 6.1 and the newest 7.x, a table each.

A run again over the same header replays what the kernel's headers did
from the record of the last one (explainer/cpp/memo.py; the bench keeps
its records in build/bench/cache): the medians are of such runs, and
target 1 is also timed as a first run (EXPLAINER_NO_CACHE=1, every file
read), in the same turns as gcc.  --site also
times `explain site` over every header of each tree against gcc run on
the same headers one after another (long: minutes), twice: a first build
with an empty cache of its own, then again, replaying its records and
gcc's kept answers (explainer/userspace/answers.py); the goal is on the
second, as target 1's is on runs again.  gcc's sum is the mean of one
taken before the builds and one after.

The goals are the issues' (issue 21: a sched.h walkthrough at most 2.0x
gcc -E as JSON and 3.0x as a page; a site at most 1.5x); the last column
says whether each is met today.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
PYTHON = sys.executable
INSTALL = ROOT / "build" / "bench"


def timed(argv: list[str], cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, input=stdin, text=True, capture_output=True,
                          env={**os.environ, **(env or {})}, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(argv[:4])}... failed: {proc.stderr.strip()[-300:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before)


def timed_alone(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run, the peak counted by a
    process of its own: the bench's own children (Chromium, for target
    17) would count in timed()'s."""
    code = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
            "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    start = time.perf_counter()
    proc = subprocess.run([PYTHON, "-c", code, *argv], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **env}, check=False)
    seconds = time.perf_counter() - start
    status, kib = (int(x) for x in proc.stdout.split())
    if status != 0:
        raise SystemExit(f"bench: {' '.join(argv[:4])}... failed: {proc.stderr.strip()[-300:]}")
    return seconds, kib


def peak_rss(argv: list[str], cwd: Path) -> int:
    """Peak RSS in KiB of one run, from a fresh process's own accounting."""
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
            "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([PYTHON, "-c", code, *argv], cwd=cwd, capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


class Timing(NamedTuple):
    ours: float  # median seconds
    gcc: float | None  # median seconds of gcc -E, run in alternation
    spread: tuple[float, float] | None  # lowest and highest ratio of a run to its gcc run


def alternate(runs: int, ours: list[str], ours_cwd: Path, gcc: tuple[list[str], Path, str] | None,
              also: list[str] | None = None, env: dict[str, str] | None = None) -> tuple[Timing, Timing | None]:
    """*ours* (with *env*) against gcc, run in turn *runs* times; with
    *also* (the same run of another explainer) in the same turns, *ours*
    against it as well."""
    mine: list[float] = []
    theirs: list[float] = []
    others: list[float] = []
    for _ in range(runs):
        if gcc is not None:
            argv, cwd, stdin = gcc
            theirs.append(timed(argv, cwd, stdin, {"SOURCE_DATE_EPOCH": "0"})[0])
        mine.append(timed(ours, ours_cwd, env=env)[0])
        if also is not None:
            others.append(timed(also, ours_cwd, env=env)[0])
    other = against(mine, others) if also is not None else None
    if not theirs:
        return Timing(statistics.median(mine), None, None), other
    return against(mine, theirs), other


def against(mine: list[float], theirs: list[float]) -> Timing:
    ratios = [m / t for m, t in zip(mine, theirs, strict=True)]
    return Timing(statistics.median(mine), statistics.median(theirs), (min(ratios), max(ratios)))


def load_seconds(page: Path) -> float | None:
    """When headless Chromium fires *page*'s load event (the median of
    three loads); None without Chromium or playwright."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if chromium is None:
        return None
    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=flags)
        for _ in range(3):
            tab = browser.new_page()
            tab.goto(page.as_uri(), wait_until="load")
            times.append(tab.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd") / 1000)
            tab.close()
        browser.close()
    return statistics.median(times)


def install_wheel() -> tuple[list[str], str]:
    """Build the wheel as `pip install .` does and install it into a venv
    of its own; the installed `explain`, and a line saying what it is."""
    shutil.rmtree(INSTALL, ignore_errors=True)
    wheels = INSTALL / "wheel"
    subprocess.run([PYTHON, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, capture_output=True)
    (wheel,) = wheels.glob("explainer-*.whl")
    subprocess.run([PYTHON, "-m", "venv", str(INSTALL / "venv")], check=True)
    subprocess.run([str(INSTALL / "venv" / "bin" / "pip"), "install", "-q", str(wheel)], check=True,
                   capture_output=True)
    explain = str(INSTALL / "venv" / "bin" / "explain")
    # Run outside the checkout, so that nothing of it is imported.
    version = subprocess.run([explain, "--version"], cwd=INSTALL, capture_output=True, text=True,
                             check=True).stdout.strip()
    return [explain], f"timed: {wheel.name}, installed in {INSTALL.relative_to(ROOT)}/venv: {version}"


def gcc_for(tree: str, header: str, mode: str | None) -> tuple[list[str], Path, str]:
    from explainer.kernel.translation_unit import setup

    tu = setup(header, [], [], ROOT, tree, mode)
    return list(tu.gcc_argv()), tu.cwd, tu.text


def row(name: str, timing: Timing, goal: str, limit: float | None, base_label: str = "") -> str:
    """One line of the table; *base_label* names a base that is not gcc -E."""
    ours, base, spread = timing
    ratio = f"{ours / base:6.2f}x" if base and base_label else f"{ours / base:6.1f}x" if base else "     -"
    runs = f"{spread[0]:.1f}-{spread[1]:.1f}x" if spread else "-"
    met = "-" if limit is None else ("yes" if (ours / base if base else ours) <= limit else "NO")
    base_text = f"{base:8.3f}s" if base is not None else "        -"
    runs = f"{spread[0]:.2f}-{spread[1]:.2f}x" if spread and base_label else runs
    suffix = f" ({base_label})" if base_label else ""
    return f"{name:44} {ours:8.3f}s {base_text} {ratio} {runs:>10}  {goal:>10}  {met}{suffix}"


def tree_of(kernel: str) -> str | None:
    """A tree: a folder, or a kernel tests/kernels.py fetches."""
    from kernels import FETCH

    if kernel not in FETCH:
        return kernel
    found = FETCH[kernel]()
    return None if found is None else str(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--kernel", action="append")
    parser.add_argument("--site", action="store_true")
    args = parser.parse_args()
    trees = []
    for kernel in args.kernel or ["6.1", "7"]:
        tree = tree_of(kernel)
        if tree is None:
            print(f"bench: no kernel tree for {kernel}; give --kernel DIR")
            return 2
        trees.append(tree)
    explain, which = install_wheel()
    os.environ["EXPLAINER_CACHE"] = str(INSTALL / "cache")  # records of the bench's own runs only
    print(which)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{subprocess.run(['gcc', '--version'], capture_output=True, text=True).stdout.splitlines()[0]}")
    for tree in trees:
        bench_tree(tree, explain, args.runs, args.site)
    return 0


def bench_tree(tree: str, explain: list[str], runs: int, site: bool) -> None:
    checkout = [PYTHON, "-m", "explainer"]
    print(f"\ntree: {tree}; {runs} runs each, medians\n")
    print(f"{'target':44} {'explain':>9} {'gcc -E':>9} {'ratio':>7} {'each run':>10}  {'goal':>10}  met")
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "out")
        full_gcc = gcc_for(tree, "sched.h", "full")
        # Target 1 names TRACE_EVENT; "all" (every event and class, the
        # largest page) is timed too, against the same ratios, as "1+":
        # beyond what the issue asks.
        for focus, label in (("TRACE_EVENT", "1."), ("all", "1+.")):
            for fmt, goal in (("json", 2.0), ("html", 3.0)):  # issue 21
                argv = [focus, "sched.h", "--kernel", tree, "--format", fmt, "-o", out]
                if focus == "all":  # issue 17's targets for the largest page
                    goal = 3.0 if fmt == "json" else 3.5
                # Target 1 also against the checkout, in the same turns.
                also = [*checkout, *argv] if focus == "TRACE_EVENT" else None
                timing, other = alternate(runs, [*explain, *argv], ROOT, full_gcc, also)
                print(row(f"{label} {focus} sched.h, full mode, {fmt.upper()}", timing, f"<= {goal:g}x", goal))
                if other is not None:
                    print(row(f"{label} the same, wheel vs checkout (make)", other, "<= 1.05x", 1.05,
                              base_label="vs checkout"))
                    first = alternate(runs, [*explain, *argv], ROOT, full_gcc, env={"EXPLAINER_NO_CACHE": "1"})[0]
                    print(row(f"{label} the same, a first run (no record)", first, "-", None))
        json_argv = [*explain, "TRACE_EVENT", "sched.h", "--kernel", tree, "--format", "json", "-o", out]
        focused_argv = [*explain, "TRACE_EVENT", "sched.h", "--kernel", tree, "--mode", "focused",
                        "--format", "json", "-o", out]
        print(row("2. sched.h focused mode vs full-mode gcc",
                  alternate(runs, focused_argv, ROOT, full_gcc)[0], "<= 1.5x", 1.5))
        sample_argv = [*explain, "TRACE_EVENT", "sample.h", "--format", "json", "-o", out]
        print(row("3. bundled sample.h, whole process", alternate(runs, sample_argv, ROOT, None)[0],
                  "< 0.5 s", 0.5))
        print(row("3. explain --help", alternate(runs, [*explain, "--help"], ROOT, None)[0],
                  "< 0.15 s", 0.15))
        # Issue 17's page targets: the largest page, its size and its load event in Chromium.
        page = Path(tmp) / "all.html"
        timed([*explain, "all", "sched.h", "--kernel", tree, "--format", "html", "-o", str(page)], ROOT)
        size = page.stat().st_size / 2**20
        print(f"{'17. all sched.h page, size':44} {size:8.1f} MiB {'':9} {'':7} {'':10}  {'<= 5 MiB':>10}  "
              f"{'yes' if size <= 5 else 'NO'}")
        loaded = load_seconds(page)
        if loaded is None:
            print(f"{'17. all sched.h page, load event':44} {'-':>9} (no Chromium or playwright)")
        else:
            print(f"{'17. all sched.h page, load event':44} {loaded:8.2f}s {'':9} {'':7} {'':10}  {'<= 2 s':>10}  "
                  f"{'yes' if loaded <= 2 else 'NO'}")
        rss = peak_rss(json_argv, ROOT) / 1024
        print(f"{'5. peak memory, target 1':44} {rss:8.0f} MiB {'':9} {'':7} {'':10}  {'< 300 MiB':>10}  "
              f"{'yes' if rss < 300 else 'NO'}")
        if site:
            from explainer.site import tree_headers

            done = tree_headers(tree, ROOT)

            def gcc_sum() -> float:
                """gcc -E over every header of *done*, one after another;
                those gcc cannot preprocess leave *done* (explain site
                leaves them out too)."""
                total = 0.0
                for header in list(done):
                    try:
                        argv, cwd, stdin = gcc_for(tree, header, "full")
                        total += timed(argv, cwd, stdin, {"SOURCE_DATE_EPOCH": "0"})[0]
                    except SystemExit:
                        done.remove(header)
                return total

            # Every header of the tree, as a user builds it: the headers gcc
            # cannot preprocess fail fast and are left out with a note.  First
            # with no records or kept answers (a cache of its own, empty), then
            # again, replaying them, as target 1's medians do.  gcc's sum is
            # taken before and after (this machine's speed drifts by a quarter
            # within an hour), and the mean is the base.
            site_argv = [*explain, "site", "--kernel", tree, "-o", str(Path(tmp) / "site")]
            fresh = {"EXPLAINER_CACHE": str(Path(tmp) / "site-cache")}
            before = gcc_sum()
            first, first_kib = timed_alone(site_argv, ROOT, fresh)
            again, again_kib = timed_alone(site_argv, ROOT, fresh)
            after = gcc_sum()
            gcc_total = (before + after) / 2
            print(f"{'4. gcc -E over the same headers, before; after':44} {before:8.1f}s {after:8.1f}s")
            print(row(f"4. explain site, {len(done)} headers, again", Timing(again, gcc_total, None),
                      "<= 1.5x", 1.5))  # issue 21
            print(row("4. the same, a first build (no records)", Timing(first, gcc_total, None), "-", None))
            kib = max(first_kib, again_kib)
            print(f"{'4. peak memory of one process':44} {kib / 1024:8.0f} MiB {'':9} {'':7} {'':10}  "
                  f"{'< 1 GiB':>10}  {'yes' if kib < 2**20 else 'NO'}")


if __name__ == "__main__":
    sys.exit(main())
