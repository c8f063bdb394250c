"""``explain handout [MACRO] [HEADER]``: a printed handout for a class, as
a PDF (WeasyPrint, the optional extra explainer[pdf]) or as the
print-ready page (--format html)."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from explainer import prose
from explainer.errors import ExplainError
from explainer.record import record


def run(args: argparse.Namespace, cwd: Path) -> str | bytes:
    from explainer.render import handout

    if args.format == "pdf" and args.output is None and sys.stdout.isatty():
        raise ExplainError(prose.error("pdf_to_terminal"))
    whole, _, problem = record(args, cwd, html=True, folds=True)
    if problem is not None:
        raise problem
    page = handout.render(handout.build(whole))
    return page if args.format == "html" else pdf(page)


def pdf(page: str, lang: str | None = None) -> bytes:
    """*page* (in *lang*) laid out on A4 by WeasyPrint."""
    try:
        import weasyprint  # type: ignore[import-untyped]
    except ImportError:
        raise ExplainError(prose.error("no_pdf_library")) from None
    except OSError as exc:  # its system libraries (Pango) are missing
        raise ExplainError(prose.error("pdf_library_broken", reason=exc)) from None
    if prose.resolve(lang) == "zh":
        _need_chinese_font()
    return bytes(weasyprint.HTML(string=page).write_pdf())


def _need_chinese_font() -> None:
    """A Chinese handout without a Chinese font prints boxes: say which
    font to install instead."""
    lister = shutil.which("fc-list")
    if lister is None:
        return  # no fontconfig to ask: WeasyPrint finds what it finds
    found = subprocess.run([lister, ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    if not found.strip():
        raise ExplainError(prose.error("no_chinese_font"))
