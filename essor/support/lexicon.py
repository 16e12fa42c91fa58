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
from essor.territories.forms import epcis_named
from essor.territories.models import Commune, Departement

from .enums import HelpKind, Persona, ProjectKind, SupportLegalForm
from .matching import PHASELESS_PERSONAS, Criteria


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
        Phase.TEST,
        _terms(
            r"tester",
            r"test(?:er)? (?:mon|ma|notre|son|une) activite",
            r"couveuse",
            r"a l essai",
            r"essayer (?:mon|une|notre) activite",
            r"entrepreneur salarie",
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

# Who is speaking. The first that matches wins: a buyer's words are more telling than the
# local authority they may work for, a volunteer's than the association they lead.
CREATES_A_STRUCTURE = _terms(
    r"(?:creer|monter|lancer|fonder|constituer) (?:une|un|notre|leur) (?:scic|scop|association|"
    r"cooperative|entreprise|cae|societe)",
)

PERSONAS = [
    (
        Persona.BUYER,
        _terms(
            r"acheteu\w*",
            r"acheter (?:a|aux|aupres|local|responsable|solidaire)",
            r"acheter (?:des|nos) (?:prestations|services|produits|fournitures)",
            r"(?:nos|mes|ses|leurs|les|des) achats",
            r"achats? (?:publics?|responsables?|solidaires?|socialement responsables?)",
            r"politique d achats?",
            r"service (?:des )?achats",
            r"clauses? sociales?",
            r"(?:reserver|reservation de) (?:des |un |nos |certains )?(?:marches?|lots?)",
            r"marches? reserves?",
            r"commande publique",
            r"sous trait\w*",
            r"(?:travailler|collaborer|contracter) avec (?:des|les|un|une|l) (?:esat|ea|entreprises? "
            r"adaptees?|siae|structures? d insertion|chantiers? d insertion)",
            r"(?:trouver|cherche\w*|identifier) (?:des |un |de )?(?:fournisseurs?|prestataires?)",
        ),
    ),
    (
        Persona.LOCAL_AUTHORITY,
        _terms(
            r"communaute (?:de communes|d agglomeration|urbaine)",
            r"agglomeration",
            r"intercommunalite",
            r"interco",
            r"collectivites?",
            r"mairie",
            r"maire",
            r"adjoint\w* au maire",
            r"conseil (?:municipal|communautaire|departemental|regional)",
            r"conseill\w+ (?:municipa\w*|communautaire|departementa\w*|regiona\w*)",
            r"elue?s?",
            r"agent (?:territorial|de (?:la|notre) (?:commune|ville|collectivite))",
            r"charge\w* de mission (?:ess|economie|developpement)\w*",
            r"developpe\w* economique (?:de|du|d) (?:la|notre) (?:commune|territoire|ville)",
            r"notre (?:commune|ville|territoire|intercommunalite|agglo)",
            r"politique (?:publique|locale)",
        ),
    ),
    (
        Persona.JOBSEEKER,
        _terms(
            r"demandeu\w* d emploi",
            r"chomage",
            r"chomeu\w*",
            r"pole emploi",
            r"france travail",
            r"sans emploi",
            r"licencie\w*",
            r"rsa",
            r"reconversion",
            r"(?:retrouver|recherche) (?:un |d )?(?:emploi|travail)",
        ),
    ),
    (
        Persona.STUDENT,
        _terms(
            r"etudiant\w*",
            r"etudes",
            r"master",
            r"licence",
            r"lyceen\w*",
            r"jeunes? diplome\w*",
            r"universite",
            r"bts",
            r"iut",
            r"alternan\w*",
            r"ecole d ete",
            r"junior",
        ),
    ),
    (
        Persona.VOLUNTEER,
        _terms(
            r"benevoles?",
            r"(?:president|presidente|tresorier\w*|secretaire) (?:de l|d une|de notre|de mon|de "
            r"ma|du|de la)",
            r"dirigeants? (?:benevoles?|associatifs?)",
            r"membres? du (?:ca|conseil d administration|bureau)",
            r"administrat\w* (?:de l|d une|benevoles?)",
            r"vie associative",
        ),
    ),
    (
        Persona.COMPANY,
        _terms(
            r"entreprises? (?:dite )?classiques?",
            r"^entreprises? (?:du|de la|de l) (?!ess\b|economie sociale)",
            r"pme",
            r"tpe",
            r"chefs? d entreprises?",
            r"rse",
            r"responsabilite societale",
            r"mecenat",
            r"(?:notre|mon|une) (?:entreprise|societe|pme|usine)"
            r"(?! d insertion| adaptee| solidaire| sociale| de l ess| cooperative)",
            r"artisans?",
            r"agriculteurs?",
            r"exploitations? agricoles?",
            r"exploitants? agricoles?",
            r"eleveurs?",
            r"viticulteurs?",
            r"(?:cooperer|travailler|partenariats?) avec (?:l ess|des (?:structures|entreprises) "
            r"de l ess|des associations)",
        ),
    ),
    (
        Persona.STRUCTURE,
        _terms(
            r"(?:mon|ma|notre|nos) (?:association|structure|scop|scic|cooperative|mutuelle|"
            r"fondation|chantier|entreprise d insertion|ressourcerie|recyclerie|epicerie|"
            r"creche|ehpad|cae|esat|entreprise adaptee|groupement|tiers lieu)",
            r"nos salaries",
            r"nos adherents",
            r"nous sommes une",
            r"je dirige",
            r"directeur|directrice",
            r"(?:deux|nos|plusieurs|trois) (?:associations|structures|cooperatives|scop)",
        ),
    ),
    (
        Persona.CREATOR,
        _terms(
            r"porteu\w* de projets?",
            r"creat\w* d (?:entreprise|activite)",
            r"(?:creer|monter|lancer|ouvrir) (?:mon|ma|notre|une|un)",
        ),
    ),
]

# Kinds of project the field names that are not a need: « ouvrir un tiers-lieu » is a
# collective project of a place, not a search for premises.
PROJECT_TOPICS = [
    (
        "tiers_lieu",
        "tiers-lieu (lieu partagé : coworking, fablab, café, ateliers…)",
        _terms(r"tiers lieux?", r"fab ?labs?", r"espaces? de coworking", r"maisons? de l ess"),
        [HelpKind.FIRST_INFO, HelpKind.NETWORKING, HelpKind.INDIVIDUAL],
    ),
    (
        "employer_group",
        "groupement d'employeurs (partager des salariés entre employeurs)",
        _terms(r"groupements? d employeurs?", r"geiq", r"partager (?:un|des) salaries?"),
        [HelpKind.INDIVIDUAL, HelpKind.HR, HelpKind.LEGAL],
    ),
    (
        "innovation",
        "innovation sociale",
        _terms(r"innovation sociale", r"innovant\w*", r"experiment\w*"),
        [HelpKind.INCUBATION, HelpKind.INDIVIDUAL],
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
            r"on",
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
            r"conseils?(?! d administration| (?:municipal|communautaire|departemental|regional)\b)",
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
            r"(?<!innovation )(?<!economie )(?<!entreprise )(?<!utilite )(?<!clause )sociale",
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
PHASE_NEEDS = {
    Phase.DIFFICULTY: [HelpKind.INDIVIDUAL, HelpKind.FINANCIAL],
    Phase.MERGER: [HelpKind.INDIVIDUAL, HelpKind.LEGAL],
    Phase.CONSOLIDATION: [HelpKind.INDIVIDUAL],
    Phase.SCALING: [HelpKind.INDIVIDUAL],
}
EXISTING_PHASES = {
    Phase.DEVELOPMENT, Phase.SCALING, Phase.CONSOLIDATION, Phase.DIFFICULTY, Phase.MERGER
}  # fmt: skip

# The inhabitants' names of the region's main towns, as people write « notre PME
# bordelaise »: folded, masculine and feminine, singular and plural.
GENTILES = {
    "bordelais": "33063", "bordelaise": "33063", "bordelaises": "33063",
    "limougeaud": "87085", "limougeaude": "87085", "limougeauds": "87085",
    "limougeaudes": "87085", "rochelais": "17300", "rochelaise": "17300",
    "rochelaises": "17300", "niortais": "79191", "niortaise": "79191", "niortaises": "79191",
    "angoumoisin": "16015", "angoumoisine": "16015", "angoumoisins": "16015",
    "palois": "64445", "paloise": "64445", "paloises": "64445", "bayonnais": "64102",
    "bayonnaise": "64102", "gueretois": "23096", "gueretoise": "23096", "tulliste": "19272",
    "tullistes": "19272", "briviste": "19031", "brivistes": "19031", "agenais": "47001",
    "agenaise": "47001", "montois": "40192", "montoise": "40192", "dacquois": "40088",
    "dacquoise": "40088", "pictave": "86194", "pictaves": "86194",
    "chatelleraudais": "86066", "chatelleraudaise": "86066", "saintais": "17415",
    "saintaise": "17415", "cognacais": "16102", "cognacaise": "16102",
    # and the short names everyone uses
    "brive": "19031", "sarlat": "24520", "oloron": "64422",
}  # fmt: skip


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


def _match(patterns, folded):
    for pattern in patterns:
        found = pattern.search(folded)
        if found:
            return found.group(0)
    return ""


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


EPCI_TRIGGER = re.compile(
    r"\b(?:communaute (?:de communes|d agglomeration|urbaine)|agglomeration|agglo|"
    r"metropole|intercommunalite)\b(?: (?:du|de la|de l|des|de|d))?((?: [a-z0-9]+){1,5})"
)


def find_epci(folded):
    """(EPCI, words) when the text names an intercommunality: « la communauté de communes
    Haute-Corrèze », « l'agglomération du Niortais »."""
    found = EPCI_TRIGGER.search(folded)
    if not found:
        return None, ""
    words = found.group(1).split()
    for size in range(len(words), 0, -1):
        name = " ".join(words[:size])
        if len(name) < 4:
            continue
        epcis = epcis_named(name)
        if len(epcis) == 1:
            return epcis[0], found.group(0).strip()
    return None, ""


def find_place(text):
    """(commune, departement, words) found in the text; commune may be None."""
    candidates = _place_candidates(_tokens(text))
    if not candidates:
        return _by_gentile(text)
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
        return _by_gentile(text)
    _, kind, found, words = best
    if kind == "commune":
        return found, found.departement, words
    return None, found, words


def _by_gentile(text):
    for word, _ in _tokens(text):
        if GENTILES.get(word):
            commune = (
                Commune.objects.select_related("departement", "epci")
                .filter(code=GENTILES[word])
                .first()
            )
            if commune is not None:
                return commune, commune.departement, word
    return None, None, ""


def _likeliest(communes):
    """Several communes share the name: the platform's region first, then the largest."""
    return min(
        communes,
        key=lambda c: (c.region_id != settings.ESSOR_REGION, -(c.population or 0), c.code),
    )


def _read_place(text, folded, understanding):
    criteria = understanding.criteria
    epci, epci_words = find_epci(folded)
    commune, departement, words = find_place(text)
    if epci is not None and (commune is None or fold(commune.name) in epci_words):
        from .matching import main_departement

        criteria.epci, criteria.departement = epci, main_departement(epci)
        understanding.findings.append(("Où", epci.name, epci_words))
    elif commune is not None:
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


def _read_project(folded, phase, form):
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
    return project, words


def _read_persona(folded, phase, phase_words, project, project_words, topics):
    """(persona, words): who speaks, from their own words or, failing that, from what
    they say they do."""
    persona, words = _first(PERSONAS, folded)
    creates = _match(CREATES_A_STRUCTURE, folded)
    if creates and persona in (Persona.LOCAL_AUTHORITY, Persona.STRUCTURE):
        # « Habitants et élus, nous voulons créer une SCIC »: a project to create, which
        # a local authority may join.
        return Persona.CREATOR, creates
    if persona is not None:
        return persona, words
    if phase in EXISTING_PHASES:
        # Only a structure that exists develops, consolidates or merges.
        return Persona.STRUCTURE, phase_words
    if phase in {Phase.IDEA, Phase.TEST, Phase.CREATION} or topics:
        # Someone who speaks of creating, and of nothing they already are, is a creator.
        return Persona.CREATOR, phase_words or topics[0][2]
    if project == ProjectKind.ORGANISATION:
        return Persona.STRUCTURE, project_words
    return None, ""


def _add_needs(needs, implied):
    for need, why in implied:
        if need not in [n for n, _ in needs]:
            needs.append((need, why))


def _read_needs(folded, phase, phase_words, form, topics):
    needs = _all(NEEDS, folded)
    if any(key == "tiers_lieu" for key, *_ in topics):
        # Coworking, ateliers, locaux describe the tiers-lieu to create, not premises sought.
        needs = [(n, w) for n, w in needs if n != HelpKind.HOSTING]
    if not needs:
        for _, _, why, implied in topics[:1]:
            needs = [(need, why) for need in implied]
    # In difficulty or before a merger, the first need is a diagnosis with someone,
    # whatever words the sentence used (« nous avons perdu une subvention »). A sentence
    # that names no need keeps none: the phase's usual needs (matching.DEFAULT_NEEDS,
    # which start with these) apply, as through the questions — not these alone.
    if needs:
        _add_needs(needs, [(need, phase_words) for need in PHASE_NEEDS.get(phase, [])])
    # The CAE's own help, and a takeover's legal and financial expertise, come with the
    # words « CAE » and « reprendre » even when no need is named.
    if form == SupportLegalForm.CAE:
        _add_needs(needs, [(HelpKind.CAE, "CAE")])
    elif phase == Phase.TRANSFER:
        _add_needs(needs, [(HelpKind.LEGAL, phase_words), (HelpKind.FINANCIAL, phase_words)])
    # « aide » alone says nothing more than « accompagnement » when other needs are named.
    if len(needs) > 1:
        needs = [
            (n, w) for n, w in needs if not (n == HelpKind.INDIVIDUAL and w in {"aide", "aider"})
        ]
    return needs


def interpret(text):
    """Read a free-text situation into criteria, saying what was understood from what."""
    text = (text or "")[:1000]
    folded = fold(text)
    folded = re.sub(r"[^a-z0-9 ]+", " ", folded)
    criteria = Criteria(text=text)
    understanding = Understanding(criteria=criteria)
    findings = understanding.findings
    _read_place(text, folded, understanding)

    phase, phase_words = _first(PHASES, folded)
    form, form_words = _first(LEGAL_FORMS, folded)
    project, project_words = _read_project(folded, phase, form)
    topics = [(key, label, why, needs) for key, label, patterns, needs in PROJECT_TOPICS
              for why in [_match(patterns, folded)] if why]  # fmt: skip
    persona, persona_words = _read_persona(
        folded, phase, phase_words, project, project_words, topics
    )
    if persona:
        criteria.persona = persona
        findings.append(("Vous êtes", Persona(persona).label, persona_words))
    if phase and persona not in PHASELESS_PERSONAS:
        # A buyer or a local authority has no project phase: « développer l'ESS sur notre
        # territoire » is a policy.
        criteria.phase = phase
        findings.append(("Étape", Phase(phase).label, phase_words))
    if form:
        criteria.legal_form = form
        findings.append(("Forme juridique", SupportLegalForm(form).label, form_words))
    if project and persona in (None, Persona.CREATOR, Persona.JOBSEEKER, Persona.STUDENT):
        criteria.project = project
        findings.append(("Projet", ProjectKind(project).label, project_words))
    elif project == ProjectKind.ORGANISATION or persona in {Persona.STRUCTURE, Persona.VOLUNTEER}:
        criteria.project = ProjectKind.ORGANISATION
    for _, label, why, _ in topics:
        findings.append(("Projet", label, why))
    needs = _read_needs(folded, criteria.phase, phase_words, form, topics)
    criteria.needs = [need for need, _ in needs]
    for need, words in needs:
        findings.append(("Besoin", HelpKind(need).label, words))
    sector, words = _first(SECTORS, folded)
    if sector:
        criteria.sector = sector
        findings.append(("Secteur", ess_sectors()[sector], words))
    return understanding
