"""explain site --kernel A --kernel B: one site across kernels, its diff
pages and its index, found as you type."""

from __future__ import annotations

import filecmp
from pathlib import Path
from typing import Any

import pytest

from conftest import explain_in, requires_gcc, run_cli
from htmlcheck import twin_problems

pytestmark = requires_gcc


@pytest.fixture(scope="module")
def two_kernels(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> tuple[Path, Path, Path]:
    """9p.h and irq.h of Debian's 6.1 and 7.x, as one site: (site, 6.1, 7.x)."""
    old = request.getfixturevalue("debian_tree")
    new = request.getfixturevalue("tree_7")
    out = tmp_path_factory.mktemp("kernels") / "site"
    run_cli(out.parent, ["site", "--kernel", str(old), "--kernel", str(new), "9p.h", "irq.h", "-j", "2"], out)
    return out, old, new


def test_each_kernel_has_its_site_and_the_diffs_link_them(two_kernels: tuple[Path, Path, Path]) -> None:
    out, _, _ = two_kernels
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert folders[0].startswith("6-1-") and folders[1].startswith("7-") and "diff" in folders
    for folder in folders[:2]:
        assert (out / folder / "index.html").is_file() and (out / folder / "irq" / "irq_handler_entry.html").is_file()
        assert 'href="../index.html"' in (out / folder / "index.html").read_text()
    (pair,) = (out / "diff").iterdir()
    page = (pair / "irq_handler_entry.html").read_text()
    assert "irq_handler_entry" in page and 'href="../../index.html"' in page
    index = (out / "index.html").read_text()
    assert f'href="diff/{pair.name}/irq_handler_entry.html"' in index
    assert 'data-name="irq_handler_entry"' in index and 'data-name="trace_event"' in index
    assert 'data-name="9p.h"' in index


def test_both_languages_hold_every_kernel_and_diff_page(two_kernels: tuple[Path, Path, Path]) -> None:
    out, _, _ = two_kernels
    assert (out / "zh" / "diff").is_dir() and twin_problems(out) == []
    pair = next((out / "zh" / "diff").iterdir())
    assert '<html lang="zh-CN">' in (pair / "irq_handler_entry.html").read_text()


def test_a_rebuild_is_byte_identical(two_kernels: tuple[Path, Path, Path], tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    out, old, new = two_kernels
    again = tmp_path / "again"
    code, _, err = explain_in(capsys, tmp_path, "site", "--kernel", str(old), "--kernel", str(new),
                              "9p.h", "irq.h", "-o", str(again), "-j", "1")
    assert code == 0, err
    ours = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    theirs = sorted(p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file())
    assert ours == theirs
    _, mismatch, errors = filecmp.cmpfiles(out, again, ours, shallow=False)
    assert mismatch == [] and errors == []
    assert str(out) not in (out / "index.html").read_text()


def test_two_architectures_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path, debian_tree: Path) -> None:
    from test_diff import fake_tree

    fake_tree(tmp_path / "arm", "CONFIG_ARM64")
    code, _, err = explain_in(capsys, tmp_path, "site", "--kernel", str(debian_tree), "--kernel", "arm",
                              "-o", "out")
    assert code == 2 and "arm64" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


# -- in the browser --------------------------------------------------------------

def test_the_index_finds_names_as_you_type(page: Any, two_kernels: tuple[Path, Path, Path]) -> None:
    out, _, _ = two_kernels
    page.goto((out / "index.html").as_uri())
    rows = page.locator("table.index tbody tr")
    total = rows.count()
    assert page.locator("output.find-count").text_content() == f"{total} of {total}"
    page.fill("#find-input", "IRQ_HANDLER")
    visible = page.locator("table.index tbody tr:visible")
    assert sorted(visible.locator("th code").all_text_contents()) == ["irq_handler_entry", "irq_handler_exit"]
    assert page.locator("output.find-count").text_content() == f"2 of {total}"
    page.fill("#find-input", "TRACE_EVENT")
    assert "TRACE_EVENT" in visible.locator("th code").all_text_contents()
    page.fill("#find-input", "9p.h")
    visible.first.locator("td a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/9p/index.html")
    assert page.problems == []
