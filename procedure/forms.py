"""The three statistical forms of a dossier: their fields, their data and their rules (pure).

The FPS's web application asks each dossier for three forms
(docs/procedure.md#statistical-forms): the **basic** form by X−60, the **pre-electoral** form
by X and the **election** form by Y. This module says which fields each form has for a dossier
(:func:`form_fields`), reads what an officer typed into the data a
:class:`models.evidence.StatisticalForm` row keeps (:func:`check`), turns that data back into
the form's values (:func:`values`), and applies every rule, naming the field and the rule of
each problem (:class:`Problem`). It does no I/O: the portal gives it the typed values and what
it knows of the dossier (:class:`FormContext`), and stores the data only when no rule refuses.

A **draft** is checked for form only (a count is a whole number, an e-mail address looks like
one): anything may still be missing. A **submission** must be complete and keep every rule.

The data of each form (``StatisticalForm.data``, format 1) — counts are ints, missing values
of a draft are ``None``:

- basic::

    {"format": 1,
     "contact": {"name": str, "email": str, "phone": str},
     "administrative": {"enterprise_number": "0403170701", "enterprise_name": str,
                        "unit_name": str, "joint_committee": "200"},
     "corrected": ["unit_name", ...],      # administrative fields that differ from the registry
     "headcount": {"blue_collar": int, "white_collar": int, "young": int, "cadre": int}}

- pre_electoral::

    {"format": 1,
     "votes": [{"date": "2028-05-08", "from": "07:00", "to": "15:00"}, ...],  # one per day
     "temporary_workers": int,             # agency workers on day X (count for the total only)
     "categories": {"blue_collar": {"staff": int, "mandates": int, "registered": int}, ...}}

- election (one body: the dossier's), what the national results add up::

    {"format": 1,
     "pre_electoral_version": int,         # the submitted pre-electoral form it rests on
     "colleges": {
        "blue_collar": {                   # a college: blue_collar, white_collar, joint,
                                           # young or cadre (procedure.categories.colleges)
            "categories": ["blue_collar"],  # who votes in it
            "mandates": int,               # from the pre-electoral form
            "registered": int, "voters": int, "valid": int, "blank": int, "invalid": int,
            "lists": {"abvv_fgtb": {"candidates": int, "votes": int, "seats": int},
                      "acv_csc": {...}, "aclvb_cgslb": {...}}},   # cadre college: also
        ...}}                                                      # nck_cnc, cadre_group

Cadres are counted among the white-collar workers, as in the registry (README.md, "The
registry file"); the CE's cadre seats come on top of the scale (docs/procedure.md#mandates).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from typing import Any

from stdnum import exceptions as stdnum_errors
from stdnum.be import vat

from procedure.categories import (
    CADRE_LISTS_FROM,
    COLLEGE_KEYS,
    SCALE_VERIFIED_UP_TO,
    YOUTH_MANDATE_FROM,
    College,
    cadre_mandates,
    categories_of,
    mandates_for,
)

__all__ = [
    "FORMAT",
    "KINDS",
    "ORGANISATIONS",
    "Checked",
    "FormContext",
    "FormField",
    "Problem",
    "Rule",
    "all_fields",
    "check",
    "form_fields",
    "organisations_of",
    "values",
]

FORMAT = 1
KINDS = ("basic", "pre_electoral", "election")
#: The organisations that file lists in every college, by the names of the national draw
#: (docs/procedure.md#list-numbers) ...
ORGANISATIONS = ("abvv_fgtb", "acv_csc", "aclvb_cgslb")
#: ... and, in the CE's cadre college, the cadre organisation or a group of cadres
#: (docs/procedure.md#abbreviations, docs/procedure.md#timeline, row X+35).
CADRE_ORGANISATIONS = (*ORGANISATIONS, "nck_cnc", "cadre_group")
#: The days of the vote the pre-electoral form has room for (the page works without scripts,
#: so it cannot add rows): socelec's choice.
VOTE_DAYS = 3
ELECTION_NUMBERS = ("registered", "voters", "valid", "blank", "invalid")
LIST_NUMBERS = ("candidates", "votes", "seats")
CATEGORY_NUMBERS = ("staff", "mandates", "registered")
MAX_COUNT_DIGITS = 7  # more workers than Belgium has: a typo
REASON_MAX = 500  # StatisticalForm.reason


class Rule(StrEnum):
    """Every rule a form can break; the message of each is ``forms.rule.<rule>``."""

    required = "required"
    whole_number = "whole_number"
    too_long = "too_long"
    text = "text"
    email = "email"
    phone = "phone"
    enterprise_number = "enterprise_number"
    joint_committee = "joint_committee"
    day = "day"
    clock = "clock"
    vote_outside_window = "vote_outside_window"
    vote_without_y = "vote_without_y"
    vote_day_twice = "vote_day_twice"
    time_order = "time_order"
    reserved_mandate = "reserved_mandate"
    mandates_without_college = "mandates_without_college"
    cadre_mandates = "cadre_mandates"
    mandates_scale = "mandates_scale"
    mandates_scale_unverified = "mandates_scale_unverified"  # a warning, never a refusal
    voters_over_registered = "voters_over_registered"
    ballots_sum = "ballots_sum"
    seats_sum = "seats_sum"
    seats_over_candidates = "seats_over_candidates"
    candidates_over_mandates = "candidates_over_mandates"
    needs_pre_electoral = "needs_pre_electoral"
    before_election_day = "before_election_day"
    reason_required = "reason_required"


#: The longest value of each rule of form a field keeps.
MAX_LENGTH = {
    Rule.whole_number: MAX_COUNT_DIGITS,
    Rule.text: 200,
    Rule.email: 254,  # RFC 5321's longest path
    Rule.phone: 30,
    Rule.enterprise_number: 20,
    Rule.joint_committee: 20,
    Rule.day: 10,
    Rule.clock: 5,
}

#: Where a form-wide problem points: the form's buttons.
FORM_FIELD = "actions"
REASON_FIELD = "reason"


@dataclass(frozen=True)
class FormField:
    """One field: where its value lives in the data, the rule of form its value keeps
    (``whole_number`` for a count, ``email``, ``day``, …), and the catalogue keys whose texts,
    joined, name it ("ouvriers – personnel au jour X")."""

    path: tuple[str, ...]
    kind: Rule
    label: tuple[str, ...]
    required: bool = True

    @property
    def name(self) -> str:
        """The field's name in the HTML form and its id on the page."""
        return "__".join(self.path)


