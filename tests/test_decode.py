"""explain decode: print fmt tables walked as the kernel walks them, on
the bundled sample and on Debian's 6.1 tables, both ways."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from explainer.userspace import decode

from conftest import SAMPLE, explain_in, requires_gcc

pytestmark = requires_gcc


def test_flags_walk_is_the_kernels() -> None:
    rows = [("A", 0x1), ("AB", 0x3), ("B", 0x2), ("C", 0x4)]
    # rows in order, each taken only when all its bits are left
    assert decode.flags(0x3, rows, "|")[2] == "A|B"
    assert decode.flags(0x13, rows, "|")[1:] == (0x10, "A|B|0x10")
    # nothing matched: the leftover alone, no delimiter before it
    assert decode.flags(0x10, rows, "|")[2] == "0x10"
    assert decode.flags(0, rows, "|")[2] == ""
    assert decode.symbols(2, [("x", 1), ("y", 2)])[2] == "y"
    assert decode.symbols(7, [("x", 1)])[1:] == (7, "0x7")


def test_sample_flags_bit_by_bit(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = explain_in(capsys, SAMPLE.parent, "decode", "sample_work", "flags=0x15", "id=-3", "name=hi")
    assert status == 0, err
    text = " ".join(out.split())
    assert "the kernel prints: name=hi id=-3 flags=READ|URGENT|0x10 pos=?,?" in text
    assert "0x15 = READ (0x1) | URGENT (0x4) | leftover 0x10" in text


def test_sample_symbol_after_the_enum_rewrite(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = explain_in(capsys, SAMPLE.parent, "decode", "sample_mode_stuck", "mode=2", "cpu=1")
    assert status == 0
    assert "the kernel prints: cpu 1 stuck in sleep" in out
    status, out, _ = explain_in(capsys, SAMPLE.parent, "decode", "sample_mode_enter", "mode=9")
    assert "mode=0x9" in out  # no row: printed as the kernel prints it


def test_inverse_gives_the_value(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = explain_in(capsys, SAMPLE.parent, "decode", "sample_work", "flags=READ|WRITE", "--format", "json")
    assert status == 0
    data = json.loads(out)
    assert data["values"] == [{"field": "flags", "given": "READ|WRITE", "value": 3}]
    assert data["named"] == [{"field": "flags", "name": "READ", "value": 1},
                             {"field": "flags", "name": "WRITE", "value": 2}]


@pytest.mark.parametrize("argv, says", [
    (["decode", "nope", "x=1"], "nope: include/trace/events/sample.h makes no trace event"),
    (["decode", "sample_work", "nofield=1"], "nofield: sample_work has no such field; its fields: name, id"),
    (["decode", "sample_work", "flags=BLUE"], "flags=BLUE: not a number (0x104050, 42, -1) nor a name"),
    (["decode", "sample_work", "flags=0x1z"], "flags=0x1z: not a number"),
    (["decode", "sample_work", "flags"], "give FIELD=VALUE pairs"),
])
def test_bad_input_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str],
                               says: str) -> None:
    status, out, err = explain_in(capsys, tmp_path, *argv)
    assert status == 2 and out == ""
    assert says in err and len(err.strip().splitlines()) == 1


def test_gfp_flags_of_61(debian_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the value a widely read course decoded as four flags that add up to 0x100450
    status, out, err = explain_in(capsys, Path.cwd(), "decode", "mm_page_alloc", "gfp_flags=0x104050",
                                  "--kernel", str(debian_tree))
    assert status == 0, err
    text = " ".join(out.split())
    assert ("0x104050 = __GFP_IO (0x40) | __GFP_RETRY_MAYFAIL (0x4000) | __GFP_HARDWALL (0x100000)"
            " | __GFP_RECLAIMABLE (0x10)") in text
    assert "gfp_flags=__GFP_IO|__GFP_RETRY_MAYFAIL|__GFP_HARDWALL|__GFP_RECLAIMABLE" in text


def test_gfp_leftover_and_inverse_of_61(debian_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = explain_in(capsys, Path.cwd(), "decode", "mm_page_alloc", "gfp_flags=0x1000040",
                                "--kernel", str(debian_tree))
    assert status == 0
    assert "0x1000040 = __GFP_IO (0x40) | leftover 0x1000000" in " ".join(out.split())
    status, out, _ = explain_in(capsys, Path.cwd(), "decode", "mm_page_alloc", "gfp_flags=GFP_KERNEL",
                                "--kernel", str(debian_tree), "--format", "json")
    data = json.loads(out)
    assert data["values"][0]["value"] == 0xCC0  # __GFP_RECLAIM | __GFP_IO | __GFP_FS on 6.1
    assert data["line"].endswith("gfp_flags=GFP_KERNEL")


def test_prev_state_of_61(debian_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = explain_in(capsys, Path.cwd(), "decode", "sched_switch", "prev_state=0x102",
                                "--kernel", str(debian_tree))
    assert status == 0
    assert "prev_state=D+ ==>" in out
    status, out, _ = explain_in(capsys, Path.cwd(), "decode", "sched_switch", "prev_state=0",
                                "--kernel", str(debian_tree))
    assert "prev_state=R ==>" in out


def test_focused_mode_says_decode_needs_a_tree(debian_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = explain_in(capsys, Path.cwd(), "decode", "sched_switch", "prev_state=1",
                                  "--kernel", str(debian_tree), "--mode", "focused")
    assert status == 2 and out == "" and "needs gcc's numbers, which focused mode cannot compute" in err
