"""Languages: every message in both, --lang and the locale, Chinese as
the terminal and a page show it."""

from __future__ import annotations

import ast
import pickle
import re
import string
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from explainer import prose, textwidth
from explainer.errors import PreprocessError

from conftest import BROKEN_DIR, REPO, explain_in, requires_gcc
from htmlcheck import Page

# A word of English prose: letters only (identifiers have _ or digits),
# not a C keyword or type (code quoted in a sentence, such as "static
# inline", is code).
_C_WORDS = {"extern", "struct", "static", "inline", "const", "unsigned", "signed", "int", "char",
            "long", "short", "void", "union", "enum", "sizeof", "typeof", "if", "else", "return"}
_RUN = re.compile(r"[A-Za-z][A-Za-z']*(?:[ ]+[A-Za-z][A-Za-z']*){2,}")


def english_sentences(text: str) -> list[str]:
    """Runs of three or more English words in *text* (the issue's test of
    a sentence left in English)."""
    found = []
    for m in _RUN.finditer(text):
        if m.group(0).startswith(("explain ", "pip install ")) or text[max(0, m.start() - 4):m.start()] == "apt-":
            continue  # a command
        # Metavars (EVENT, HEADER) and C words are code.
        words = [w for w in m.group(0).split() if w.lower() not in _C_WORDS and not w.isupper()]
        if len(words) >= 3:
            found.append(m.group(0))
    return found


def _load(lang: str) -> dict[str, Any]:
    with (REPO / "explainer" / "data" / f"prose.{lang}.toml").open("rb") as f:
        return tomllib.load(f)


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Each value with its key path; the glossary's terms by id."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, f"{path}.{k}")
    elif isinstance(value, list) and value and all(isinstance(v, dict) and "id" in v for v in value):
        for v in value:
            yield from _leaves(v, f"{path}[{v['id']}]")
    elif isinstance(value, list) and path.endswith(".forms"):
        yield path, value  # the words linked: as many as each language has
    elif isinstance(value, list):
        for k, v in enumerate(value):
            yield from _leaves(v, f"{path}[{k}]")
    else:
        yield path, value


def _fields(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


@pytest.mark.parametrize("lang", prose.LANGUAGES)
def test_no_prose_key_is_a_dict_methods_name(lang: str) -> None:
    # Templates read the prose tables' keys as attributes (words.at), which
    # to_html's environment looks up as keys first: a key named like a dict
    # method (items, get) would hide the method from a template, and a
    # template that meant the key would get the method in plain jinja2.
    names = set(dir(dict))
    keys = {part.split("[")[0] for path, _ in _leaves(_load(lang)) for part in path.split(".")[1:]}
    assert sorted(keys & names) == []
    from explainer.render import to_html

    env, words = to_html.environment(), {"at": "x"}
    assert env.getattr(words, "at") == "x"
    assert env.getattr(words, "items") == words.items  # no such key: what jinja2 gives


@pytest.mark.parametrize("lang", [code for code in prose.LANGUAGES if code != "en"])
def test_every_message_has_a_translation(lang: str) -> None:
    english = dict(_leaves(_load("en")))
    other = dict(_leaves(_load(lang)))
    assert sorted(set(english) - set(other)) == [], "keys only in English"
    assert sorted(set(other) - set(english)) == [], f"keys only in {lang}"
    for key, text in english.items():
        translated = other[key]
        if isinstance(text, str):
            assert isinstance(translated, str) and translated.strip(), f"{key}: empty"
            assert _fields(translated) == _fields(text), f"{key}: placeholders differ"
            assert re.findall(r"%\(\w+\)s|%%", translated) == re.findall(r"%\(\w+\)s|%%", text), key
        elif isinstance(text, list):
            assert translated and all(isinstance(f, str) and f for f in translated), f"{key}: no forms"
    assert other[".language.name"] != english[".language.name"]


def test_no_chinese_sentence_is_left_in_english() -> None:
    for key, text in _leaves(_load("zh")):
        # Epilogs and the intro's steps hold commands, the glossary's terms their English.
        if isinstance(text, str) and not key.endswith(("epilog", ".id")) and ".why.steps" not in key:
            assert english_sentences(text) == [], (key, text)


@pytest.mark.parametrize(("environ", "lang"), [
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "zh_TW.UTF-8"}, "zh"),
    ({"LANG": "zh"}, "zh"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),  # no French: English
    ({"LANG": "C"}, "en"),
    ({}, "en"),
    ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C.UTF-8"}, "en"),  # LC_ALL decides
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh"),
    ({"LC_ALL": "", "LANG": "zh_CN.GB18030"}, "zh"),  # an empty LC_ALL is not set
])
def test_the_locale_chooses_the_language(environ: dict[str, str], lang: str) -> None:
    assert prose.from_locale(environ) == lang


