"""Reading a sentence such as « je veux reprendre l'entreprise de mon patron en SCOP près
de Guéret » into the assistant's criteria: French terms and their synonyms, then the
place, found among the real communes and départements.

Patterns run on folded text (lower case, no accents, hyphens and apostrophes as spaces,
see essor.core.text.fold), so « Créer », « creer » and « CRÉER » are one word."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings

from essor.core.text import fold
from essor.directory.enums import Phase
from essor.directory.nomenclatures import ess_sectors
from essor.territories.models import Commune, Departement

from .enums import HelpKind, ProjectKind, SupportLegalForm
from .matching import Criteria


def _terms(*patterns):
    return [re.compile(rf"\b(?:{p})\b") for p in patterns]


# The first phase that matches wins: a sentence about taking over a company that is in
# difficulty is about the takeover.
PHASES = [
    (
        Phase.TRANSFER,
        _terms(
            r"repren\w*",
            r"reprise",
            r"reprend\w*",
            r"transmi\w*",
            r"transmett\w*",
            r"rachat",
            r"racheter",
            r"part(?:ir)? a la retraite",
            r"succession",
            r"ceder",
            r"cession",
            r"cede son \w+",
        ),
    ),
    (
        Phase.DIFFICULTY,
        _terms(
            r"difficultes?",
            r"en difficulte",
            r"redressement",
            r"tresorerie",
            r"deficit\w*",
            r"rebond\w*",
            r"sauvegarde",
            r"liquidation",
            r"fragilis\w*",
            r"perdu \w+ subventions?",
            r"baisse de subventions?",
            r"cessation de paiements?",
        ),
    ),
    (
        Phase.MERGER,
        _terms(
            r"rapprochement",
            r"(?:nous )?rapprocher",
            r"fusion\w*",
            r"regrouper nos \w+",
        ),
    ),
    (
        Phase.SCALING,
        _terms(
            r"essaim\w*",
            r"changer d echelle",
            r"changement d echelle",
            r"dupliquer",
            r"passer a l echelle",
        ),
    ),
    (
        Phase.CONSOLIDATION,
        _terms(
            r"consolid\w*",
            r"perenni\w*",
            r"structurer",
            r"structuration",
            r"gouvernance",
            r"conseil d administration",
            r"benevoles? du (?:ca|conseil)",
            r"professionnalis\w*",
        ),
    ),
    (
        Phase.DEVELOPMENT,
        _terms(
            r"developp\w*",
            r"croissance",
            r"nouvelle activite",
            r"nouveaux? (?:clients?|marches?)",
            r"grandir",
            r"agrandir",
        ),
    ),
    (
        Phase.TEST,
        _terms(
            r"tester",
            r"test(?:er)? (?:mon|ma|notre|son|une) activite",
            r"couveuse",
            r"a l essai",
        ),
    ),
    (
        Phase.CREATION,
        _terms(
            r"creer",
            r"creation",
            r"monter",
            r"lancer",
            r"lancement",
            r"demarr\w*",
            r"ouvrir",
            r"fonder",
            r"immatricul\w*",
            r"installer",
            r"m installer",
            r"commencer mon activite",
        ),
    ),
    (
        Phase.IDEA,
        _terms(
            r"idee",
            r"idees",
            r"envie",
            r"reflechi\w*",
            r"reflexion",
            r"emergence",
            r"j aimerais",
            r"reve",
            r"par ou commencer",
            r"projet en tete",
        ),
    ),
]

LEGAL_FORMS = [
    (
        SupportLegalForm.SCOP,
        _terms(
            r"scop",
            r"cooperative (?:ouvriere )?de production",
            r"cooperative de travail\w*",
            r"cooperative de salaries",
        ),
    ),
    (SupportLegalForm.SCIC, _terms(r"scic", r"cooperative d interet collectif")),
    (
        SupportLegalForm.CAE,
        _terms(
            r"cae",
            r"cooperatives? d activites? et d emploi",
            r"entrepreneur salarie",
            r"portage salarial",
        ),
    ),
    (
        SupportLegalForm.EMPLOYER_GROUP,
        _terms(
            r"groupements? d employeurs?",
            r"geiq",
            r"mutualiser (?:un|des|nos) emplois?",
            r"partager (?:un|des) salaries?",
        ),
    ),
    (SupportLegalForm.FOUNDATION, _terms(r"fondation", r"fonds de dotation")),
    (SupportLegalForm.MUTUAL, _terms(r"mutuelle")),
    (
        SupportLegalForm.ESUS_COMPANY,
        _terms(
            r"esus",
            r"entreprise sociale",
            r"entreprise solidaire",
            r"agrement solidaire",
        ),
    ),
    (SupportLegalForm.ASSOCIATION, _terms(r"associations?", r"asso", r"loi 1901", r"associati\w*")),
    (SupportLegalForm.COOPERATIVE, _terms(r"cooperatives?", r"coop")),
]

PROJECTS = [
    (
        ProjectKind.ORGANISATION,
        _terms(
            r"(?:mon|ma|notre|nos) (?:association|structure|entreprise|cooperative|scop|scic)",
            r"nos salaries",
            r"notre conseil d administration",
            r"nos benevoles",
            r"(?:structure|entreprise|chantier|atelier) d insertion",
            r"siae",
            r"notre ca",
            r"nous sommes une",
            r"je dirige",
            r"je preside",
            r"president\w* d",
        ),
    ),
    (
        ProjectKind.COLLECTIVE,
        _terms(
            r"a plusieurs",
            r"entre amis",
            r"collectif\w*",
            r"collective",
            r"nous",
            r"on veut",
            r"on voudrait",
            r"avec (?:des|d autres|les|mes) (?:habitants|amis|collegues|voisins|salaries|associes)",
            r"habitants",
            r"citoyens?",
            r"citoyenne",
            r"groupe de",
        ),
    ),
    (
        ProjectKind.INDIVIDUAL,
        _terms(
            r"seule?",
            r"individuel\w*",
            r"ma propre activite",
            r"mon activite",
            r"mon propre",
            r"a mon compte",
            r"auto ?entrepreneur",
            r"micro ?entrepr\w*",
        ),
    ),
]

NEEDS = [
    (
        HelpKind.FIRST_INFO,
        _terms(
            r"informations?",
            r"m informer",
            r"orient\w*",
            r"par ou commencer",
            r"je ne sais pas",
            r"vers qui",
            r"a qui (?:m adresser|demander)",
            r"decouvrir",
        ),
    ),
    (
        HelpKind.TRAINING,
        _terms(
            r"formations?",
            r"former",
            r"me former",
            r"nous former",
            r"apprendre",
        ),
    ),
    (
        HelpKind.INDIVIDUAL,
        _terms(
            r"accompagn\w*",
            r"conseils?(?! d administration)",
            r"conseiller",
            r"aide",
            r"aider",
            r"suivi",
            r"appui",
        ),
    ),
    (HelpKind.COLLECTIVE, _terms(r"ateliers?", r"en groupe", r"accompagnement collectif")),
    (
        HelpKind.LEGAL,
        _terms(
            r"juridiques?",
            r"statuts?",
            r"droit",
            r"contrats?",
            r"forme juridique",
            r"rediger",
        ),
    ),
    (
        HelpKind.FINANCIAL,
        _terms(
            r"business plan",
            r"plan de financement",
            r"modele economique",
            r"comptab\w*",
            r"budget\w*",
            r"gestion",
            r"previsionnel",
            r"tresorerie",
            r"bilan",
            r"valoris\w*",
        ),
    ),
    (
        HelpKind.HR,
        _terms(
            r"recrut\w*",
            r"embauch\w*",
            r"ressources humaines",
            r"rh",
            r"employeurs?",
            r"dialogue social",
            r"management",
        ),
    ),
    (
        HelpKind.DIGITAL,
        _terms(
            r"numerique",
            r"site (?:internet|web)",
            r"informatique",
            r"reseaux sociaux",
            r"digital",
        ),
    ),
    (
        HelpKind.COMMERCIAL,
        _terms(
            r"commercial\w*",
            r"vendre",
            r"ventes?",
            r"clients?",
            r"marches? publics?",
            r"communication",
            r"prospect\w*",
        ),
    ),
    (
        HelpKind.FUNDING,
        _terms(
            r"financ\w*",
            r"prets?",
            r"subventions?",
            r"argent",
            r"fonds",
            r"investiss\w*",
            r"capital",
            r"banques?",
            r"crowdfunding",
            r"garanties?",
            r"levee de fonds",
        ),
    ),
    (
        HelpKind.HOSTING,
        _terms(
            r"un local",
            r"des locaux",
            r"locaux",
            r"bureaux?",
            r"hebergement",
            r"pepiniere",
            r"coworking",
            r"tiers lieux?",
        ),
    ),
    (
        HelpKind.INCUBATION,
        _terms(
            r"incubat\w*",
            r"couveuses?",
            r"tester (?:mon|une|son|notre) (?:activite|projet|idee)",
            r"fabrique a initiatives",
            r"innovation sociale",
        ),
    ),
    (
        HelpKind.NETWORKING,
        _terms(
            r"reseaux?",
            r"partenaires?",
            r"partenariats?",
            r"rencontrer",
            r"cooperer",
            r"mutualis\w*",
            r"mise en relation",
        ),
    ),
    (
        HelpKind.CAE,
        _terms(
            r"cae",
            r"portage",
            r"cooperatives? d activites? et d emploi",
            r"entrepreneur salarie",
            r"tester (?:mon|une|son) activite",
        ),
    ),
]

SECTORS = [
    (
        "hebergement_restauration",
        _terms(
            r"cafes?",
            r"cafe associatif",
            r"restaura\w*",
            r"bar",
            r"auberge",
            r"gites?",
            r"cantine",
            r"traiteur",
            r"hotel\w*",
        ),
    ),
    (
        "arts_spectacles",
        _terms(
            r"cultur\w*",
            r"musiques?",
            r"spectacles?",
            r"concerts?",
            r"theatre",
            r"artist\w*",
            r"festival\w*",
            r"cinema",
            r"patrimoine",
        ),
    ),
    (
        "action_sociale",
        _terms(
            r"insertion",
            r"iae",
            r"aide a domicile",
            r"social",
            r"sociale",
            r"personnes agees",
            r"handicap\w*",
            r"creche",
            r"petite enfance",
            r"hebergement d urgence",
            r"ehpad",
        ),
    ),
    ("sante", _terms(r"sante", r"soins?", r"medic\w*", r"infirmi\w*")),
    ("sport_loisirs", _terms(r"sports?", r"sportive?", r"loisirs?", r"club")),
    ("enseignement", _terms(r"enseign\w*", r"ecoles?", r"education", r"soutien scolaire")),
    ("commerce", _terms(r"epicerie\w*", r"magasin", r"boutique", r"commerce", r"recyclerie")),
    (
        "industrie_construction",
        _terms(
            r"batiment",
            r"btp",
            r"menuiserie",
            r"industri\w*",
            r"recyclage",
            r"energies?",
            r"renovation",
            r"fabrication",
        ),
    ),
    ("soutien_entreprises", _terms(r"nettoyage", r"secretariat", r"conseil aux entreprises")),
    (
        "autres",
        _terms(
            r"agricult\w*",
            r"agricole",
            r"maraich\w*",
            r"ferme",
            r"circuits? courts?",
            r"transports?",
            r"garage",
            r"mobilite",
        ),
    ),
]

# Words that precede a place: « à Limoges », « près de Guéret », « en Dordogne ».
PLACE_PREPOSITIONS = {
    ("a",),
    ("au",),
    ("aux",),
    ("pres", "de"),
    ("pres", "d"),
    ("vers",),
    ("sur",),
    ("dans",),
    ("autour", "de"),
    ("cote", "de"),
    ("en",),
    ("dans", "la"),
    ("dans", "le"),
    ("dans", "les"),
    ("region", "de"),
    ("secteur", "de"),
    ("habite",),
    ("vis", "a"),
    ("situe", "a"),
}
DEPARTEMENT_PREPOSITIONS = {("en",), ("dans", "la"), ("dans", "le"), ("dans", "les"), ("dans",)}
MAX_PLACE_WORDS = 6


def _strip_accents(text):
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _tokens(text):
    """[(folded word, starts with a capital in the text)] — capitals hint at a name."""
    words = re.findall(r"[A-Za-z0-9]+", _strip_accents(text))
    return [(word.lower(), word[:1].isupper()) for word in words]


@dataclass
class Understanding:
    """What a sentence was read as: criteria, and each finding with the words that led
    to it, so that the page can show « nous avons compris… » and let the person correct."""

    criteria: Criteria
    findings: list = field(default_factory=list)  # [(question, answer, words)]
    missing: list = field(default_factory=list)


def _first(rules, folded):
    for value, patterns in rules:
        for pattern in patterns:
            found = pattern.search(folded)
            if found:
                return value, found.group(0)
    return None, None


def _all(rules, folded):
    values = []
    for value, patterns in rules:
        for pattern in patterns:
            found = pattern.search(folded)
            if found:
                values.append((value, found.group(0)))
                break
    return values


def _place_candidates(tokens):
    """N-grams that may name a place, each with how strongly the sentence points to it."""
    words = [word for word, _ in tokens]
    candidates = []
    for start in range(len(words)):
        before = tuple(words[max(0, start - 2) : start])
        after_preposition = before[-1:] in PLACE_PREPOSITIONS or before in PLACE_PREPOSITIONS
        for size in range(1, MAX_PLACE_WORDS + 1):
            if start + size > len(words):
                break
            capitalised = tokens[start][1]
            if not (after_preposition or capitalised):
                continue
            if size == 1 and len(words[start]) < 3:
                continue
            department_hint = before[-1:] in DEPARTEMENT_PREPOSITIONS or before in (
                DEPARTEMENT_PREPOSITIONS
            )
            candidates.append(
                (" ".join(words[start : start + size]), size, after_preposition, department_hint)
            )
    return candidates


def find_place(text):
    """(commune, departement, words) found in the text; commune may be None."""
    candidates = _place_candidates(_tokens(text))
    if not candidates:
        return None, None, ""
    names = {name for name, *_ in candidates}
    communes = {}
    for commune in Commune.objects.filter(search_name__in=names).select_related(
        "departement", "epci"
    ):
        communes.setdefault(commune.search_name, []).append(commune)
    departements = {d.search_name: d for d in Departement.objects.filter(search_name__in=names)}

    best = None  # (strength, kind, object, words)
    for name, size, after_preposition, department_hint in candidates:
        strength = size * 10 + (5 if after_preposition else 0)
        if name in departements:
            bonus = 8 if department_hint else 3
            option = (strength + bonus, "departement", departements[name], name)
            if best is None or option[0] > best[0]:
                best = option
        if name in communes:
            bonus = 0 if department_hint and name in departements else 4
            option = (strength + bonus, "commune", _likeliest(communes[name]), name)
            if best is None or option[0] > best[0]:
                best = option
    if best is None:
        return None, None, ""
    _, kind, found, words = best
    if kind == "commune":
        return found, found.departement, words
    return None, found, words


def _likeliest(communes):
    """Several communes share the name: the platform's region first, then the largest."""
    return min(
        communes,
        key=lambda c: (c.region_id != settings.ESSOR_REGION, -(c.population or 0), c.code),
    )


