"""The package reads as the pipeline: each folder is a stage, and every
import runs from a later stage to an earlier one, never back, with no
circle anywhere (imports inside functions and under TYPE_CHECKING
count too)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "explainer"

# Earlier stages first.  A module may import its own stage and earlier ones.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("explainer", "explainer.errors", "explainer.resources", "explainer.gcpause", "explainer.allocator",
              "explainer.lastmade", "explainer.prose", "explainer.textwidth")),
    ("kernel", ("explainer.kernel",)),
    ("model", ("explainer.model",)),
    ("cpp", ("explainer.cpp",)),
    ("walkthrough", ("explainer.walkthrough",)),
    ("userspace", ("explainer.userspace",)),
    ("render", ("explainer.render",)),
    ("commands", ("explainer.cli", "explainer.site", "explainer.check", "explainer.follow", "explainer.tracefs",
                  "explainer.diff", "explainer.site_kernels", "explainer.parser", "explainer.slides",
                  "explainer.handout", "explainer.record", "explainer.exercise",
                  "explainer.output",
                  "explainer.__main__")),
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def stage(module: str) -> int:
    best = None
    for rank, (_, prefixes) in enumerate(STAGES):
        for prefix in prefixes:
            if module == prefix or (prefix != "explainer" and module.startswith(prefix + ".")):
                best = rank
    assert best is not None, f"{module} belongs to no stage: add it to STAGES"
    return best


def imports(source: str) -> set[str]:
    """The explainer modules a module's *source* imports, wherever the
    import is (the project writes absolute imports only)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"relative import of {node.module}"
            base = node.module or ""
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in found if m in MODULES}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle a depth-first walk of *graph* closes, each as
    the modules on it, the first repeated at the end."""
    state: dict[str, int] = {}  # 1: on the walk's path, 2: done
    found: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        path = [*path, module]
        for dep in sorted(graph.get(module, ())):
            if state.get(dep) == 1:
                found.append([*path[path.index(dep):], dep])
            elif dep not in state:
                visit(dep, path)
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
    return found


GRAPH = {m: imports(p.read_text()) - {m} for m, p in MODULES.items()}


def test_every_module_has_a_stage() -> None:
    for module in MODULES:
        stage(module)


def test_imports_run_from_later_stages_to_earlier_ones() -> None:
    wrong = [f"{m} ({STAGES[stage(m)][0]}) imports {d} ({STAGES[stage(d)][0]})"
             for m, deps in GRAPH.items() for d in sorted(deps) if stage(d) > stage(m)]
    assert wrong == []


def test_no_import_circle() -> None:
    assert circles(GRAPH) == []


def test_the_checks_find_a_circle_through_an_import_inside_a_function() -> None:
    """macros.py and scan.py once imported each other, scan at the top and
    macros inside a function: the checks above would have said so."""
    macros = "import re\n\ndef read():\n    from explainer.cpp.scan import lex\n"
    scan = "from explainer.cpp.macros import Tok\n"
    graph = {"explainer.cpp.macros": imports(macros), "explainer.cpp.scan": imports(scan)}
    assert graph == {"explainer.cpp.macros": {"explainer.cpp.scan"},
                     "explainer.cpp.scan": {"explainer.cpp.macros"}}
    assert circles(graph) == [["explainer.cpp.macros", "explainer.cpp.scan", "explainer.cpp.macros"]]
    assert circles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_each_folder_says_what_its_stage_takes_and_gives() -> None:
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text()))
        assert doc is not None and "Takes" in doc and "gives" in doc, init
