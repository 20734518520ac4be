"""A synthetic but realistic registry for demos, tests and benchmarks.

The mix follows the 2024 edition: 7,402 companies started a CPPT procedure, 4,167 of them also
a CE (about 56 %; docs/procedure.md#scale, forumforthefuture.be); Dutch about 62 %, French 36 %,
German 1 % (an assumption close to the 2020 split of procedures by region, same section). Most
companies have one technical unit, some several. Numbers carry valid check digits so the file
passes the same validation as a real one. The same seed gives the same file.

Each company has a joint committee and its sector, the same on all its units; the committees,
their weights and which are non-commercial are an assumption, not a measured mix
(docs/procedure.md#joint-committees-and-sectors). They are drawn from a second generator of
their own, so the other columns are those the same seed gave before the two columns existed.
"""

from __future__ import annotations

import csv
import io
import random

from models.registry_file import COLUMNS

LANGUAGE_WEIGHTS = {"nl": 62.5, "fr": 36.5, "de": 1.0}
MULTI_UNIT_SHARE = 0.05
MEAN_UNITS = 1 - MULTI_UNIT_SHARE + MULTI_UNIT_SHARE * 2.5  # 2 or 3 units when several
# docs/procedure.md#scale (2024): 7,402 procedures for a CPPT, 4,167 of them also for a CE: 11,569
# dossiers. Units of one legal entity share its CE decision, so the share of entities with a
# CE is set for that mean: --companies 7402 then gives ~11,569 dossiers, as in 2024.
CE_SHARE = (7402 + 4167) / (7402 * MEAN_UNITS) - 1
OFFICER_SSIN_SHARE = 0.7
# Joint committees by weight (an assumption: 200, the employees' auxiliary committee, is the
# most common), and those the sample puts in the non-commercial sector (health and welfare,
# social profit); every other one is commercial.
JOINT_COMMITTEE_WEIGHTS = {
    "200": 30,
    "124": 8,
    "111": 6,
    "116": 5,
    "118": 7,
    "140": 6,
    "302": 5,
    "319": 6,
    "329": 5,
    "330": 14,
    "337": 8,
}
NON_COMMERCIAL_COMMITTEES = frozenset({"319", "329", "330", "337"})

CITIES = {
    "nl": [
        ("2000", "Antwerpen"),
        ("9000", "Gent"),
        ("3000", "Leuven"),
        ("8000", "Brugge"),
        ("3500", "Hasselt"),
        ("2800", "Mechelen"),
        ("8500", "Kortrijk"),
        ("9300", "Aalst"),
        ("1000", "Brussel"),
        ("2300", "Turnhout"),
        ("3600", "Genk"),
        ("8400", "Oostende"),
    ],
    "fr": [
        ("4000", "Liège"),
        ("5000", "Namur"),
        ("6000", "Charleroi"),
        ("7000", "Mons"),
        ("1300", "Wavre"),
        ("7500", "Tournai"),
        ("1000", "Bruxelles"),
        ("1400", "Nivelles"),
        ("6700", "Arlon"),
        ("4800", "Verviers"),
        ("1348", "Louvain-la-Neuve"),
    ],
    "de": [("4700", "Eupen"), ("4780", "Sankt Vith"), ("4730", "Raeren"), ("4750", "Bütgenbach")],
}
STREETS = {
    "nl": [
        "Kerkstraat",
        "Stationsstraat",
        "Industrieweg",
        "Nijverheidslaan",
        "Molenstraat",
        "Dorpsstraat",
        "Havenlaan",
        "Zandstraat",
    ],
    "fr": [
        "Rue de la Station",
        "Avenue Louise",
        "Rue de l'Industrie",
        "Chaussée de Namur",
        "Rue du Moulin",
        "Boulevard d'Avroy",
        "Rue de la Gare",
        "Zoning Industriel",
    ],
    "de": ["Hauptstraße", "Bahnhofstraße", "Industriestraße", "Kirchstraße", "Aachener Straße"],
}
NAMES = [
    "Janssens",
    "Peeters",
    "Maes",
    "Dubois",
    "Lambert",
    "Dupont",
    "Claes",
    "Goossens",
    "Wouters",
    "Martin",
    "Simon",
    "Laurent",
    "Mertens",
    "Willems",
    "Schmitz",
    "Lejeune",
    "Van Damme",
    "De Smet",
    "Renard",
    "Hoffmann",
    "Vermeulen",
    "Leclercq",
    "Jacobs",
]
TRADES = {
    "nl": ["Bouw", "Logistiek", "Voeding", "Staal", "Zorg", "Techniek", "Chemie", "Transport"],
    "fr": [
        "Construction",
        "Logistique",
        "Alimentation",
        "Acier",
        "Soins",
        "Technique",
        "Chimie",
        "Transports",
    ],
    "de": ["Bau", "Logistik", "Lebensmittel", "Stahl", "Pflege", "Technik", "Chemie"],
}
FORMS = {
    "nl": ["NV", "BV", "VZW", "CV"],
    "fr": ["SA", "SRL", "ASBL", "SC"],
    "de": ["AG", "GmbH", "VoG"],
}
UNIT_WORD = {"nl": "Vestiging", "fr": "Siège", "de": "Niederlassung"}


