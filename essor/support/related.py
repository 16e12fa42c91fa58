"""Beyond the support offers, what the platform holds for the same situation: the
financing tools that fit (through the financing section's own matching), the directory or
the supplier search already filtered for the person, trainings, and initiatives of other
territories. Each other section is reached through its `services` module or its URLs only
(tests/test_architecture.py); a section that is not installed is simply left out.

The results page and the parcours show these in the same order."""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from essor.core.text import fold
from essor.directory.enums import Phase
from essor.territories.forms import place_label

from .enums import CREATOR_PERSONAS, Persona, ProjectKind, SupportLegalForm

TIERS_LIEU = re.compile(r"\btiers lieux?\b")
BUYER_RADIUS_KM = 30
NEAR_RADIUS_KM = 20
SHOWN = 3

# The financing section's beneficiaries (essor.financing.enums.Beneficiary values).
FORM_BENEFICIARIES = {
    SupportLegalForm.ASSOCIATION: "association",
    SupportLegalForm.SCOP: "scop",
    SupportLegalForm.SCIC: "scic",
    SupportLegalForm.CAE: "cae",
    SupportLegalForm.COOPERATIVE: "cooperative",
    SupportLegalForm.EMPLOYER_GROUP: "association",
    SupportLegalForm.MUTUAL: "mutual",
    SupportLegalForm.FOUNDATION: "foundation",
    SupportLegalForm.ESUS_COMPANY: "esus",
}
# The resources section's training audiences (essor.resources.enums.TrainingAudience).
TRAINING_AUDIENCES = {
    Persona.CREATOR: "porteurs",
    Persona.JOBSEEKER: "porteurs",
    Persona.STUDENT: "porteurs",
    Persona.STRUCTURE: "dirigeants",
    Persona.COMPANY: "dirigeants",
    Persona.VOLUNTEER: "benevoles",
    Persona.LOCAL_AUTHORITY: "elus_techniciens",
    Persona.BUYER: "elus_techniciens",
}
# The initiatives section's themes (essor.initiatives.enums.Theme) each persona learns from.
INITIATIVE_THEMES = {
    Persona.CREATOR: ["ressources", "financements", "accompagnement_innovation"],
    Persona.JOBSEEKER: ["ressources", "competences"],
    Persona.STUDENT: ["culture_commune", "ressources"],
    Persona.STRUCTURE: ["cooperation_acteurs", "financements", "competences"],
    Persona.VOLUNTEER: ["gouvernance", "competences"],
    Persona.BUYER: ["entreprises_classiques", "cooperation_territoriale"],
    Persona.LOCAL_AUTHORITY: ["collectivites", "politique_publique", "cooperation_territoriale"],
    Persona.COMPANY: ["entreprises_classiques", "cooperation_acteurs"],
}
# The directory's labels (essor/directory/migrations/0002_labels.py) a buyer reserves to.
RESERVED_LABELS = [
    ("ea", "Entreprises adaptées (EA)"),
    ("esat", "ESAT"),
    ("aci", "Ateliers et chantiers d'insertion"),
    ("ei", "Entreprises d'insertion"),
]


def url(name, *args, **params):
    """A URL of another section with its query, or "" when that section is absent."""
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return path + ("?" + urlencode(params, doseq=True) if params else "")


@dataclass
class Link:
    kind: str  # "sourcing", "directory", "territory", "places", "cooperation"…
    title: str
    url: str
    text: str = ""


@dataclass
class Related:
    links: list = field(default_factory=list)  # [Link]: the directory for the person
    financing: list = field(default_factory=list)  # [(tool, reasons)]
    financing_url: str = ""
    financing_note: str = ""
    trainings: list = field(default_factory=list)
    trainings_url: str = ""
    initiatives: list = field(default_factory=list)
    initiatives_url: str = ""

    def has(self, kind):
        return any(link.kind == kind for link in self.links)


def centre_commune(place):
    """The commune a radius search starts from: the person's, or the most populated of
    their EPCI or département."""
    if place.commune is not None:
        return place.commune
    return place.communes_inside().order_by("-population", "code").first()


def directory_links(criteria, place):
    """The directory (or the supplier search) already filtered for the person."""
    centre = centre_commune(place)
    persona = criteria.persona
    links = []
    if persona in (Persona.BUYER, Persona.COMPANY) and centre:
        links += supplier_links(centre)
    if persona == Persona.LOCAL_AUTHORITY or (persona == Persona.BUYER and not centre):
        links += territory_links(place)
    if persona not in (Persona.BUYER, Persona.LOCAL_AUTHORITY) and centre:
        params = {"commune": centre.label, "rayon": NEAR_RADIUS_KM}
        if criteria.sector:
            params["secteur"] = criteria.sector
        found = url("search:directory", **params)
        what = "de votre secteur " if criteria.sector else ""
        title = f"Les structures de l'ESS {what}à moins de {NEAR_RADIUS_KM} km de {centre.name}"
        links += [Link("directory", title, found)] if found else []
    if TIERS_LIEU.search(fold(criteria.text)) or persona == Persona.LOCAL_AUTHORITY:
        places = url("cooperation:places")
        title = "Les lieux de l'ESS : tiers-lieux, PTCE, recycleries…"
        links += [Link("places", title, places)] if places else []
    cooperates = persona in (Persona.COMPANY, Persona.STRUCTURE)
    if cooperates or criteria.legal_form == SupportLegalForm.EMPLOYER_GROUP:
        found = url("cooperation:index")
        text = (
            "Les offres et besoins de mutualisation des structures, dont les groupements "
            "d'employeurs."
        )
        title = "Coopérer : locaux, matériel, compétences, emplois partagés"
        links += [Link("cooperation", title, found, text)] if found else []
    return links


