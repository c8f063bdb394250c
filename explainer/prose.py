"""The words explainer shows, read from data/prose.<lang>.toml."""

from __future__ import annotations

from functools import cache
from typing import Any

from explainer import resources

DEFAULT_LANGUAGE = "en"


@cache
def load(lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    return resources.data_toml(f"prose.{lang}.toml")


def stage(stage_id: str, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    stages = load(lang)["stage"]
    return dict(stages.get(stage_id, stages["pass"]))


def sees(stage_id: str, system: str | None, event: str | None, lang: str = DEFAULT_LANGUAGE) -> str | None:
    """What user space sees of a stage, for *event* of *system* (their
    placeholders when unknown); None for a stage without such a note."""
    note = load(lang)["stage"].get(stage_id, {}).get("sees")
    if note is None:
        return None
    return str(note).format(system=system or "<system>", event=event or "<event>")


def text(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    return str(load(lang)["text"][key]).format(**values)