def _enterprise_number(rng: random.Random, used: set[str]) -> str:
    while True:
        base = rng.randrange(2_000_000, 19_999_999)  # first digit 0 or 1, as issued today
        number = f"{base:08d}{97 - base % 97:02d}"
        if number not in used:
            used.add(number)
            return number


def _ssin(rng: random.Random) -> str:
    # Born in the 20th century: the check is 97 - (first nine digits mod 97).
    first9 = (
        f"{rng.randrange(50, 100):02d}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
        f"{rng.randrange(1, 998):03d}"
    )
    return f"{first9}{97 - int(first9) % 97:02d}"


def _workforce(rng: random.Random, with_ce: bool) -> tuple[int, bool]:
    """Total workers of one unit, and whether a CE already exists at 50-99."""
    if with_ce:
        if rng.random() < 0.1:
            return rng.randrange(50, 100), True
        return min(int(100 * rng.lognormvariate(0.6, 0.9)) + 100, 20_000), rng.random() < 0.8
    return rng.randrange(50, 100), False


def _split(rng: random.Random, total: int) -> dict[str, int]:
    young = int(total * rng.uniform(0.03, 0.15))
    blue = int((total - young) * rng.uniform(0.0, 0.75))
    white = total - young - blue
    return {
        "workers_blue_collar": blue,
        "workers_white_collar": white,
        "workers_young": young,
        "workers_cadre": int(white * rng.uniform(0.0, 0.12)),
    }


def sample_registry(companies: int, seed: int = 2028) -> str:
    """CSV text of ``companies`` synthetic companies (one row per technical unit)."""
    if companies < 1:
        raise ValueError("companies must be 1 or more")
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not secrets)
    # The joint committees' own generator: drawing them from ``rng`` would change every later
    # column of the file a seed gave before they existed.
    committee_rng = random.Random(f"joint-committee-{seed}")  # noqa: S311 (as above)
    committees, committee_weights = zip(*JOINT_COMMITTEE_WEIGHTS.items(), strict=True)
    used: set[str] = set()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    languages, weights = zip(*LANGUAGE_WEIGHTS.items(), strict=True)
    for _ in range(companies):
        lang = rng.choices(languages, weights)[0]
        postal_code, city = rng.choice(CITIES[lang])
        enterprise = {
            "enterprise_number": _enterprise_number(rng, used),
            "enterprise_name": f"{rng.choice(NAMES)} {rng.choice(TRADES[lang])} "
            f"{rng.choice(FORMS[lang])}",
            "language": lang,
            "street": f"{rng.choice(STREETS[lang])} {rng.randrange(1, 250)}",
            "postal_code": postal_code,
            "city": city,
            "officer_ssin": _ssin(rng) if rng.random() < OFFICER_SSIN_SHARE else "",
        }
        committee = committee_rng.choices(committees, committee_weights)[0]
        enterprise["joint_committee"] = committee
        enterprise["sector"] = (
            "non_commercial" if committee in NON_COMMERCIAL_COMMITTEES else "commercial"
        )
        with_ce = rng.random() < CE_SHARE
        units = rng.randrange(2, 4) if rng.random() < MULTI_UNIT_SHARE else 1
        for index in range(1, units + 1):
            total, ce_exists = _workforce(rng, with_ce)
            unit_postal, unit_city = (postal_code, city) if index == 1 else rng.choice(CITIES[lang])
            has_ce = total >= 100 or ce_exists
            writer.writerow(
                {
                    **enterprise,
                    "unit_code": str(index),
                    "unit_name": f"{UNIT_WORD[lang]} {unit_city}",
                    "unit_street": enterprise["street"]
                    if index == 1
                    else f"{rng.choice(STREETS[lang])} {rng.randrange(1, 250)}",
                    "unit_postal_code": unit_postal,
                    "unit_city": unit_city,
                    "bodies": "CPPT+CE" if has_ce else "CPPT",
                    "ce_exists": "yes" if ce_exists else "no",
                    **_split(rng, total),
                }
            )
    return out.getvalue()
