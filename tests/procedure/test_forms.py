"""The statistical forms' rules (procedure.forms, procedure.categories), without the portal:
each rule refuses a bad value naming its field and rule, and lets good ones through."""

from __future__ import annotations

from datetime import date

import pytest

from procedure.categories import College, cadre_mandates, colleges, mandates_for
from procedure.forms import FormContext, Rule, all_fields, check, form_fields, values

WINDOW = (date(2028, 5, 8), date(2028, 5, 21))
Y = date(2028, 5, 8)
CE = FormContext(body="CE", window=WINDOW, election_day=Y)
CPPT = FormContext(body="CPPT", window=WINDOW, election_day=Y)
REGISTRY = {
    "enterprise_number": "0403170701",
    "enterprise_name": "Dupont Logistique SA",
    "unit_name": "Siège",
}


def basic_raw(**changes: str) -> dict[str, str]:
    raw = {
        "contact__name": "Anne Dupont",
        "contact__email": "anne.dupont@example.be",
        "contact__phone": "+32 4 123 45 67",
        "administrative__enterprise_number": "BE 0403.170.701",
        "administrative__enterprise_name": "Dupont Logistique SA",
        "administrative__unit_name": "Siège de Liège",
        "administrative__joint_committee": "200",
        "headcount__blue_collar": "60",
        "headcount__white_collar": "40",
        "headcount__young": "30",
        "headcount__cadre": "20",
    }
    return {**raw, **changes}


# CE, 60 + 40 + 30 = 130 workers on day X: 6 mandates, plus one cadre seat (20 cadres).
STAFF = {"blue_collar": (60, 3, 58), "white_collar": (40, 2, 40), "young": (30, 1, 30)}


def pre_raw(body: str = "CE", **changes: str) -> dict[str, str]:
    raw = {
        "votes__1__date": "2028-05-08",
        "votes__1__from": "07:00",
        "votes__1__to": "15:00",
        "temporary_workers": "0",
    }
    rows = {**STAFF, "cadre": (20, 1, 20)} if body == "CE" else STAFF
    for category, (staff, mandates, registered) in rows.items():
        raw[f"categories__{category}__staff"] = str(staff)
        raw[f"categories__{category}__mandates"] = str(mandates)
        raw[f"categories__{category}__registered"] = str(registered)
    return {**raw, **changes}


ELECTION = FormContext(
    body="CE",
    window=WINDOW,
    election_day=Y,
    colleges=(College("blue_collar", ("blue_collar",)), College("cadre", ("cadre",))),
    mandates={"blue_collar": 3, "cadre": 1},
    pre_electoral_version=1,
)


def election_raw(**changes: str) -> dict[str, str]:
    raw = {}
    for college, voters, lists in (
        ("blue_collar", (58, 50, 45, 3, 2), {"abvv_fgtb": (4, 30, 2), "acv_csc": (3, 15, 1)}),
        ("cadre", (20, 18, 18, 0, 0), {"nck_cnc": (2, 18, 1)}),
    ):
        for name, number in zip(
            ("registered", "voters", "valid", "blank", "invalid"), voters, strict=True
        ):
            raw[f"colleges__{college}__{name}"] = str(number)
        for field in all_fields("election"):
            parts = field.path
            if parts[1] == college and len(parts) == 5:
                counts = lists.get(parts[3], (0, 0, 0))
                raw[field.name] = str(counts[("candidates", "votes", "seats").index(parts[4])])
    return {**raw, **changes}


def refused(kind, raw, context, **options) -> set[tuple[str, Rule]]:
    checked = check(kind, raw, context, submit=True, today=Y, **options)
    return {(p.field, p.rule) for p in checked.errors}


def test_good_forms_pass_and_keep_their_documented_shape():
    basic = check(
        "basic", basic_raw(), CE.__class__(**{**CE.__dict__, "registry": REGISTRY}), submit=True
    )
    assert basic.problems == ()
    assert basic.data["administrative"]["enterprise_number"] == "0403170701"
    assert basic.data["corrected"] == ["unit_name"]  # "Siège" in the registry
    assert basic.data["headcount"] == {
        "blue_collar": 60,
        "white_collar": 40,
        "young": 30,
        "cadre": 20,
    }

    pre = check("pre_electoral", pre_raw(), CE, submit=True)
    assert pre.problems == ()
    assert pre.data["votes"] == [{"date": "2028-05-08", "from": "07:00", "to": "15:00"}]
    assert pre.data["categories"]["cadre"] == {"staff": 20, "mandates": 1, "registered": 20}

    election = check("election", election_raw(), ELECTION, submit=True, today=Y)
    assert election.problems == ()
    blue = election.data["colleges"]["blue_collar"]
    assert blue["categories"] == ["blue_collar"] and blue["mandates"] == 3
    assert (blue["voters"], blue["valid"], blue["blank"], blue["invalid"]) == (50, 45, 3, 2)
    assert blue["lists"]["abvv_fgtb"] == {"candidates": 4, "votes": 30, "seats": 2}
    assert set(blue["lists"]) == {"abvv_fgtb", "acv_csc", "aclvb_cgslb"}
    assert set(election.data["colleges"]["cadre"]["lists"]) == {
        "abvv_fgtb",
        "acv_csc",
        "aclvb_cgslb",
        "nck_cnc",
        "cadre_group",
    }
    assert election.data["pre_electoral_version"] == 1


