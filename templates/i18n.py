"""Labels shared by the document templates, in French, Dutch and German.

The prose of each document lives in its per-language template
(``templates/documents/<lang>/<family>.html.j2``); the short labels that the shared layout and
macros print (table headers, the letterhead, the registered-mail mention) live here, so the
markup is written once. As in :mod:`procedure.i18n`, a label missing in a language is an
error, never a fallback to another language.
"""

from __future__ import annotations

from procedure.i18n import Translated

__all__ = ["LABELS", "label"]

_t = Translated

LABELS: dict[str, Translated] = {
    "fps": _t(
        "SPF Emploi, Travail et Concertation sociale",
        "FOD Werkgelegenheid, Arbeid en Sociaal Overleg",
        "FÖD Beschäftigung, Arbeit und Soziale Konzertierung",
    ),
    "fps_address": _t(
        "Rue Ernest Blerot 1, 1070 Bruxelles",
        "Ernest Blerotstraat 1, 1070 Brussel",
        "Rue Ernest Blerot 1, 1070 Brüssel",
    ),
    "social_elections": _t("Élections sociales", "Sociale verkiezingen", "Sozialwahlen"),
    "place_date": _t("Bruxelles, le {day}", "Brussel, {day}", "Brüssel, den {day}"),
    "addressee": _t("Destinataire", "Geadresseerde", "Empfänger"),
    "references": _t("Références", "Referenties", "Angaben"),
    "enterprise": _t("Entreprise", "Onderneming", "Unternehmen"),
    "enterprise_number": _t("Numéro d'entreprise", "Ondernemingsnummer", "Unternehmensnummer"),
    "technical_unit": _t(
        "Unité technique d'exploitation", "Technische bedrijfseenheid", "Technische Betriebseinheit"
    ),
    "body": _t("Organe", "Orgaan", "Organ"),
    "dossier_number": _t("Numéro de dossier", "Dossiernummer", "Aktenzeichen"),
    "password": _t("Mot de passe", "Wachtwoord", "Passwort"),
    "election_day": _t("Jour des élections (Y)", "Verkiezingsdag (Y)", "Wahltag (Y)"),
    "not_chosen": _t("pas encore choisi", "nog niet gekozen", "noch nicht gewählt"),
    "window": _t("Fenêtre électorale", "Verkiezingsperiode", "Wahlzeitraum"),
    "window_span": _t("du {first} au {last}", "van {first} tot {last}", "vom {first} bis {last}"),
    "provisional_window": _t(
        "Dates provisoires : la loi qui fixe la fenêtre n'est pas encore publiée.",
        "Voorlopige data: de wet die de periode vastlegt, is nog niet gepubliceerd.",
        "Vorläufige Daten: Das Gesetz, das den Zeitraum festlegt, ist noch nicht veröffentlicht.",
    ),
    "registered_mail": _t("Envoi recommandé", "Aangetekende zending", "Einschreiben"),
    "registered_mail_note": _t(
        "L'information X−60 peut être remise au CE/CPPT par envoi recommandé, en réunion avec "
        "procès-verbal ou contre accusé de réception. Conservez la preuve de la remise.",
        "Het bericht X−60 mag aan de OR/CPBW worden bezorgd bij aangetekende zending, in een "
        "vergadering met notulen of tegen ontvangstbewijs. Bewaar het bewijs van de bezorging.",
        "Die Mitteilung X−60 kann dem BR/AGS per Einschreiben, in einer Sitzung mit Protokoll "
        "oder gegen Empfangsbestätigung übermittelt werden. Bewahren Sie den Nachweis auf.",
    ),
    "specimen": _t(
        "SPÉCIMEN – document de contrôle, sans valeur",
        "SPECIMEN – controledocument, zonder waarde",
        "MUSTER – Kontrolldokument, ohne Gültigkeit",
    ),
    "what_to_do": _t("Ce que vous devez faire", "Wat u moet doen", "Was Sie tun müssen"),
    "when": _t("Date", "Datum", "Datum"),
    "forms": _t(
        "Documents à afficher ou à charger",
        "Documenten om aan te plakken of op te laden",
        "Auszuhängende oder hochzuladende Dokumente",
    ),
    "via_web_app": _t(
        "Cette étape passe par l'application web du SPF.",
        "Deze stap verloopt via de webapplicatie van de FOD.",
        "Dieser Schritt läuft über die Webanwendung des FÖD.",
    ),
    "legal_basis": _t("Base légale", "Wettelijke basis", "Rechtsgrundlage"),
    "moved": _t(
        "Date légale : {day}. Ce jour n'est pas un jour ouvrable de l'entreprise : l'acte "
        "doit être accompli au plus tard le dernier jour ouvrable qui précède.",
        "Wettelijke datum: {day}. Die dag is geen werkdag van de onderneming: de handeling "
        "moet uiterlijk op de laatste werkdag ervoor worden verricht.",
        "Gesetzliches Datum: {day}. Dieser Tag ist kein Arbeitstag des Unternehmens: Die "
        "Handlung muss spätestens am letzten Arbeitstag davor vorgenommen werden.",
    ),
    "range": _t(
        "au plus tôt le {first}, au plus tard le {last}, selon le jour Y choisi",
        "ten vroegste op {first}, ten laatste op {last}, naargelang de gekozen dag Y",
        "frühestens am {first}, spätestens am {last}, je nach gewähltem Tag Y",
    ),
    "choose_y_title": _t("Choisissez votre jour Y", "Kies uw dag Y", "Wählen Sie Ihren Tag Y"),
    "choose_y": _t(
        "Le jour des élections (Y) de ce dossier n'est pas encore choisi. Les dates de ce "
        "document vont donc du premier au dernier jour Y possible de la fenêtre ({first} – "
        "{last}). Choisissez Y dans l'application web : un jour ouvrable de la fenêtre.",
        "De verkiezingsdag (Y) van dit dossier is nog niet gekozen. De data in dit document "
        "gaan daarom van de eerste tot de laatste mogelijke dag Y van de periode ({first} – "
        "{last}). Kies Y in de webapplicatie: een werkdag binnen de periode.",
        "Der Wahltag (Y) dieser Akte ist noch nicht gewählt. Die Daten dieses Dokuments reichen "
        "daher vom ersten bis zum letzten möglichen Tag Y des Zeitraums ({first} – {last}). "
        "Wählen Sie Y in der Webanwendung: einen Arbeitstag innerhalb des Zeitraums.",
    ),
    "step": _t("Étape", "Stap", "Schritt"),
    "about": _t("Objet", "Onderwerp", "Gegenstand"),
    "web_app": _t("Application web", "Webapplicatie", "Webanwendung"),
    "title_access_code": _t("Codes d'accès", "Toegangscodes", "Zugangscodes"),
    "title_reminder": _t("Rappel", "Herinnering", "Erinnerung"),
    "title_phase_notice": _t("Nouvelle phase", "Nieuwe fase", "Neue Phase"),
    "title_brochure": _t("Brochure d'information", "Informatiebrochure", "Informationsbroschüre"),
    "questions": _t(
        "Questions : consultez {url}",
        "Vragen: raadpleeg {url}",
        "Fragen: siehe {url}",
    ),
}


def label(key: str, lang: str, **values: object) -> str:
    """The label ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``."""
    text = LABELS[key][lang]
    return text.format(**values) if values else text
