"""The catalogues are complete, and each way a translator can break one is refused.

``read_catalogues`` is what ``procedure.i18n`` runs at import; here it reads the real catalogues
(they must pass) and copies broken on purpose, one break each (they must fail, naming it).
"""

from __future__ import annotations

import re

import pytest

from procedure.i18n import (
    KEYS,
    LANGUAGES,
    LOCALE_DIR,
    CatalogueError,
    read_catalogues,
    translated,
)
from tests.i18n.conftest import edit_catalogue, entry, po_file


def test_the_catalogues_are_complete_and_read_without_a_compile_step():
    assert read_catalogues().keys() == KEYS
    assert not list(LOCALE_DIR.rglob("*.mo"))


def test_a_copy_rewritten_by_babel_is_still_valid(locale_copy):
    # The breaks below rewrite files with Babel: on its own, that must change nothing.
    edit_catalogue(po_file(locale_copy, "de", "portal"), lambda catalog: None)
    assert read_catalogues(locale_copy).keys() == KEYS


def _set(key: str, text: str):
    def change(catalog):
        entry(catalog, key).string = text

    return change


def _replace(key: str, old: str, new: str):
    def change(catalog):
        message = entry(catalog, key)
        assert old in message.string
        message.string = message.string.replace(old, new)

    return change


def _delete(key: str):
    return lambda catalog: catalog.delete(entry(catalog, key).id, context=key)


def _new_french(key: str, text: str):
    def change(catalog):
        catalog.delete(entry(catalog, key).id, context=key)
        catalog.add(text, text, context=key)

    return change


def _flag_fuzzy(key: str):
    return lambda catalog: entry(catalog, key).flags.add("fuzzy")


def _header(**attributes):
    def change(catalog):
        for name, value in attributes.items():
            setattr(catalog, name, value)

    return change


BREAKS = {
    "missing": ("de", "portal", _delete("login.submit"), "'login.submit' is missing"),
    "empty": ("nl", "portal", _set("login.submit", " "), "'login.submit': empty"),
    "fuzzy": ("de", "procedure", _flag_fuzzy("step_title.X"), "marked fuzzy; review it"),
    "placeholder renamed": (
        "de",
        "portal",
        _replace("banner.as_of", "{day}", "{tag}"),
        "placeholders ['{tag}'] differ from the French ['{day}']",
    ),
    "placeholder left out": (
        "nl",
        "portal",
        _replace("y.hint", "{last}", "31 mei"),
        "placeholders ['{first}'] differ from the French ['{first}', '{last}']",
    ),
    "%-placeholder added": (
        "nl",
        "portal",
        _replace("flash.logged_out", ".", " %(name)s."),
        "placeholders ['%(name)'] differ from the French []",
    ),
    "lone brace": ("de", "portal", _set("login.submit", "Anmelden {"), "not a valid format"),
    "French changed, translation not": (
        "fr",
        "portal",
        _new_french("login.submit", "Se connecter au dossier"),
        "translates 'Se connecter', but the French is now 'Se connecter au dossier'",
    ),
    "French msgstr is not its msgid": (
        "fr",
        "portal",
        _set("login.submit", "Connexion"),
        "'login.submit': the French msgstr differs from its msgid",
    ),
    "key only in Dutch": (
        "nl",
        "portal",
        lambda catalog: catalog.add("Bonjour", "Hallo", context="nav.hello"),
        "'nav.hello' is not in the French catalogue",
    ),
    "key in two domains": (
        "fr",
        "documents",
        lambda catalog: catalog.add("Se connecter", "Se connecter", context="login.submit"),
        "the key 'login.submit' is also in another domain",
    ),
    "key twice in a file": (
        "de",
        "portal",
        lambda catalog: catalog.add("Connexion", "Anmeldung", context="login.submit"),
        "the key 'login.submit' is there twice",
    ),
    "no msgctxt": (
        "de",
        "portal",
        lambda catalog: catalog.add("Bonjour", "Guten Tag"),
        "no msgctxt; every entry is looked up by its key",
    ),
    "header fuzzy": ("de", "portal", _header(fuzzy=True), "the header is marked fuzzy"),
    "file of another language": (
        "nl",
        "portal",
        _header(locale="de"),
        "its Language header says de, not nl",
    ),
}


@pytest.mark.parametrize(("lang", "domain", "change", "problem"), BREAKS.values(), ids=BREAKS)
def test_each_break_is_refused_and_named(locale_copy, lang, domain, change, problem):
    path = po_file(locale_copy, lang, domain)
    edit_catalogue(path, change)
    with pytest.raises(CatalogueError) as refused:
        read_catalogues(locale_copy)
    assert any(problem in p for p in refused.value.problems), refused.value.problems
    assert all(str(locale_copy) in p for p in refused.value.problems)


def test_a_missing_or_unreadable_file_is_refused(locale_copy):
    po_file(locale_copy, "de", "documents").unlink()
    po_file(locale_copy, "nl", "portal").write_text('msgid "Bonjour"\nmsgtsr "Hallo"\n')  # typo
    with pytest.raises(CatalogueError) as refused:
        read_catalogues(locale_copy)
    unreadable = [p for p in refused.value.problems if "cannot be read" in p]
    assert [p.split(":")[0] for p in unreadable] == [
        str(po_file(locale_copy, "de", "documents")),
        str(po_file(locale_copy, "nl", "portal")),
    ]


def test_an_unknown_key_is_an_error_not_a_fallback():
    with pytest.raises(KeyError, match="no entry 'login.nothing'"):
        translated("login.nothing")


def test_file_name_stems_are_lower_case_ascii():
    # Start of an e-Box attachment's file name (procedure.documents.DocumentKind.file_name).
    stems = [key for key in KEYS if key.startswith("file_stem.")]
    assert stems
    for key in stems:
        for lang in LANGUAGES:
            assert re.fullmatch(r"[a-z-]+", translated(key)[lang]), (key, lang)
