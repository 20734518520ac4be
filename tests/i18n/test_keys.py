"""Every key the code and the templates look up is in the catalogues, and every entry is used.

The keys written out in a call come from ``pybabel extract`` run as README.md "Translating"
says (``babel.cfg``, ``[tool.babel.extract_messages]`` of pyproject.toml); the keys the code
builds at run time (from a step code, a phase, a status, …) from what they are built of.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from models.dossier import DOSSIER_STATUSES
from models.evidence import FormStatus
from models.registry import BODIES
from portal.stop import CATEGORIES
from procedure import STEPS, Phase, StepKind
from procedure.categories import COLLEGE_KEYS
from procedure.documents import KINDS, Family
from procedure.forms import KINDS as FORM_KINDS
from procedure.forms import Rule, all_fields, organisations_of
from procedure.i18n import KEYS
from procedure.regions import PROVINCES, REGIONS
from procedure.step_state import StepState
from templates.render import _TITLE_KEYS

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def written_out(tmp_path_factory) -> dict[str, list[str]]:
    """Each key that ``pybabel extract -o keys.pot .`` finds, with where it is used."""
    pot = tmp_path_factory.mktemp("extract") / "keys.pot"
    with contextlib.chdir(ROOT):  # where pybabel reads pyproject.toml and babel.cfg
        CommandLineInterface().run(["pybabel", "--quiet", "extract", "-o", str(pot), "."])
    with pot.open("rb") as file:
        catalog = read_po(file)
    return {m.id: [f"{path}:{line}" for path, line in m.locations] for m in catalog if m.id}


def built_at_run_time() -> set[str]:
    """The keys built from data (f-strings, Jinja2 ``~``), for every value the data takes."""
    keys = {f"{kind}.{s.code}" for s in STEPS for kind in ("step_title", "step_action")}
    keys |= {f"document_name.{document}" for s in STEPS for document in s.documents}
    keys |= {f"phase_name.{phase.value}" for phase in Phase}
    keys |= {f"{kind}.{body}" for body in BODIES for kind in ("body_name", "body_abbreviation")}
    keys |= {f"when.{kind.value}" for kind in StepKind if kind is not StepKind.period}
    keys |= {f"{kind}.{family}" for family in Family for kind in ("subject", "file_stem", "kind")}
    keys |= {f"file_phase.{k.phase.value}" for k in KINDS.values() if k.phase is not None}
    keys |= set(_TITLE_KEYS.values())
    keys |= {f"status.{state}" for state in StepState}
    keys |= {f"category.{category}" for category in CATEGORIES}
    keys |= {f"dossier.status_{status}" for status in DOSSIER_STATUSES}
    # portal.progress.MessageNote.reason; portal.app._error_page's HTTP statuses.
    keys |= {f"message.{reason}" for reason in _MESSAGE_REASONS}
    keys |= {f"error.title_{status}" for status in (400, 403, 404, 405, 409, 422, 500)}
    # procedure.forms: the fields' labels, the rules' messages, each form's and college's words.
    keys |= {key for kind in FORM_KINDS for f in all_fields(kind) for key in f.label}
    keys |= {f"forms.rule.{rule}" for rule in Rule}
    keys |= {f"forms.{kind}.{form}" for form in FORM_KINDS for kind in ("intro", "link")}
    keys |= {f"forms.status_{status}" for status in FormStatus}
    keys |= {f"forms.college.{college}" for college in COLLEGE_KEYS}
    keys |= {f"forms.organisation.{org}" for org in organisations_of("cadre")}
    # procedure.regions: region_name(), province_name().
    keys |= {f"region.{region}" for region in REGIONS}
    keys |= {f"province.{province}" for province in PROVINCES}
    return keys


_MESSAGE_REASONS = (
    "delivered",
    "in_progress",
    "non_digital",
    "failed",
    "rejected",
    "not_yet_due",
    "stopped",
    "not_sent",
)


def test_extraction_reads_every_kind_of_place_a_key_is_written(written_out):
    places = {
        "nav.skip": "portal/templates/base.html",  # t() in a portal template
        "registered_mail": "templates/documents/_macros.html.j2",  # t() in a letter template
        "login.invalid": "portal/routers/auth.py",  # t() in Python
        "flash.logged_out": "portal/routers/auth.py",  # flash(request, key)
        "error.password_too_short": "portal/passwords.py",  # RuleError(field, key)
        "moved": "templates/context.py",  # label(key, lang)
        "attention": "templates/print_batch.py",  # translated(key)
        "error.no_calendar": "portal/routers/calendar.py",  # HTTPException(status, key)
    }
    for key, path in places.items():
        assert any(where.startswith(f"{path}:") for where in written_out[key]), key


def test_every_key_written_out_is_in_the_catalogues(written_out):
    missing = {key: where for key, where in written_out.items() if key not in KEYS}
    assert not missing


def test_every_key_built_at_run_time_is_in_the_catalogues():
    assert not built_at_run_time() - KEYS


def test_every_entry_of_the_catalogues_is_used(written_out):
    assert not sorted(KEYS - written_out.keys() - built_at_run_time())