def test_an_unknown_language_is_one_line_naming_those_there_are(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = explain_in(capsys, REPO, "--lang", "fr", "TRACE_EVENT")
    assert code == 2 and out == ""
    assert err == "explain: --lang fr: explainer speaks en (English), zh (中文)\n"


def test_help_is_chinese_and_fits_80_columns(capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from explainer import cli

    monkeypatch.setenv("COLUMNS", "80")
    for argv in (["--lang", "zh", "--help"], ["site", "--lang", "zh", "--help"],
                 ["check", "--lang", "zh", "--help"]):
        with pytest.raises(SystemExit) as done:
            cli.main(argv)
        assert done.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith("用法：explain") and "\n选项：\n" in out and "显示本帮助信息并退出" in out
        for line in out.splitlines():
            assert textwidth.width(line) <= 80, line
        # Options, metavars and the examples' commands are code; the rest is Chinese.
        prose_lines = [line for line in out.splitlines() if not line.lstrip().startswith(("-", "explain", "cd ", "["))]
        assert [s for line in prose_lines for s in english_sentences(line)] == []


def test_the_locale_makes_a_run_chinese(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    code, _, err = explain_in(capsys, REPO, "TRACE_EVENT", "no-such.h")
    assert code == 2
    assert err == "explain: no-such.h：没有这个文件（自带的跟踪头文件中也没有同名的）\n"
    with pytest.raises(SystemExit) as done:
        explain_in(capsys, REPO, "--format", "yaml", "TRACE_EVENT")
    err = capsys.readouterr().err
    assert done.value.code == 2 and err.splitlines()[-1] == (
        "explain: 错误：参数 --format：无效的取值 'yaml'（可选：'text', 'json', 'html'）")


@requires_gcc
def test_chinese_text_wraps_by_columns(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = explain_in(capsys, REPO, "--lang", "zh", "TRACE_EVENT")
    assert code == 0 and re.search(r"^第 1/11 遍 · 声明 +\[declare\]$", out, re.M)
    prose_lines = [line for line in out.splitlines() if re.search(r"[\u4e00-\u9fff]", line)]
    assert len(prose_lines) > 100
    for line in prose_lines:
        assert textwidth.width(line) <= 80, line


@requires_gcc
def test_a_chinese_page_has_no_english_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for cwd, argv in ((REPO, ["TRACE_EVENT", "sample.h"]), (BROKEN_DIR, ["TRACE_EVENT", "oldfoo.h"])):
        out = tmp_path / "page.html"
        explain_in(capsys, cwd, "--lang", "zh", *argv, "--format", "html", "-o", str(out))
        page = _Prose(out.read_text("utf-8"))
        assert '<html lang="zh-CN">' in out.read_text("utf-8")
        assert page.sentences == [], page.sentences[:5]


class _Prose(Page):
    """A page's text outside code, with its English sentences."""

    def __init__(self, text: str) -> None:
        self.sentences: list[str] = []
        self._code = 0
        super().__init__(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        super().handle_starttag(tag, attrs)
        if tag in ("code", "pre", "kbd", "samp"):
            self._code += 1

    def handle_endtag(self, tag: str) -> None:
        super().handle_endtag(tag)
        if tag in ("code", "pre", "kbd", "samp"):
            self._code -= 1

    def handle_data(self, data: str) -> None:
        super().handle_data(data)
        if not self._code and not self._in_script:
            self.sentences.extend(english_sentences(data))


def test_wrapping_never_splits_a_word_and_keeps_punctuation_on_its_line() -> None:
    text = "内核代码在事件发生处调用 trace_sample_work(...)：这是一个静态分支，在有探测函数挂接到该事件之前一直被跳过。"
    for columns in range(30, 60):  # 24: its longest unbreakable run
        lines = textwidth.wrap(text, columns)
        assert all(textwidth.width(line) <= columns for line in lines), columns
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert any("trace_sample_work(...)" in line for line in lines)
        assert not any(line.startswith(("，", "。", "：")) for line in lines)
        assert not any(line.endswith("（") for line in lines)
    # English wraps as it always has.
    assert textwidth.wrap("a b c", 3) == ["a b", "c"]


def test_lang_may_come_before_the_verb(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    site = tmp_path / "site"
    code, out, _ = explain_in(capsys, REPO, "--lang", "zh", "site", "-o", str(site), "-j", "1")
    assert code == 0 and out.startswith("已写入")
    for page in ("index.html", "cycle.html", "sample/sample_work.html"):
        text = (site / page).read_text("utf-8")
        assert '<html lang="zh-CN">' in text
        assert _Prose(text).sentences == [], (page, _Prose(text).sentences[:5])
    # English, the other language, in a folder of its own, all English.
    english = [Page(p.read_text("utf-8")) for p in sorted((site / "en").rglob("*.html"))]
    assert len(english) == 15 and all(("html", {"lang": "en"}) in page.tags for page in english)
    assert not any(re.search(r"[\u4e00-\u9fff]", t) for page in english for t in page.texts if "中文" not in t)


def test_the_committed_sites_chinese_pages_have_no_english_sentence() -> None:
    pages = sorted((REPO / "site" / "zh").rglob("*.html"))
    assert len(pages) == 15
    for page in pages:
        found = _Prose(page.read_text("utf-8")).sentences
        assert found == [], (page.relative_to(REPO), found[:5])


def test_words_said_once_are_said_again_in_another_language() -> None:
    cause = prose.gcc("too_many_args", name="__assign_str", need=1, given=2)
    assert cause == 'macro "__assign_str" passed 2 arguments, but takes just 1'  # gcc's words, first
    joined = "oldfoo.h:31: " + cause + "."
    assert prose.again(joined, "zh") == "oldfoo.h:31: 宏“__assign_str”传递了 2 个实参，但只接受 1 个."
    assert prose.again("plain text", "zh") == "plain text"
    error = PreprocessError("a.h", 3, cause, tuple(("b.h", n) for n in range(10)))
    assert str(error).startswith('a.h:3: error: macro "__assign_str" passed 2')  # the run's language
    chinese = error.render("zh")
    assert chinese.startswith("a.h:3: 错误：宏“__assign_str”传递了 2 个实参") and "……（另有 2 处）" in chinese
    # Site workers send errors to the parent: they can still be said again there.
    assert pickle.loads(pickle.dumps(error)).render("zh") == chinese
    said = pickle.loads(pickle.dumps(prose.error("no_header", "zh", path="x.h")))
    assert prose.again(said, "en") == prose.error("no_header", "en", path="x.h")


def test_no_preprocessor_message_is_written_in_code() -> None:
    """Each comes from prose [cpp] through prose.gcc, so it has its
    Chinese: no string is given where an error's cause is."""
    raisers = {"PreprocessError", "IfError", "LexError", "error_here", "_error", "_expansion_error"}
    for path in sorted((REPO / "explainer" / "cpp").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name in raisers:
                for arg in node.args:
                    literal = isinstance(arg, ast.JoinedStr) or (
                        isinstance(arg, ast.Constant) and isinstance(arg.value, str))
                    assert not literal, f"{path.name}:{node.lineno}: use prose.gcc"


@requires_gcc
def test_the_preprocessors_errors_are_chinese_where_shown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = explain_in(capsys, BROKEN_DIR, "--lang", "zh", "check", "oldfoo.h")
    assert code == 2
    assert "oldfoo.h:31:3: 错误：宏“__assign_str”传递了 2 个实参，但只接受 1 个\n" in out
    assert english_sentences(out) == [] and english_sentences(err) == []
    code, out, _ = explain_in(capsys, BROKEN_DIR, "--lang", "zh", "TRACE_EVENT", "oldfoo.h")
    assert code == 2 and "第 8 遍出错 · 阶段 6：探测函数：\n" in out
    # In English, gcc's words, as the tests against gcc compare them.
    code, out, _ = explain_in(capsys, BROKEN_DIR, "check", "oldfoo.h")
    assert 'oldfoo.h:31:3: error: macro "__assign_str" passed 2 arguments, but takes just 1\n' in out


@requires_gcc
def test_a_real_kernel_headers_chinese_page(debian_tree: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Linux 6.1's irq.h: its header page and an event's, with the format
    file's panel, have no English sentence outside code."""
    for argv in (["TRACE_EVENT", "irq.h"], ["irq_handler_entry", "irq.h"]):
        out = tmp_path / "page.html"
        code, _, err = explain_in(capsys, tmp_path, "--lang", "zh", *argv, "--kernel", str(debian_tree),
                                  "--format", "html", "-o", str(out))
        assert code == 0, err
        text = out.read_text("utf-8")
        assert '<html lang="zh-CN">' in text and "第 11 遍" in text
        page = _Prose(text)
        assert page.sentences == [], (argv, page.sentences[:5])
