"""Region and province of a postal code: every range boundary, Brussels, bad codes, names."""

from __future__ import annotations

import pytest

from procedure.i18n import LANGUAGES
from procedure.regions import (
    PROVINCE_REGION,
    PROVINCES,
    REGIONS,
    PostalCodeError,
    province_name,
    province_of,
    region_name,
    region_of,
)

# docs/procedure.md#regions-and-provinces: (first, last, province) of each bpost range.
RANGES = [
    ("1300", "1499", "walloon_brabant"),
    ("1500", "1999", "flemish_brabant"),
    ("2000", "2999", "antwerp"),
    ("3000", "3499", "flemish_brabant"),
    ("3500", "3999", "limburg"),
    ("4000", "4999", "liege"),
    ("5000", "5999", "namur"),
    ("6000", "6599", "hainaut"),
    ("6600", "6999", "luxembourg"),
    ("7000", "7999", "hainaut"),
    ("8000", "8999", "west_flanders"),
    ("9000", "9999", "east_flanders"),
]


@pytest.mark.parametrize(("first", "last", "province"), RANGES)
def test_each_range_from_its_first_to_its_last_code(first, last, province):
    for code in (first, last):
        assert province_of(code) == province, code
        assert region_of(code) == PROVINCE_REGION[province], code


@pytest.mark.parametrize(
    ("code", "province"),
    [
        ("1299", None),
        ("1300", "walloon_brabant"),
        ("1499", "walloon_brabant"),
        ("1500", "flemish_brabant"),
        ("2999", "antwerp"),
        ("3000", "flemish_brabant"),
        ("3499", "flemish_brabant"),
        ("3500", "limburg"),
        ("5999", "namur"),
        ("6000", "hainaut"),
        ("6599", "hainaut"),
        ("6600", "luxembourg"),
        ("6999", "luxembourg"),
        ("7000", "hainaut"),
    ],
)
def test_either_side_of_each_shared_boundary(code, province):
    assert province_of(code) == province


def test_brussels_is_a_region_without_a_province():
    for code in ("1000", "1040", "1200", "1299"):
        assert province_of(code) is None
        assert region_of(code) == "brussels"


def test_well_known_cities():
    cities = {
        "1000": ("brussels", None),  # Bruxelles / Brussel
        "1348": ("wallonia", "walloon_brabant"),  # Louvain-la-Neuve
        "2000": ("flanders", "antwerp"),
        "3000": ("flanders", "flemish_brabant"),  # Leuven
        "3500": ("flanders", "limburg"),  # Hasselt
        "4700": ("wallonia", "liege"),  # Eupen, German-speaking
        "5000": ("wallonia", "namur"),
        "6000": ("wallonia", "hainaut"),  # Charleroi
        "6700": ("wallonia", "luxembourg"),  # Arlon
        "7000": ("wallonia", "hainaut"),  # Mons
        "8000": ("flanders", "west_flanders"),  # Brugge
        "9000": ("flanders", "east_flanders"),  # Gent
    }
    for code, (region, province) in cities.items():
        assert (region_of(code), province_of(code)) == (region, province), code


def test_every_code_has_a_region_and_the_provinces_cover_the_regions():
    seen = {province_of(str(code)) for code in range(1000, 10000)}
    assert seen == {*PROVINCES, None}
    assert {region_of(str(code)) for code in range(1000, 10000)} == set(REGIONS)
    assert set(PROVINCE_REGION) == set(PROVINCES)
    assert set(PROVINCE_REGION.values()) == {"flanders", "wallonia"}
    assert sum(r == "flanders" for r in PROVINCE_REGION.values()) == 5


def test_surrounding_spaces_are_ignored():
    assert province_of(" 4000 ") == "liege"


@pytest.mark.parametrize(
    "code",
    [
        "",
        "999",
        "0999",
        "0000",
        "10000",
        "B-1000",
        "1 000",
        "abcd",
        "１０００",
        "١٠٠٠",
        "4²00",
        None,
        4000,
    ],
)
def test_a_bad_code_names_the_field_and_the_rule(code):
    with pytest.raises(
        ValueError, match=r"postal_code: .* is not a Belgian postal code \(4 digits, 1000-9999\)"
    ):
        province_of(code)
    with pytest.raises(PostalCodeError):
        region_of(code)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_region_and_province_has_a_name_in_each_language(lang):
    assert all(region_name(region, lang) for region in REGIONS)
    assert all(province_name(province, lang) for province in PROVINCES)


def test_names():
    assert [region_name("brussels", lang) for lang in LANGUAGES] == [
        "Région de Bruxelles-Capitale",
        "Brussels Hoofdstedelijk Gewest",
        "Region Brüssel-Hauptstadt",
    ]
    assert [province_name("liege", lang) for lang in LANGUAGES] == ["Liège", "Luik", "Lüttich"]
    assert [province_name("hainaut", lang) for lang in LANGUAGES] == [
        "Hainaut",
        "Henegouwen",
        "Hennegau",
    ]
    with pytest.raises(ValueError, match="region: 'bruxelles' is not one of"):
        region_name("bruxelles", "fr")
    with pytest.raises(ValueError, match="province: 'brussels' is not one of"):
        province_name("brussels", "fr")
