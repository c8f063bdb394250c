"""The JSON output: orjson, where it is installed, writes the bytes the
standard library's json writes, for a whole walkthrough and for any text."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explainer.cpp.recorder import Recorder
from explainer.kernel.translation_unit import setup
from explainer.render import to_json
from explainer.walkthrough import assemble

from conftest import REPO, SAMPLE

pytest.importorskip("orjson")


def test_a_walkthrough_is_written_as_json_writes_it() -> None:
    tu = setup(str(SAMPLE.relative_to(REPO)), [], [], REPO)
    whole = assemble.build(Recorder(tu).run(), "all")
    text = to_json.render(whole)
    assert text == to_json._standard(to_json.to_data(whole))
    assert json.loads(text)["schema"] == to_json.SCHEMA


# Every character a header or a path could bring: controls, quotes,
# backslashes, the line separators JavaScript minds, beyond the BMP.
@given(st.dictionaries(st.text(max_size=8), st.one_of(
    st.text(), st.integers(-2**63, 2**63 - 1), st.booleans(), st.none(),
    st.lists(st.text(max_size=20), max_size=4))))
def test_any_text_is_escaped_as_json_escapes_it(data: dict[str, object]) -> None:
    assert to_json._orjson is not None
    ours: bytes = to_json._orjson.dumps(data)
    assert ours.decode("utf-8") + "\n" == to_json._standard(data)


def test_a_lone_surrogate_falls_back_to_json(monkeypatch: pytest.MonkeyPatch) -> None:
    # A byte that is not UTF-8 (in a header's text, or a file name) reaches
    # Python as a lone surrogate; orjson refuses it, json writes it as its
    # escape: valid JSON, and json.loads gives the surrogate back.
    data = {"file": "bad\udcff.h"}
    monkeypatch.setattr(to_json, "to_data", lambda _: data)
    text = to_json.render(None)  # type: ignore[arg-type]
    assert text == to_json._standard(data) == '{"file":"bad\\udcff.h"}\n'
    text.encode("utf-8")
    assert json.loads(text) == data
