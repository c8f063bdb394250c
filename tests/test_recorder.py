"""The recorder's model of the sample header: stages, include sites,
changes and invocations."""

from __future__ import annotations

from functools import cache

from explainer.cpp.macros import MacroDef
from explainer.cpp.recorder import Recorder
from explainer.cpp.recording import Recording
from explainer.kernel.translation_unit import setup

from conftest import REPO, SAMPLE

STAGES = [
    "declare", "define", "stage1_struct_define", "stage2_data_offsets", "stage3_trace_output",
    "stage4_event_fields", "stage5_get_offsets", "stage6_event_callback",
    "stage7_class_define", "perf", "bpf",
]


@cache
def sample() -> Recording:
    return Recorder(setup(str(SAMPLE.relative_to(REPO)), [], [], REPO)).run()


def test_stage_ids_follow_the_including_file_and_order() -> None:
    assert [p.stage for p in sample().passes] == STAGES
    assert [p.index for p in sample().passes] == list(range(1, 12))


def test_include_sites_name_the_reincluding_line() -> None:
    passes = sample().passes
    assert passes[0].included_from.file == "<stdin>"
    assert passes[1].included_from.file == "include/trace/define_trace.h"
    assert {p.included_from.file for p in passes[2:9]} == {"include/trace/trace_events.h"}
    assert passes[9].included_from.file == "include/trace/perf.h"
    assert passes[10].included_from.file == "include/trace/bpf_probe.h"
    lines = [p.included_from.line for p in passes[2:9]]
    assert lines == sorted(lines) and len(set(lines)) == 7
    # The chain goes from the innermost include out to the translation unit.
    chain = passes[5].chain
    assert [s.file for s in chain] == [
        "include/trace/trace_events.h", "include/trace/define_trace.h",
        "include/trace/events/sample.h", "<stdin>",
    ]


def test_changes_are_what_was_defined_since_the_previous_pass() -> None:
    passes = sample().passes
    first = {c.name for c in passes[0].changes}
    assert "CREATE_TRACE_POINTS" in first and "TRACE_EVENT" not in first
    second = [c for c in passes[1].changes if c.name == "TRACE_EVENT"]
    # Pass 2 follows linux/tracepoint.h's definition and define_trace.h's redefinition.
    assert [(c.kind, c.file) for c in second] == [
        ("define", "include/linux/tracepoint.h"),
        ("undef", "include/trace/define_trace.h"),
        ("define", "include/trace/define_trace.h"),
    ]
    stage1 = {c.name: c for c in passes[2].changes if c.kind == "define"}
    field = stage1["__field"]
    assert (field.params, field.body) == ("type, item", "type item;")
    assert field.file == "include/trace/stages/stage1_struct_define.h"
    assert stage1["TP_STRUCT__entry"].params == "args..."
    # Every #undef is recorded, even of a name that was not defined.
    undefs = [(c.name, c.file) for c in passes[10].changes if c.kind == "undef"]
    assert ("TRACE_SYSTEM_VAR", "include/trace/bpf_probe.h") in undefs


def test_invocations_are_the_headers_top_level_macros() -> None:
    for p in sample().passes:
        macros = [i.macro for i in p.invocations]
        assert macros == [
            "TRACE_DEFINE_ENUM", "TRACE_DEFINE_ENUM", "TRACE_DEFINE_ENUM", "TRACE_EVENT",
            "DECLARE_EVENT_CLASS", "DEFINE_EVENT", "DEFINE_EVENT", "DEFINE_EVENT_PRINT",
            "TRACE_EVENT_CONDITION", "TRACE_EVENT_FN",
        ], p.stage
    work = sample().passes[2].invocations[3]
    assert work.args[0] == "sample_work"
    assert work.args[1].startswith("TP_PROTO(const char *name")
    assert {"DECLARE_EVENT_CLASS", "DEFINE_EVENT", "__field", "__string"} <= work.used
    assert 0 <= work.start < work.end


def test_an_invocation_can_make_nothing() -> None:
    # In pass 2, DECLARE_EVENT_CLASS is defined as nothing.
    klass = sample().passes[1].invocations[4]
    assert klass.macro == "DECLARE_EVENT_CLASS"
    emitted = sample().passes[1].emitted[klass.start : klass.end]
    assert not [e for e in emitted if e.tok.type != "PAD"]


def test_files_read_again_reuse_their_macros_with_the_same_result() -> None:
    """A #define is read once per file (and name it is read as): recorders
    sharing their files, as a site's headers do, record what fresh ones
    record, also after an expansion was cut short with a macro disabled."""
    from explainer.cpp import scan
    from explainer.render import to_json
    from explainer.walkthrough import assemble

    def json_of(recording: Recording) -> str:
        return to_json.render(assemble.build(recording, "all"))

    tu = setup(str(SAMPLE.relative_to(REPO)), [], [], REPO)
    files = scan.FileCache()
    first = Recorder(tu, files=files).run()
    read = [item.defined[1] for _, items in files._scans.values() for item in items
            if isinstance(item, scan.Directive) and item.defined is not None]
    assert len(read) > 100
    for macro in read:
        assert isinstance(macro, MacroDef)
        macro.disabled = True  # as an expansion stopped by an error leaves it
    again = Recorder(tu, files=files).run()
    assert json_of(again) == json_of(first) == json_of(sample())