def test_values_give_back_what_was_typed():
    for kind, raw, context in (
        ("basic", basic_raw(), CE),
        ("pre_electoral", pre_raw(), CE),
        ("election", election_raw(), ELECTION),
    ):
        data = check(kind, raw, context, submit=False).data
        shown = values(kind, data, context)
        assert {k: v for k, v in shown.items() if v} == {
            k: (v if k != "administrative__enterprise_number" else "0403170701")
            for k, v in raw.items()
        }


@pytest.mark.parametrize(
    ("field", "bad", "rule"),
    [
        ("headcount__young", "-1", Rule.whole_number),
        ("headcount__young", "2.5", Rule.whole_number),
        ("headcount__young", "12345678", Rule.whole_number),
        ("headcount__young", "٣", Rule.whole_number),  # an Arabic-Indic digit
        ("contact__name", "Anne\u202eDupont", Rule.text),
        ("contact__name", "A" * 201, Rule.too_long),
        ("contact__email", "anne.dupont", Rule.email),
        ("contact__email", "anne @example.be", Rule.email),
        ("contact__phone", "04 12", Rule.phone),
        ("contact__phone", "call me", Rule.phone),
        ("administrative__enterprise_number", "0403.170.702", Rule.enterprise_number),
        ("administrative__joint_committee", "CP 200", Rule.joint_committee),
        ("contact__name", "", Rule.required),
    ],
)
def test_a_value_of_the_wrong_form_is_refused_naming_field_and_rule(field, bad, rule):
    assert refused("basic", basic_raw(**{field: bad}), CE) == {(field, rule)}


def test_a_draft_may_be_incomplete_but_not_malformed():
    empty = check("basic", {}, CE, submit=False)
    assert empty.problems == ()
    assert empty.data["contact"] == {"name": None, "email": None, "phone": None}
    malformed = check("basic", {"headcount__young": "many"}, CE, submit=False)
    assert [(p.field, p.rule) for p in malformed.problems] == [
        ("headcount__young", Rule.whole_number)
    ]
    # The message names the field by its catalogue keys.
    assert malformed.problems[0].label == ("category.young", "forms.field.headcount")


def test_cadres_are_counted_for_the_ce_only():
    assert "headcount__cadre" not in {f.name for f in form_fields("basic", CPPT)}
    assert "categories__cadre__mandates" not in {f.name for f in form_fields("pre_electoral", CPPT)}
    assert check("pre_electoral", pre_raw("CPPT"), CPPT, submit=True).problems == ()


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {
                "votes__1__date": "2028-05-22",
                **{
                    "votes__2__date": "2028-05-08",
                    "votes__2__from": "07:00",
                    "votes__2__to": "09:00",
                },
            },
            ("votes__1__date", Rule.vote_outside_window),
        ),
        ({"votes__1__date": "08/05/2028"}, ("votes__1__date", Rule.day)),
        ({"votes__1__to": "25:00"}, ("votes__1__to", Rule.clock)),
        ({"votes__1__to": "06:00"}, ("votes__1__to", Rule.time_order)),
        (
            {"votes__1__date": "2028-05-09"},
            ("votes__1__date", Rule.vote_without_y),
        ),
        (
            {"votes__2__date": "2028-05-09", "votes__2__to": "12:00"},
            ("votes__2__from", Rule.required),
        ),
        (
            {"votes__2__date": "2028-05-08", "votes__2__from": "07:00", "votes__2__to": "12:00"},
            ("votes__2__date", Rule.vote_day_twice),
        ),
        (
            {"categories__white_collar__mandates": "0", "categories__blue_collar__mandates": "5"},
            ("categories__white_collar__mandates", Rule.reserved_mandate),
        ),
        (
            {"categories__young__staff": "24", "categories__blue_collar__staff": "66"},
            ("categories__young__mandates", Rule.mandates_without_college),
        ),
        (
            {"categories__cadre__staff": "14"},
            ("categories__cadre__mandates", Rule.mandates_without_college),
        ),
        (
            {"categories__cadre__mandates": "2"},
            ("categories__cadre__mandates", Rule.cadre_mandates),
        ),
        (
            {"categories__blue_collar__mandates": "4"},
            ("categories__blue_collar__mandates", Rule.mandates_scale),
        ),
        # 130 workers and 400 agency workers on day X: 530, so 8 mandates, not 6.
        ({"temporary_workers": "400"}, ("categories__blue_collar__mandates", Rule.mandates_scale)),
    ],
)
def test_each_pre_electoral_rule_refuses_naming_its_field(changes, problem):
    assert refused("pre_electoral", pre_raw(**changes), CE) == {problem}


