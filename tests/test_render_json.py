"""The JSON output: orjson, where it is installed, writes the bytes the
standard library's json writes, for a whole walkthrough and for any text."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explainer import render_json, walkthrough
from explainer.preprocess import Recorder
from explainer.translation_unit import setup

from conftest import REPO, SAMPLE

pytest.importorskip("orjson")


def test_a_walkthrough_is_written_as_json_writes_it() -> None:
    tu = setup(str(SAMPLE.relative_to(REPO)), [], [], REPO)
    whole = walkthrough.build(Recorder(tu).run(), "all")
    text = render_json.render(whole)
    assert text == render_json._standard(render_json.to_data(whole))
    assert json.loads(text)["schema"] == render_json.SCHEMA


# Every character a header or a path could bring: controls, quotes,
# backslashes, the line separators JavaScript minds, beyond the BMP.
@given(st.dictionaries(st.text(max_size=8), st.one_of(
    st.text(), st.integers(-2**63, 2**63 - 1), st.booleans(), st.none(),
    st.lists(st.text(max_size=20), max_size=4))))
def test_any_text_is_escaped_as_json_escapes_it(data: dict[str, object]) -> None:
    assert render_json._orjson is not None
    ours: bytes = render_json._orjson.dumps(data)
    assert ours.decode("utf-8") + "\n" == render_json._standard(data)


def test_a_lone_surrogate_falls_back_to_json(monkeypatch: pytest.MonkeyPatch) -> None:
    # A file name that is not UTF-8 reaches Python as lone surrogates; orjson
    # refuses them, json writes them (and writing the file says what is wrong).
    data = {"file": "bad\udcff.h"}
    monkeypatch.setattr(render_json, "to_data", lambda _: data)
    assert render_json.render(None) == render_json._standard(data)  # type: ignore[arg-type]
    assert "\udcff" in render_json.render(None)  # type: ignore[arg-type]
