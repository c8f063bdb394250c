"""Render HTML pages (each a ``str``) from view-models, through one
autoescaping jinja2 environment.

Our CSS and JS are inlined so a page works alone from ``file://``; the
Content-Security-Policy allows exactly those two by hash and nothing from
the network.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from explainer import prose, view
from explainer.model import Walkthrough
from explainer.render_text import shell_command
from explainer.resources import templates


@dataclass(frozen=True)
class Assets:
    css: Markup
    js: Markup
    csp: str


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates())),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["code_block"] = code_block
    env.filters["timeline_rows"] = timeline_rows
    env.filters["change_items"] = change_items
    env.filters["step_items"] = step_items
    return env


# markupsafe's entities, so that a block reads as the rest of the page.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#39;", '"': "&#34;"})


def code_block(lines: tuple[view.Line, ...], key: int, label: str) -> Markup:
    """A code block: one span per line (anchored), one per token; tokens
    with a known origin carry data-p, an index into the page's provenance
    table.  Built here rather than by a template loop because a kernel
    header's page holds half a million tokens; every text is escaped."""
    out = [f'<pre class="code" tabindex="0" data-inv="{key}" aria-label="{label.translate(_ESCAPES)}"><code>']
    add = out.append
    for line in lines:
        anchor = line.anchor.translate(_ESCAPES)
        add(f'<span class="line" id="{anchor}"><a class="ln" href="#{anchor}" tabindex="-1"'
            f' aria-hidden="true">{line.number}</a>')
        for seg in line.segments:
            text = seg.text.translate(_ESCAPES)
            if seg.prov is not None:
                add(f'<span class="t {seg.css.translate(_ESCAPES)}" data-p="{seg.prov}">{text}</span>')
            elif seg.css:
                add(f'<span class="{seg.css.translate(_ESCAPES)}">{text}</span>')
            else:
                add(text)
        add("\n</span>")
    add("</code></pre>")
    return Markup("".join(out))


@lru_cache(maxsize=16)
def timeline_rows(rows: tuple[view.Row, ...], event: str, klass: str, nothing: str) -> Markup:
    """The timeline's rows.  Built here, once per header: every page of a
    header shows the same timeline (ext4.h's has 1,400 cells, on each of
    its 131 pages)."""
    kinds = {"event": event.translate(_ESCAPES), "class": klass.translate(_ESCAPES)}
    none = nothing.translate(_ESCAPES)
    out: list[str] = []
    add = out.append
    for row in rows:
        add(f'      <tr><th scope="row"><code>{row.label.translate(_ESCAPES)}</code>'
            f' <span class="kind">{kinds[row.kind]}</span></th>\n')
        for cell in row.cells:
            href = cell.href.translate(_ESCAPES)
            if cell.text:
                add(f'<td><a href="{href}" title="{cell.full.translate(_ESCAPES)}">'
                    f'<code>{cell.text.translate(_ESCAPES)}</code></a></td>')
            else:
                add(f'<td><a class="none" href="{href}">{none}</a></td>')
        add("</tr>\n")
    return Markup("".join(out).removesuffix("\n"))


def change_items(changes: tuple[view.ChangeView, ...]) -> Markup:
    """A pass's list of changes, one item per line.  Built here: pass 1 of
    a kernel header lists thousands, on every page of the header."""
    return Markup("".join(_change_item(c) for c in changes))


@lru_cache(maxsize=65536)
def _change_item(c: view.ChangeView) -> str:
    relevant = ' class="relevant"' if c.relevant else ""
    return (f'<li{relevant}><code>{c.text.translate(_ESCAPES)}</code>'
            f' <span class="where">{c.where.translate(_ESCAPES)}</span></li>\n')


def step_items(steps: tuple[view.StepView, ...], words: dict[str, str]) -> Markup:
    """An invocation's steps, one item each.  Built here: an event's page
    lists thousands (ext4.h's pages, 1,500 to 3,500 each)."""
    became = words["became"].translate(_ESCAPES)
    pre_expanded = words["pre_expanded"].translate(_ESCAPES)
    out: list[str] = []
    add = out.append
    for s in steps:
        add(f'        <li class="step d{s.depth} {s.kind.translate(_ESCAPES)}"><span class="kind">'
            f'{words["kind_" + s.kind].translate(_ESCAPES)}</span>\n')
        if s.kind == "expand":
            add(f'<code class="name">{(s.macro or "").translate(_ESCAPES)}</code>')
            if s.args:
                add('<ol class="stepargs">')
                for written, pre in s.args:
                    add(f"<li><code>{written.translate(_ESCAPES)}</code>")
                    if pre is not None and pre != written:
                        add(f' <span class="pre">{pre_expanded}</span> <code>{pre.translate(_ESCAPES)}</code>')
                    add("</li>")
                add("</ol>")
        elif s.kind == "paste":
            add(f"<code>{s.args[0][0].translate(_ESCAPES)}</code> ## "
                f"<code>{s.args[1][0].translate(_ESCAPES)}</code>\n")
        else:
            add(f"# <code>{s.args[0][0].translate(_ESCAPES)}</code>")
        add(f'        <span class="became">{became}</span> <code class="result">'
            f'{s.result.translate(_ESCAPES)}</code>')
        if s.where:
            add(f' <span class="where">{s.where.translate(_ESCAPES)}</span>')
        add("</li>\n")
    return Markup("".join(out))


@cache
def assets() -> Assets:
    """Our own CSS and JS, trusted: the one place text becomes Markup."""
    folder = templates()
    css = (folder / "pygments.css").read_text("utf-8") + (folder / "explainer.css").read_text("utf-8")
    js = (folder / "explainer.js").read_text("utf-8")
    csp = (
        f"default-src 'none'; style-src {_hash(css)}; script-src {_hash(js)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return Assets(Markup(css), Markup(js), csp)


def render_template(name: str, lang: str = "en", **context: Any) -> str:
    words = {k: str(v) for k, v in prose.load(lang)["html"].items()}
    return environment().get_template(name).render(assets=assets(), words=words, **context)


def render(walkthrough: Walkthrough, lang: str = "en", home: str | None = None,
           steps_elsewhere: bool = False) -> str:
    """The walkthrough page of *walkthrough*; *steps_elsewhere* says that
    the step lists are on the pages of the events (a site's header page)."""
    page = view.page(walkthrough, shell_command(walkthrough.reproduce), lang, home, steps_elsewhere)
    data = {
        "provenance": [list(p) for p in page.provenance],
        "invocations": list(page.invocations),
        "words": {k: page.words[k] for k in ("from_macro", "from_argument", "of")},
    }
    return render_template("walkthrough.html.jinja2", lang, page=page, data=data)
