"""Integer constants computed by gcc, never by us: the translation unit
compiled to assembly (``gcc -S``, as kbuild compiles) with a function
added after it whose ``asm`` statements carry each constant as an
``"i"`` operand, so that gcc writes its value into the assembly without
anything being run: kbuild's asm-offsets (include/linux/kbuild.h's
``DEFINE()``) does the same for ``offsetof`` and ``sizeof``."""

from __future__ import annotations

import re
from collections.abc import Mapping

from explainer import prose
from explainer.errors import ExplainError
from explainer.kernel import oracle
from explainer.kernel.translation_unit import TranslationUnit

_MARK = "explainer_constant"
_VALUE = re.compile(rf'"->{_MARK} (\d+) \$?(-?\d+)"')
_ERROR = re.compile(r"^(.+?):(\d+):\d+: error: (.*)$", re.MULTILINE)


def unit(expressions: Mapping[str, str], after: str) -> tuple[str, list[str], int]:
    """The translation unit's text *after* and the added function: the
    source, the keys in the order emitted, and the line the first
    constant is on."""
    keys = sorted(expressions)
    lines = [after.rstrip("\n"), "void __explainer_constants(void);",
             "void __explainer_constants(void)", "{"]
    first = len(lines) + 1
    for n, key in enumerate(keys):
        lines.append(f'\tasm volatile("\\n.ascii \\"->{_MARK} {n} %0\\"" : : "i" ({expressions[key]}));')
    lines.append("}")
    return "\n".join(lines) + "\n", keys, first


def compute(tu: TranslationUnit, expressions: Mapping[str, str]) -> dict[str, int]:
    """The value of each of *expressions* (C integer constant expressions
    in the translation unit's scope), by key, as gcc computes them with
    the flags the kernel is compiled with."""
    if not expressions:
        return {}
    source, keys, first = unit(expressions, tu.text)
    argv = list(tu.gcc_argv())
    argv[1:2] = ["-S", "-O2", "-w", *tu.cflags, "-o", "-"]
    try:
        proc = oracle.run(tu, argv, source)
    except OSError as exc:
        raise ExplainError(f"computing the format's numbers: running gcc failed: {exc}") from None
    if proc.returncode != 0:
        raise _failure(tu, proc.stderr, keys, expressions, first)
    found: dict[str, int] = {}
    for m in _VALUE.finditer(proc.stdout):
        found[keys[int(m.group(1))]] = int(m.group(2))
    missing = [k for k in keys if k not in found]
    if missing:
        raise ExplainError(f"computing the format's numbers: gcc gave no value for {missing[0]}")
    return found


def _failure(tu: TranslationUnit, stderr: str, keys: list[str], expressions: Mapping[str, str], first: int) -> ExplainError:
    """gcc's error, naming the constant it is about when it is one of ours."""
    m = _ERROR.search(stderr)
    if m is None:
        lines = stderr.strip().splitlines()
        return ExplainError("computing the format's numbers: gcc failed: " + (lines[-1] if lines else "no message"))
    file, line, message = m.group(1), int(m.group(2)), m.group(3)
    if file == "<stdin>" and first <= line < first + len(keys):
        key = keys[line - first]
        return ExplainError(f"computing {key} ({expressions[key]}): gcc: {message}")
    return ExplainError(prose.load()["format"]["does_not_compile"].format(
        header=tu.shown(tu.header), where=f"{tu.shown(file)}:{line}", message=message))
