from __future__ import annotations

import math

import pytest

from models.credentials import (
    PASSWORD_ALPHABET,
    DossierNumberCheckError,
    DossierNumberError,
    check_dossier_number,
    dossier_number,
    generate_password,
    hash_password,
    is_valid_dossier_number,
    normalise_dossier_number,
    verify_password,
)


def test_dossier_number_is_stable_and_checked():
    number = dossier_number(2028, "CPPT", 412)
    assert number == dossier_number(2028, "CPPT", 412)
    assert number.startswith("28-CPPT-000412-")
    assert is_valid_dossier_number(number)
    assert is_valid_dossier_number(number.lower().replace("-", "-").replace("28", " 28", 1))
    assert dossier_number(2028, "CE", 412) != number


@pytest.mark.parametrize(
    "typed",
    [
        "28CPPT00000175",
        "28cppt00000175",
        "28 cppt 000001 75",
        "28 CPPT 000001 75",
        "28-cppt-000001-75",
        " 28 - CPPT - 000001 - 75 ",
        "28.CPPT.000001.75",
    ],
)
def test_a_dossier_number_is_read_in_any_case_with_or_without_spaces_and_dashes(typed):
    # What the access-code letter promises ("with or without dashes"), as officers type it.
    assert normalise_dossier_number(typed) == "28-CPPT-000001-75"
    assert check_dossier_number(typed) == "28-CPPT-000001-75"
    assert is_valid_dossier_number(typed)


def test_a_wrong_check_digit_is_told_from_a_wrong_form():
    with pytest.raises(DossierNumberCheckError, match="check digits"):
        check_dossier_number("28 CPPT 000001 76")
    for wrong_form in ("28-OR-000001-75", "28-CPPT-1-75", "28-CPPT-000000-97", "", "CPPT"):
        with pytest.raises(DossierNumberError, match="form") as caught:
            check_dossier_number(wrong_form)
        assert not isinstance(caught.value, DossierNumberCheckError), wrong_form


def test_a_typo_in_a_dossier_number_is_caught():
    number = dossier_number(2028, "CE", 1234)
    digits = [i for i, c in enumerate(number) if c.isdigit()]
    for position in digits:
        digit = number[position]
        typo = number[:position] + str((int(digit) + 1) % 10) + number[position + 1 :]
        assert not is_valid_dossier_number(typo), typo


def test_dossier_number_rejects_bad_input():
    with pytest.raises(DossierNumberError, match="body"):
        dossier_number(2028, "OR", 1)
    with pytest.raises(DossierNumberError, match="serial"):
        dossier_number(2028, "CE", 0)


def test_passwords_are_long_unambiguous_and_random():
    passwords = {generate_password() for _ in range(2000)}
    assert len(passwords) == 2000
    for password in list(passwords)[:50]:
        letters = password.replace("-", "")
        assert len(letters) * math.log2(len(PASSWORD_ALPHABET)) >= 72
        assert set(letters) <= set(PASSWORD_ALPHABET)
        assert not set(letters) & set("01OIL")


def test_hash_is_argon2id_and_verifies_typed_variants():
    password = generate_password()
    hashed = hash_password(password)
    assert hashed.startswith("$argon2id$") and "m=19456,t=2,p=1" in hashed
    assert password not in hashed
    assert verify_password(hashed, password)
    assert verify_password(hashed, password.replace("-", "").lower())
    assert not verify_password(hashed, generate_password())
    assert not verify_password("not a hash", password)
