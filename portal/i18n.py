"""The portal's own words in French, Dutch and German, and how a page picks its language.

Step titles, actions, phase and body names come from ``procedure.i18n``, so the portal and
the letters word a step the same way. The strings below are the pages' own. Each one is a
``procedure.i18n.Translated``, which refuses to be built with a language missing, so a
forgotten translation stops the portal at import instead of showing a page in two languages;
``tests/portal`` also checks that every key the templates use exists.

Why a dictionary and not gettext catalogues: with gettext a missing translation silently
falls back to the source text, and the .po files would need a compile step; here the three
languages are three required fields.

Language of a page: the officer's choice (the switcher, kept in the session), else the
enterprise's language (``Enterprise.language``), else the browser's Accept-Language, else
French.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_datetime

from portal.clock import BRUSSELS
from procedure.i18n import LANGUAGES, LOCALES, Translated, format_date

#: Each language named in itself, for the switcher.
LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "de": "Deutsch"}
DEFAULT_LANGUAGE = "fr"


def _t(fr: str, nl: str, de: str) -> Translated:
    return Translated(fr=fr, nl=nl, de=de)


STRINGS: dict[str, Translated] = {
    # Frame of every page.
    "site.name": _t(
        "Élections sociales – espace dossier",
        "Sociale verkiezingen – dossierruimte",
        "Sozialwahlen – Dossierbereich",
    ),
    "site.fps": _t(
        "SPF Emploi, Travail et Concertation sociale",
        "FOD Werkgelegenheid, Arbeid en Sociaal Overleg",
        "FÖD Beschäftigung, Arbeit und Soziale Konzertierung",
    ),
    "nav.skip": _t("Aller au contenu", "Naar de inhoud", "Zum Inhalt"),
    "nav.languages": _t("Langue", "Taal", "Sprache"),
    "nav.logout": _t("Se déconnecter", "Afmelden", "Abmelden"),
    "nav.back_to_dossier": _t("Retour au dossier", "Terug naar het dossier", "Zurück zum Dossier"),
    "banner.as_of": _t(
        "Mode démonstration : le portail se comporte comme si nous étions le {day}.",
        "Demonstratiemodus: het portaal gedraagt zich alsof het vandaag {day} is.",
        "Demonstrationsmodus: Das Portal verhält sich, als wäre heute {day}.",
    ),
    "footer.text": _t(
        "Un problème d'accès ? Contactez le SPF Emploi en mentionnant votre numéro de dossier, "
        "jamais votre mot de passe.",
        "Een probleem met de toegang? Neem contact op met de FOD WASO en vermeld uw "
        "dossiernummer, nooit uw wachtwoord.",
        "Probleme beim Zugang? Wenden Sie sich unter Angabe Ihrer Dossiernummer, niemals Ihres "
        "Passworts, an den FÖD Beschäftigung.",
    ),
    "form.errors_title": _t(
        "Veuillez corriger ce qui suit",
        "Gelieve het volgende te verbeteren",
        "Bitte korrigieren Sie Folgendes",
    ),
    "form.error_prefix": _t("Erreur :", "Fout:", "Fehler:"),
    # Login.
    "login.title": _t(
        "Connexion à votre dossier", "Aanmelden bij uw dossier", "Anmeldung bei Ihrem Dossier"
    ),
    "login.intro": _t(
        "Saisissez le numéro de dossier et le mot de passe de la lettre que le SPF Emploi a "
        "envoyée dans l'e-Box de votre entreprise.",
        "Vul het dossiernummer en het wachtwoord in uit de brief die de FOD WASO in de e-Box "
        "van uw onderneming heeft geplaatst.",
        "Geben Sie die Dossiernummer und das Passwort aus dem Schreiben ein, das der FÖD "
        "Beschäftigung in die e-Box Ihres Unternehmens gestellt hat.",
    ),
    "login.dossier_number": _t("Numéro de dossier", "Dossiernummer", "Dossiernummer"),
    "login.dossier_number_hint": _t(
        "Par exemple 28-CPPT-000412-51.",
        "Bijvoorbeeld 28-CPPT-000412-51.",
        "Zum Beispiel 28-CPPT-000412-51.",
    ),
    "login.password": _t("Mot de passe", "Wachtwoord", "Passwort"),
    "login.password_hint": _t(
        "Les tirets, les espaces et les majuscules ne comptent pas.",
        "Streepjes, spaties en hoofdletters tellen niet mee.",
        "Bindestriche, Leerzeichen und Großschreibung spielen keine Rolle.",
    ),
    "login.submit": _t("Se connecter", "Aanmelden", "Anmelden"),
    "login.invalid": _t(
        "Le numéro de dossier ou le mot de passe est incorrect.",
        "Het dossiernummer of het wachtwoord is onjuist.",
        "Die Dossiernummer oder das Passwort ist falsch.",
    ),
    "login.number_format": _t(
        "Le numéro de dossier a la forme 28-CPPT-000412-51 et ses deux derniers chiffres "
        "doivent correspondre : vérifiez-le sur la lettre.",
        "Het dossiernummer heeft de vorm 28-CPPT-000412-51 en de laatste twee cijfers moeten "
        "kloppen: controleer het op de brief.",
        "Die Dossiernummer hat die Form 28-CPPT-000412-51 und ihre letzten beiden Ziffern "
        "müssen stimmen: Prüfen Sie sie anhand des Schreibens.",
    ),
    "login.password_required": _t(
        "Saisissez le mot de passe.",
        "Vul het wachtwoord in.",
        "Geben Sie das Passwort ein.",
    ),
    "login.locked": _t(
        "Trop de mots de passe erronés : ce dossier est verrouillé jusqu'au {until}. "
        "Réessayez ensuite.",
        "Te veel foute wachtwoorden: dit dossier is vergrendeld tot {until}. "
        "Probeer het daarna opnieuw.",
        "Zu viele falsche Passwörter: Dieses Dossier ist bis {until} gesperrt. "
        "Versuchen Sie es danach erneut.",
    ),
    "login.throttled": _t(
        "Trop de tentatives de connexion échouées depuis votre réseau. Réessayez après le {until}.",
        "Te veel mislukte aanmeldpogingen vanaf uw netwerk. Probeer het opnieuw na {until}.",
        "Zu viele fehlgeschlagene Anmeldeversuche aus Ihrem Netzwerk. Versuchen Sie es nach "
        "{until} erneut.",
    ),
    # The dossier page.
    "dossier.title": _t("Dossier {number}", "Dossier {number}", "Dossier {number}"),
    "dossier.summary": _t("Votre dossier", "Uw dossier", "Ihr Dossier"),
    "dossier.company": _t("Entreprise", "Onderneming", "Unternehmen"),
    "dossier.enterprise_number": _t("n° BCE", "KBO-nr.", "ZDU-Nr."),
    "dossier.unit": _t(
        "Unité technique d'exploitation",
        "Technische bedrijfseenheid",
        "Technische Betriebseinheit",
    ),
    "dossier.body": _t("Organe", "Orgaan", "Organ"),
    "dossier.edition": _t("Élections sociales", "Sociale verkiezingen", "Sozialwahlen"),
    "dossier.edition_provisional": _t(
        "période électorale provisoire, en attente de la loi",
        "voorlopige verkiezingsperiode, in afwachting van de wet",
        "vorläufiger Wahlzeitraum, bis das Gesetz veröffentlicht ist",
    ),
    "dossier.status": _t("État de la procédure", "Stand van de procedure", "Stand des Verfahrens"),
    "dossier.status_open": _t("en cours", "lopend", "laufend"),
    "dossier.status_stopped": _t("arrêtée", "stopgezet", "eingestellt"),
    "dossier.status_closed": _t("clôturée", "afgesloten", "abgeschlossen"),
    "dossier.actions": _t("Autres actions", "Andere acties", "Weitere Aktionen"),
    # Day Y.
    "y.title": _t("Date des élections", "Datum van de verkiezingen", "Wahltag"),
    "y.day_y": _t("Jour Y (élections)", "Dag Y (verkiezingen)", "Tag Y (Wahl)"),
    "y.day_x": _t(
        "Jour X (affichage de l'avis)",
        "Dag X (aanplakking van het bericht)",
        "Tag X (Aushang der Bekanntmachung)",
    ),
    "y.choose_intro": _t(
        "Vous n'avez pas encore choisi le jour des élections. Tout le calendrier en découle : "
        "le jour X tombe 90 jours avant.",
        "U hebt de verkiezingsdag nog niet gekozen. De hele kalender volgt eruit: dag X valt "
        "90 dagen vroeger.",
        "Sie haben den Wahltag noch nicht gewählt. Der ganze Kalender ergibt sich daraus: "
        "Tag X liegt 90 Tage davor.",
    ),
    "y.legend": _t("Choisissez le jour Y", "Kies dag Y", "Wählen Sie den Tag Y"),
    "y.hint": _t(
        "Un jour ouvrable entre le {first} et le {last}.",
        "Een werkdag tussen {first} en {last}.",
        "Ein Werktag zwischen {first} und {last}.",
    ),
    "y.its_x": _t("jour X : {x_day}", "dag X: {x_day}", "Tag X: {x_day}"),
    "y.x_passed": _t(
        "(son jour X est passé)", "(de dag X ervan is voorbij)", "(sein Tag X ist vorbei)"
    ),
    "y.submit": _t("Enregistrer le jour Y", "Dag Y opslaan", "Tag Y speichern"),
    "y.change": _t(
        "Changer le jour Y (possible jusqu'au jour X, le {x_day})",
        "Dag Y wijzigen (mogelijk tot dag X, {x_day})",
        "Tag Y ändern (möglich bis Tag X, {x_day})",
    ),
    "y.fixed": _t(
        "Le jour X est passé : la date des élections ne peut plus changer ici.",
        "Dag X is voorbij: de verkiezingsdatum kan hier niet meer worden gewijzigd.",
        "Tag X ist vorbei: Der Wahltag kann hier nicht mehr geändert werden.",
    ),
    "y.not_open": _t(
        "La procédure n'est plus en cours : le jour Y ne peut plus être choisi.",
        "De procedure loopt niet meer: dag Y kan niet meer worden gekozen.",
        "Das Verfahren läuft nicht mehr: Tag Y kann nicht mehr gewählt werden.",
    ),
    # The calendar.
    "calendar.title": _t(
        "Calendrier de la procédure", "Kalender van de procedure", "Kalender des Verfahrens"
    ),
    "calendar.intro": _t(
        "Chaque étape avec sa date effective (une échéance qui tombe un jour non ouvrable est "
        "avancée au dernier jour ouvrable). État au {today}.",
        "Elke stap met zijn werkelijke datum (een termijn die op een niet-werkdag valt, wordt "
        "vervroegd naar de laatste werkdag). Stand op {today}.",
        "Jeder Schritt mit seinem tatsächlichen Datum (eine Frist, die auf einen arbeitsfreien "
        "Tag fällt, wird auf den letzten Werktag vorverlegt). Stand am {today}.",
    ),
    "calendar.download": _t(
        "Télécharger le calendrier (fichier .ics pour votre agenda)",
        "De kalender downloaden (.ics-bestand voor uw agenda)",
        "Den Kalender herunterladen (.ics-Datei für Ihren Terminkalender)",
    ),
    "calendar.caption": _t(
        "Étapes du dossier {number}",
        "Stappen van dossier {number}",
        "Schritte des Dossiers {number}",
    ),
    "calendar.col_date": _t("Date", "Datum", "Datum"),
    "calendar.col_step": _t("Étape", "Stap", "Schritt"),
    "calendar.col_status": _t("État", "Stand", "Stand"),
    "calendar.col_message": _t("Message du SPF", "Bericht van de FOD", "Nachricht des FÖD"),
    "calendar.col_confirm": _t("Votre suivi", "Uw opvolging", "Ihre Erledigung"),
    "calendar.what_to_do": _t("Que faire ?", "Wat moet u doen?", "Was ist zu tun?"),
    "calendar.moved": _t(
        "date légale : {legal}, jour non ouvrable",
        "wettelijke datum: {legal}, geen werkdag",
        "gesetzliches Datum: {legal}, kein Werktag",
    ),
    "calendar.mark_done": _t("Marquer comme fait", "Markeren als gedaan", "Als erledigt markieren"),
    "calendar.undo": _t("Annuler « fait »", "„Gedaan” ongedaan maken", "„Erledigt“ aufheben"),
    "status.done": _t("fait", "gedaan", "erledigt"),
    "status.overdue": _t("en retard", "te laat", "überfällig"),
    "status.due_soon": _t("bientôt", "binnenkort", "demnächst"),
    "status.later": _t("plus tard", "later", "später"),
    "status.void": _t("sans objet (arrêt)", "vervalt (stopzetting)", "entfällt (Einstellung)"),
    # The FPS's messages.
    "message.delivered": _t(
        "« {kind} » déposé dans l'e-Box le {at} (messageId {message_id})",
        "‘{kind}’ in de e-Box geplaatst op {at} (messageId {message_id})",
        "„{kind}“ am {at} in die e-Box gestellt (messageId {message_id})",
    ),
    "message.in_progress": _t(
        "« {kind} » en cours d'envoi", "‘{kind}’ wordt verzonden", "„{kind}“ wird versandt"
    ),
    "message.non_digital": _t(
        "« {kind} » : votre entreprise n'utilise pas l'e-Box, le document part par la poste",
        "‘{kind}’: uw onderneming gebruikt de e-Box niet, het document gaat per post",
        "„{kind}“: Ihr Unternehmen nutzt die e-Box nicht, das Dokument geht per Post",
    ),
    "message.failed": _t(
        "« {kind} » : l'envoi a échoué ({error}) ; le SPF le renverra",
        "‘{kind}’: de verzending is mislukt ({error}); de FOD verstuurt het opnieuw",
        "„{kind}“: Der Versand ist fehlgeschlagen ({error}); der FÖD sendet es erneut",
    ),
    "message.rejected": _t(
        "« {kind} » : refusé par l'e-Box ({error}) ; le SPF s'en occupe",
        "‘{kind}’: geweigerd door de e-Box ({error}); de FOD volgt dit op",
        "„{kind}“: von der e-Box abgelehnt ({error}); der FÖD kümmert sich darum",
    ),
    "message.not_yet_due": _t(
        "Rappel pas encore dû (prévu à partir du {day})",
        "Herinnering nog niet verschuldigd (gepland vanaf {day})",
        "Erinnerung noch nicht fällig (vorgesehen ab {day})",
    ),
    "message.stopped": _t(
        "Pas de rappel : la procédure est arrêtée",
        "Geen herinnering: de procedure is stopgezet",
        "Keine Erinnerung: Das Verfahren ist eingestellt",
    ),
    "message.not_sent": _t(
        "Aucun rappel envoyé pour cette étape",
        "Geen herinnering verstuurd voor deze stap",
        "Für diesen Schritt wurde keine Erinnerung versandt",
    ),
    "messages.title": _t(
        "Autres messages du SPF", "Andere berichten van de FOD", "Weitere Nachrichten des FÖD"
    ),
    "messages.caption": _t(
        "Messages du SPF sans étape du calendrier",
        "Berichten van de FOD zonder kalenderstap",
        "Nachrichten des FÖD ohne Kalenderschritt",
    ),
    "messages.col_subject": _t("Sujet", "Onderwerp", "Betreff"),
    "messages.none": _t(
        "Aucun autre message.", "Geen andere berichten.", "Keine weiteren Nachrichten."
    ),
    # The document families of procedure.documents.
    "kind.access_code": _t(
        "Lettre de codes d'accès", "Brief met toegangscodes", "Schreiben mit Zugangscodes"
    ),
    "kind.reminder": _t("Rappel", "Herinnering", "Erinnerung"),
    "kind.phase_notice": _t(
        "Avis de nouvelle phase", "Bericht over een nieuwe fase", "Mitteilung einer neuen Phase"
    ),
    "kind.brochure": _t("Brochure d'information", "Informatiebrochure", "Informationsbroschüre"),
    # Stop of the procedure.
    "stop.link": _t(
        "Déclarer un arrêt de la procédure (aucun candidat)",
        "Een stopzetting van de procedure melden (geen kandidaten)",
        "Eine Einstellung des Verfahrens melden (keine Kandidaten)",
    ),
    "stop.title": _t(
        "Arrêt de la procédure", "Stopzetting van de procedure", "Einstellung des Verfahrens"
    ),
    "stop.intro": _t(
        "Sans liste de candidats, la procédure s'arrête : complètement si aucune liste n'a été "
        "déposée, partiellement pour une catégorie sans liste. Après un arrêt complet, vous ne "
        "recevez plus de rappels.",
        "Zonder kandidatenlijst wordt de procedure stopgezet: volledig als er geen enkele lijst "
        "werd ingediend, gedeeltelijk voor een categorie zonder lijst. Na een volledige "
        "stopzetting ontvangt u geen herinneringen meer.",
        "Ohne Kandidatenliste wird das Verfahren eingestellt: vollständig, wenn keine Liste "
        "eingereicht wurde, teilweise für eine Kategorie ohne Liste. Nach einer vollständigen "
        "Einstellung erhalten Sie keine Erinnerungen mehr.",
    ),
    "stop.window": _t(
        "Pour ce dossier, l'arrêt se déclare du {first} (X+36) au {last} (X+79).",
        "Voor dit dossier meldt u de stopzetting van {first} (X+36) tot {last} (X+79).",
        "Für dieses Dossier melden Sie die Einstellung vom {first} (X+36) bis {last} (X+79).",
    ),
    "stop.kind_legend": _t("Type d'arrêt", "Soort stopzetting", "Art der Einstellung"),
    "stop.complete": _t("Arrêt complet", "Volledige stopzetting", "Vollständige Einstellung"),
    "stop.complete_hint": _t(
        "aucune liste de candidats n'a été déposée",
        "er werd geen enkele kandidatenlijst ingediend",
        "es wurde keine Kandidatenliste eingereicht",
    ),
    "stop.partial": _t("Arrêt partiel", "Gedeeltelijke stopzetting", "Teilweise Einstellung"),
    "stop.partial_hint": _t(
        "pas de liste (ou une seule liste avec au plus autant de candidats que de mandats) "
        "pour certaines catégories",
        "geen lijst (of één lijst met niet meer kandidaten dan mandaten) voor sommige categorieën",
        "keine Liste (oder eine einzige Liste mit höchstens so vielen Kandidaten wie Mandaten) "
        "für bestimmte Kategorien",
    ),
    "stop.categories_legend": _t(
        "Catégories arrêtées (arrêt partiel seulement)",
        "Stopgezette categorieën (alleen bij gedeeltelijke stopzetting)",
        "Eingestellte Kategorien (nur bei teilweiser Einstellung)",
    ),
    "stop.already_stopped": _t("(déjà arrêtée)", "(al stopgezet)", "(bereits eingestellt)"),
    "stop.confirm": _t(
        "Je confirme l'arrêt ; il ne peut pas être annulé ici.",
        "Ik bevestig de stopzetting; ze kan hier niet ongedaan worden gemaakt.",
        "Ich bestätige die Einstellung; sie kann hier nicht rückgängig gemacht werden.",
    ),
    "stop.submit": _t("Déclarer l'arrêt", "Stopzetting melden", "Einstellung melden"),
    "stop.stopped_notice": _t(
        "Procédure arrêtée le {day} : vous ne recevrez plus de rappels pour ce dossier.",
        "Procedure stopgezet op {day}: u ontvangt geen herinneringen meer voor dit dossier.",
        "Verfahren am {day} eingestellt: Sie erhalten keine Erinnerungen mehr für dieses Dossier.",
    ),
    "stop.partial_notice": _t(
        "Arrêt partiel déclaré pour : {categories}. La procédure continue pour les autres "
        "catégories.",
        "Gedeeltelijke stopzetting gemeld voor: {categories}. De procedure loopt verder voor "
        "de andere categorieën.",
        "Teilweise Einstellung gemeldet für: {categories}. Das Verfahren läuft für die anderen "
        "Kategorien weiter.",
    ),
    "category.blue_collar": _t("ouvriers", "arbeiders", "Arbeiter"),
    "category.white_collar": _t("employés", "bedienden", "Angestellte"),
    "category.young": _t("jeunes travailleurs", "jeugdige werknemers", "jugendliche Arbeitnehmer"),
    "category.cadre": _t("cadres", "kaderleden", "leitende Angestellte"),
    # Password.
    "password.title": _t("Changer le mot de passe", "Wachtwoord wijzigen", "Passwort ändern"),
    "password.change_link": _t("Changer le mot de passe", "Wachtwoord wijzigen", "Passwort ändern"),
    "password.invite": _t(
        "Vous utilisez encore le mot de passe de la lettre. Choisissez-en un que vous seul "
        "connaissez.",
        "U gebruikt nog het wachtwoord uit de brief. Kies er een dat alleen u kent.",
        "Sie verwenden noch das Passwort aus dem Schreiben. Wählen Sie eines, das nur Sie kennen.",
    ),
    "password.first_login": _t(
        "Première connexion : nous vous invitons à remplacer le mot de passe de la lettre.",
        "Eerste aanmelding: wij raden u aan het wachtwoord uit de brief te vervangen.",
        "Erste Anmeldung: Wir empfehlen Ihnen, das Passwort aus dem Schreiben zu ersetzen.",
    ),
    "password.current": _t("Mot de passe actuel", "Huidig wachtwoord", "Aktuelles Passwort"),
    "password.new": _t("Nouveau mot de passe", "Nieuw wachtwoord", "Neues Passwort"),
    "password.rule": _t(
        "Au moins {min} caractères (tirets, espaces et majuscules ne comptent pas). Une phrase "
        "de plusieurs mots convient bien.",
        "Minstens {min} tekens (streepjes, spaties en hoofdletters tellen niet mee). Een zin "
        "van enkele woorden is een goede keuze.",
        "Mindestens {min} Zeichen (Bindestriche, Leerzeichen und Großschreibung zählen nicht). "
        "Ein Satz aus mehreren Wörtern eignet sich gut.",
    ),
    "password.confirmation": _t(
        "Confirmez le nouveau mot de passe",
        "Bevestig het nieuwe wachtwoord",
        "Neues Passwort bestätigen",
    ),
    "password.submit": _t("Changer le mot de passe", "Wachtwoord wijzigen", "Passwort ändern"),
    "password.later": _t(
        "Plus tard : aller au dossier", "Later: naar het dossier", "Später: zum Dossier"
    ),
    # Messages after an action.
    "flash.logged_out": _t("Vous êtes déconnecté.", "U bent afgemeld.", "Sie sind abgemeldet."),
    "flash.session_expired": _t(
        "Votre session a expiré : connectez-vous à nouveau.",
        "Uw sessie is verlopen: meld u opnieuw aan.",
        "Ihre Sitzung ist abgelaufen: Melden Sie sich erneut an.",
    ),
    "flash.election_day_saved": _t(
        "Jour Y enregistré ; le calendrier a été recalculé.",
        "Dag Y opgeslagen; de kalender werd herberekend.",
        "Tag Y gespeichert; der Kalender wurde neu berechnet.",
    ),
    "flash.stop_saved": _t(
        "Arrêt enregistré.", "Stopzetting geregistreerd.", "Einstellung gespeichert."
    ),
    "flash.password_changed": _t(
        "Mot de passe changé. Vos autres sessions ont été fermées.",
        "Wachtwoord gewijzigd. Uw andere sessies werden afgesloten.",
        "Passwort geändert. Ihre anderen Sitzungen wurden beendet.",
    ),
    "flash.step_done": _t(
        "Étape marquée comme faite.",
        "Stap gemarkeerd als gedaan.",
        "Schritt als erledigt markiert.",
    ),
    "flash.step_undone": _t(
        "Marque « fait » retirée.",
        "Markering ‘gedaan’ verwijderd.",
        "Markierung „erledigt“ entfernt.",
    ),
    # Rules broken (see portal.errors.RuleError).
    "error.required": _t(
        "Ce champ est obligatoire.", "Dit veld is verplicht.", "Dieses Feld ist erforderlich."
    ),
    "error.dossier_not_open": _t(
        "La procédure de ce dossier n'est plus en cours.",
        "De procedure van dit dossier loopt niet meer.",
        "Das Verfahren dieses Dossiers läuft nicht mehr.",
    ),
    "error.not_a_date": _t(
        "Choisissez un jour dans la liste.",
        "Kies een dag uit de lijst.",
        "Wählen Sie einen Tag aus der Liste.",
    ),
    "error.after_day_x": _t(
        "Le jour Y ne peut plus changer : son jour X ({x_day}) est passé.",
        "Dag Y kan niet meer wijzigen: de dag X ervan ({x_day}) is voorbij.",
        "Tag Y kann nicht mehr geändert werden: sein Tag X ({x_day}) ist vorbei.",
    ),
    "error.outside_window": _t(
        "Le {day} est en dehors de la période électorale ({first} – {last}).",
        "{day} valt buiten de verkiezingsperiode ({first} – {last}).",
        "Der {day} liegt außerhalb des Wahlzeitraums ({first} – {last}).",
    ),
    "error.not_working_day": _t(
        "Le {day} n'est pas un jour ouvrable (dimanche, jour férié ou jour d'inactivité).",
        "{day} is geen werkdag (zondag, feestdag of inactiviteitsdag).",
        "Der {day} ist kein Werktag (Sonntag, Feiertag oder arbeitsfreier Tag).",
    ),
    "error.day_x_past": _t(
        "Avec le jour Y {day}, le jour X serait le {x_day}, qui est déjà passé.",
        "Met dag Y op {day} zou dag X op {x_day} vallen, en die is al voorbij.",
        "Mit Tag Y am {day} läge Tag X am {x_day}, und der ist schon vorbei.",
    ),
    "error.stop_needs_election_day": _t(
        "Choisissez d'abord le jour Y : la période d'arrêt en dépend.",
        "Kies eerst dag Y: de periode voor stopzetting hangt ervan af.",
        "Wählen Sie zuerst Tag Y: Der Zeitraum für die Einstellung hängt davon ab.",
    ),
    "error.outside_stop_window": _t(
        "Un arrêt se déclare seulement du {first} (X+36) au {last} (X+79).",
        "Een stopzetting wordt alleen gemeld van {first} (X+36) tot {last} (X+79).",
        "Eine Einstellung wird nur vom {first} (X+36) bis {last} (X+79) gemeldet.",
    ),
    "error.stop_kind": _t(
        "Choisissez un arrêt complet ou partiel.",
        "Kies een volledige of gedeeltelijke stopzetting.",
        "Wählen Sie eine vollständige oder teilweise Einstellung.",
    ),
    "error.categories_empty": _t(
        "Un arrêt partiel porte sur au moins une catégorie.",
        "Een gedeeltelijke stopzetting betreft minstens één categorie.",
        "Eine teilweise Einstellung betrifft mindestens eine Kategorie.",
    ),
    "error.categories_unknown": _t(
        "Choisissez les catégories dans la liste.",
        "Kies de categorieën uit de lijst.",
        "Wählen Sie die Kategorien aus der Liste.",
    ),
    "error.categories_all": _t(
        "Toutes les catégories seraient arrêtées : c'est un arrêt complet.",
        "Alle categorieën zouden stopgezet zijn: dat is een volledige stopzetting.",
        "Alle Kategorien wären eingestellt: Das ist eine vollständige Einstellung.",
    ),
    "error.confirm_required": _t(
        "Cochez la case pour confirmer l'arrêt.",
        "Vink het vakje aan om de stopzetting te bevestigen.",
        "Kreuzen Sie das Kästchen an, um die Einstellung zu bestätigen.",
    ),
    "error.step_not_confirmable": _t(
        "Cette étape ne se marque pas comme faite.",
        "Deze stap wordt niet als gedaan gemarkeerd.",
        "Dieser Schritt wird nicht als erledigt markiert.",
    ),
    "error.wrong_current_password": _t(
        "Le mot de passe actuel est incorrect.",
        "Het huidige wachtwoord is onjuist.",
        "Das aktuelle Passwort ist falsch.",
    ),
    "error.password_too_short": _t(
        "Le nouveau mot de passe doit compter au moins {min} caractères.",
        "Het nieuwe wachtwoord moet minstens {min} tekens tellen.",
        "Das neue Passwort muss mindestens {min} Zeichen haben.",
    ),
    "error.password_too_long": _t(
        "Le nouveau mot de passe compte au plus {max} caractères.",
        "Het nieuwe wachtwoord telt hoogstens {max} tekens.",
        "Das neue Passwort hat höchstens {max} Zeichen.",
    ),
    "error.password_too_simple": _t(
        "Ce mot de passe est trop simple à deviner.",
        "Dit wachtwoord is te makkelijk te raden.",
        "Dieses Passwort ist zu leicht zu erraten.",
    ),
    "error.password_mismatch": _t(
        "La confirmation ne correspond pas au nouveau mot de passe.",
        "De bevestiging komt niet overeen met het nieuwe wachtwoord.",
        "Die Bestätigung stimmt nicht mit dem neuen Passwort überein.",
    ),
    "error.password_unchanged": _t(
        "Le nouveau mot de passe doit différer de l'actuel.",
        "Het nieuwe wachtwoord moet verschillen van het huidige.",
        "Das neue Passwort muss sich vom aktuellen unterscheiden.",
    ),
    # Error pages.
    "error.back": _t("Retour", "Terug", "Zurück"),
    "error.title_400": _t("Demande incorrecte", "Ongeldige aanvraag", "Ungültige Anfrage"),
    "error.title_403": _t("Formulaire refusé", "Formulier geweigerd", "Formular abgelehnt"),
    "error.title_404": _t("Page introuvable", "Pagina niet gevonden", "Seite nicht gefunden"),
    "error.title_405": _t("Action non permise", "Actie niet toegestaan", "Aktion nicht erlaubt"),
    "error.title_409": _t("Pas encore possible", "Nog niet mogelijk", "Noch nicht möglich"),
    "error.title_422": _t(
        "Données du formulaire incorrectes",
        "Ongeldige formuliergegevens",
        "Ungültige Formulardaten",
    ),
    "error.title_500": _t("Erreur du serveur", "Serverfout", "Serverfehler"),
    "error.csrf": _t(
        "Ce formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez.",
        "Dit formulier is verlopen of komt niet van deze site. Laad de pagina opnieuw en "
        "probeer het nog eens.",
        "Dieses Formular ist abgelaufen oder stammt nicht von dieser Website. Laden Sie die "
        "Seite neu und versuchen Sie es noch einmal.",
    ),
    "error.not_found": _t(
        "Cette page n'existe pas ou ne concerne pas votre dossier.",
        "Deze pagina bestaat niet of betreft uw dossier niet.",
        "Diese Seite existiert nicht oder betrifft nicht Ihr Dossier.",
    ),
    "error.server": _t(
        "Une erreur est survenue de notre côté. Réessayez dans quelques minutes.",
        "Er liep bij ons iets mis. Probeer het over enkele minuten opnieuw.",
        "Bei uns ist ein Fehler aufgetreten. Versuchen Sie es in einigen Minuten erneut.",
    ),
    "error.no_calendar": _t(
        "Choisissez d'abord le jour Y : le calendrier en dépend.",
        "Kies eerst dag Y: de kalender hangt ervan af.",
        "Wählen Sie zuerst Tag Y: Der Kalender hängt davon ab.",
    ),
    "error.field": _t("{field} : {rule}", "{field}: {rule}", "{field}: {rule}"),
    # The downloaded calendar.
    "ics.prefix": _t("Élections sociales", "Sociale verkiezingen", "Sozialwahlen"),
}


class Translator:
    """``t(key, **params)`` for one language; dates and times among ``params`` are written
    the way a Belgian reader of that language expects."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, **params: Any) -> str:
        text = STRINGS[key][self.lang]
        return text.format(**{k: self.value(v) for k, v in params.items()}) if params else text

    def value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return format_moment(value, self.lang)
        if isinstance(value, date):
            return format_date(value, self.lang, "long")
        return value


def format_moment(moment: datetime, lang: str) -> str:
    """A point in time in Brussels time, e.g. "8 mai 2028 à 14:05"."""
    return format_datetime(moment, "d MMMM y, HH:mm", tzinfo=BRUSSELS, locale=LOCALES[lang])


def negotiate(accept_language: str | None) -> str:
    """The best of fr/nl/de for an Accept-Language header (RFC 9110 § 12.5.4), else French.

    Hand-written because no dependency of socelec parses the header (Babel negotiates from a
    ready list; Werkzeug's parser would be a new dependency for ten lines).
    """
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE
