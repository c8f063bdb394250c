"""The words explainer shows, read from data/prose.<lang>.toml.

A function that takes ``lang`` takes None for the language of this run
(``use``: --lang, else the locale, else English).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import Any

from explainer import resources

DEFAULT_LANGUAGE = "en"
# Every language explainer speaks, by the code --lang takes.
LANGUAGES = ("en", "zh")
_current = DEFAULT_LANGUAGE


def use(lang: str | None) -> None:
    """Speak *lang* (one of LANGUAGES) from now on, where none is named."""
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"no such language: {lang}")
    _current = lang


def current() -> str:
    return _current


def resolve(lang: str | None) -> str:
    return _current if lang is None else lang


def from_locale(environ: Mapping[str, str]) -> str:
    """The language the locale asks for, as gettext reads it (LC_ALL, then
    LC_MESSAGES, then LANG; the first one set decides): zh_CN.UTF-8,
    zh_TW and any zh* give Chinese, anything else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            code = value.split(".")[0].split("_")[0].split("@")[0].lower()
            return code if code in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def default_language() -> str:
    return from_locale(os.environ)


def languages() -> str:
    """The languages --lang takes, as its help and errors list them."""
    return ", ".join(f"{code} ({load(code)['language']['name']})" for code in LANGUAGES)


def load(lang: str | None = None) -> dict[str, Any]:
    return _load(resolve(lang))


@cache
def _load(lang: str | None) -> dict[str, Any]:
    return resources.data_toml(f"prose.{lang}.toml")


def stage(stage_id: str, lang: str | None = None) -> dict[str, str]:
    stages = load(lang)["stage"]
    return dict(stages.get(stage_id, stages["pass"]))


def sees(stage_id: str, system: str | None, event: str | None, lang: str | None = None) -> str | None:
    """What user space sees of a stage, for *event* of *system* (their
    placeholders when unknown); None for a stage without such a note."""
    note = sees_note(stage_id, lang)
    return None if note is None else note.format(**sees_values(system, event))


def sees_note(stage_id: str, lang: str | None = None) -> str | None:
    """What user space sees of a stage, with {system} and {event} to fill
    in (sees_values); None for a stage without such a note."""
    note = load(lang)["stage"].get(stage_id, {}).get("sees")
    return None if note is None else str(note)


def sees_values(system: str | None, event: str | None) -> dict[str, str]:
    return {"system": system or "<system>", "event": event or "<event>"}


def text(key: str, lang: str | None = None, **values: object) -> str:
    return str(load(lang)["text"][key]).format(**values)


# How a Said was made: (section, key, values), or (None, text, ()) for
# text that is not from the prose files (a path, a name).
Part = tuple[str | None, str, tuple[tuple[str, object], ...]]


class Said(str):
    """Words from the prose files that can be said again in another
    language (``again``): the text as first said, and how it was made.
    Joined with ``+`` it stays a Said; a format string makes it plain."""

    parts: tuple[Part, ...]

    def __new__(cls, text: str, parts: tuple[Part, ...] = ()) -> Said:
        said = super().__new__(cls, text)
        said.parts = parts or ((None, text, ()),)
        return said

    def __add__(self, other: str) -> Said:
        return Said(str.__add__(self, other), self.parts + _parts(other))

    def __radd__(self, other: str) -> Said:
        return Said(str.__add__(other, self), _parts(other) + self.parts)


def _parts(text: str) -> tuple[Part, ...]:
    return text.parts if isinstance(text, Said) else ((None, text, ()),)


def say(section: str, key: str, lang: str | None = None, **values: object) -> Said:
    """The sentence [section] key of prose, its placeholders filled."""
    return Said(str(load(lang)[section][key]).format(**values), ((section, key, tuple(values.items())),))


def again(text: str, lang: str | None = None) -> str:
    """*text* in *lang*, if it is a Said (its values that are Said too);
    any other text as it is."""
    if not isinstance(text, Said):
        return text
    out = []
    for section, key, values in text.parts:
        if section is None:
            out.append(key)
        else:
            filled = {name: again(v, lang) if isinstance(v, str) else v for name, v in values}
            out.append(str(load(lang)[section][key]).format(**filled))
    return "".join(out)


def error(key: str, lang: str | None = None, **values: object) -> Said:
    """An error's one line (prose [errors])."""
    return say("errors", key, lang, **values)


def gcc(key: str, **values: object) -> Said:
    """A message of the preprocessor (prose [cpp]), always in gcc's
    English first: the doctor and the tests compare it with gcc's.  Where
    it is shown, ``again`` says it in the reader's language."""
    return say("cpp", key, DEFAULT_LANGUAGE, **values)