def interpret(text):
    """Read a free-text situation into criteria, saying what was understood from what."""
    text = (text or "")[:1000]
    folded = fold(text)
    folded = re.sub(r"[^a-z0-9 ]+", " ", folded)
    criteria = Criteria(text=text)
    understanding = Understanding(criteria=criteria)

    commune, departement, words = find_place(text)
    if commune is not None:
        criteria.commune, criteria.departement = commune, departement
        understanding.findings.append(("Où", f"{commune.name} ({departement.name})", words))
    elif departement is not None:
        criteria.departement = departement
        understanding.findings.append(("Où", str(departement), words))
        understanding.missing.append(
            "Précisez votre commune pour voir les acteurs les plus proches de chez vous."
        )
    else:
        understanding.missing.append("Nous n'avons pas reconnu de commune : indiquez-la.")

    phase, phase_words = _first(PHASES, folded)
    if phase:
        criteria.phase = phase
        understanding.findings.append(("Étape", Phase(phase).label, phase_words))
    form, words = _first(LEGAL_FORMS, folded)
    if form:
        criteria.legal_form = form
        understanding.findings.append(("Forme juridique", SupportLegalForm(form).label, words))
    project, words = _first(PROJECTS, folded)
    if (
        project is None
        and form in {SupportLegalForm.SCOP, SupportLegalForm.SCIC}
        and phase == Phase.TRANSFER
    ):
        # A takeover as a SCOP or SCIC is a collective project of the employees.
        project, words = ProjectKind.COLLECTIVE, SupportLegalForm(form).label
    if project is None and re.search(r"\b(?:je|j)\b", folded):
        project, words = ProjectKind.INDIVIDUAL, "je"
    if project:
        criteria.project = project
        understanding.findings.append(("Projet", ProjectKind(project).label, words))
    needs = _all(NEEDS, folded)
    if form == SupportLegalForm.CAE or phase == Phase.TRANSFER:
        # The CAE's own help, and a takeover's legal and financial expertise, come with
        # the words « CAE » and « reprendre » even when no need is named.
        implied = (
            [(HelpKind.CAE, "CAE")]
            if form == SupportLegalForm.CAE
            else [(HelpKind.LEGAL, phase_words), (HelpKind.FINANCIAL, phase_words)]
        )
        for need, why in implied:
            if need not in [n for n, _ in needs]:
                needs.append((need, why))
    # « aide » alone says nothing more than « accompagnement » when other needs are named.
    if len(needs) > 1:
        needs = [
            (n, w) for n, w in needs if not (n == HelpKind.INDIVIDUAL and w in {"aide", "aider"})
        ]
    criteria.needs = [need for need, _ in needs]
    for need, words in needs:
        understanding.findings.append(("Besoin", HelpKind(need).label, words))
    sector, words = _first(SECTORS, folded)
    if sector:
        criteria.sector = sector
        understanding.findings.append(("Secteur", ess_sectors()[sector], words))
    return understanding
