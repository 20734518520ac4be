"""The step catalogue of the social elections procedure, as data.

Every step of the legal calendar is counted in calendar days from one of two anchors: day X
(the notice announcing the election date is posted) or day Y (election day), with
Y = X + 90. The catalogue below is the timeline of docs/procedure.md#timeline turned into
frozen records, so the flows, the letters and the officer portal all read one list instead of
re-typing offsets.

Why data and not code: the legal facts (offset, who acts, what is posted, where it is written)
change between editions and must be checked row by row against the sources. Each ``Step``
therefore carries the source URL(s) of its timeline row in ``source``.

Step codes use ASCII hyphen-minus ("X-60", "Y+2"); :func:`step` also accepts the Unicode minus
sign the sources use ("X−60").

Two rows of the timeline are deliberately left out (docs/procedure.md#rows-left-out):

- X+68: UNVERIFIED (no source at all).
- Y+17: a 2012 rule (end of the other postings) with a single 2012 source; nothing says it
  still holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

__all__ = [
    "PHASE_FIRST_DAY",
    "STEPS",
    "Anchor",
    "Phase",
    "Step",
    "StepKind",
    "phase_of",
    "step",
]

#: Days from X to Y (docs/procedure.md#day-x-and-day-y: "Y = X + 90").
DAYS_X_TO_Y = 90

Anchor = Literal["X", "Y"]


class StepKind(StrEnum):
    """How a step's date behaves when it falls on a day the company does not work.

    Only ``deadline`` moves: an act due "at the latest" on a Sunday, a public holiday or a usual
    inactivity day must be done on the last working day before
    (docs/procedure.md#deadlines-on-non-working-days). The other kinds never move, each for its
    own reason.
    """

    #: An act to be done "at the latest" on the day: moves back to the last working day.
    deadline = "deadline"
    #: A day with a legal effect of its own (X, Y, start of protection, lists become final,
    #: a court's time limit). Nobody acts on it, so there is nothing to move.
    fixed_day = "fixed_day"
    #: The first day something is allowed. Moving it earlier would allow it too soon.
    earliest_day = "earliest_day"
    #: A span that opens on the step's day and closes on ``period_end`` (both legal dates).
    period = "period"


class Phase(StrEnum):
    """The six phases (docs/procedure.md#phases): a grouping for the orchestrator, not a legal
    category."""

    preparation = "preparation"
    pre_procedure = "pre_procedure"
    announcement = "announcement"
    candidacy = "candidacy"
    vote = "vote"
    post_electoral = "post_electoral"


#: First day of each phase, in days from X. docs/procedure.md#phases gives the boundaries as
#: "X−60 to X", "X to X+28", "X+28 to X+77", "X+77 to Y"; the steps in each phase decide which side
#: a boundary day belongs to: X−60 opens the pre-procedure, X opens the announcement, X+28
#: (voter lists final) still closes the announcement, X+77 (lists closed) still closes the
#: candidacy, Y belongs to the vote and the post-electoral phase starts at Y+1.
PHASE_FIRST_DAY: dict[Phase, int | None] = {
    Phase.preparation: None,  # everything before X−60: reference period, e-Box, web app
    Phase.pre_procedure: -60,
    Phase.announcement: 0,
    Phase.candidacy: 29,
    Phase.vote: 78,
    Phase.post_electoral: DAYS_X_TO_Y + 1,
}


def phase_of(offset_from_x: int) -> Phase:
    """Return the phase (docs/procedure.md#phases) that the day ``X + offset_from_x`` falls in."""
    current = Phase.preparation
    for phase, first_day in PHASE_FIRST_DAY.items():
        if first_day is not None and offset_from_x >= first_day:
            current = phase
    return current


_CODE = re.compile(r"^(?P<anchor>[XY])(?P<offset>[+-]\d+)?$")


def _normalise_code(code: str) -> str:
    # The sources write "X−60" with U+2212 and ranges with en dashes; accept both.
    return code.strip().upper().replace("\u2212", "-").replace("\u2013", "-").replace(" ", "")


def _parse_code(code: str) -> tuple[Anchor, int]:
    match = _CODE.match(code)
    if match is None:
        raise ValueError(f"step code {code!r} is not of the form X, Y, X-n, X+n, Y-n or Y+n")
    anchor: Anchor = "X" if match["anchor"] == "X" else "Y"
    return anchor, int(match["offset"] or 0)


@dataclass(frozen=True)
class Step:
    """One row of the legal calendar (docs/procedure.md#timeline).

    ``offset`` counts calendar days from ``anchor`` (docs/procedure.md#calendar-days).
    ``documents`` lists the forms the employer posts or uploads at this step; ``web_app`` says
    something passes through the FPS web application (docs/procedure.md#the-fps-web-application);
    ``reminder`` says the FPS sends the employer a reminder for it. ``period_end`` is only set for
    ``StepKind.period`` and is an offset on the same anchor.
    """

    code: str
    anchor: Anchor
    offset: int
    kind: StepKind
    phase: Phase
    actor: str
    title: str
    documents: tuple[str, ...]
    web_app: bool
    reminder: bool
    source: str
    period_end: int | None = None

    def __post_init__(self) -> None:
        # The code is the human key; refuse a record whose code and numbers disagree.
        if _parse_code(self.code) != (self.anchor, self.offset):
            raise ValueError(
                f"step code {self.code!r} does not match anchor={self.anchor} offset={self.offset}"
            )
        if (self.kind is StepKind.period) != (self.period_end is not None):
            raise ValueError(f"step {self.code}: period_end is set exactly for kind=period")
        if self.period_end is not None and self.period_end <= self.offset:
            raise ValueError(f"step {self.code}: period_end must come after the offset")

    @property
    def offset_from_x(self) -> int:
        """Days from X; a Y step sits 90 days further (Y = X + 90)."""
        return self.offset if self.anchor == "X" else self.offset + DAYS_X_TO_Y

    @property
    def period_end_from_x(self) -> int | None:
        """``period_end`` counted from X, or None when the step is not a period."""
        if self.period_end is None:
            return None
        return self.period_end if self.anchor == "X" else self.period_end + DAYS_X_TO_Y


def _sources(*urls: str) -> str:
    # Same separator as the timeline of docs/procedure.md, so a row can be compared by eye.
    return " ; ".join(urls)


def _step(
    code: str,
    kind: StepKind,
    actor: str,
    title: str,
    source: str,
    *,
    documents: tuple[str, ...] = (),
    web_app: bool = False,
    reminder: bool = False,
    period_end: int | None = None,
) -> Step:
    anchor, offset = _parse_code(code)
    offset_from_x = offset if anchor == "X" else offset + DAYS_X_TO_Y
    return Step(
        code=code,
        anchor=anchor,
        offset=offset,
        kind=kind,
        phase=phase_of(offset_from_x),
        actor=actor,
        title=title,
        documents=documents,
        web_app=web_app,
        reminder=reminder,
        source=source,
        period_end=period_end,
    )


# Sources quoted by several rows.
_ALTIUS_CALENDAR = "https://www.altius.com/social-elections/your-social-election-calendar.php"
_EASYPAY_DOSSIER = (
    "https://www.easypay-group.com/nl_BE/EASYPAY_GROUP/news/detail/"
    "Sociale-verkiezingen%3A-heeft-u-uw-dossiernummer-van-de-FOD-WASO-reeds-ontvangen-?id=4742"
)
_EASYPAY_AFTER_X = (
    "https://www.easypay-group.com/nl_BE/EASYPAY_GROUP/news/detail/"
    "Na-dag-X%3A-lijsten-opnieuw-aan-te-plakken-of-niet-?id=4899"
)
_EASYPAY_BUREAU = (
    "https://www.easypay-group.com/nl_BE/software/sociale_verkiezingen_2016/news/detail/"
    "Wie-doet-wat-in-het-stembureau-bij-de-sociale-verkiezingen-?id=5029&newsfeedCategory=51516"
)
_EASYPAY_RESULT_APPEAL = (
    "https://www.easypay-group.com/nl_BE/software/sociale_verkiezingen_2016/news/detail/"
    "Niet-akkoord-met-de-uitslag-van-de-sociale-verkiezingen-?id=5050&newsfeedCategory=51516"
)
_SECUREX_STATS = (
    "https://www.securex.eu/lex-go.nsf/vwNews_nl/7C9B203B258F3A4DC125861600311076?OpenDocument"
)
_SECUREX_AFTER = "https://securex.be/fr/politique-rh/elections-sociales/apres-les-elections"
_APPEALS_LAW = "http://www.werk.belgie.be/es-sv/gecoordineerdeversionwetgerechtelijkeberoepen.aspx"
_CLAEYS_X35 = (
    "https://www.claeysengels.be/en-gb/news-events/"
    "social-elections-2024-day-x35-candidate-lists-arrive"
)
_CLAEYS_CONTESTING = (
    "https://www.claeysengels.be/en-gb/news-events/m/a/"
    "contesting-candidates-only-possible-during-social-elections-procedure/"
)
_LEXGO_LISTS = (
    "https://backup.lexgo.be/en/news-and-articles/"
    "7264-social-elections-remember-to-post-the-candidate-lists?source=articles-index"
)
_ABVV_LIST_CHANGES = "https://abvv2024.be/procedure/wijziging-van-de-kandidatenlijsten"
_FPS_WEBAPP_2024 = (
    "https://werk.belgie.be/nl/themas/sociaal-overleg/sociale-verkiezingen-2024/webapplicatie"
)
_FEB_WEBAPP_2020 = (
    "https://www.vbo-feb.be/wat-doen-we/campagnes/sociale-verkiezingen-2020/webapplicatie-en-e-box/"
)
_MONDAQ_LAST_STEPS = (
    "https://www.mondaq.com:443/constitutional-administrative-law/1449010/"
    "sociale-verkiezingen-2024-dag-y-laatste-etappes-vr-de-verkiezingsdag"
)
_PARTENA_X80 = (
    "https://www.partena-professional.be/en/our-insights/infoflashes/"
    "social-elections-2024-what-are-formalities-day-x-80"
)
_PARTENA_RESULT_APPEAL = (
    "https://www.partena-professional.be/en/our-insights/infoflashes/"
    "2024-social-elections-appeal-and-first-meeting-wccppw"
)

_D = StepKind.deadline
_F = StepKind.fixed_day

#: The legal calendar, ordered by days from X. Kinds follow the rule on deadlines
#: (docs/procedure.md#deadlines-on-non-working-days): acts due "at the latest" by
#: the employer, the unions or the workers are deadlines; pure legal effects and courts' time
#: limits are fixed days (a tribunal's time limit does not depend on the company's working
#: days). Court appeals are kept as deadlines, i.e. moved *earlier* like every other act:
#: the sources only document the practitioners' "last working day before" rule and do not
#: say whether the judicial code's own rule for court time limits applies instead, and doing
#: the act earlier is never late.
STEPS: tuple[Step, ...] = (
    _step(
        "X-60",
        _D,
        "employer to CE/CPPT (or DS), workers and unions",
        "Start of the procedure: written X-60 information (UTEs, headcount per category, "
        "management and cadre functions, planned dates of X and Y)",
        _sources(
            "https://www.claeysengels.be/nl-be/nieuws-events/newsflash-sociale-verkiezingen-2024-start-van-de-procedure-op-dag-x-60",
            "https://groups.be/fr/actualites/articles-juridiques/elections-sociales-2024-lavis-x-60-marque-le-demarrage-de-la",
            "https://www.easypay-group.com/fr_BE/EASYPAY_GROUP/sur_nous/news/detail/Pr%EAt-pour-la-premiere-etape-des-elections-sociales---?id=4782",
            "https://commyounity.be/2019/12/13/elections-sociales-2020-321-cest-parti/",
            _SECUREX_STATS,
            _EASYPAY_DOSSIER,
        ),
        documents=("X-60 notice", "basic statistical form"),
        web_app=True,
        reminder=True,
    ),
    _step(
        "X-35",
        _D,
        "employer",
        "Employer's decisions, after consultation, on the UTEs, management functions and "
        "cadre functions",
        _sources(
            "https://www.partena-professional.be/en/our-insights/infoflashes/2024-social-elections-what-formalities-must-be-observed-between-day-x-35",
            _EASYPAY_DOSSIER,
        ),
        documents=("X-35 notice",),
        web_app=True,
        reminder=True,
    ),
    _step(
        "X-30",
        _F,
        "legal effect",
        "Start of the occult protection of future candidates against dismissal",
        _sources(
            "https://kpmglaw.be/en/hot-topics/social-elections",
            "https://barreaudeliege-huy.be/fr/actualites/les-elections-sociales-2024-qui-est-concerne",
            "https://eubelius.com/en/news/social-elections-2024-4-4-keep-on-track-and-prepare-for-the-future",
        ),
    ),
    _step(
        "X-28",
        _D,
        "workers and unions to the labour tribunal",
        "Last day to appeal to the labour tribunal against the X-35 decisions (or their absence)",
        _sources(
            _APPEALS_LAW,
            "http://www.peeters-law.be/documents/texts-after-portal/x-28.xml?lang=nl",
        ),
    ),
    _step(
        "X-5",
        _F,
        "labour tribunal",
        "Latest ruling of the labour tribunal on the X-28 appeals (23 days after the appeal)",
        _sources(
            _APPEALS_LAW,
            "http://www.peeters-law.be/documents/texts-after-portal/x-5.xml?lang=en",
        ),
    ),
    _step(
        "X",
        _F,
        "CE/CPPT (else employer) to workers and unions",
        "Posting of the notice announcing the election date",
        _sources(
            "https://www.altius.com/en/news/day-x-posting-of-the-notice-announcing-the-date-of-the-elections/",
            "https://www.easypay-group.com/nl_BE/EASYPAY_GROUP/news/detail/Dag-X%3A-een-overzicht-van-de-te-vervullen-formaliteiten-en-aandachtspunten?id=4873",
            "https://abvv2024.be/procedure/opstart-van-de-procedure-x",
            "https://www.horval.be/nl/hoe-geldig-stemmen",
            _SECUREX_STATS,
        ),
        documents=("X notice", "pre-electoral statistical form"),
        web_app=True,
        reminder=True,
    ),
    _step(
        "X+7",
        _D,
        "workers and unions to CE/CPPT or employer",
        "Last day for complaints against the X notice (voter lists, mandates, management and "
        "cadre lists)",
        _sources(_EASYPAY_AFTER_X, "https://www.terralaboris.be/spip.php?rubrique3733"),
    ),
    _step(
        "X+8",
        _F,
        "legal effect",
        "Without a complaint, the X notice becomes final",
        _ALTIUS_CALENDAR,
    ),
    _step(
        "X+14",
        _D,
        "CE/CPPT or employer",
        "Decision on the complaints; corrected lists re-posted if something changed",
        _sources(_EASYPAY_AFTER_X, _FEB_WEBAPP_2020),
        documents=("X notice corrected after a complaint",),
        # From 2020 only: in 2016 a rectification could not go through the web app.
        web_app=True,
        reminder=True,
    ),
    _step(
        "X+21",
        _D,
        "workers and unions to the labour tribunal",
        "Last day to appeal to the labour tribunal against the X+14 decision (or its absence)",
        _sources(
            _EASYPAY_AFTER_X,
            "http://www.eubelius.com/en/news/resumption-of-the-2020-social-elections-procedure-countdown-part-4",
        ),
    ),
    _step(
        "X+22",
        _F,
        "legal effect",
        "Without complaint or appeal: final closure of the X notice",
        _ALTIUS_CALENDAR,
    ),
    _step(
        # A court ruling plus its legal effect (voter lists final): nothing to move.
        "X+28",
        _F,
        "labour tribunal; CE/CPPT or employer",
        "Tribunal ruling on the X+21 appeals, changes posted; voter lists become final",
        _sources(
            _ALTIUS_CALENDAR,
            "https://www.klaw.be/social-elections/social-elections-calendar/social-elections-calendar-nl/",
        ),
        documents=("X notice corrected after a court ruling",),
        web_app=True,  # from 2020
    ),
    _step(
        "X+35",
        _D,
        "unions and cadres to employer",
        "Last day to submit the candidate lists (paper, or upload in the FPS web application)",
        _sources(
            _CLAEYS_X35,
            "https://www.partena-professional.be/en/our-insights/infoflashes/social-elections-2024-list-candidates",
            "https://www.easypay-group.com/nl_BE/software/sociale_verkiezingen_2016/news/detail/Sociale-verkiezingen%3A-wat-kan-er-gebeuren-na-het-ontvangen-van-een-kandidatenlijst--?id=4956&newsfeedCategory=51516",
        ),
        web_app=True,  # unions upload, the employer is notified by e-Box or e-mail
        reminder=True,
    ),
    _step(
        # Earliest day to stop, open until X+79: moving it earlier would stop too soon.
        "X+36",
        StepKind.period,
        "employer",
        "Stop of the procedure for lack of candidates (complete or partial), possible from "
        "X+36 to X+79",
        _sources(_ALTIUS_CALENDAR, _CLAEYS_X35, _EASYPAY_DOSSIER, _FPS_WEBAPP_2024),
        documents=("complete stop notice", "partial stop PV"),
        web_app=True,
        period_end=79,
    ),
    _step(
        "X+39",
        _D,
        "employer",
        "List numbers allotted to lists without a national number (single source)",
        _ALTIUS_CALENDAR,
    ),
    _step(
        "X+40",
        _D,
        "employer",
        "Posting of the candidate lists; designation of the polling-station presidents",
        _sources(
            _CLAEYS_X35,
            "https://www.lexgo.be/en/papers/labour-social-security-law/labour-law/sociale-verkiezingen-2020-aanplakking-van-de-kandidatenlijsten-op-x-40,138916.html",
            _ALTIUS_CALENDAR,
        ),
        documents=("candidate lists",),
        reminder=True,
    ),
    _step(
        "X+47",
        _D,
        "workers and unions to employer",
        "Last day for complaints against the candidate lists and for withdrawing a candidacy",
        _sources(_ABVV_LIST_CHANGES, _LEXGO_LISTS),
    ),
    _step(
        "X+48",
        _D,
        "employer to unions",
        "Each complaint or withdrawal forwarded to the organisation concerned",
        _sources(_LEXGO_LISTS, _FPS_WEBAPP_2024, _ABVV_LIST_CHANGES),
        documents=("complaints and withdrawals",),
        web_app=True,  # listed by the FPS for 2024
        reminder=True,
    ),
    _step(
        "X+52",
        _D,
        "employer to the labour tribunal",
        "Without an internal complaint: last day for the employer's appeal against the "
        "candidate lists",
        _sources(_CLAEYS_CONTESTING, _CLAEYS_X35),
    ),
    _step(
        "X+54",
        _D,
        "unions; employer",
        "Lists amended after a complaint; other polling-station members appointed",
        _sources(_LEXGO_LISTS, _ALTIUS_CALENDAR, _EASYPAY_BUREAU),
    ),
    _step(
        "X+56",
        _D,
        "employer; unions",
        "Candidate lists re-posted; last day for a unanimous agreement on postal voting",
        _sources(
            _LEXGO_LISTS,
            "https://www.horval.be/nl/hoe-geldig-stemmen",
            "https://werk.belgie.be/nl/themas/sociaal-overleg/sociale-verkiezingen-2024/stemmen-brief",
        ),
        documents=("candidate lists",),
        reminder=True,
    ),
    _step(
        "X+60",
        _D,
        "employer",
        "Posting of the composition of the polling stations and the split of voters (single "
        "source)",
        _ALTIUS_CALENDAR,
        documents=("polling-station composition notice",),
    ),
    _step(
        "X+61",
        _D,
        "employer, unions and workers to the labour tribunal",
        "After a complaint: last day to appeal against the candidate lists",
        _sources(_CLAEYS_CONTESTING, _LEXGO_LISTS, _ABVV_LIST_CHANGES),
    ),
    # X+68 is left out on purpose: UNVERIFIED, no source found for a legal step at X+68 (the
    # tribunal's time limit on list appeals is unread; docs/procedure.md#rows-left-out).
    _step(
        "X+70",
        _D,
        "unions to employer",
        "Designation of the witnesses (one per polling station, plus a substitute)",
        _sources(_MONDAQ_LAST_STEPS, _FEB_WEBAPP_2020),
        web_app=True,  # since 2020
    ),
    _step(
        "X+76",
        _D,
        "unions to employer",
        "Last day to replace a candidate (five cases)",
        _sources(
            _MONDAQ_LAST_STEPS,
            "https://eubelius.com/en/news/social-elections-2024-4-4-keep-on-track-and-prepare-for-the-future",
            _FEB_WEBAPP_2020,
        ),
        web_app=True,  # since 2020
    ),
    _step(
        # Lists closing is a legal effect, but the step also carries an act "at the latest"
        # (the voter-list update), so it is a deadline.
        "X+77",
        _D,
        "CE/CPPT or employer",
        "Candidate lists closed, ballot papers made; last day to update the voter lists",
        _sources(_PARTENA_X80, _MONDAQ_LAST_STEPS),
        reminder=True,
    ),
    _step(
        "X+80",
        _D,
        "employer to voters",
        "Last day to hand or send the convocation letters (10 days before Y)",
        _sources(
            _PARTENA_X80,
            "https://vbo-feb.be/fr/nouvelles/elections-sociales-2024-les-resultats",
            "https://concordes.be/fr/loi-du-5-juin-2023-m-b-30-06-2023-fixant-les-regles-pour-la-procedure-des-elections-sociales-de-2024/",
        ),
        documents=("convocation letters", "notice recording the delivery of convocations"),
        reminder=True,
    ),
    _step(
        "Y-1",
        _D,
        "employer to polling-station presidents",
        "Eve of the election: sealed envelope with the ballots handed to each president",
        _EASYPAY_BUREAU,
    ),
    _step(
        "Y",
        _F,
        "polling stations; employer",
        "Election day: vote, count, allocation of seats, election PV",
        _sources(
            _SECUREX_STATS,
            _EASYPAY_DOSSIER,
            "https://www.partena-professional.be/nl/onze-inzichten/infoflashes/sociale-verkiezingen-2024-stemming-afsluiting-van-het-proces-verbaal",
        ),
        documents=("election PV", "election statistical form"),
        web_app=True,
        reminder=True,
    ),
    _step(
        # The employer must be at work to receive the documents; moving back lands at worst
        # on Y itself (a working day), right after the count.
        "Y+1",
        _D,
        "polling-station presidents to employer",
        "Sealed election documents handed to the employer, who keeps them until Y+25",
        _SECUREX_AFTER,
    ),
    _step(
        "Y+2",
        _D,
        "employer",
        "Posting of the results and of the body's composition (physical posting required)",
        _sources(
            "https://groups.be/nl/nieuws/bericht-y-2-aanplakking-van-de-uitslag-van-de-kiesverrichtingen",
            _SECUREX_AFTER,
        ),
        documents=("results notice",),
        reminder=True,
    ),
    _step(
        # 13 days from the *actual* posting: a posting at Y+1 brings it to Y+14.
        "Y+15",
        _D,
        "employer, workers and unions to the labour tribunal",
        "Last day to appeal against the election results (13 days after the results posting)",
        _sources(
            _PARTENA_RESULT_APPEAL,
            "https://www.aclvb.be/nl/artikels/beroep-tegen-de-verkiezingsuitslag",
        ),
    ),
    _step(
        "Y+25",
        _F,
        "employer",
        "End of the duty to keep the election documents (if no appeal)",
        _SECUREX_AFTER,
    ),
    _step(
        "Y+45",
        _D,
        "employer (convenes)",
        "Installation (first meeting) of the new CE/CPPT, if no appeal",
        _sources(
            _SECUREX_AFTER,
            "https://www.nonzerosum.be/fr/Nouvelles/que-faire-apres-les-elections-sociales-un-guide-pour-les-employeurs/",
        ),
        reminder=True,
    ),
    _step(
        "Y+69",
        _F,
        "labour tribunal",
        "Latest ruling of the labour tribunal on result appeals (67 days after the posting)",
        _sources(_PARTENA_RESULT_APPEAL, _EASYPAY_RESULT_APPEAL),
    ),
    _step(
        "Y+84",
        _D,
        "parties to the labour court",
        "Last day to appeal to the labour court (15 days after notification of the judgment)",
        _PARTENA_RESULT_APPEAL,
    ),
    _step(
        # "Leave the notice up until 86 days after the election": taking it down earlier
        # would break the rule, so this day never moves.
        "Y+86",
        StepKind.earliest_day,
        "employer",
        "Earliest day the results notice may be taken down",
        _sources(
            _SECUREX_AFTER,
            "https://www.claeysengels.be/fr-be/news-events/news_events/a/elections-sociales-2012-nous-sommes-presque-pas-encore-tout-fait-to-do-jour-elections/",
        ),
    ),
    _step(
        "Y+144",
        _F,
        "labour court",
        "Labour court decision on the appeal",
        _EASYPAY_RESULT_APPEAL,
    ),
)

_BY_CODE: dict[str, Step] = {s.code: s for s in STEPS}

# Codes a caller might reasonably ask for, with the reason they are not in the catalogue.
_LEFT_OUT: dict[str, str] = {
    "X+68": "UNVERIFIED (no source for a legal step at X+68; docs/procedure.md#rows-left-out)",
    "Y+17": "a 2012 rule with a single 2012 source (docs/procedure.md#rows-left-out)",
}


def step(code: str) -> Step:
    """Return the catalogue step for ``code`` ("X-60", "X+36", "Y", "Y-1", ...).

    Raises ``KeyError`` naming the code and, for the rows deliberately left out, why.
    """
    key = _normalise_code(code)
    if key in _BY_CODE:
        return _BY_CODE[key]
    if key in _LEFT_OUT:
        raise KeyError(f"step {key} is not in the catalogue: {_LEFT_OUT[key]}")
    known = ", ".join(_BY_CODE)
    raise KeyError(f"unknown step code {code!r}; known codes: {known}")
