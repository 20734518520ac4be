"""The procedure in French, Dutch and German: step titles, what to do, phases, forms, bodies.

Every letter, reminder and portal page that names a step reads it from here, so a step has
one wording per language everywhere. A company's language (fr, nl or de) is the language of
every document it receives (e-Box: one language per message, reference
``ebox-enterprise-api.md`` § 2.5 "Smals implementation restrictions").

There is no fallback on purpose: a text missing in one language is a ``KeyError`` (and a test
failure in ``tests/documents``), never a silent switch to another language, because a letter
in the wrong language breaks the language laws the e-Box reference mentions (§ 7 item 7).

The wording follows the reference's description of each step (``social-elections-procedure.md``
§ 1) and the vocabulary of the FPS and practitioners it cites (avis X / bericht X,
fiche statistique / steekkaart, CE/CPPT / OR/CPBW). The German texts use the Belgian terms
(Betriebsrat, Ausschuss für Gefahrenverhütung und Schutz am Arbeitsplatz, Sozialwahlen); the
reference quotes no German source beyond § 5, so they deserve a check by a German-speaking
jurist of the FPS before the 2028 campaign.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Literal

from babel.dates import format_date as _babel_format_date

from procedure.steps import Phase, StepKind, step

__all__ = [
    "LANGUAGES",
    "LOCALES",
    "Language",
    "Translated",
    "UnknownLanguageError",
    "body_abbreviation",
    "body_name",
    "check_language",
    "display_code",
    "document_name",
    "format_date",
    "legal_basis",
    "phase_name",
    "step_action",
    "step_title",
    "when_phrase",
]

Language = Literal["fr", "nl", "de"]
LANGUAGES: tuple[Language, ...] = ("fr", "nl", "de")
#: Belgian locales, so Babel writes dates the way Belgian readers expect.
LOCALES: dict[str, str] = {"fr": "fr_BE", "nl": "nl_BE", "de": "de_BE"}


class UnknownLanguageError(ValueError):
    """A language other than fr, nl or de; names the field and the rule."""

    def __init__(self, value: object) -> None:
        self.value = value
        super().__init__(f"language: {value!r} is not one of fr, nl, de")


def check_language(lang: object) -> Language:
    """Return ``lang`` when it is fr, nl or de; raise :class:`UnknownLanguageError` otherwise."""
    if lang not in LANGUAGES:
        raise UnknownLanguageError(lang)
    return lang  # type: ignore[return-value]


@dataclass(frozen=True)
class Translated:
    """One text in the three languages; building one with a language missing is an error."""

    fr: str
    nl: str
    de: str

    def __post_init__(self) -> None:
        for f in fields(self):
            if not getattr(self, f.name).strip():
                raise ValueError(f"translation: the {f.name} text is empty")

    def __getitem__(self, lang: str) -> str:
        return getattr(self, check_language(lang))


def _t(fr: str, nl: str, de: str) -> Translated:
    return Translated(fr=fr, nl=nl, de=de)


def display_code(code: str) -> str:
    """A step code as printed: the reference's minus sign (U+2212) instead of a hyphen."""
    return step(code).code.replace("-", "\u2212")


@dataclass(frozen=True)
class _StepText:
    title: Translated
    action: Translated


def _s(title: Translated, action: Translated) -> _StepText:
    return _StepText(title=title, action=action)


