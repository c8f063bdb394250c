"""The words explainer shows, read from data/prose.<lang>.toml."""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from explainer import resources

DEFAULT_LANGUAGE = "en"


@cache
def load(lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    path = resources.data(f"prose.{lang}.toml")
    return tomllib.loads(path.read_text("utf-8"))


def stage(stage_id: str, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    stages = load(lang)["stage"]
    return dict(stages.get(stage_id, stages["pass"]))


def text(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    return str(load(lang)["text"][key]).format(**values)
