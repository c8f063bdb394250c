"""Render a walkthrough for the terminal (a ``str``; the CLI prints it)."""

from __future__ import annotations

import shlex
import textwrap

from explainer.model import Change, Pass, Reproduce, Walkthrough
from explainer.render import prose

BODY_PREVIEW = 72
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def bold(self, text: str) -> str:
        return f"{_BOLD}{text}{_RESET}" if self.color else text

    def dim(self, text: str) -> str:
        return f"{_DIM}{text}{_RESET}" if self.color else text

    def code(self, text: str) -> str:
        if self.color:
            # Imported here: pygments takes 7 ms to import, and only a
            # terminal in colour needs it (pages have their own highlighting).
            from pygments import highlight
            from pygments.formatters import TerminalFormatter
            from pygments.lexers import CLexer

            text = highlight(text, CLexer(), TerminalFormatter())
        return textwrap.indent(text.expandtabs(8), "    ")


def _last_meaning(changes: tuple[Change, ...]) -> list[Change]:
    """The meaning in force for each changed name: its last change."""
    last: dict[str, Change] = {}
    for change in changes:
        last.pop(change.name, None)
        last[change.name] = change
    return list(last.values())


def _change_line(change: Change, lang: str) -> str:
    if change.kind == "undef":
        text = prose.text("undef", lang, name=change.name)
    else:
        body = change.body or ""
        if len(body) > BODY_PREVIEW:
            body = body[: BODY_PREVIEW - 3] + "..."
        params = f"({change.params})" if change.params is not None else ""
        text = prose.text("define", lang, name=change.name, params=params, body=body).rstrip()
    return text + "  " + prose.text("at", lang, file=change.file, line=change.line)


def _pass(p: Pass, total: int, style: _Style, lang: str) -> list[str]:
    notes = prose.stage(p.stage, lang)
    out = [
        style.bold(
            prose.text("pass_heading", lang, index=p.index, total=total, stage=p.stage,
                       title=notes["title"])
        ),
        f"  {prose.text('makes', lang)} {notes['makes']}",
    ]
    why = textwrap.fill(notes["why"], width=76, initial_indent="  ", subsequent_indent="       ")
    out.append(why.replace("  ", f"  {prose.text('why', lang)} ", 1))
    site = prose.text("included_from", lang, file=p.included_from.file, line=p.included_from.line)
    outer = " < ".join(f"{s.file}:{s.line}" for s in p.chain[1:])
    if outer:
        site += ", " + prose.text("via", lang, chain=outer)
    out.append("  " + style.dim(site))
    changes = _last_meaning(p.relevant_changes())
    if changes:
        out.append("  " + prose.text("changed" if p.index > 1 else "changed_first", lang))
        out.extend("    " + style.dim(_change_line(c, lang)) for c in changes)
    else:
        out.append("  " + prose.text("unchanged", lang))
    focused = [inv for inv in p.invocations if inv.focus]
    if not focused:
        out.append("  " + prose.text("no_focus", lang))
    for inv in focused:
        key = "invocation" if inv.name else "invocation_unnamed"
        out.append("  " + style.bold(prose.text(key, lang, macro=inv.macro, name=inv.name, line=inv.line)))
        if inv.code.strip():
            out.append(style.code(inv.code).rstrip("\n"))
        else:
            out.append("    " + style.dim(prose.text("nothing", lang)))
    return out


def shell_command(r: Reproduce) -> str:
    """One line a user can paste into a shell to run the same gcc."""
    printf = r.stdin.replace("\\", "\\\\").replace("%", "%%").replace("\n", "\\n")
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in r.env)
    return f"(cd {shlex.quote(r.cwd)} && printf {shlex.quote(printf)} | {env} {shlex.join(r.argv)})"


def render(walkthrough: Walkthrough, color: bool = False, lang: str = "en") -> str:
    style = _Style(color)
    total = walkthrough.total_passes
    lines = [
        style.bold(
            prose.text("heading", lang, header=walkthrough.header, passes=total,
                       focus=walkthrough.focus)
        ),
        "",
    ]
    for p in walkthrough.shown_passes():
        lines.extend(_pass(p, total, style, lang))
        lines.append("")
    if walkthrough.left_out:
        lines.append(prose.text("left_out", lang, count=len(walkthrough.left_out)))
        lines.extend(
            "  " + style.dim(f"{x.include}  ({x.site.file}:{x.site.line})") for x in walkthrough.left_out
        )
        lines.append("")
    if walkthrough.warnings:
        lines.append(prose.text("warnings", lang))
        lines.extend("  " + w for w in walkthrough.warnings)
        lines.append("")
    lines.append(prose.text("reproduce", lang, command=shell_command(walkthrough.reproduce)))
    return "\n".join(lines) + "\n"
