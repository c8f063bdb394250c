"""Integer constants computed by gcc, never by us: the translation unit
compiled to assembly (``gcc -S``, as kbuild compiles) with a function
added after it whose ``asm`` statements carry each constant as an
``"i"`` operand, so that gcc writes its value into the assembly without
anything being run: kbuild's asm-offsets (include/linux/kbuild.h's
``DEFINE()``) does the same for ``offsetof`` and ``sizeof``."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

from explainer import prose
from explainer.errors import ExplainError
from explainer.kernel import oracle
from explainer.kernel.translation_unit import TranslationUnit
from explainer.userspace import answers

_MARK = "explainer_constant"
_VALUE = re.compile(rf'"->{_MARK} (\d+) \$?(-?\d+)(?: \$?(-?\d+))?"')
_ERROR = re.compile(r"^(.+?):(\d+):\d+: error: (.*)$", re.MULTILINE)


def unit(expressions: Mapping[str, str], loose: bool = False) -> tuple[str, list[str]]:
    """The added function, as file <explainer> (the constant of key
    keys[n] on its line FIRST_LINE + n), and the keys in that order.
    *loose*: an expression gcc cannot fold to a constant gives no value
    (its line says so with an operand of its own) rather than an error."""
    keys = sorted(expressions)
    lines = ['# 1 "<explainer>"', "void __explainer_constants(void);", "void __explainer_constants(void)", "{"]
    for n, key in enumerate(keys):
        e = expressions[key]
        if loose:
            known = f"__builtin_constant_p({e})"
            lines.append(f'\tasm volatile("\\n.ascii \\"->{_MARK} {n} %0 %1\\"" : : "i" ({known}),'
                         f' "i" (__builtin_choose_expr({known}, (long long)({e}), 0LL)));')
            continue
        lines.append(f'\tasm volatile("\\n.ascii \\"->{_MARK} {n} %0\\"" : : "i" ({e}));')
    lines.append("}")
    return "\n".join(lines) + "\n", keys


FIRST_LINE = 4


def _run(tu: TranslationUnit, argv: list[str] | tuple[str, ...], source: str) -> subprocess.CompletedProcess[str]:
    try:
        return oracle.run(tu, argv, source)
    except OSError as exc:
        raise ExplainError(prose.error("numbers_not_run", reason=exc)) from None


def _compile(tu: TranslationUnit, how: Sequence[str], source: str) -> subprocess.CompletedProcess[str]:
    """gcc *how* on preprocessed *source*, with the flags the kernel is
    compiled with, warnings off (the numbers are the point)."""
    return _run(tu, ["gcc", *how, "-w", *tu.compiler_flags, *tu.cflags, "-x", "cpp-output", "-"], source)


def compute(tu: TranslationUnit, expressions: Mapping[str, str], through: int,
            loose: bool = False, prelude: str = "") -> dict[str, int]:
    """The value of each of *expressions* (C integer constant expressions,
    macros expanded, in the scope of the translation unit's code up to
    the end of the header's pass *through*), by key, as gcc computes them
    with the flags the kernel is compiled with.  Only the code up to that
    pass is compiled: the functions later passes make may use what a tree
    of headers alone lacks (kmem.h's stage 6 reads a struct kmem_cache
    that mm/slab.h defines), and the numbers need only the declarations.
    *loose*: leave out the expressions gcc cannot fold (see unit());
    *prelude*: declarations put before the unit's code."""
    if not expressions:
        return {}
    added, keys = unit(expressions, loose)
    # The first error is the one said (_failure); gcc stops there: after it,
    # a kernel unit that does not compile (ext4.h without its .c file's
    # headers) went on for 3 s of errors that follow from it.
    proc = _compile_code(tu, ("-S", "-O2", "-fmax-errors=1", "-o", "-"), through, prelude, added, _marked)
    if proc.returncode != 0:
        raise _failure(tu, proc.stderr, keys, expressions)
    found: dict[str, int] = {}
    for m in _VALUE.finditer(proc.stdout):
        if not loose:
            found[keys[int(m.group(1))]] = int(m.group(2))
        elif m.group(2) == "1" and m.group(3) is not None:  # gcc folded it to a constant
            found[keys[int(m.group(1))]] = int(m.group(3))
    missing = [k for k in keys if k not in found]
    if missing and not loose:
        raise ExplainError(prose.error("numbers_missing", name=missing[0]))
    return found


def _compile_code(tu: TranslationUnit, how: Sequence[str], through: int, before: str, after: str,
                  trim: Callable[[str], str] = lambda out: out) -> subprocess.CompletedProcess[str]:
    """gcc *how* on the unit's code up to the end of pass *through*, with
    *before* and *after* it: gcc's answer of an earlier run if it is sure
    to be the same (answers.py)."""
    return answers.ask(tu, how, through, before, after,
                       lambda: _compile(tu, how, before + _code(tu, through) + after), trim)


def _marked(assembly: str) -> str:
    """The lines of gcc's assembly that carry our constants: all that is
    read of it, and all that is kept."""
    return "\n".join(line for line in assembly.splitlines() if _MARK in line)


@lru_cache(maxsize=4)
def _code(tu: TranslationUnit, through: int) -> str:
    """The translation unit's code up to the end of pass *through*,
    preprocessed by gcc (kept: a page asks for its fields, then its tables)."""
    preprocessed = _run(tu, tu.gcc_argv(), tu.text)
    if preprocessed.returncode != 0:
        raise oracle.failed(preprocessed)
    return up_to(preprocessed.stdout, tu, through)


def up_to(output: str, tu: TranslationUnit, through: int) -> str:
    """gcc -E's *output* up to the end of the header's pass *through* (1-based)."""
    kept: list[str] = []
    for line, index, _ in oracle.walk(output, tu.cwd, tu.header_abspath):
        if index is not None and index >= through:
            break
        kept.append(line)
    return "\n".join(kept) + "\n"


def _failure(tu: TranslationUnit, stderr: str, keys: list[str], expressions: Mapping[str, str]) -> ExplainError:
    """gcc's error, naming the constant it is about when it is one of ours."""
    m = _ERROR.search(stderr)
    if m is None:
        lines = stderr.strip().splitlines()
        message = lines[-1] if lines else "-"
        return ExplainError(prose.error("numbers_failed", message=message), quoted=message)
    file, line, message = m.group(1), int(m.group(2)), m.group(3)
    if file == "<explainer>" and FIRST_LINE <= line < FIRST_LINE + len(keys):
        key = keys[line - FIRST_LINE]
        return ExplainError(prose.error("number_failed", name=key, expression=expressions[key], message=message),
                            quoted=message)
    why = prose.say("format", "does_not_compile", where=f"{tu.shown(file)}:{line}", message=message)
    if tu.creator is None:
        why += prose.say("format", "does_not_compile_own", header=tu.shown(tu.header))
    elif tu.creator_left_out:
        why += prose.say("format", "does_not_compile_left_out",
                         creator=tu.creator, files=", ".join(f'"{x}"' for x in tu.creator_left_out))
    return ExplainError(why, quoted=message)


_UNDECLARED_LINE = re.compile(r"^<explainer>:(\d+):\d+: error: ", re.MULTILINE)


def undeclared(tu: TranslationUnit, names: Sequence[str], through: int, prelude: str = "") -> list[str]:
    """Those of *names* that gcc finds neither declared nor defined in the
    code up to the end of pass *through* (each asked on a line of its own,
    ``sizeof(name)``: gcc reports every line it cannot read)."""
    if not names:
        return []
    lines = ['# 1 "<explainer>"', *(f"enum {{ __explainer_name_{n} = sizeof({name}) }};"
                                    for n, name in enumerate(names))]
    proc = _compile_code(tu, ("-fsyntax-only", "-fmax-errors=0"), through, prelude, "\n".join(lines) + "\n")
    failed = {int(m.group(1)) - 1 for m in _UNDECLARED_LINE.finditer(proc.stderr)}
    return [name for n, name in enumerate(names) if n in failed]


def forward_declarations(tags: Sequence[str]) -> str:
    """``struct tag;`` for each of *tags*, as file <explainer-forward>."""
    return "".join(['# 1 "<explainer-forward>"\n', *(f"struct {t};\n" for t in tags)])