@dataclass(frozen=True)
class Problem:
    """A rule a field breaks: ``field`` is the field's name, ``label`` its catalogue keys,
    ``params`` fill the rule's message; a warning is shown but refuses nothing."""

    field: str
    rule: Rule
    label: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    warning: bool = False


@dataclass(frozen=True)
class FormContext:
    """What the rules need to know of the dossier.

    ``window``: the edition's window for Y (docs/procedure.md#the-election-window);
    ``registry``: the registry's enterprise number, enterprise and unit names (the basic
    form's administrative data to confirm); ``colleges``, ``mandates`` (by college) and
    ``pre_electoral_version``: from the submitted pre-electoral form, for the election form.
    """

    body: str
    window: tuple[date, date]
    election_day: date | None = None
    registry: Mapping[str, str] = field(default_factory=dict)
    colleges: tuple[College, ...] = ()
    mandates: Mapping[str, int] = field(default_factory=dict)
    pre_electoral_version: int | None = None


@dataclass(frozen=True)
class Checked:
    """The data read from a form, and its problems (errors first, then warnings)."""

    data: dict[str, Any]
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.warning)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.warning)


def _count(*path: str, label: tuple[str, ...]) -> FormField:
    return FormField(path, Rule.whole_number, label)


def organisations_of(college: str) -> tuple[str, ...]:
    return CADRE_ORGANISATIONS if college == "cadre" else ORGANISATIONS


def _college_label(college: str) -> str:
    return f"forms.college.{college}"


def _basic_fields(categories: tuple[str, ...]) -> tuple[FormField, ...]:
    return (
        FormField(("contact", "name"), Rule.text, ("forms.field.contact_name",)),
        FormField(("contact", "email"), Rule.email, ("forms.field.contact_email",)),
        FormField(("contact", "phone"), Rule.phone, ("forms.field.contact_phone",)),
        FormField(
            ("administrative", "enterprise_number"),
            Rule.enterprise_number,
            ("forms.field.enterprise_number",),
        ),
        FormField(
            ("administrative", "enterprise_name"), Rule.text, ("forms.field.enterprise_name",)
        ),
        FormField(("administrative", "unit_name"), Rule.text, ("forms.field.unit_name",)),
        FormField(
            ("administrative", "joint_committee"),
            Rule.joint_committee,
            ("forms.field.joint_committee",),
        ),
        *(
            _count("headcount", c, label=(f"category.{c}", "forms.field.headcount"))
            for c in categories
        ),
    )