# One entry per code of procedure.STEPS; tests/documents checks that none is missing.
_STEP_TEXTS: dict[str, _StepText] = {
    "X-60": _s(
        _t(
            "Début de la procédure : information X−60",
            "Start van de procedure: bericht X−60",
            "Beginn des Verfahrens: Mitteilung X−60",
        ),
        _t(
            "Communiquer par écrit au CE/CPPT (à défaut, à la délégation syndicale), aux "
            "travailleurs et aux organisations syndicales l'information X−60 : unités techniques, "
            "effectif par catégorie, fonctions de direction et de cadre, dates prévues de X et Y. "
            "Compléter la fiche statistique de base dans l'application web.",
            "Het bericht X−60 schriftelijk meedelen aan de OR/CPBW (bij ontstentenis aan de "
            "vakbondsafvaardiging), aan de werknemers en aan de vakorganisaties: technische "
            "bedrijfseenheden, personeelsbestand per categorie, leidinggevende functies en "
            "kaderfuncties, geplande datums van X en Y. De basissteekkaart invullen in de "
            "webapplicatie.",
            "Die Mitteilung X−60 schriftlich dem BR/AGS (ersatzweise der Gewerkschaftsvertretung), "
            "den Arbeitnehmern und den Gewerkschaften übermitteln: technische Betriebseinheiten, "
            "Personalbestand je Kategorie, Leitungs- und Kaderfunktionen, geplante Daten von X "
            "und Y. Das statistische Basisformular in der Webanwendung ausfüllen.",
        ),
    ),
    "X-35": _s(
        _t(
            "Décisions de l'employeur sur les unités techniques et les fonctions de direction "
            "et de cadre",
            "Beslissingen van de werkgever over de technische bedrijfseenheden en de "
            "leidinggevende functies en kaderfuncties",
            "Entscheidungen des Arbeitgebers über die technischen Betriebseinheiten sowie die "
            "Leitungs- und Kaderfunktionen",
        ),
        _t(
            "Après consultation du CE/CPPT, notifier par écrit vos décisions (unités techniques, "
            "fonctions de direction, fonctions de cadre), les afficher, les envoyer aux "
            "organisations syndicales et charger l'avis X−35 dans l'application web.",
            "Na raadpleging van de OR/CPBW uw beslissingen (technische bedrijfseenheden, "
            "leidinggevende functies, kaderfuncties) schriftelijk meedelen, aanplakken, aan de "
            "vakorganisaties bezorgen en het bericht X−35 opladen in de webapplicatie.",
            "Nach Anhörung des BR/AGS Ihre Entscheidungen (technische Betriebseinheiten, "
            "Leitungsfunktionen, Kaderfunktionen) schriftlich mitteilen, aushängen, den "
            "Gewerkschaften übermitteln und die Mitteilung X−35 in die Webanwendung hochladen.",
        ),
    ),
    "X-30": _s(
        _t(
            "Début de la protection occulte des candidats",
            "Begin van de occulte bescherming van de kandidaten",
            "Beginn des verdeckten Kündigungsschutzes der Kandidaten",
        ),
        _t(
            "À partir de ce jour, les futurs candidats sont protégés contre le licenciement, "
            "même si les listes ne sont connues qu'à X+35 : vérifiez tout licenciement envisagé.",
            "Vanaf deze dag zijn toekomstige kandidaten beschermd tegen ontslag, ook al zijn de "
            "lijsten pas op X+35 bekend: controleer elk gepland ontslag.",
            "Ab diesem Tag sind künftige Kandidaten vor Entlassung geschützt, auch wenn die "
            "Listen erst an X+35 bekannt sind: prüfen Sie jede geplante Entlassung.",
        ),
    ),
    "X-28": _s(
        _t(
            "Dernier jour de recours contre les décisions X−35",
            "Laatste dag voor beroep tegen de beslissingen X−35",
            "Letzter Tag für Klagen gegen die Entscheidungen X−35",
        ),
        _t(
            "Les travailleurs et les organisations syndicales peuvent introduire un recours "
            "devant le tribunal du travail contre les décisions X−35 (ou leur absence).",
            "Werknemers en vakorganisaties kunnen beroep instellen bij de arbeidsrechtbank "
            "tegen de beslissingen X−35 (of het ontbreken ervan).",
            "Arbeitnehmer und Gewerkschaften können beim Arbeitsgericht Klage gegen die "
            "Entscheidungen X−35 (oder deren Fehlen) erheben.",
        ),
    ),
    "X-5": _s(
        _t(
            "Décision du tribunal du travail sur les recours X−28",
            "Uitspraak van de arbeidsrechtbank over de beroepen X−28",
            "Urteil des Arbeitsgerichts über die Klagen X−28",
        ),
        _t(
            "Le tribunal du travail statue dans les 23 jours du recours ; sa décision n'est "
            "susceptible ni d'appel ni d'opposition.",
            "De arbeidsrechtbank doet uitspraak binnen 23 dagen na het beroep; tegen die "
            "uitspraak is geen hoger beroep of verzet mogelijk.",
            "Das Arbeitsgericht entscheidet binnen 23 Tagen nach der Klage; gegen das Urteil "
            "sind weder Berufung noch Einspruch möglich.",
        ),
    ),
    "X": _s(
        _t(
            "Jour X : affichage de l'avis annonçant la date des élections",
            "Dag X: aanplakking van het bericht met de datum van de verkiezingen",
            "Tag X: Aushang der Bekanntmachung des Wahldatums",
        ),
        _t(
            "Afficher l'avis annonçant la date des élections (date et heures du vote, unités "
            "techniques, mandats, listes électorales provisoires, calendrier électoral), en "
            "envoyer une copie aux organisations syndicales, charger l'avis X dans "
            "l'application web et compléter la fiche statistique pré-électorale.",
            "Het bericht met de datum van de verkiezingen aanplakken (datum en uren van de "
            "stemming, technische bedrijfseenheden, mandaten, voorlopige kiezerslijsten, "
            "verkiezingskalender), een kopie aan de vakorganisaties bezorgen, het bericht X "
            "opladen in de webapplicatie en de pre-electorale steekkaart invullen.",
            "Die Bekanntmachung des Wahldatums aushängen (Datum und Uhrzeit der Wahl, technische "
            "Betriebseinheiten, Mandate, vorläufige Wählerlisten, Wahlkalender), den "
            "Gewerkschaften eine Kopie übermitteln, die Bekanntmachung X in die Webanwendung "
            "hochladen und das vorwahlbezogene statistische Formular ausfüllen.",
        ),
    ),
    "X+7": _s(
        _t(
            "Dernier jour des réclamations contre l'avis X",
            "Laatste dag voor bezwaren tegen het bericht X",
            "Letzter Tag für Beschwerden gegen die Bekanntmachung X",
        ),
        _t(
            "Les travailleurs et les organisations syndicales peuvent introduire une "
            "réclamation contre les listes électorales, le nombre de mandats et les listes du "
            "personnel de direction et des cadres.",
            "Werknemers en vakorganisaties kunnen bezwaar indienen tegen de kiezerslijsten, het "
            "aantal mandaten en de lijsten van het leidinggevend personeel en de kaderleden.",
            "Arbeitnehmer und Gewerkschaften können Beschwerde gegen die Wählerlisten, die Zahl "
            "der Mandate und die Listen des leitenden Personals und der Kader einlegen.",
        ),
    ),
    "X+8": _s(
        _t(
            "L'avis X devient définitif en l'absence de réclamation",
            "Zonder bezwaar wordt het bericht X definitief",
            "Ohne Beschwerde wird die Bekanntmachung X endgültig",
        ),
        _t(
            "Si aucune réclamation n'a été introduite, l'avis X est définitif.",
            "Als er geen bezwaar werd ingediend, is het bericht X definitief.",
            "Wurde keine Beschwerde eingelegt, ist die Bekanntmachung X endgültig.",
        ),
    ),
    "X+14": _s(
        _t(
            "Décision sur les réclamations ; rectification de l'avis X",
            "Beslissing over de bezwaren; rechtzetting van het bericht X",
            "Entscheidung über die Beschwerden; Berichtigung der Bekanntmachung X",
        ),
        _t(
            "Statuer sur les réclamations et, si quelque chose change, afficher les listes "
            "rectifiées et charger dans l'application web l'avis X modifié après réclamation.",
            "Over de bezwaren beslissen en, als er iets verandert, de verbeterde lijsten "
            "aanplakken en het na bezwaar gewijzigde bericht X opladen in de webapplicatie.",
            "Über die Beschwerden entscheiden und, falls sich etwas ändert, die berichtigten "
            "Listen aushängen und die nach Beschwerde geänderte Bekanntmachung X in die "
            "Webanwendung hochladen.",
        ),
    ),
    "X+21": _s(
        _t(
            "Dernier jour de recours contre la décision X+14",
            "Laatste dag voor beroep tegen de beslissing X+14",
            "Letzter Tag für Klagen gegen die Entscheidung X+14",
        ),
        _t(
            "Les travailleurs et les organisations syndicales peuvent introduire un recours "
            "devant le tribunal du travail contre la décision sur les réclamations (ou son "
            "absence).",
            "Werknemers en vakorganisaties kunnen beroep instellen bij de arbeidsrechtbank "
            "tegen de beslissing over de bezwaren (of het ontbreken ervan).",
            "Arbeitnehmer und Gewerkschaften können beim Arbeitsgericht Klage gegen die "
            "Entscheidung über die Beschwerden (oder deren Fehlen) erheben.",
        ),
    ),
    "X+22": _s(
        _t(
            "Clôture définitive de l'avis X",
            "Definitieve afsluiting van het bericht X",
            "Endgültiger Abschluss der Bekanntmachung X",
        ),
        _t(
            "Sans réclamation ni recours, l'avis X est définitivement clôturé.",
            "Zonder bezwaar of beroep is het bericht X definitief afgesloten.",
            "Ohne Beschwerde oder Klage ist die Bekanntmachung X endgültig abgeschlossen.",
        ),
    ),
    "X+28": _s(
        _t(
            "Décision du tribunal ; listes électorales définitives",
            "Uitspraak van de rechtbank; definitieve kiezerslijsten",
            "Urteil des Gerichts; endgültige Wählerlisten",
        ),
        _t(
            "Le tribunal statue sur les recours X+21 ; les modifications sont affichées et "
            "l'avis X modifié après décision judiciaire est chargé dans l'application web. Les "
            "listes électorales deviennent définitives.",
            "De rechtbank doet uitspraak over de beroepen X+21; de wijzigingen worden "
            "aangeplakt en het na rechterlijke beslissing gewijzigde bericht X wordt opgeladen "
            "in de webapplicatie. De kiezerslijsten worden definitief.",
            "Das Gericht entscheidet über die Klagen X+21; die Änderungen werden ausgehängt und "
            "die nach Gerichtsentscheidung geänderte Bekanntmachung X wird in die Webanwendung "
            "hochgeladen. Die Wählerlisten werden endgültig.",
        ),
    ),
    "X+35": _s(
        _t(
            "Dernier jour de dépôt des listes de candidats",
            "Laatste dag voor het indienen van de kandidatenlijsten",
            "Letzter Tag für die Einreichung der Kandidatenlisten",
        ),
        _t(
            "Les organisations syndicales (et de cadres) déposent leurs listes de candidats, "
            "sur papier ou dans l'application web ; vous en êtes averti par l'e-Box ou par "
            "e-mail. Vérifiez les listes reçues.",
            "De vakorganisaties (en kaderorganisaties) dienen hun kandidatenlijsten in, op "
            "papier of in de webapplicatie; u wordt verwittigd via de e-Box of per e-mail. "
            "Controleer de ontvangen lijsten.",
            "Die Gewerkschaften (und Kaderorganisationen) reichen ihre Kandidatenlisten auf "
            "Papier oder in der Webanwendung ein; Sie werden über die e-Box oder per E-Mail "
            "benachrichtigt. Prüfen Sie die eingegangenen Listen.",
        ),
    ),
    "X+36": _s(
        _t(
            "Arrêt possible de la procédure faute de candidats",
            "Mogelijke stopzetting van de procedure bij gebrek aan kandidaten",
            "Mögliche Einstellung des Verfahrens mangels Kandidaten",
        ),
        _t(
            "Sans candidats pour tout ou partie des catégories, arrêter la procédure et charger "
            "l'avis d'arrêt complet ou le procès-verbal d'arrêt partiel dans l'application web, "
            "entre X+36 et X+79.",
            "Zonder kandidaten voor alle of sommige categorieën de procedure stopzetten en het "
            "bericht van volledige stopzetting of het proces-verbaal van gedeeltelijke "
            "stopzetting opladen in de webapplicatie, tussen X+36 en X+79.",
            "Ohne Kandidaten für alle oder einige Kategorien das Verfahren einstellen und die "
            "Mitteilung der vollständigen Einstellung oder das Protokoll der teilweisen "
            "Einstellung zwischen X+36 und X+79 in die Webanwendung hochladen.",
        ),
    ),
    "X+39": _s(
        _t(
            "Numéros attribués aux listes sans numéro national",
            "Nummers toegekend aan lijsten zonder nationaal nummer",
            "Nummern für Listen ohne nationale Nummer",
        ),
        _t(
            "Attribuer un numéro aux listes qui n'ont pas de numéro national.",
            "Een nummer toekennen aan de lijsten die geen nationaal nummer hebben.",
            "Den Listen ohne nationale Nummer eine Nummer zuteilen.",
        ),
    ),
    "X+40": _s(
        _t(
            "Affichage des listes de candidats ; désignation des présidents des bureaux de vote",
            "Aanplakking van de kandidatenlijsten; aanwijzing van de voorzitters van de "
            "stembureaus",
            "Aushang der Kandidatenlisten; Bestimmung der Vorsitzenden der Wahlbüros",
        ),
        _t(
            "Afficher les listes de candidats sans aucune modification, dans l'ordre du tirage "
            "au sort national, au même endroit que l'avis X, et désigner les présidents des "
            "bureaux de vote et leurs suppléants.",
            "De kandidatenlijsten zonder enige wijziging aanplakken, in de volgorde van de "
            "nationale loting, op dezelfde plaats als het bericht X, en de voorzitters van de "
            "stembureaus en hun plaatsvervangers aanwijzen.",
            "Die Kandidatenlisten ohne jede Änderung in der Reihenfolge der nationalen Auslosung "
            "am Ort der Bekanntmachung X aushängen und die Vorsitzenden der Wahlbüros und ihre "
            "Stellvertreter bestimmen.",
        ),
    ),
    "X+47": _s(
        _t(
            "Dernier jour des réclamations contre les listes de candidats et des retraits de "
            "candidature",
            "Laatste dag voor bezwaren tegen de kandidatenlijsten en voor het intrekken van een "
            "kandidatuur",
            "Letzter Tag für Beschwerden gegen die Kandidatenlisten und für die Rücknahme einer "
            "Kandidatur",
        ),
        _t(
            "Les travailleurs et les organisations syndicales peuvent introduire auprès de "
            "l'employeur une réclamation contre les listes de candidats ; un candidat peut "
            "retirer sa candidature.",
            "Werknemers en vakorganisaties kunnen bij de werkgever bezwaar indienen tegen de "
            "kandidatenlijsten; een kandidaat kan zijn kandidatuur intrekken.",
            "Arbeitnehmer und Gewerkschaften können beim Arbeitgeber Beschwerde gegen die "
            "Kandidatenlisten einlegen; ein Kandidat kann seine Kandidatur zurücknehmen.",
        ),
    ),
    "X+48": _s(
        _t(
            "Transmission des réclamations et des retraits aux organisations",
            "Doorsturen van de bezwaren en intrekkingen naar de organisaties",
            "Weiterleitung der Beschwerden und Rücknahmen an die Organisationen",
        ),
        _t(
            "Transmettre chaque réclamation ou retrait de candidature à l'organisation "
            "concernée, par l'application web ou par la poste, même si vous l'avez reçu plus tôt.",
            "Elk bezwaar of elke intrekking van een kandidatuur doorsturen naar de betrokken "
            "organisatie, via de webapplicatie of per post, ook als u het vroeger ontving.",
            "Jede Beschwerde oder Rücknahme einer Kandidatur über die Webanwendung oder per Post "
            "an die betroffene Organisation weiterleiten, auch wenn Sie sie früher erhalten haben.",
        ),
    ),
    "X+52": _s(
        _t(
            "Recours de l'employeur contre les listes de candidats (sans réclamation)",
            "Beroep van de werkgever tegen de kandidatenlijsten (zonder bezwaar)",
            "Klage des Arbeitgebers gegen die Kandidatenlisten (ohne Beschwerde)",
        ),
        _t(
            "Si aucune réclamation n'a été introduite, dernier jour pour votre recours devant le "
            "tribunal du travail contre les listes de candidats.",
            "Als er geen bezwaar werd ingediend, laatste dag voor uw beroep bij de "
            "arbeidsrechtbank tegen de kandidatenlijsten.",
            "Wurde keine Beschwerde eingelegt, letzter Tag für Ihre Klage beim Arbeitsgericht "
            "gegen die Kandidatenlisten.",
        ),
    ),
    "X+54": _s(
        _t(
            "Listes modifiées après réclamation ; membres des bureaux de vote",
            "Lijsten gewijzigd na bezwaar; leden van de stembureaus",
            "Nach Beschwerde geänderte Listen; Mitglieder der Wahlbüros",
        ),
        _t(
            "Les organisations peuvent modifier leurs listes après une réclamation ; désigner "
            "les autres membres des bureaux de vote (secrétaire et assesseurs).",
            "De organisaties kunnen hun lijsten na een bezwaar wijzigen; de andere leden van de "
            "stembureaus aanwijzen (secretaris en bijzitters).",
            "Die Organisationen können ihre Listen nach einer Beschwerde ändern; die übrigen "
            "Mitglieder der Wahlbüros bestimmen (Sekretär und Beisitzer).",
        ),
    ),
    "X+56": _s(
        _t(
            "Réaffichage des listes de candidats ; accord sur le vote par correspondance",
            "Nieuwe aanplakking van de kandidatenlijsten; akkoord over de stemming per brief",
            "Erneuter Aushang der Kandidatenlisten; Einigung über die Briefwahl",
        ),
        _t(
            "Réafficher les listes de candidats, même inchangées ; dernier jour pour un accord "
            "unanime sur le vote par correspondance.",
            "De kandidatenlijsten opnieuw aanplakken, ook als ze niet gewijzigd zijn; laatste "
            "dag voor een unaniem akkoord over de stemming per brief.",
            "Die Kandidatenlisten erneut aushängen, auch wenn sie unverändert sind; letzter Tag "
            "für eine einstimmige Einigung über die Briefwahl.",
        ),
    ),
    "X+60": _s(
        _t(
            "Affichage de la composition des bureaux de vote",
            "Aanplakking van de samenstelling van de stembureaus",
            "Aushang der Zusammensetzung der Wahlbüros",
        ),
        _t(
            "Afficher la composition des bureaux de vote et la répartition des électeurs entre "
            "les bureaux.",
            "De samenstelling van de stembureaus en de verdeling van de kiezers over de "
            "stembureaus aanplakken.",
            "Die Zusammensetzung der Wahlbüros und die Verteilung der Wähler auf die Wahlbüros "
            "aushängen.",
        ),
    ),
    "X+61": _s(
        _t(
            "Recours contre les listes de candidats après réclamation",
            "Beroep tegen de kandidatenlijsten na bezwaar",
            "Klage gegen die Kandidatenlisten nach Beschwerde",
        ),
        _t(
            "Si une réclamation a été introduite, dernier jour du recours devant le tribunal du "
            "travail contre les listes de candidats.",
            "Als er bezwaar werd ingediend, laatste dag voor het beroep bij de arbeidsrechtbank "
            "tegen de kandidatenlijsten.",
            "Wurde Beschwerde eingelegt, letzter Tag für die Klage beim Arbeitsgericht gegen die "
            "Kandidatenlisten.",
        ),
    ),
    "X+70": _s(
        _t("Désignation des témoins", "Aanwijzing van de getuigen", "Bestimmung der Zeugen"),
        _t(
            "Les organisations désignent leurs témoins (un par bureau de vote, plus un "
            "suppléant), le cas échéant par l'application web.",
            "De organisaties wijzen hun getuigen aan (één per stembureau, plus een "
            "plaatsvervanger), in voorkomend geval via de webapplicatie.",
            "Die Organisationen bestimmen ihre Zeugen (einen je Wahlbüro und einen "
            "Stellvertreter), gegebenenfalls über die Webanwendung.",
        ),
    ),
    "X+76": _s(
        _t(
            "Dernier jour pour remplacer un candidat",
            "Laatste dag om een kandidaat te vervangen",
            "Letzter Tag für die Ersetzung eines Kandidaten",
        ),
        _t(
            "Les organisations peuvent remplacer un candidat dans les cinq cas prévus ; le "
            "remplaçant est protégé contre le licenciement.",
            "De organisaties kunnen een kandidaat vervangen in de vijf voorziene gevallen; de "
            "vervanger is beschermd tegen ontslag.",
            "Die Organisationen können einen Kandidaten in den fünf vorgesehenen Fällen "
            "ersetzen; der Ersatzkandidat ist vor Entlassung geschützt.",
        ),
    ),
    "X+77": _s(
        _t(
            "Clôture des listes de candidats ; mise à jour des listes électorales",
            "Afsluiting van de kandidatenlijsten; bijwerking van de kiezerslijsten",
            "Abschluss der Kandidatenlisten; Aktualisierung der Wählerlisten",
        ),
        _t(
            "Les listes de candidats sont closes : faire établir les bulletins de vote sur le "
            "modèle officiel et mettre à jour les listes électorales (travailleurs partis, "
            "intérimaires qui ne remplissent pas les conditions).",
            "De kandidatenlijsten zijn afgesloten: de stembiljetten volgens het officiële model "
            "laten opmaken en de kiezerslijsten bijwerken (vertrokken werknemers, "
            "uitzendkrachten die niet aan de voorwaarden voldoen).",
            "Die Kandidatenlisten sind abgeschlossen: die Stimmzettel nach dem amtlichen Muster "
            "erstellen lassen und die Wählerlisten aktualisieren (ausgeschiedene Arbeitnehmer, "
            "Leiharbeitnehmer, die die Bedingungen nicht erfüllen).",
        ),
    ),
    "X+80": _s(
        _t(
            "Dernier jour pour remettre les lettres de convocation",
            "Laatste dag om de oproepingsbrieven te bezorgen",
            "Letzter Tag für die Zustellung der Einberufungsschreiben",
        ),
        _t(
            "Remettre ou envoyer à chaque électeur sa lettre de convocation, au plus tard dix "
            "jours avant Y, et afficher le dernier jour un avis constatant cette remise.",
            "Elke kiezer zijn oproepingsbrief overhandigen of toesturen, uiterlijk tien dagen "
            "voor Y, en op de laatste dag een bericht aanplakken dat die bezorging vaststelt.",
            "Jedem Wähler sein Einberufungsschreiben spätestens zehn Tage vor Y aushändigen oder "
            "zusenden und am letzten Tag eine Mitteilung über diese Zustellung aushängen.",
        ),
    ),
    "Y-1": _s(
        _t(
            "Veille des élections : remise des bulletins aux présidents",
            "Dag voor de verkiezingen: overhandiging van de stembiljetten aan de voorzitters",
            "Vortag der Wahl: Übergabe der Stimmzettel an die Vorsitzenden",
        ),
        _t(
            "Remettre à chaque président de bureau de vote une enveloppe scellée contenant les "
            "bulletins de vote.",
            "Elke voorzitter van een stembureau een verzegelde omslag met de stembiljetten "
            "overhandigen.",
            "Jedem Vorsitzenden eines Wahlbüros einen versiegelten Umschlag mit den Stimmzetteln "
            "übergeben.",
        ),
    ),
    "Y": _s(
        _t("Jour Y : élections", "Dag Y: verkiezingen", "Tag Y: Wahl"),
        _t(
            "Vote, dépouillement, répartition des sièges et procès-verbal par bureau de vote. "
            "Charger le procès-verbal d'élection dans l'application web et compléter la fiche "
            "statistique électorale.",
            "Stemming, telling, zetelverdeling en proces-verbaal per stembureau. Het "
            "proces-verbaal van de verkiezing opladen in de webapplicatie en de "
            "verkiezingssteekkaart invullen.",
            "Stimmabgabe, Auszählung, Sitzverteilung und Protokoll je Wahlbüro. Das Wahlprotokoll "
            "in die Webanwendung hochladen und das Wahlstatistikformular ausfüllen.",
        ),
    ),
    "Y+1": _s(
        _t(
            "Remise des documents électoraux à l'employeur",
            "Overhandiging van de verkiezingsdocumenten aan de werkgever",
            "Übergabe der Wahlunterlagen an den Arbeitgeber",
        ),
        _t(
            "Recevoir des présidents les documents électoraux sous enveloppe scellée et les "
            "conserver jusqu'à Y+25, ou les remettre au tribunal en cas de recours.",
            "De verkiezingsdocumenten in verzegelde omslag van de voorzitters ontvangen en ze "
            "bewaren tot Y+25, of ze bij een beroep aan de rechtbank bezorgen.",
            "Die Wahlunterlagen im versiegelten Umschlag von den Vorsitzenden entgegennehmen und "
            "bis Y+25 aufbewahren oder sie bei einer Klage dem Gericht übergeben.",
        ),
    ),
    "Y+2": _s(
        _t("Affichage des résultats", "Aanplakking van de uitslag", "Aushang der Ergebnisse"),
        _t(
            "Afficher physiquement (un affichage électronique ne suffit pas) les résultats et "
            "la composition du CE/CPPT sur le formulaire officiel, à l'endroit de l'avis X.",
            "De uitslag en de samenstelling van de OR/CPBW fysiek aanplakken (elektronisch "
            "volstaat niet) op het officiële formulier, op de plaats van het bericht X.",
            "Die Ergebnisse und die Zusammensetzung des BR/AGS auf dem amtlichen Formular am Ort "
            "der Bekanntmachung X physisch aushängen (elektronisch genügt nicht).",
        ),
    ),
    "Y+15": _s(
        _t(
            "Dernier jour de recours contre les résultats",
            "Laatste dag voor beroep tegen de uitslag",
            "Letzter Tag für Klagen gegen das Wahlergebnis",
        ),
        _t(
            "Recours devant le tribunal du travail dans les 13 jours de l'affichage effectif "
            "des résultats.",
            "Beroep bij de arbeidsrechtbank binnen 13 dagen na de werkelijke aanplakking van de "
            "uitslag.",
            "Klage beim Arbeitsgericht binnen 13 Tagen nach dem tatsächlichen Aushang der "
            "Ergebnisse.",
        ),
    ),
    "Y+25": _s(
        _t(
            "Fin de la conservation des documents électoraux",
            "Einde van de bewaring van de verkiezingsdocumenten",
            "Ende der Aufbewahrung der Wahlunterlagen",
        ),
        _t(
            "En l'absence de recours, les documents électoraux ne doivent plus être conservés.",
            "Zonder beroep hoeven de verkiezingsdocumenten niet langer bewaard te worden.",
            "Ohne Klage müssen die Wahlunterlagen nicht länger aufbewahrt werden.",
        ),
    ),
    "Y+45": _s(
        _t(
            "Installation du nouveau CE/CPPT",
            "Installatie van de nieuwe OR/CPBW",
            "Einsetzung des neuen BR/AGS",
        ),
        _t(
            "Convoquer la première réunion du nouveau CE/CPPT, au plus tard 45 jours après les "
            "élections s'il n'y a pas de recours.",
            "De eerste vergadering van de nieuwe OR/CPBW bijeenroepen, uiterlijk 45 dagen na de "
            "verkiezingen als er geen beroep is.",
            "Die erste Sitzung des neuen BR/AGS einberufen, spätestens 45 Tage nach der Wahl, "
            "wenn keine Klage erhoben wurde.",
        ),
    ),
    "Y+69": _s(
        _t(
            "Décision du tribunal sur les recours contre les résultats",
            "Uitspraak van de rechtbank over de beroepen tegen de uitslag",
            "Urteil des Gerichts über die Klagen gegen das Wahlergebnis",
        ),
        _t(
            "Le tribunal du travail statue dans les 67 jours de l'affichage des résultats ; le "
            "jugement est notifié notamment au SPF.",
            "De arbeidsrechtbank doet uitspraak binnen 67 dagen na de aanplakking van de "
            "uitslag; het vonnis wordt onder meer aan de FOD betekend.",
            "Das Arbeitsgericht entscheidet binnen 67 Tagen nach dem Aushang der Ergebnisse; das "
            "Urteil wird unter anderem dem FÖD notifiziert.",
        ),
    ),
    "Y+84": _s(
        _t(
            "Appel devant la cour du travail",
            "Hoger beroep bij het arbeidshof",
            "Berufung beim Arbeitsgerichtshof",
        ),
        _t(
            "Dernier jour d'appel devant la cour du travail, 15 jours après la notification du "
            "jugement.",
            "Laatste dag voor hoger beroep bij het arbeidshof, 15 dagen na de kennisgeving van "
            "het vonnis.",
            "Letzter Tag für die Berufung beim Arbeitsgerichtshof, 15 Tage nach der Notifizierung "
            "des Urteils.",
        ),
    ),
    "Y+86": _s(
        _t(
            "Retrait possible de l'avis des résultats",
            "Het bericht met de uitslag mag worden weggenomen",
            "Die Bekanntmachung der Ergebnisse darf abgenommen werden",
        ),
        _t(
            "L'avis des résultats reste affiché jusqu'à ce jour et peut être retiré ensuite.",
            "Het bericht met de uitslag blijft tot deze dag aangeplakt en mag daarna worden "
            "weggenomen.",
            "Die Bekanntmachung der Ergebnisse bleibt bis zu diesem Tag ausgehängt und darf "
            "danach abgenommen werden.",
        ),
    ),
    "Y+144": _s(
        _t(
            "Décision de la cour du travail",
            "Uitspraak van het arbeidshof",
            "Urteil des Arbeitsgerichtshofs",
        ),
        _t(
            "La cour du travail statue sur l'appel.",
            "Het arbeidshof doet uitspraak over het hoger beroep.",
            "Der Arbeitsgerichtshof entscheidet über die Berufung.",
        ),
    ),
}

