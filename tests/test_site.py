"""The static site: what it holds, that it is reproducible, and that it
never writes where it should not."""

from __future__ import annotations

import filecmp
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from markupsafe import escape

from explainer import cli, site
from explainer.errors import ExplainError

from conftest import REPO, requires_gcc
from htmlcheck import Page, twin_problems

COMMITTED = REPO / "site"


def build(out: Path, *extra: str) -> int:
    old = Path.cwd()
    os.chdir(REPO)  # the committed site is built from the repository's root
    try:
        return cli.main(["site", *extra, "-o", str(out)])
    finally:
        os.chdir(old)


def files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "public"
    assert build(out) == 0
    return out


@requires_gcc
def test_committed_site_is_what_explain_site_builds(built: Path) -> None:
    assert files(built) == files(COMMITTED), "run: .venv/bin/explain site -o site"
    different = [f for f in files(built) if not filecmp.cmp(built / f, COMMITTED / f, shallow=False)]
    assert different == [], "site/ is stale; rebuild it with: .venv/bin/explain site -o site"


@requires_gcc
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_rebuild_is_byte_identical(built: Path, tmp_path: Path, jobs: str) -> None:
    """One process or several (one header each), the same bytes."""
    again = tmp_path / "again"
    assert build(again, "--jobs", jobs) == 0
    assert files(again) == files(built)
    assert all(filecmp.cmp(again / f, built / f, shallow=False) for f in files(built))


@requires_gcc
def test_workers_that_warm_up_build_the_same_site(built: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Each worker first makes the bundled sample's pages and throws them
    away (site._warm), so that its headers' children start warm: the
    site is the same bytes."""
    warmed = tmp_path / "warmed"
    warmed.mkdir()
    real = site._warm

    def warm(languages: site.Languages) -> None:
        (warmed / str(os.getpid())).touch()
        real(languages)

    monkeypatch.setattr(site, "WARM_AFTER", 1)
    monkeypatch.setattr(site, "_warm", warm)
    again = tmp_path / "again"
    assert build(again, "--jobs", "2") == 0
    assert len(list(warmed.iterdir())) == 2
    assert files(again) == files(built)
    assert all(filecmp.cmp(again / f, built / f, shallow=False) for f in files(built))


@requires_gcc
def test_english_pages_are_ascii(built: Path) -> None:
    """The switcher names each other language in its own words; on an
    English page 中文 is written as character references, and so is the
    · of the cells' pass labels: the text of a header's pages (thousands
    in a kernel's site) is ASCII, which Python holds one byte a character
    and encodes to UTF-8 as it is (one wide character made the whole
    page two bytes a character, joined and encoded forty times as
    slowly).  The workshop's slides, one page, say their keys with
    arrows."""
    english = [p for p in built.rglob("*.html") if not {"zh", "workshop"} & set(p.relative_to(built).parts)]
    assert len(english) > 10
    for page in english:
        text = page.read_text("utf-8")
        assert text.isascii(), page
    sample = (built / "sample" / "sample_work.html").read_text("utf-8")
    assert 'lang="zh-CN">&#20013;&#25991;</a>' in sample


@requires_gcc
def test_every_header_of_a_tree_and_failures_left_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With --kernel and no header: every event header of the tree; one
    that fails is left out with a note, and the rest is built."""
    import shutil

    tree = tmp_path / "tree"
    shutil.copytree(REPO / "headers", tree)
    (tree / "include/trace/events/broken.h").write_text("#error not this one\n")
    out = tmp_path / "public"
    assert build(out, "--kernel", str(tree), "--mode", "focused") == 0
    err = capsys.readouterr().err
    assert err.startswith("explain: left out ") and "broken.h:1: error: #error not this one" in err
    assert err.count("\n") == 1  # not a terminal: no progress bar
    assert "sample/index.html" in files(out) and not any("broken" in f for f in files(out))


def test_progress_bar_is_one_line_rewritten() -> None:
    import io

    stream = io.StringIO()
    real, cli.sys.stderr = cli.sys.stderr, stream
    try:
        cli._progress_line(1, 4, "include/trace/events/sched.h")
        cli._progress_line(4, 4, "include/trace/events/irq.h")
    finally:
        cli.sys.stderr = real
    first, last = stream.getvalue().split("\r")[1:]
    assert first.startswith("[#######.......................] 1/4 sched.h")
    assert last.startswith("[##############################] 4/4 irq.h") and last.endswith("\n")


@requires_gcc
def test_pages_and_links(built: Path) -> None:
    names = files(built)
    assert {"index.html", "cycle.html", "sample/index.html", "sample/sample_work.html",
            "sample/sample_mode_class.html", "foo/index.html", "foo/foo_bar.html"} <= set(names)
    ids: dict[Path, set[str]] = {}
    for name in names:
        if name.endswith(".html"):
            ids[(built / name).resolve()] = set(Page((built / name).read_text()).ids)
    for name in names:
        if not name.endswith(".html"):
            continue
        for href in Page((built / name).read_text()).hrefs:
            assert "://" not in href and not href.startswith("/"), (name, href)
            target, _, fragment = href.partition("#")
            path = ((built / name).parent / target if target else built / name).resolve()
            assert path.is_file(), (name, href)
            if fragment:
                assert fragment in ids[path], (name, href)
    cycle = (built / "cycle.html").read_text()
    assert "<svg" in cycle and cycle.count('class="header"') == 11


@requires_gcc
def test_every_page_is_in_each_language_and_links_its_twin(built: Path) -> None:
    """The run's language at the root, Chinese in zh/, the same pages; each
    page's switcher and hreflang links go to the same page in the other."""
    assert len(list((built / "zh").rglob("*.html"))) == 15
    assert twin_problems(built) == []


@requires_gcc
def test_the_bundled_site_has_the_class_on_the_sample(built: Path) -> None:
    """Slides and a handout (a page, and a PDF when WeasyPrint is there),
    linked from each language's index."""
    for root in (built, built / "zh"):
        index = Page((root / "index.html").read_text())
        kit = [href for href in index.hrefs if href.startswith("workshop/")]
        assert kit[:2] == ["workshop/sample-slides.html", "workshop/sample-handout.pdf"][:len(kit[:2])]
        assert "workshop/sample-handout.html" in kit
        for href in kit:
            assert (root / href).is_file(), href
    assert (built / "workshop" / "sample-handout.pdf").read_bytes().startswith(b"%PDF-")


@requires_gcc
def test_one_language_builds_the_runs_only(tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert build(out, "--one-language", "sample.h") == 0
    assert not (out / "zh").exists() and (out / "sample" / "sample_work.html").is_file()
    assert not any("hreflang" in (out / f).read_text() for f in files(out) if f.endswith(".html"))


def test_a_header_named_like_a_language_gets_a_folder_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site, "setup", lambda header, *_: SimpleNamespace(header=header))
    plan = site.plan_of([(REPO, "zh.h"), (REPO, "en.h"), (REPO, "zh.h")], [], [], None, None)
    assert [folder for _, folder in plan] == ["zh-2", "en-2", "zh-3"]


@pytest.mark.parametrize("target", ["/", "~"])
def test_refuses_root_and_home(target: str) -> None:
    with pytest.raises(ExplainError, match="refusing"):
        site.build([], [], [], Path(os.path.expanduser(target)), REPO)


def test_refuses_a_directory_it_did_not_make(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    assert build(tmp_path) == 2
    assert "not empty and not made by explain" in capsys.readouterr().err
    assert files(tmp_path) == ["keep.txt"]


@requires_gcc
def test_replaces_its_own_site_and_writes_nothing_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert build(out, "sample.h") == 0
    (out / "stale.html").write_text("old")
    assert build(out, "sample.h") == 0
    assert not (out / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


@requires_gcc
def test_interrupted_build_leaves_the_old_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "public"
    assert build(out, "sample.h") == 0
    before = {f: (out / f).read_bytes() for f in files(out)}
    calls = {"n": 0}
    real = site.to_html.render

    def flaky(*args: object, **kwargs: object) -> str:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(site.to_html, "render", flaky)
    assert build(out, "sample.h") == 130
    assert {f: (out / f).read_bytes() for f in files(out)} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


def test_names_from_headers_cannot_escape() -> None:
    from explainer.render.view import slug

    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("") == "x"


@pytest.mark.parametrize("name", ["../x.html", "a/../../x.html", "/tmp/x.html", "..", "a/.."])
def test_a_page_is_never_written_outside_the_site(tmp_path: Path, name: str) -> None:
    staging = tmp_path / "staging"
    staging.mkdir()
    with pytest.raises(ExplainError):
        site.write_page(staging, name, "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["staging"]


def test_a_page_is_written_once_in_utf8_with_its_folder(tmp_path: Path) -> None:
    from explainer.render import undecodable

    page = "<p>中文 · \udcff</p>"  # a byte of the header that is not UTF-8, shown as \xff
    assert undecodable.present(page)
    site.write_page(tmp_path, "a/b/c.html", undecodable.visible(page))
    assert (tmp_path / "a" / "b" / "c.html").read_text("utf-8") == "<p>中文 · \\xff</p>"
    site.write_page(tmp_path, "a/./d.html", "<p>中文</p>")
    assert (tmp_path / "a" / "d.html").read_bytes() == "<p>中文</p>".encode()


@requires_gcc
def test_header_page_leaves_step_lists_to_the_event_pages(built: Path) -> None:
    header = (built / "sample/index.html").read_text()
    event = (built / "sample/sample_work.html").read_text()
    from explainer import prose

    elsewhere = str(escape(prose.load()["html"]["steps_elsewhere"]))
    assert '<details class="steps">' not in header and elsewhere in header
    assert '<details class="steps">' in event and elsewhere not in event


def test_a_forked_header_gives_back_its_result_or_its_error() -> None:
    """A header explained in a child process (site._forked) returns what
    it made, an input error as a result, and raises what went wrong; a
    child killed before it answered leaves its header out, saying how."""
    assert site._forked(lambda: ExplainError("one line")).message == "one line"  # type: ignore[union-attr]
    with pytest.raises(ZeroDivisionError):
        site._forked(lambda: 1 // 0)  # type: ignore[arg-type,return-value]

    class Unpicklable(Exception):
        def __reduce__(self) -> str:
            raise TypeError("no")

    def fails() -> site.Pages:
        raise Unpicklable("kept in words")

    with pytest.raises(RuntimeError, match="Unpicklable: kept in words"):
        site._forked(fails)

    def killed() -> site.Pages:
        os.kill(os.getpid(), 9)
        raise AssertionError("not reached")

    lost = site._forked(killed)
    assert isinstance(lost, ExplainError) and "signal 9" in lost.message