def _pre_electoral_fields(categories: tuple[str, ...]) -> tuple[FormField, ...]:
    votes = tuple(
        FormField(
            ("votes", str(row), part),
            kind,
            (f"forms.field.vote_{part}", f"forms.field.vote_day_{row}"),
            required=row == 1,
        )
        for row in range(1, VOTE_DAYS + 1)
        for part, kind in (
            ("date", Rule.day),
            ("from", Rule.clock),
            ("to", Rule.clock),
        )
    )
    return (
        *votes,
        _count("temporary_workers", label=("forms.field.temporary_workers",)),
        *(
            _count("categories", c, number, label=(f"category.{c}", f"forms.field.{number}"))
            for c in categories
            for number in CATEGORY_NUMBERS
        ),
    )


def _election_fields(colleges: tuple[str, ...]) -> tuple[FormField, ...]:
    return tuple(
        f
        for college in colleges
        for f in (
            *(
                _count("colleges", college, n, label=(_college_label(college), f"forms.field.{n}"))
                for n in ELECTION_NUMBERS
            ),
            *(
                _count(
                    "colleges",
                    college,
                    "lists",
                    org,
                    n,
                    label=(
                        _college_label(college),
                        f"forms.organisation.{org}",
                        f"forms.field.{n}",
                    ),
                )
                for org in organisations_of(college)
                for n in LIST_NUMBERS
            ),
        )
    )


def form_fields(kind: str, context: FormContext) -> tuple[FormField, ...]:
    """The fields of form ``kind`` for one dossier, in the page's order."""
    if kind == "basic":
        return _basic_fields(categories_of(context.body))
    if kind == "pre_electoral":
        return _pre_electoral_fields(categories_of(context.body))
    if kind == "election":
        return _election_fields(tuple(c.key for c in context.colleges))
    raise ValueError(f"form: {kind!r} is not one of {', '.join(KINDS)}")


def all_fields(kind: str) -> tuple[FormField, ...]:
    """Every field any dossier's form ``kind`` may have (the portal declares them all)."""
    if kind == "election":
        return _election_fields(COLLEGE_KEYS)
    return form_fields(kind, FormContext(body="CE", window=(date.min, date.max)))


# What a value must look like. An e-mail address: something@domain.tld, no spaces (the
# portal sends nothing there; a full RFC 5322 parser would accept addresses no one types).
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
# A phone number: digits, spaces and the separators people write (+32 4 123 45 67,
# 04/123.45.67), 8 to 15 digits (ITU-T E.164 allows at most 15).
PHONE = re.compile(r"\+?[0-9 ./()-]+")
PHONE_DIGITS = (8, 15)
# A joint committee's number as written: 200, 118.03, 330.01.20 (socelec's reading of the
# form; the list of committees itself is not in socelec).
JOINT_COMMITTEE = re.compile(r"[0-9]{3}(\.[0-9]{1,2}){0,2}")
CLOCK = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def _read_value(f: FormField, raw: str) -> tuple[Any, Rule | None]:
    """The value of one field and the rule of form it breaks, if any (None when empty)."""
    text = " ".join(raw.split())
    if not text:
        return None, None
    if len(text) > MAX_LENGTH[f.kind]:
        return text, Rule.whole_number if f.kind is Rule.whole_number else Rule.too_long
    if f.kind is Rule.whole_number:
        return (int(text), None) if text.isascii() and text.isdigit() else (text, Rule.whole_number)
    if f.kind is Rule.text:
        return text, None if text.isprintable() else Rule.text
    if f.kind is Rule.email:
        return text, None if EMAIL.fullmatch(text) else Rule.email
    if f.kind is Rule.phone:
        digits = sum(ch.isdigit() for ch in text)
        ok = PHONE.fullmatch(text) and PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]
        return text, None if ok else Rule.phone
    if f.kind is Rule.enterprise_number:
        try:
            # The enterprise number shares its digits and mod-97 check with the VAT number.
            return vat.validate(text), None
        except stdnum_errors.ValidationError:
            return text, Rule.enterprise_number
    if f.kind is Rule.joint_committee:
        return text, None if JOINT_COMMITTEE.fullmatch(text) else Rule.joint_committee
    if f.kind is Rule.day:
        try:
            return date.fromisoformat(text).isoformat(), None
        except ValueError:
            return text, Rule.day
    return text, None if CLOCK.fullmatch(text) else Rule.clock