#: § 1.2 phase names.
_PHASE_NAMES: dict[Phase, Translated] = {
    Phase.preparation: _t("Préparation", "Voorbereiding", "Vorbereitung"),
    Phase.pre_procedure: _t(
        "Procédure préélectorale", "Pre-electorale procedure", "Vorwahlverfahren"
    ),
    Phase.announcement: _t(
        "Annonce des élections et listes électorales",
        "Aankondiging van de verkiezingen en kiezerslijsten",
        "Ankündigung der Wahl und Wählerlisten",
    ),
    Phase.candidacy: _t("Candidatures", "Kandidaturen", "Kandidaturen"),
    Phase.vote: _t("Convocations et vote", "Oproepingen en stemming", "Einberufung und Wahl"),
    Phase.post_electoral: _t("Après les élections", "Na de verkiezingen", "Nach der Wahl"),
}

#: The forms of ``Step.documents`` (§ 6 "Documents (model forms)").
_DOCUMENT_NAMES: dict[str, Translated] = {
    "X-60 notice": _t("avis X−60", "bericht X−60", "Mitteilung X−60"),
    "basic statistical form": _t(
        "fiche statistique de base", "basissteekkaart", "statistisches Basisformular"
    ),
    "X-35 notice": _t("avis X−35", "bericht X−35", "Mitteilung X−35"),
    "X notice": _t(
        "avis X annonçant la date des élections",
        "bericht X met de datum van de verkiezingen",
        "Bekanntmachung X des Wahldatums",
    ),
    "pre-electoral statistical form": _t(
        "fiche statistique pré-électorale",
        "pre-electorale steekkaart",
        "vorwahlbezogenes statistisches Formular",
    ),
    "X notice corrected after a complaint": _t(
        "avis X modifié après réclamation",
        "bericht X gewijzigd na bezwaar",
        "nach Beschwerde geänderte Bekanntmachung X",
    ),
    "X notice corrected after a court ruling": _t(
        "avis X modifié après décision judiciaire",
        "bericht X gewijzigd na rechterlijke beslissing",
        "nach Gerichtsentscheidung geänderte Bekanntmachung X",
    ),
    "complete stop notice": _t(
        "avis d'arrêt complet de la procédure",
        "bericht van volledige stopzetting van de procedure",
        "Mitteilung der vollständigen Einstellung des Verfahrens",
    ),
    "partial stop PV": _t(
        "procès-verbal d'arrêt partiel",
        "proces-verbaal van gedeeltelijke stopzetting",
        "Protokoll der teilweisen Einstellung",
    ),
    "candidate lists": _t("listes de candidats", "kandidatenlijsten", "Kandidatenlisten"),
    "complaints and withdrawals": _t(
        "réclamations et retraits de candidature",
        "bezwaren en intrekkingen van kandidaturen",
        "Beschwerden und Rücknahmen von Kandidaturen",
    ),
    "polling-station composition notice": _t(
        "avis de composition des bureaux de vote",
        "bericht over de samenstelling van de stembureaus",
        "Mitteilung über die Zusammensetzung der Wahlbüros",
    ),
    "convocation letters": _t(
        "lettres de convocation", "oproepingsbrieven", "Einberufungsschreiben"
    ),
    "notice recording the delivery of convocations": _t(
        "avis constatant la remise des convocations",
        "bericht over de bezorging van de oproepingsbrieven",
        "Mitteilung über die Zustellung der Einberufungsschreiben",
    ),
    "election PV": _t(
        "procès-verbal d'élection", "proces-verbaal van de verkiezing", "Wahlprotokoll"
    ),
    "election statistical form": _t(
        "fiche statistique électorale", "verkiezingssteekkaart", "Wahlstatistikformular"
    ),
    "results notice": _t(
        "avis des résultats", "bericht met de uitslag", "Bekanntmachung der Ergebnisse"
    ),
}

#: The consultation bodies (reference, abbreviations paragraph).
_BODY_NAMES: dict[str, Translated] = {
    "CPPT": _t(
        "comité pour la prévention et la protection au travail",
        "comité voor preventie en bescherming op het werk",
        "Ausschuss für Gefahrenverhütung und Schutz am Arbeitsplatz",
    ),
    "CE": _t("conseil d'entreprise", "ondernemingsraad", "Betriebsrat"),
}
_BODY_ABBREVIATIONS: dict[str, Translated] = {
    "CPPT": _t("CPPT", "CPBW", "AGS"),
    "CE": _t("CE", "OR", "BR"),
}

# The base law and its companion on court appeals (reference, "Scope and method" and § 7).
# Article numbers are given only where the reference confirms one (§ 7: art. 3 of the
# appeals law for X−28 and X−5; art. 33 § 1 of the elections law cited for X+35).
_ELECTIONS_LAW = _t(
    "loi du 4 décembre 2007 relative aux élections sociales",
    "wet van 4 december 2007 betreffende de sociale verkiezingen",
    "Gesetz vom 4. Dezember 2007 über die Sozialwahlen",
)
_APPEALS_LAW = _t(
    "loi du 4 décembre 2007 sur les recours judiciaires en matière d'élections sociales",
    "wet van 4 december 2007 over de rechtsmiddelen inzake sociale verkiezingen",
    "Gesetz vom 4. Dezember 2007 über die gerichtlichen Rechtsmittel bei den Sozialwahlen",
)
_ARTICLE = _t("art. {n}", "art. {n}", "Art. {n}")
_COURT_STEPS = frozenset({"X-28", "X-5", "X+21", "X+52", "X+61", "Y+15", "Y+69", "Y+84", "Y+144"})
_ARTICLES: dict[str, str] = {"X-28": "3", "X-5": "3", "X+35": "33 § 1"}

