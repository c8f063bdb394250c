"""A small HTML reader for tests: ids, links, elements."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path


class Page(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.texts: list[str] = []  # the text outside scripts and styles, as read
        self._in_script = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if found.get("id"):
            self.ids.append(str(found["id"]))
        for key in ("href", "src", "xlink:href"):
            if found.get(key):
                self.hrefs.append(str(found[key]))
        if tag in ("script", "style"):
            self._in_script = True
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            if self.tags[-1][0] == "script":
                self.scripts[-1] += data
        else:
            self.texts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.texts)

    def count(self, tag: str) -> int:
        return sum(1 for t, _ in self.tags if t == tag)


def twin_problems(root: Path, folder: str = "zh", codes: tuple[str, str] = ("en", "zh-CN")) -> list[str]:
    """What is wrong with a site of two languages, the first at *root* and
    the other in *folder*: a page in one but not the other, a page not in
    its language, a switcher or hreflang link that is not to its twin."""
    def pages(at: Path, skip: str | None) -> list[str]:
        return sorted(p.relative_to(at).as_posix() for p in at.rglob("*.html")
                      if skip is None or not p.relative_to(at).as_posix().startswith(skip + "/"))

    first, other = pages(root, folder), pages(root / folder, None)
    problems = [f"only in one language: {name}" for name in sorted(set(first) ^ set(other))]
    sides = ((root, codes[0], root / folder, codes[1]), (root / folder, codes[1], root, codes[0]))
    for rel in sorted(set(first) & set(other)):
        for here, code, there, other_code in sides:
            page = Page((here / rel).read_text("utf-8"))
            where = (here / rel).relative_to(root).as_posix()
            if ("html", {"lang": code}) not in page.tags:
                problems.append(f"{where}: not lang={code}")
            switch = [found for tag, found in page.tags if tag == "a" and found.get("hreflang")]
            if [a.get("hreflang") for a in switch] != [other_code] or (
                    (here / rel).parent / str(switch[0]["href"])).resolve() != (there / rel).resolve():
                problems.append(f"{where}: switcher {switch}")
            alternates = {str(found["hreflang"]): ((here / rel).parent / str(found["href"])).resolve()
                          for tag, found in page.tags if tag == "link" and found.get("rel") == "alternate"}
            if alternates != {code: (here / rel).resolve(), other_code: (there / rel).resolve()}:
                problems.append(f"{where}: hreflang links {alternates}")
    return problems