def supplier_links(centre):
    """For a buyer: the supplier search and the directory on the labels of reserved
    contracts, around their commune."""
    near = {"commune": centre.label, "rayon": BUYER_RADIUS_KM}
    where = f"à moins de {BUYER_RADIUS_KM} km de {centre.name}"
    links = []
    sourcing = url("purchasing:sourcing", **near, type=["siae", "ea_esat"])
    if sourcing:
        links.append(
            Link(
                "sourcing",
                f"Fournisseurs d'insertion (SIAE), entreprises adaptées et ESAT {where}",
                sourcing,
                "La recherche de fournisseurs des achats responsables, avec les marchés qui "
                "peuvent leur être réservés.",
            )
        )
    for code, label in RESERVED_LABELS:
        found = url("search:directory", **near, label=code)
        if found:
            links.append(Link("directory", f"{label} {where}", found))
    return links


def territory_links(place):
    """For a local authority: the directory and the portrait of its territory."""
    links = []
    if place.level == "epci":
        params = {"epci": place.epci.code}
    elif place.departement is not None:
        params = {"departement": place.departement.code}
    else:
        params = {}
    found = url("search:directory", **params) if params else ""
    if found:
        links.append(Link("directory", f"Les structures de l'ESS de {place.short_label}", found))
    if place.epci_code:
        territory = url("territories:epci", place.epci_code)
    else:
        territory = url("territories:departement", place.departement_code)
    if territory:
        links.append(
            Link(
                "territory",
                f"Le portrait de l'ESS de {place_label_short(place)}",
                territory,
                "Établissements, emplois, acteurs et initiatives du territoire.",
            )
        )
    return links


def place_label_short(place):
    if place.commune is not None and place.commune.epci_id:
        return "votre intercommunalité"
    territory = place.epci or place.departement
    return place_label(territory) if territory else place.short_label


def beneficiaries_of(criteria):
    if criteria.persona in CREATOR_PERSONAS or (
        not criteria.persona
        and criteria.project in (ProjectKind.INDIVIDUAL, ProjectKind.COLLECTIVE)
    ):
        kinds = {"project"}
        if criteria.legal_form in FORM_BENEFICIARIES:
            kinds.add(FORM_BENEFICIARIES[criteria.legal_form])
        return kinds
    if criteria.persona == Persona.VOLUNTEER:
        return {"association"}
    if criteria.legal_form in FORM_BENEFICIARIES:
        return {FORM_BENEFICIARIES[criteria.legal_form]}
    return set()


def financing_for(criteria, place):
    """([(tool, reasons)], note) — nothing for those who do not seek funds for a project."""
    if (
        criteria.persona in (Persona.BUYER, Persona.LOCAL_AUTHORITY, Persona.COMPANY)
        and criteria.legal_form != SupportLegalForm.EMPLOYER_GROUP
    ):
        return [], ""
    try:
        from essor.financing import services as financing
    except ImportError:  # the section is not installed
        return [], ""
    phase = criteria.effective_phase
    if phase == Phase.TEST:
        phase = Phase.CREATION
    tools = financing.tools_for_situation(
        place=place,
        phase=phase,
        beneficiaries=beneficiaries_of(criteria),
        sectors={criteria.sector} if criteria.sector else set(),
        limit=SHOWN,
    )
    note = "" if tools else "Aucun outil de financement publié ne correspond encore à vos réponses."
    return tools, note


def related_for(criteria):
    """What the platform holds for this situation besides the support offers."""
    place = criteria.place
    related = Related()
    if not place:
        return related
    related.links = directory_links(criteria, place)
    related.financing, related.financing_note = financing_for(criteria, place)
    if related.financing or related.financing_note:
        # The financing section's own form, filled in with the same situation.
        params = {"commune": criteria.commune.code} if criteria.commune else {}
        if criteria.effective_phase:
            params["phase"] = criteria.effective_phase
        beneficiaries = sorted(beneficiaries_of(criteria) - {"project"})
        if beneficiaries or "project" in beneficiaries_of(criteria):
            params["beneficiary"] = (beneficiaries or ["project"])[0]
        if criteria.sector:
            params["sector"] = criteria.sector
        related.financing_url = url("financing:matching", **params)
    persona = criteria.persona or Persona.CREATOR
    try:
        from essor.resources import services as resources
    except ImportError:
        resources = None
    if resources is not None:
        audience = TRAINING_AUDIENCES.get(persona, "")
        related.trainings = resources.trainings_for(
            audience=audience, departement=place.departement, limit=SHOWN
        )
        related.trainings_url = url("resources:trainings", public=audience)
    try:
        from essor.initiatives import services as initiatives
    except ImportError:
        initiatives = None
    if initiatives is not None:
        related.initiatives = initiatives.initiatives_elsewhere(
            themes=INITIATIVE_THEMES.get(persona, []),
            departement=place.departement,
            limit=SHOWN,
        )
        related.initiatives_url = url("initiatives:index")
    return related