_WHEN: dict[StepKind, Translated] = {
    StepKind.deadline: _t("au plus tard le {day}", "uiterlijk op {day}", "spätestens am {day}"),
    StepKind.fixed_day: _t("le {day}", "op {day}", "am {day}"),
    StepKind.earliest_day: _t(
        "au plus tôt le {day}", "ten vroegste op {day}", "frühestens am {day}"
    ),
    StepKind.period: _t("du {day} au {end}", "van {day} tot {end}", "vom {day} bis {end}"),
}


def _step_text(code: str) -> _StepText:
    return _STEP_TEXTS[step(code).code]


def step_title(code: str, lang: str) -> str:
    """The step's short title ("Jour X : affichage de l'avis …") in ``lang``."""
    return _step_text(code).title[lang]


def step_action(code: str, lang: str) -> str:
    """What happens at the step and what the employer must do, in ``lang``."""
    return _step_text(code).action[lang]


def phase_name(phase: Phase | str, lang: str) -> str:
    """The § 1.2 phase name in ``lang``."""
    return _PHASE_NAMES[Phase(phase)][lang]


def document_name(document: str, lang: str) -> str:
    """A form listed in ``Step.documents`` ("X-60 notice", …), named in ``lang``."""
    return _DOCUMENT_NAMES[document][lang]