def test_a_second_day_of_vote_is_accepted():
    raw = pre_raw(votes__2__date="2028-05-09", votes__2__from="07:00", votes__2__to="12:00")
    checked = check("pre_electoral", raw, CE, submit=True)
    assert checked.problems == ()
    assert [row["date"] for row in checked.data["votes"]] == ["2028-05-08", "2028-05-09"]


@pytest.mark.parametrize(
    ("headcount", "mandates"),
    [(50, 4), (100, 4), (101, 6), (500, 6), (501, 8), (1000, 8), (1001, 10), (2000, 10)],
)
def test_the_mandates_scale_at_its_band_edges(headcount, mandates):
    assert mandates_for(headcount) == mandates
    split = {"blue_collar": mandates - 1, "white_collar": 1}
    raw = pre_raw(
        "CPPT",
        categories__blue_collar__staff=str(headcount - 10),
        categories__white_collar__staff="10",
        categories__young__staff="0",
        categories__young__mandates="0",
        **{f"categories__{c}__mandates": str(n) for c, n in split.items()},
    )
    assert check("pre_electoral", raw, CPPT, submit=True).problems == ()
    raw["categories__blue_collar__mandates"] = str(mandates + 1)
    assert refused("pre_electoral", raw, CPPT) == {
        ("categories__blue_collar__mandates", Rule.mandates_scale)
    }


def test_above_2000_workers_the_unverified_scale_warns_and_refuses_nothing():
    assert mandates_for(2001) is None
    raw = pre_raw("CPPT", categories__blue_collar__staff="2500")
    checked = check("pre_electoral", raw, CPPT, submit=True)
    assert checked.errors == ()
    [warning] = checked.warnings
    assert (warning.field, warning.rule, warning.warning) == (
        "categories__blue_collar__mandates",
        Rule.mandates_scale_unverified,
        True,
    )
    assert warning.params == {"headcount": 2570, "total": 6, "most": 2000}


def test_the_ce_s_cadre_seats_and_the_colleges():
    assert [cadre_mandates("CE", n) for n in (14, 15, 99, 100)] == [0, 1, 1, 2]
    assert cadre_mandates("CPPT", 300) == 0
    keys = lambda body, **staff: [c.key for c in colleges(body, staff)]  # noqa: E731
    assert keys("CE", blue_collar=25, white_collar=25, young=25, cadre=15) == [
        "blue_collar",
        "white_collar",
        "young",
        "cadre",
    ]
    assert keys("CPPT", blue_collar=200, white_collar=24, young=24, cadre=15) == ["joint"]
    assert keys("CPPT", white_collar=80) == ["white_collar"]
    assert colleges("CE", {"blue_collar": 80, "white_collar": 3})[0].categories == (
        "blue_collar",
        "white_collar",
    )


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"colleges__blue_collar__registered": "49"},
            ("colleges__blue_collar__voters", Rule.voters_over_registered),
        ),
        ({"colleges__blue_collar__blank": "4"}, ("colleges__blue_collar__valid", Rule.ballots_sum)),
        (
            {"colleges__blue_collar__lists__acv_csc__seats": "2"},
            ("colleges__blue_collar__lists__abvv_fgtb__seats", Rule.seats_sum),
        ),
        (
            {
                "colleges__cadre__lists__nck_cnc__seats": "0",
                "colleges__cadre__lists__cadre_group__seats": "1",
            },
            ("colleges__cadre__lists__cadre_group__seats", Rule.seats_over_candidates),
        ),
        # 3 effective mandates and their 3 substitutes: at most 6 candidates on a list.
        (
            {"colleges__blue_collar__lists__acv_csc__candidates": "7"},
            ("colleges__blue_collar__lists__acv_csc__candidates", Rule.candidates_over_mandates),
        ),
        ({"colleges__cadre__invalid": "x"}, ("colleges__cadre__invalid", Rule.whole_number)),
    ],
)
def test_each_election_rule_refuses_naming_its_field(changes, problem):
    assert refused("election", election_raw(**changes), ELECTION) == {problem}


def test_the_election_form_needs_the_pre_electoral_form_and_day_y():
    no_colleges = FormContext(body="CE", window=WINDOW, election_day=Y)
    assert form_fields("election", no_colleges) == ()
    assert refused("election", {}, no_colleges) == {("actions", Rule.needs_pre_electoral)}
    early = check("election", election_raw(), ELECTION, submit=True, today=date(2028, 5, 7))
    assert [(p.field, p.rule) for p in early.errors] == [("actions", Rule.before_election_day)]


def test_a_correction_needs_a_reason():
    assert refused("basic", basic_raw(), CE, correcting=True) == {("reason", Rule.reason_required)}
    assert refused("basic", basic_raw(), CE, correcting=True, reason="Wrong phone") == set()
    assert refused("basic", basic_raw(), CE, correcting=True, reason="x" * 501) == {
        ("reason", Rule.too_long)
    }
