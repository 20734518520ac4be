"""The step catalogue: coverage of docs/procedure.md#timeline, kinds, phases, reminders, look-up."""

import pytest

from procedure import PHASE_FIRST_DAY, STEPS, Phase, Step, StepKind, phase_of, step

REQUIRED_CODES = [
    "X-60",
    "X-35",
    "X-30",
    "X-28",
    "X-5",
    "X",
    "X+7",
    "X+8",
    "X+14",
    "X+21",
    "X+22",
    "X+28",
    "X+35",
    "X+36",
    "X+39",
    "X+40",
    "X+47",
    "X+48",
    "X+52",
    "X+54",
    "X+56",
    "X+60",
    "X+61",
    "X+70",
    "X+76",
    "X+77",
    "X+80",
    "Y-1",
    "Y",
    "Y+1",
    "Y+2",
    "Y+15",
    "Y+25",
    "Y+45",
    "Y+69",
    "Y+84",
    "Y+86",
]

REMINDER_CODES = {
    "X-60",
    "X-35",
    "X",
    "X+14",
    "X+35",
    "X+40",
    "X+48",
    "X+56",
    "X+77",
    "X+80",
    "Y",
    "Y+2",
    "Y+45",
}


def test_catalogue_covers_every_required_step():
    codes = [s.code for s in STEPS]
    assert set(REQUIRED_CODES) <= set(codes)
    assert len(codes) == len(set(codes))


def test_unverified_x_plus_68_is_left_out_with_its_reason():
    assert "X+68" not in {s.code for s in STEPS}
    with pytest.raises(KeyError, match="UNVERIFIED"):
        step("X+68")


def test_catalogue_is_ordered_by_days_from_x():
    offsets = [s.offset_from_x for s in STEPS]
    assert offsets == sorted(offsets)
    assert len(set(offsets)) == len(offsets)


def test_codes_are_ascii_and_match_anchor_and_offset():
    for s in STEPS:
        assert s.code.isascii()
        expected = s.anchor if s.offset == 0 else f"{s.anchor}{s.offset:+d}"
        assert s.code == expected


def test_y_steps_are_counted_90_days_after_x():
    assert step("Y").offset_from_x == 90
    assert step("Y-1").anchor == "Y" and step("Y-1").offset == -1
    assert step("Y-1").offset_from_x == 89
    assert step("Y+2").offset_from_x == 92
    # X+80 is "10 days before Y" in the sources
    assert step("X+80").offset_from_x == step("Y").offset_from_x - 10


def test_reminders_are_exactly_the_listed_steps():
    assert {s.code for s in STEPS if s.reminder} == REMINDER_CODES


def test_kinds_of_the_anchor_and_legal_effect_days():
    for code in ("X", "Y", "X-30", "X+8", "X+22"):
        assert step(code).kind is StepKind.fixed_day, code
    stop = step("X+36")
    assert stop.kind is StepKind.period
    assert stop.period_end == 79
    assert stop.period_end_from_x == 79
    assert [s.code for s in STEPS if s.kind is StepKind.period] == ["X+36"]
    assert [s.code for s in STEPS if s.period_end is not None] == ["X+36"]


def test_employer_and_union_last_days_are_deadlines():
    for code in (
        "X-60",
        "X-35",
        "X+7",
        "X+14",
        "X+35",
        "X+40",
        "X+47",
        "X+48",
        "X+56",
        "X+70",
        "X+76",
        "X+77",
        "X+80",
        "Y+2",
        "Y+15",
        "Y+45",
    ):
        assert step(code).kind is StepKind.deadline, code


def test_every_step_sits_in_the_phase_of_its_day():
    for s in STEPS:
        assert s.phase is phase_of(s.offset_from_x), s.code


@pytest.mark.parametrize(
    ("offset_from_x", "phase"),
    [
        (-200, Phase.preparation),
        (-61, Phase.preparation),
        (-60, Phase.pre_procedure),
        (-1, Phase.pre_procedure),
        (0, Phase.announcement),
        (28, Phase.announcement),
        (29, Phase.candidacy),
        (77, Phase.candidacy),
        (78, Phase.vote),
        (90, Phase.vote),
        (91, Phase.post_electoral),
        (500, Phase.post_electoral),
    ],
)
def test_phase_boundaries_follow_section_1_2(offset_from_x, phase):
    assert phase_of(offset_from_x) is phase


def test_phase_table_lists_all_six_phases_in_order():
    assert list(PHASE_FIRST_DAY) == list(Phase)
    assert len(Phase) == 6


def test_steps_named_in_section_1_2_land_in_their_phase():
    assert {step(c).phase for c in ("X-60", "X-35", "X-28", "X-5")} == {Phase.pre_procedure}
    assert {step(c).phase for c in ("X", "X+7", "X+14", "X+21", "X+28")} == {Phase.announcement}
    assert {step(c).phase for c in ("X+35", "X+36", "X+40", "X+70", "X+76", "X+77")} == {
        Phase.candidacy
    }
    assert {step(c).phase for c in ("X+80", "Y")} == {Phase.vote}
    assert {step(c).phase for c in ("Y+2", "Y+15", "Y+45", "Y+69", "Y+84")} == {
        Phase.post_electoral
    }


def test_every_step_cites_urls():
    for s in STEPS:
        parts = s.source.split(" ; ")
        assert parts and all(p.startswith(("http://", "https://")) for p in parts), s.code
        assert s.actor and s.title


def test_documents_and_web_app_of_section_1_1():
    assert step("X-60").documents == ("X-60 notice", "basic statistical form")
    assert "X-35 notice" in step("X-35").documents
    assert "X notice" in step("X").documents
    assert set(step("X+36").documents) == {"complete stop notice", "partial stop PV"}
    assert "election PV" in step("Y").documents
    # docs/procedure.md#the-fps-web-application: uploads at, X, the stop
    # (X+35..X+79) and Y
    for code in ("X-60", "X-35", "X", "X+36", "Y"):
        assert step(code).web_app, code


def test_lookup_accepts_the_reference_spelling():
    assert step("X\u221260") is step("X-60")
    assert step(" x+36 ") is step("X+36")
    assert step("Y\u22121") is step("Y-1")


def test_unknown_code_names_the_code_and_the_known_ones():
    with pytest.raises(KeyError, match="unknown step code 'X\\+99'.*X-60"):
        step("X+99")
    with pytest.raises(KeyError, match="unknown step code"):
        step("Z")


def test_step_refuses_inconsistent_records():
    base = step("X+7")
    with pytest.raises(ValueError, match="does not match"):
        Step(**{**base.__dict__, "offset": 8})
    with pytest.raises(ValueError, match="period_end"):
        Step(**{**base.__dict__, "period_end": 9})
    with pytest.raises(ValueError, match="not of the form"):
        Step(**{**base.__dict__, "code": "X 7"})
