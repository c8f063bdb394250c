"""explain handout: an A4 PDF of about a page a pass, read back as a
reader's tools read it (poppler's pdftotext and pdffonts), in English
and in Chinese; the print-ready page; and what is refused."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from explainer import prose

from conftest import BROKEN_DIR, REPO, explain_in, requires_gcc

pytestmark = [
    requires_gcc,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no poppler-utils (apt-get install poppler-utils)"),
]
pytest.importorskip("weasyprint", reason="WeasyPrint is not installed (pip install -e '.[test]')")
SAMPLE_PASSES = 11


def text_of(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page is not None else []
    return subprocess.run(["pdftotext", *pages, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    assert found is not None
    return int(found.group(1))


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from explainer import cli

    out = tmp_path_factory.mktemp("handout") / "sample.pdf"
    assert cli.main(["handout", "-o", str(out)]) == 0
    return out


def test_about_a_page_a_pass_and_every_pass_titled(english: Path) -> None:
    assert english.read_bytes().startswith(b"%PDF-")
    assert page_count(english) <= 1.5 * SAMPLE_PASSES
    text = " ".join(text_of(english).split())
    for index, stage in enumerate(("declare", "define", "stage1_struct_define", "stage2_data_offsets",
                                   "stage3_trace_output", "stage4_event_fields", "stage5_get_offsets",
                                   "stage6_event_callback", "stage7_class_define", "perf", "bpf"), start=1):
        title = prose.stage(stage, "en")["title"]
        assert f"Pass {index} · {title}" in text, title
    # Each pass starts a page, the header's name in its margin, the page number at its foot.
    for page in range(2, page_count(english) + 1):
        lines = text_of(english, page).strip().splitlines()
        assert lines[0] == "include/trace/events/sample.h · TRACE_EVENT · explainer"
        assert lines[-1].strip() == f"{page} / {page_count(english)}"
    assert "Words used here" in text  # the glossary, last


def test_the_code_is_the_pages(english: Path) -> None:
    """The code printed for pass 3 is the page's (gcc-exact), white space aside."""
    text = " ".join(text_of(english).split())
    assert "struct trace_event_raw_sample_work { struct trace_entry ent; u32 __data_loc_name; int id;" in text


def test_a_rebuild_is_byte_identical(english: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    again = tmp_path / "again.pdf"
    code, _, err = explain_in(capsys, REPO, "handout", "-o", str(again))
    assert code == 0, err
    assert again.read_bytes() == english.read_bytes()


def test_a_chinese_handout_is_chinese_with_its_fonts_embedded(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "zh.pdf"
    code, _, err = explain_in(capsys, REPO, "--lang", "zh", "handout", "-o", str(out))
    assert code == 0, err
    text = text_of(out)
    assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 2000
    assert "第 3 遍 · 阶段 1：记录的布局" in " ".join(text.split())
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all("yes" == row[-5] for row in rows), fonts  # every font embedded
    assert any("CJK" in row[0] for row in rows), fonts


def test_the_print_ready_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "handout.html"
    code, _, _ = explain_in(capsys, REPO, "handout", "--format", "html", "-o", str(out))
    assert code == 0
    html = out.read_text("utf-8")
    assert html.count('<section class="pass"') == SAMPLE_PASSES and "<script" not in html
    assert "script-src &#39;none&#39;" in html  # no script at all


def test_without_weasyprint_a_line_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    import builtins

    real = builtins.__import__

    def no_weasyprint(name: str, *args: object, **kwargs: object) -> object:
        if name == "weasyprint":
            raise ImportError(name)
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    out = tmp_path / "h.pdf"
    code, stdout, err = explain_in(capsys, REPO, "handout", "-o", str(out))
    assert code == 2 and stdout == "" and not out.exists()
    assert err.count("\n") == 1 and "pip install 'explainer[pdf]'" in err and "--format html" in err


def test_a_chinese_handout_without_a_chinese_font_says_which_to_install(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from explainer import handout

    monkeypatch.setattr(handout.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, "", ""))
    out = tmp_path / "h.pdf"
    code, _, err = explain_in(capsys, REPO, "--lang", "zh", "handout", "-o", str(out))
    assert code == 2 and not out.exists()
    assert err.count("\n") == 1 and "fonts-noto-cjk" in err


def test_a_header_that_does_not_build_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "h.pdf"
    code, stdout, err = explain_in(capsys, BROKEN_DIR, "handout", "TRACE_EVENT", "oldfoo.h", "-o", str(out))
    assert code == 2 and stdout == "" and not out.exists()
    assert err.count("\n") == 1 and "oldfoo.h:31" in err