def body_name(body: str, lang: str) -> str:
    """The consultation body (CPPT or CE) in full, in ``lang``."""
    return _BODY_NAMES[body][lang]


def body_abbreviation(body: str, lang: str) -> str:
    """CPPT/CE as written in ``lang``: CPPT/CE, CPBW/OR, AGS/BR."""
    return _BODY_ABBREVIATIONS[body][lang]


def legal_basis(code: str, lang: str) -> str:
    """The law a step comes from, with the article where the reference confirms one."""
    key = step(code).code
    law = (_APPEALS_LAW if key in _COURT_STEPS else _ELECTIONS_LAW)[lang]
    article = _ARTICLES.get(key)
    return f"{law}, {_ARTICLE[lang].format(n=article)}" if article else law


def format_date(day: date, lang: str, format: str = "full") -> str:
    """A date the way a reader of ``lang`` in Belgium writes it (Babel, CLDR data).

    ``format`` is a Babel format name (short, medium, long, full) or pattern; "full" gives
    "lundi 8 mai 2028", "maandag 8 mei 2028", "Montag, 8. Mai 2028".
    """
    return _babel_format_date(day, format=format, locale=LOCALES[check_language(lang)])


def when_phrase(
    kind: StepKind, day: date, lang: str, period_end: date | None = None, format: str = "full"
) -> str:
    """The date of a step worded for its kind, e.g. "au plus tard le lundi 8 mai 2028".

    A deadline is "at the latest", an earliest day "at the earliest", a period spans two days
    (``period_end`` required), a fixed day is just the day (see :class:`StepKind`).
    """
    if kind is StepKind.period and period_end is None:
        raise ValueError("period_end: required for a period step")
    end = format_date(period_end, lang, format) if period_end is not None else ""
    return _WHEN[kind][lang].format(day=format_date(day, lang, format), end=end)
