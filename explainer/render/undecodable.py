"""Bytes of a header that are not UTF-8 (Latin-1, GBK ...), which the
reader keeps as lone surrogates U+DC80-U+DCFF (cpp/scan.read_source):
the terminal and pages show each as \\xNN, the JSON as the escape
\\udcNN, which json.loads and .encode("utf-8", "surrogateescape") turn
back into the byte."""

from __future__ import annotations

import re

from explainer.lastmade import LastMade

_RAW = re.compile("[\udc80-\udcff]")

# The last text present() encoded, as UTF-8: a page is asked about, then
# written (utf8), and each encoding is a millisecond a megabyte (a site
# of 7.3 writes five gigabytes).
_ENCODED: LastMade[bytes | None] = LastMade()


def present(text: str) -> bool:
    """Whether *text* holds such a byte.  Asked of whole pages: ASCII is
    known at once, and encoding finds a surrogate many times faster than
    a search (a 2.5 MB page: 115 M instructions searched)."""
    return not text.isascii() and _ENCODED.get((text,), lambda: _utf8_or_none(text)) is None


def utf8(text: str) -> bytes:
    """*text* in UTF-8, encoded again only if it is not the text present()
    was last asked about."""
    found = _ENCODED.get((text,), lambda: _utf8_or_none(text))
    return text.encode("utf-8") if found is None else found  # the error, raised as it would be


def _utf8_or_none(text: str) -> bytes | None:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return None


def visible(text: str) -> str:
    """*text* with each such byte as \\xNN."""
    if not present(text):
        return text
    return _RAW.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)


def json_escaped(text: str) -> str:
    """JSON text (written with ensure_ascii=False) with each such byte as
    its \\uXXXX escape: valid JSON, and the byte comes back."""
    if not present(text):
        return text
    return _RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