def _get(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = data
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = data
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value


def _problem(f: FormField, rule: Rule, warning: bool = False, **params: Any) -> Problem:
    return Problem(f.name, rule, f.label, params, warning)


def check(
    kind: str,
    raw: Mapping[str, str],
    context: FormContext,
    *,
    submit: bool,
    today: date | None = None,
    correcting: bool = False,
    reason: str = "",
) -> Checked:
    """Read form ``kind`` from the typed values ``raw`` (by field name) and check it.

    A draft (``submit`` false) is checked for form only. A submission must also be complete
    and keep the form's rules; ``correcting`` (a version was submitted before) asks for a
    ``reason``, and the election form is submitted from day Y (``today``).
    """
    fields = form_fields(kind, context)
    data: dict[str, Any] = {"format": FORMAT}
    problems: list[Problem] = []
    by_path: dict[tuple[str, ...], FormField] = {}
    for f in fields:
        by_path[f.path] = f
        value, broken = _read_value(f, raw.get(f.name, ""))
        if broken is not None:
            problems.append(_problem(f, broken, max=MAX_LENGTH[f.kind]))
            value = None
        elif value is None and submit and f.required:
            problems.append(_problem(f, Rule.required))
        _set(data, f.path, value)
    reader = _Rules(data, by_path, context)
    if kind == "basic":
        data["corrected"] = [
            name
            for name, known in context.registry.items()
            if known and data["administrative"].get(name) not in (None, known)
        ]
    elif kind == "pre_electoral":
        problems += reader.votes(submit)
        data["votes"] = [row for row in data["votes"].values() if any(row.values())]
        if submit:
            problems += reader.mandates()
    else:
        data["pre_electoral_version"] = context.pre_electoral_version
        for college in context.colleges:
            data["colleges"][college.key] = {
                "categories": list(college.categories),
                "mandates": context.mandates.get(college.key, 0),
                **data["colleges"][college.key],
            }
        if submit:
            problems += reader.election(today)
    if submit and correcting and not reason.strip():
        problems.append(Problem(REASON_FIELD, Rule.reason_required, ("forms.field.reason",)))
    elif len(reason) > REASON_MAX:
        problems.append(
            Problem(REASON_FIELD, Rule.too_long, ("forms.field.reason",), {"max": REASON_MAX})
        )
    ordered = sorted(problems, key=lambda p: p.warning)
    return Checked(data, tuple(ordered))


def values(kind: str, data: Mapping[str, Any], context: FormContext) -> dict[str, str]:
    """The form's values (by field name) for ``data``, as the page shows them."""
    if kind == "pre_electoral":
        rows = data.get("votes") or []
        data = {**data, "votes": {str(n): row for n, row in enumerate(rows, 1)}}
    shown = {}
    for f in form_fields(kind, context):
        value = _get(data, f.path)
        shown[f.name] = "" if value is None else str(value)
    return shown


class _Rules:
    """The rules across fields, on the data read so far: a rule whose numbers are not all
    there (missing, or refused for their form) is left for the next submission."""

    def __init__(
        self, data: dict[str, Any], fields: dict[tuple[str, ...], FormField], context: FormContext
    ) -> None:
        self.data = data
        self.fields = fields
        self.context = context

    def value(self, *path: str) -> Any:
        return _get(self.data, path)

    def field(self, *path: str) -> FormField:
        return self.fields[path]

    def votes(self, submit: bool) -> list[Problem]:
        """The days and hours of the vote: each row complete once started, each day inside
        the edition's window (docs/procedure.md#the-election-window), day Y among them
        (docs/procedure.md#day-x-and-day-y: Y is election day), no day twice, a vote that
        ends after it starts."""
        problems: list[Problem] = []
        first, last = self.context.window
        days: list[str] = []
        for row, parts in self.data["votes"].items():
            filled = {part: value for part, value in parts.items() if value is not None}
            if row != "1" and filled:
                problems += [
                    _problem(self.field("votes", row, part), Rule.required)
                    for part in parts
                    if part not in filled and submit
                ]
            day = filled.get("date")
            if day is not None:
                f = self.field("votes", row, "date")
                if not first <= date.fromisoformat(day) <= last:
                    problems.append(_problem(f, Rule.vote_outside_window, first=first, last=last))
                if day in days:
                    problems.append(_problem(f, Rule.vote_day_twice))
                days.append(day)
            start, end = filled.get("from"), filled.get("to")
            if (
                start is not None
                and end is not None
                and time.fromisoformat(start) >= time.fromisoformat(end)
            ):
                problems.append(_problem(self.field("votes", row, "to"), Rule.time_order))
        y = self.context.election_day
        if submit and y is not None and days and y.isoformat() not in days:
            problems.append(_problem(self.field("votes", "1", "date"), Rule.vote_without_y, day=y))
        return problems

    def mandates(self) -> list[Problem]:
        """The mandates per category against the staff on day X
        (docs/procedure.md#worker-categories, docs/procedure.md#mandates): a reserved
        mandate for blue- and white-collar workers from one worker; none for young workers
        below 25 nor for cadres without a cadre college; the CE's cadre seats; the legal
        scale for the headcount on day X, agency workers included; above 2,000 workers the
        scale is UNVERIFIED, so a warning instead of a refusal."""
        body = self.context.body
        categories = categories_of(body)
        staff = {c: self.value("categories", c, "staff") for c in categories}
        mandates = {c: self.value("categories", c, "mandates") for c in categories}
        problems: list[Problem] = []

        def mandates_field(category: str) -> FormField:
            return self.field("categories", category, "mandates")

        for category in ("blue_collar", "white_collar"):
            if staff[category] and mandates[category] == 0:
                problems.append(_problem(mandates_field(category), Rule.reserved_mandate))
        least = {"young": YOUTH_MANDATE_FROM, "cadre": CADRE_LISTS_FROM}
        for category in categories[2:]:
            below = staff[category] is not None and staff[category] < least[category]
            if below and mandates[category]:
                problems.append(
                    _problem(
                        mandates_field(category),
                        Rule.mandates_without_college,
                        least=least[category],
                    )
                )
        if body == "CE" and staff["cadre"] is not None and mandates["cadre"] is not None:
            expected = cadre_mandates(body, staff["cadre"])
            if expected and mandates["cadre"] != expected:
                problems.append(
                    _problem(mandates_field("cadre"), Rule.cadre_mandates, expected=expected)
                )
        counted = ("blue_collar", "white_collar", "young")
        temporary = self.value("temporary_workers")
        numbers = [staff[c] for c in counted] + [mandates[c] for c in counted] + [temporary]
        if any(n is None for n in numbers):
            return problems
        headcount = sum(staff[c] for c in counted) + temporary
        total = sum(mandates[c] for c in counted)
        expected = mandates_for(headcount)
        where = mandates_field("blue_collar")
        if expected is None:
            problems.append(
                _problem(
                    where,
                    Rule.mandates_scale_unverified,
                    warning=True,
                    headcount=headcount,
                    total=total,
                    most=SCALE_VERIFIED_UP_TO,
                )
            )
        elif total != expected:
            problems.append(
                _problem(
                    where, Rule.mandates_scale, headcount=headcount, total=total, expected=expected
                )
            )
        return problems

    def election(self, today: date | None) -> list[Problem]:
        """The count of each college: no more voters than registered; valid, blank and
        invalid ballots add up to the voters; the seats of the lists add up to the college's
        mandates; a list wins no more seats than it has candidates and holds no more
        candidates than effective and substitute mandates (docs/procedure.md#mandates)."""
        if not self.context.colleges:
            return [Problem(FORM_FIELD, Rule.needs_pre_electoral)]
        problems: list[Problem] = []
        y = self.context.election_day
        if y is not None and today is not None and today < y:
            problems.append(Problem(FORM_FIELD, Rule.before_election_day, params={"day": y}))
        for college in self.context.colleges:
            key = college.key
            numbers = self.data["colleges"][key]
            mandates = numbers["mandates"]
            registered, voters = numbers["registered"], numbers["voters"]
            if registered is not None and voters is not None and voters > registered:
                problems.append(
                    _problem(
                        self.field("colleges", key, "voters"),
                        Rule.voters_over_registered,
                        registered=registered,
                    )
                )
            ballots = [numbers[n] for n in ("valid", "blank", "invalid")]
            if voters is not None and None not in ballots and sum(ballots) != voters:
                problems.append(
                    _problem(
                        self.field("colleges", key, "valid"),
                        Rule.ballots_sum,
                        total=sum(ballots),
                        voters=voters,
                    )
                )
            lists = numbers["lists"]
            for org, counts in lists.items():
                candidates, seats = counts["candidates"], counts["seats"]
                if candidates is not None and candidates > 2 * mandates:
                    problems.append(
                        _problem(
                            self.field("colleges", key, "lists", org, "candidates"),
                            Rule.candidates_over_mandates,
                            most=2 * mandates,
                        )
                    )
                if candidates is not None and seats is not None and seats > candidates:
                    problems.append(
                        _problem(
                            self.field("colleges", key, "lists", org, "seats"),
                            Rule.seats_over_candidates,
                            candidates=candidates,
                        )
                    )
            seats = [counts["seats"] for counts in lists.values()]
            if None not in seats and sum(seats) != mandates:
                first_org = organisations_of(key)[0]
                problems.append(
                    _problem(
                        self.field("colleges", key, "lists", first_org, "seats"),
                        Rule.seats_sum,
                        total=sum(seats),
                        mandates=mandates,
                    )
                )
        return problems
