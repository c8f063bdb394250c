"""What an event's page shows of user space (view-model): its format
file, each line with where it comes from (the same sentences as
``explain format --explain``), and the tables its decoder walks in the
browser, with gcc's numbers as hex strings (64-bit values: the script
reads them as BigInt)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from explainer import prose
from explainer.errors import ExplainError
from explainer.kernel.translation_unit import TranslationUnit
from explainer.model import Walkthrough
from explainer.render import userspace_text
from explainer.userspace.decode import PageTable
from explainer.userspace.format import EventFormat

# The origins table names a line by its start: the file above has it whole
# (a print fmt of gfp flags is thousands of characters).
SHORT = 100


@dataclass(frozen=True)
class FormatRow:
    text: str
    why: tuple[str, ...]
    href: str | None  # the pass it is read from

    @property
    def short(self) -> str:
        text = self.text.strip()
        # Cut as step lists cut (steps.clip): "..." is ASCII, and one
        # character beyond Latin-1 makes Python hold the whole page wider.
        return text if len(text) <= SHORT else text[:SHORT - 3] + "..."


@dataclass(frozen=True)
class DecoderField:
    key: str  # the input's id
    field: str
    label: str
    example: str


@dataclass(frozen=True)
class FormatPanel:
    heading: str
    path: str  # events/<system>/<event>/format
    file: str
    rows: tuple[FormatRow, ...]
    # Each note split around the compiler's words in it, which the page
    # shows as output: (before, words, after); ("", "", note) when none.
    notes: tuple[tuple[str, str, str], ...]
    fields: tuple[DecoderField, ...]
    tables: tuple[dict[str, Any], ...]  # for the script


def panel(f: EventFormat, w: Walkthrough, tu: TranslationUnit, tables: Sequence[PageTable],
          lang: str | None = None, problem: str | None = None, quoted: str | None = None) -> FormatPanel:
    """The panel of *f*; *problem*: why gcc could not compute its numbers
    (*quoted*: gcc's words in it)."""
    words = prose.load(lang)["format"]
    path = f"events/{f.system or '<system>'}/{f.event}/format"
    rows = tuple(FormatRow(text, tuple(why), f"#pass-{index}" if index is not None else None)
                 for text, why, index in userspace_text.explained(f, w, lang))
    notes = userspace_text.notes(f, tu, problem, lang)
    if f.computed:
        notes.append(userspace_text.computed_note(f, tu.cflags, lang))
    fields: dict[str, DecoderField] = {}
    for t in tables:
        example = next((hex(v) for _, v in t.rows if v), "0x1")
        fields.setdefault(t.field, DecoderField(f"decode-{t.field}", t.field,
                                                str(words["decoder_label"]).format(field=t.field), example))
    data = tuple({
        "field": t.field, "argument": t.argument + 1, "helper": t.helper, "delim": t.delim,
        "mask": None if t.mask is None else hex(t.mask & ((1 << 64) - 1)),
        "rows": [[name, hex(v)] for name, v in t.rows], "otherwise": t.otherwise,
    } for t in tables)
    return FormatPanel(str(words["panel_heading"]).format(path=path), path,
                       "\n".join(r.text for r in rows) + "\n", rows, tuple(_split(n, quoted) for n in notes),
                       tuple(fields.values()), data)


def _split(note: str, quoted: str | None) -> tuple[str, str, str]:
    if quoted and quoted in note:
        return note.partition(quoted)
    return ("", "", note)


@dataclass(frozen=True)
class Formats:
    """What the panels of a header's events show, in no language yet: the
    format files, the decoder tables by event, and why gcc could not give
    the numbers (None when it did) with gcc's words in it."""

    files: tuple[EventFormat, ...]
    tables: dict[str, tuple[PageTable, ...]]
    problem: str | None
    quoted: str | None = None


def formats_of(w: Walkthrough, tu: TranslationUnit, only: str | None = None) -> Formats:
    """Each event's format file and decoder tables (*only*: that event's,
    if it is one): one run of gcc for the numbers, one for the tables
    (none in focused mode, whose numbers show as ?)."""
    from explainer.userspace import decode
    from explainer.userspace import format as tracefs_format

    names = [n for n in tracefs_format.events(w) if only is None or n == only]
    stage4 = tracefs_format.fields_pass(w)
    if not names or stage4 is None:
        return Formats((), {}, None)
    computes = tu.keep is None
    try:
        formats = tracefs_format.build_all(w, tu, names, compute=computes)
        tables = decode.page_tables(formats, tu, stage4) if computes else {}
    except ExplainError as exc:  # the numbers: the page says why they are missing
        return Formats(tuple(tracefs_format.build_all(w, tu, names, compute=False)), {}, exc.message, exc.quoted)
    return Formats(tuple(formats), tables, None)


def panels(found: Formats, w: Walkthrough, tu: TranslationUnit, lang: str | None) -> dict[str, FormatPanel]:
    """The panels of *found*, by event, in *lang*."""
    return {f.event: panel(f, w, tu, found.tables.get(f.event, ()), lang, found.problem, found.quoted)
            for f in found.files}


def format_panels(w: Walkthrough, tu: TranslationUnit, lang: str | None, only: str | None = None) -> dict[str, FormatPanel]:
    """Each event's panel in *lang* (*only*: that event's)."""
    return panels(formats_of(w, tu, only), w, tu, lang)
