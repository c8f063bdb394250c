"""argparse in the run's language: its headings, its own options' help
and its errors come from prose [cli], and help is wrapped by the columns
a terminal gives each character (textwidth)."""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from collections.abc import Iterable, Sequence
from typing import NoReturn

from explainer import prose, textwidth

# argparse's own errors (Python 3.11 to 3.13), by what they say in
# English; each becomes the prose [cli] sentence named, in the run's language.
_ERRORS = (
    (re.compile(r"the following arguments are required: (?P<names>.*)"), "argparse_required"),
    (re.compile(r"argument (?P<option>\S+): invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)"),
     "argparse_choice"),
    (re.compile(r"unrecognized arguments: (?P<args>.*)"), "argparse_unrecognized"),
    (re.compile(r"argument (?P<option>\S+): expected one argument"), "argparse_expected_one"),
    (re.compile(r"argument (?P<option>\S+): invalid \S+ value: (?P<value>.*)"), "argparse_invalid"),
    (re.compile(r"argument (?P<option>\S+): not allowed with argument (?P<other>\S+)"), "argparse_not_with"),
    (re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.*)"), "argparse_ambiguous"),
)


class BadLanguage(Exception):
    """--lang names a language explainer does not speak."""


def split_language(argv: Sequence[str]) -> tuple[str, list[str]]:
    """The language of this run (--lang's, else the locale's), read
    before the parser is built since --help speaks it; and *argv* without
    the --lang options that come before the verb (explain --lang zh site)."""
    rest = list(argv)
    while rest and (rest[0] == "--lang" or rest[0].startswith("--lang=")):
        rest = rest[2:] if rest[0] == "--lang" else rest[1:]
    return _language(argv), rest


def _language(argv: Sequence[str]) -> str:
    for k, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and k + 1 < len(argv):
            value = argv[k + 1]
        elif arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        else:
            continue
        if value not in prose.LANGUAGES:
            raise BadLanguage(prose.load(prose.default_language())["cli"]["no_lang"].format(
                value=value, languages=prose.languages()))
        return value
    return prose.default_language()


def translated(message: str) -> str:
    """One of argparse's errors, in the run's language."""
    if prose.current() == prose.DEFAULT_LANGUAGE:
        return message
    words = prose.load()["cli"]
    for pattern, key in _ERRORS:
        m = pattern.fullmatch(message)
        if m is not None:
            return str(words[key]).format(**m.groupdict())
    return message


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Help wrapped by display columns, under translated headings; the
    descriptions and epilogs keep their own lines."""

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prose.load()["cli"]["usage"] if prefix is None else prefix)

    def format_help(self) -> str:
        # argparse ends each heading with ":"; Chinese ends it with "\uff1a".
        words = prose.load()["cli"]
        colon = words["heading_end"]
        text = super().format_help()
        if colon == ":":
            return text
        for title in (words["positionals"], words["optionals"]):
            text = text.replace(f"\n{title}:\n", f"\n{title}{colon}\n")
        return text

    def _split_lines(self, text: str, width: int) -> list[str]:
        if text.isascii():  # argparse's own wrapping, which also breaks after hyphens
            return super()._split_lines(text, width)
        return textwidth.wrap(" ".join(text.split()), width)


class Parser(argparse.ArgumentParser):
    def __init__(self, prog: str, description: str, epilog: str) -> None:
        super().__init__(prog=prog, description=description, epilog=epilog, formatter_class=Formatter,
                         add_help=False)
        words = prose.load()["cli"]
        self._positionals.title = words["positionals"]
        self._optionals.title = words["optionals"]
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=words["help_help"])

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, prose.load()["cli"]["error_line"].format(prog=self.prog, message=translated(message)) + "\n")


def paragraph(text: str) -> str:
    """A --help description wrapped to the terminal, as the options are."""
    return textwidth.fill(text, min(shutil.get_terminal_size((80, 24)).columns, 100) - 2)
