"""Kernel helpers fold to their calls as written (issue 17, item 8), and
each token knows the chain of expansions that made it and whether ## or #
did (item 9).  The folded view is only how the code reads: gcc must
expand each call to exactly the tokens it stands for."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from explainer import cli
from explainer.cpp import lexer
from explainer.cpp.recorder import Recorder
from explainer.kernel import knowledge, oracle
from explainer.kernel.translation_unit import setup
from explainer.model import Invocation, Walkthrough
from explainer.render import to_html, to_text
from explainer.walkthrough import assemble

from conftest import REPO, requires_gcc

pytestmark = requires_gcc


def walkthrough(focus: str, header: str = "sample.h", kernel: str | None = None,
                cwd: Path = REPO) -> Walkthrough:
    tu = setup(header, [], [], cwd, kernel, None)
    return assemble.build(Recorder(tu, assemble.trace_filter(focus)).run(), focus)


def focused(w: Walkthrough) -> list[tuple[int, Invocation]]:
    return [(p.index, inv) for p in w.passes for inv in p.invocations if inv.focus]


def fold_tokens(inv: Invocation, first: int, end: int) -> list[str]:
    return [inv.code[a:b] for a, b in inv.spans[first:end]]


def test_each_fold_is_a_call_gcc_expands_to_exactly_its_tokens() -> None:
    """Every fold of the sample's every event, written after the
    translation unit (kernel helpers mean the same there) and run through
    gcc -E, gives the tokens the fold stands for."""
    w = walkthrough("all")
    tu = setup("sample.h", [], [], REPO, None, None)
    folds = [(fold, fold_tokens(inv, fold.first, fold.end)) for _, inv in focused(w) for fold in inv.folds]
    assert len(folds) >= 20
    calls = "".join(f"explainer_fold_{n}\n{fold.call}\n" for n, (fold, _) in enumerate(folds))
    out = oracle.run_gcc(replace(tu, text=tu.text + calls + "explainer_fold_end\n"))
    out = "\n".join(line for line in out.splitlines() if not line.startswith("# "))
    pieces = re.split(r"^explainer_fold_(?:\d+|end)$", out, flags=re.M)[1:-1]
    assert len(pieces) == len(folds)
    for (fold, tokens), expanded in zip(folds, pieces, strict=True):
        assert lexer.spellings(expanded) == tokens, fold.call


def test_folded_code_is_the_code_with_each_fold_for_its_tokens() -> None:
    """The folded text holds the invocation's own tokens in order, each
    fold standing where its tokens were; nothing else."""
    w = walkthrough("all")
    seen = 0
    for _, inv in focused(w):
        if inv.folded is None:
            assert inv.folds == ()
            continue
        seen += 1
        rebuilt: list[str] = []
        calls: dict[int, list[str]] = {}  # each fold's pieces, in order
        for (a, b), piece in zip(inv.folded.spans, inv.folded.pieces, strict=True):
            if piece >= 0:
                rebuilt.append(inv.folded.code[a:b])
                assert inv.folded.code[a:b] == inv.code[slice(*inv.spans[piece])]
                continue
            fold = inv.folds[-1 - piece]
            if -1 - piece not in calls:
                rebuilt.extend(fold_tokens(inv, fold.first, fold.end))
            calls.setdefault(-1 - piece, []).append(inv.folded.code[a:b])
        assert calls == {n: list(f.tokens) for n, f in enumerate(inv.folds)}
        assert rebuilt == [inv.code[a:b] for a, b in inv.spans]
    assert seen > 0


def test_only_kernel_helpers_fold_and_the_list_is_data() -> None:
    """The tracing machinery (kernel.toml's [machinery] files), the
    header's own macros and __stringify never fold; NULL, notrace and
    is_signed_type (linux/types.h, linux/compiler.h) do, and so does the
    tracepoint's run-time __DO_TRACE ([machinery] runtime)."""
    w = walkthrough("all")
    folded = {f.macro: f for _, inv in focused(w) for f in inv.folds}
    assert {"NULL", "notrace", "is_signed_type", "__used", "__DO_TRACE"} <= folded.keys()
    assert knowledge.runtime_macros() == {"__DO_TRACE"}
    for fold in folded.values():
        file = fold.where.rsplit(":", 1)[0]
        assert knowledge.folds(fold.macro, file, w.header), fold
        assert fold.macro == "__DO_TRACE" or not knowledge.is_machinery(file, w.header), fold
    assert "linux/stringify.h" in knowledge.machinery_files()
    text = to_text.render(w)
    assert "is_signed_type(int)" in text and "__builtin_offsetof" not in text
    assert "SAMPLE_WORK_READ" not in text  # the header's own macro: expanded


def test_the_terminal_folds_and_unfold_shows_what_gcc_wrote(tmp_path: Path) -> None:
    folded, whole = tmp_path / "folded.txt", tmp_path / "whole.txt"
    assert cli.main(["TRACE_EVENT", "sample.h", "--pass", "2", "-o", str(folded)]) == 0
    assert cli.main(["TRACE_EVENT", "sample.h", "--pass", "2", "--unfold", "-o", str(whole)]) == 0
    short, full = folded.read_text(), whole.read_text()
    assert ".regfunc = NULL," in short and "((void *)0)" not in short
    assert "--unfold shows their expansions" in " ".join(short.split())
    assert ".regfunc = ((void *)0)," in full and "--unfold" not in full


def test_a_folded_call_links_to_its_expansion_in_the_whole_code() -> None:
    """The page shows the folded code; each call links to the line of
    the whole code where its expansion starts, inside a closed block."""
    html = to_html.render(walkthrough("TRACE_EVENT"))
    links = re.findall(r'<a class="fold" href="#(pass-\d+-L\d+)" data-last="(\d+)"[^>]*>([^<]*)</a>', html)
    assert links
    for target, last, _ in links:
        assert f'id="{target}"' in html
        assert int(last) >= int(target.rsplit("L", 1)[1])
    # A call is one link as far as it goes on a line; laid out as code,
    # it goes on over lines, a link on each, which the keyboard skips.
    texts = [c for _, _, c in links]
    assert '__section(&#34;__tracepoints_strings&#34;)' in texts
    on = texts.index("__DO_TRACE(sample_work, TP_ARGS(name, id, flags, pos),")
    assert texts[on + 1] == "TP_CONDITION(cpu_online(raw_smp_processor_id())))"
    assert links[on][:2] == links[on + 1][:2]
    assert len(re.findall(r'<a class="fold" href="#pass-1-L10" data-last="17" tabindex="-1"', html)) == 1
    assert '<details class="unfolded"' in html


def test_each_token_knows_its_chain_and_how_it_was_made() -> None:
    """__data_loc_name of stage 1 was pasted by __dynamic_array, reached
    through __string, from the name written in argument 4; the format
    string of stage 7 was made by # in __stringify_1."""
    w = walkthrough("sample_work")
    stage1 = next(inv for i, inv in focused(w) if i == 3)
    k = next(k for k, (a, b) in enumerate(stage1.spans) if stage1.code[a:b] == "__data_loc_name")
    pr = stage1.provenance[k]
    assert pr.how == "__data_loc_ ## name"
    assert [m for m, _ in pr.chain][-2:] == ["__string", "__dynamic_array"]
    assert pr.arg == 3 and pr.span is not None
    assert stage1.args[3][slice(*pr.span)] == "name"
    stage7 = next(inv for i, inv in focused(w) if i == 9)
    strings = [stage7.provenance[k] for k, (a, b) in enumerate(stage7.spans)
               if stage7.code[a:b].startswith('"') and "REC->" in stage7.code[a:b]]
    assert strings and all(p.how == "#" and p.chain[-1][0] == "__stringify_1" for p in strings)


def test_a_helpers_steps_fold_as_its_code_does(monkeypatch: Any) -> None:
    """The step list keeps the step that expanded a kernel helper and
    counts its own steps there, leaving them out; the machinery's steps
    are all listed, in order.  Recorded again with nothing folding, the
    same invocations make every step: the listed ones and as many more
    as the helpers counted."""
    w = walkthrough("all")
    monkeypatch.setattr(knowledge, "folds", lambda name, file, header: False)
    unfolded = walkthrough("all")
    pairs = list(zip(focused(w), focused(unfolded), strict=True))
    assert any(s.inner for (_, inv), _ in pairs for s in inv.steps)
    for (_, inv), (_, whole) in pairs:
        assert not any(s.inner for s in whole.steps)
        assert len(inv.steps) + sum(s.inner for s in inv.steps) == len(whole.steps)
        assert [s.number for s in inv.steps] == list(range(1, len(inv.steps) + 1))
        listed = iter(whole.steps)
        for s in inv.steps:  # in the order gcc took them, each as it was
            found = next(t for t in listed if (t.kind, t.macro, t.args, t.result) == (s.kind, s.macro, s.args, s.result))
            assert found.depth == s.depth
    first = next(inv for i, inv in focused(w) if i == 1 and inv.name == "sample_work")
    do_trace = next(s for s in first.steps if s.macro == "__DO_TRACE")
    assert do_trace.inner == 4  # __DO_TRACE_CALL, its TP_ARGS, its ## and NULL
    assert "__DO_TRACE_CALL" not in {s.macro for s in first.steps}
    page = to_html.render(w)
    assert "and 4 inside kernel helpers, not listed" in page
    assert "its own 4 steps are not listed" in page


def test_a_page_past_its_budget_is_not_recorded_step_by_step() -> None:
    """With a budget, the recorder stops recording steps once the page
    could not show them, and the page says it is plain."""
    tu = setup("sample.h", [], [], REPO, None, None)
    recording = Recorder(tu, assemble.trace_filter("all"), budget=10_000).run()
    assert recording.steps_dropped
    w = assemble.build(recording, "all")
    assert any(inv.steps for _, inv in focused(w))  # those before the budget ran out
    assert not focused(w)[-1][1].steps
    assert 'class="note plain"' in to_html.render(w)
    whole = assemble.build(Recorder(tu, assemble.trace_filter("all")).run(), "all")
    assert not whole.steps_dropped and 'class="note plain"' not in to_html.render(whole)


def test_sched_switch_pass_1_folds_to_under_80_lines(debian_tree: Path) -> None:
    """6.1's sched_switch: 595 lines in pass 1, nearly all of it percpu
    asm from raw_smp_processor_id() and WARN_ON_ONCE(), inside
    tracepoint.h's __DO_TRACE (its run-time code, folded by kernel.toml's
    [machinery] runtime).  An argument that holds a helper's expansion
    already (cond, expanded before __DO_TRACE gets it) shows its call."""
    w = walkthrough("sched_switch", "sched.h", str(debian_tree))
    inv = next(inv for i, inv in focused(w) if i == 1)
    assert inv.code.count("\n") > 500
    assert inv.folded is not None and inv.folded.code.count("\n") < 80
    calls = [f.call for f in inv.folds]
    assert "raw_smp_processor_id()" in calls
    assert ("__DO_TRACE(sched_switch, TP_ARGS(preempt, prev, next, prev_state),"
            " TP_CONDITION(cpu_online(raw_smp_processor_id())), 0)") in calls
    assert "pscr_ret__" not in inv.folded.code


def test_runs_that_overlap_are_not_folded() -> None:
    """Runs of three helpers that overlap in a chain, A [0, 4), B [2, 7),
    C [5, 9), then D [9, 11) alone: only D folds (the chain once made the
    recorder drop a fold it had not kept)."""
    from explainer.cpp.invocations import folds
    from explainer.cpp.macros import Frame, MacroDef, Tok

    def helper(name: str) -> Frame:
        return Frame(MacroDef(name, None, False, [], "include/linux/helper.h", 1), None, None, None, 0)

    a, b, c, d = (helper(n) for n in "ABCD")
    owners = [a, a, b, a, c, b, b, c, c, d, d]
    tokens = []
    for frame in owners:
        t = Tok("CPP_ID", "x")
        t.frame = frame
        tokens.append(t)
    found = folds(tokens, lambda macro: False)
    assert [(f.first, f.end, f.call) for f in found] == [(9, 11, "D")]


def _code_lines(html: str) -> dict[str, str]:
    """Each code line of a page by its id, as text (its number left out)."""
    found = re.findall(r'<span class="line" id="([^"]+)"><a class="ln"[^>]*>\d+</a>(.*?)(?=<span class="line" id=|</code>)',
                       html, re.S)
    return {key: re.sub(r"<[^>]+>", "", text).rstrip() for key, text in found}


def _folded_origins(html: str) -> list[tuple[str, object]]:
    """Each token of the folded code of a page with its origin, as the
    page's data block gives it to the script."""
    data = json.loads(re.search(r'<script type="application/json" id="explainer-data">(.*?)</script>', html, re.S)[1])
    table, chains, places = data["provenance"], data["chains"], data["places"]
    found: list[tuple[str, object]] = []
    for line in re.findall(r'<span class="line" id="pass-\d+-folded-L\d+">(.*?)(?=<span class="line" id=|</code>)',
                           html, re.S):
        for p, text in re.findall(r'data-p="(\d+)">([^<]*)<', line):
            # Its place and chain are indexes into the page's tables: the place and chain themselves.
            entry = table[int(p)]
            where = places[entry[1]] if entry[1] is not None else None
            chain = [(macro, places[place]) for macro, place in chains[entry[4]]]
            found.append((text, [entry[0], where, *entry[2:4], chain, *entry[5:]]))
    return found


def test_a_sites_header_and_class_pages_fold_links_to_the_same_lines_on_each_events_page(tmp_path: Path) -> None:
    """On a site's header page, and on a class's page for its events, an
    invocation with a page of its own shows its code folded and a link
    to its whole code there; each fold links to the line of that page
    that starts its expansion: the line this page would show, were the
    whole code on it."""
    out = tmp_path / "site"
    assert cli.main(["--lang", "en", "site", "-o", str(out)]) == 0
    tu = setup("include/trace/events/sample.h", [], [], REPO / "headers", None, None)
    recording = Recorder(tu, assemble.trace_filter("all")).run()
    layout = assemble.lay_out(recording)
    pages = {path.stem: path.name for path in (out / "sample").glob("*.html") if path.name != "index.html"}
    lines_of = {page: _code_lines((out / "sample" / page).read_text()) for page in pages.values()}
    fold = re.compile(r'<a class="fold" href="([^"]*)#(pass-\d+-L\d+)" data-last="(\d+)"')
    # Each page as it would be with every whole code on it (no wholes).
    for page, alone in (
        ("index.html", to_html.render(assemble.build(recording, "all", layout, steps=False), "en",
                                      steps_elsewhere=True, pages=pages)),
        ("sample_mode_class.html", to_html.render(assemble.build(recording, "sample_mode_class", layout), "en",
                                                  pages=pages, header_page="index.html")),
    ):
        shown = (out / "sample" / page).read_text()
        here, there = fold.findall(alone), fold.findall(shown)
        assert len(here) == len(there) > 3, page
        elsewhere = re.findall(r'class="unfolded-elsewhere"><a href="([a-z_]+\.html)#([^"]+)"', shown)
        assert elsewhere and all(other in pages.values() and other != page for other, _ in elsewhere)
        own = {**lines_of, "": _code_lines(shown)}  # "": a fold that links on this page
        lines = _code_lines(alone)
        for (same, line, last), (other, target, last_there) in zip(here, there, strict=True):
            assert same == "" and other in own, other
            assert own[other][target] == lines[line], (page, line, other, target)
            length = int(last) - int(line.rsplit("L", 1)[1])  # the lines of its expansion
            assert int(last_there) - int(target.rsplit("L", 1)[1]) == length
        assert {other for other, _, _ in there} - {""}, page
        # Its folded tokens keep their origins, though the whole code is not here.
        assert _folded_origins(shown) == _folded_origins(alone) != []
        assert len(json.loads(re.findall(r'id="explainer-data">(.*?)</script>', shown, re.S)[0])["provenance"]) < \
            len(json.loads(re.findall(r'id="explainer-data">(.*?)</script>', alone, re.S)[0])["provenance"])
    header = (out / "sample" / "index.html").read_text()
    # What stays on the header's page: the whole code of what has no page (TRACE_DEFINE_ENUM).
    kept = re.findall(r'<details class="unfolded" id="pass-\d+-([A-Za-z_]+)-\d+-whole"', header)
    assert kept and all(name not in pages for name in kept)
