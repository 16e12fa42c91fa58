"""The orientation engine: a person's answers in, offers ranked, grouped and explained in
plain French out. Plain functions of the database, testable without HTTP.

Two steps: an indexed query narrows the published offers to those whose served territory
serves the place (essor.territories.areas, Area.objects.covering), then each candidate is scored in
Python against the answers. When too little fits, offers of the surrounding territories
are added, and the page says so: the person never gets an empty answer."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q

from essor.directory.enums import Phase
from essor.directory.models import Membership
from essor.directory.nomenclatures import ess_sectors
from essor.territories.areas import LOCALITY, AreaLevel, AreaSpec, Place, most_local, surroundings
from essor.territories.forms import CODE_IN_LABEL
from essor.territories.models import Commune, Departement, Epci

from . import catalogue
from .enums import (
    CREATOR_PERSONAS,
    ORGANISATION_PERSONAS,
    Cost,
    HelpKind,
    OfferStatus,
    Persona,
    ProjectKind,
    SupportAudience,
    SupportLegalForm,
)
from .models import OfferArea, SupportOffer, labels

# When the person ticks no need, what people at their phase usually look for first.
DEFAULT_NEEDS = {
    "": [HelpKind.FIRST_INFO, HelpKind.INDIVIDUAL],
    Phase.IDEA: [HelpKind.FIRST_INFO, HelpKind.INDIVIDUAL, HelpKind.TRAINING],
    Phase.TEST: [HelpKind.CAE, HelpKind.INCUBATION, HelpKind.INDIVIDUAL],
    Phase.CREATION: [HelpKind.INDIVIDUAL, HelpKind.FUNDING, HelpKind.FIRST_INFO],
    Phase.DEVELOPMENT: [HelpKind.INDIVIDUAL, HelpKind.FUNDING, HelpKind.NETWORKING],
    # Changing scale is financed growth: the report sends it to solidarity finance's
    # financial expertise as much as to funding and partners.
    Phase.SCALING: [HelpKind.INDIVIDUAL, HelpKind.FINANCIAL, HelpKind.FUNDING, HelpKind.NETWORKING],
    Phase.CONSOLIDATION: [HelpKind.INDIVIDUAL, HelpKind.FINANCIAL, HelpKind.HR],
    Phase.DIFFICULTY: [HelpKind.INDIVIDUAL, HelpKind.FINANCIAL, HelpKind.FUNDING],
    Phase.TRANSFER: [HelpKind.INDIVIDUAL, HelpKind.LEGAL, HelpKind.FINANCIAL, HelpKind.FUNDING],
    Phase.MERGER: [HelpKind.INDIVIDUAL, HelpKind.LEGAL, HelpKind.FINANCIAL, HelpKind.HR],
}

# Those who come with no project phase: what they look for first.
PERSONA_NEEDS = {
    Persona.BUYER: [HelpKind.COMMERCIAL, HelpKind.NETWORKING, HelpKind.FIRST_INFO],
    Persona.LOCAL_AUTHORITY: [HelpKind.NETWORKING, HelpKind.FIRST_INFO, HelpKind.TRAINING],
    Persona.COMPANY: [HelpKind.NETWORKING, HelpKind.FIRST_INFO, HelpKind.COMMERCIAL],
    Persona.VOLUNTEER: [HelpKind.TRAINING, HelpKind.INDIVIDUAL, HelpKind.COLLECTIVE],
    Persona.STUDENT: [HelpKind.FIRST_INFO, HelpKind.TRAINING, HelpKind.INCUBATION],
}
# The phase a persona is at when they do not say: a job seeker who wants to try an
# activity is testing it, a student has an idea.
PERSONA_PHASE = {Persona.JOBSEEKER: Phase.TEST, Persona.STUDENT: Phase.IDEA}
# Personas who never have a project phase of their own.
PHASELESS_PERSONAS = {Persona.BUYER, Persona.LOCAL_AUTHORITY}

COOPERATIVE_FORMS = {
    SupportLegalForm.SCOP,
    SupportLegalForm.SCIC,
    SupportLegalForm.CAE,
    SupportLegalForm.COOPERATIVE,
}

SPECIALIST_OF = {
    SupportLegalForm.ASSOCIATION: "Spécialiste des associations",
    SupportLegalForm.SCOP: "Spécialiste des SCOP",
    SupportLegalForm.SCIC: "Spécialiste des SCIC",
    SupportLegalForm.CAE: "Spécialiste des coopératives d'activité et d'emploi",
    SupportLegalForm.COOPERATIVE: "Spécialiste des coopératives",
    SupportLegalForm.EMPLOYER_GROUP: "Spécialiste des groupements d'employeurs",
    SupportLegalForm.MUTUAL: "Spécialiste des mutuelles",
    SupportLegalForm.FOUNDATION: "Spécialiste des fondations et fonds de dotation",
    SupportLegalForm.ESUS_COMPANY: "Spécialiste des entreprises de l'ESS (ESUS)",
}

COVERAGE_POINTS = {  # level -> (points, wording of the coverage)
    AreaLevel.COMMUNE: (12, "intervient sur la commune"),
    AreaLevel.EPCI: (10, "intervient sur l'intercommunalité"),
    AreaLevel.RADIUS: (10, "intervient autour de la commune"),
    AreaLevel.DEPARTEMENT: (8, "tout le département"),
    AreaLevel.REGION: (4, "toute la région"),
    AreaLevel.NATIONAL: (0, "toute la France"),
}

MIN_FITTING = 3  # below this, the surroundings are searched too
SHOWN_FIRST = 5  # the "most relevant" list of the results page
NEARBY_RADIUS_KM = (50, 110)


def lower_first(text):
    """« Transmission et reprise (dont reprise en SCOP) » inside a sentence, acronyms kept."""
    return text[:1].lower() + text[1:]


# The audiences of the personas who speak for what they are, whatever their project.
PERSONA_AUDIENCES = {
    Persona.BUYER: {SupportAudience.BUYER},
    Persona.LOCAL_AUTHORITY: {SupportAudience.LOCAL_AUTHORITY},
    Persona.COMPANY: {SupportAudience.CLASSIC_COMPANY},
    Persona.VOLUNTEER: {SupportAudience.ASSOCIATION},
}


def audiences_for(project, legal_form, persona=""):
    """The offer audiences that fit who the person is and their "projet individuel ou
    collectif" answer."""
    if legal_form == SupportLegalForm.EMPLOYER_GROUP:
        # A groupement d'employeurs is an association of employers, whoever they are.
        return {SupportAudience.ASSOCIATION} | audiences_for(project, "", persona)
    if persona in PERSONA_AUDIENCES:
        # A company handed over to its employees in SCOP, a local authority joining a
        # SCIC: the project takes the form chosen, and its supporters count too.
        formed = project_audiences(ProjectKind.ORGANISATION, legal_form) if legal_form else set()
        return PERSONA_AUDIENCES[persona] | formed
    if persona == Persona.STRUCTURE:
        project = ProjectKind.ORGANISATION
    elif persona in CREATOR_PERSONAS and project not in (
        ProjectKind.INDIVIDUAL,
        ProjectKind.COLLECTIVE,
    ):
        # A job seeker or a student who does not say otherwise creates alone.
        if persona == Persona.CREATOR:
            return {SupportAudience.INDIVIDUAL, SupportAudience.CITIZENS}
        project = ProjectKind.INDIVIDUAL
    if persona == Persona.STUDENT:
        return {SupportAudience.YOUNG} | audiences_for(project, legal_form)
    return project_audiences(project, legal_form)


def project_audiences(project, legal_form):
    if project == ProjectKind.INDIVIDUAL:
        return {SupportAudience.INDIVIDUAL}
    if project == ProjectKind.COLLECTIVE:
        return {SupportAudience.CITIZENS}
    if project == ProjectKind.ORGANISATION:
        if legal_form == SupportLegalForm.ASSOCIATION:
            return {SupportAudience.ASSOCIATION}
        if legal_form in COOPERATIVE_FORMS:
            return {SupportAudience.COOPERATIVE, SupportAudience.ESS_COMPANY}
        if legal_form:
            return {SupportAudience.ESS_COMPANY}
        return {
            SupportAudience.ASSOCIATION,
            SupportAudience.COOPERATIVE,
            SupportAudience.ESS_COMPANY,
        }
    return set()


@dataclass
class Criteria:
    """The answers of the assistant (or what the free text was understood as)."""

    commune: Commune | None = None
    departement: Departement | None = None
    epci: Epci | None = None
    persona: str = ""
    phase: str = ""
    project: str = ""
    legal_form: str = ""  # "" is "je ne sais pas"
    needs: list = field(default_factory=list)
    sector: str = ""
    text: str = ""

    @property
    def place(self):
        if self.commune is not None:
            return Place.of_commune(self.commune)
        if self.epci is not None:
            return Place(epci=self.epci, departement=self.departement)
        return Place(departement=self.departement)

    @property
    def effective_phase(self):
        if self.persona in PHASELESS_PERSONAS:
            return ""
        return self.phase or PERSONA_PHASE.get(self.persona, "")

    @property
    def is_organisation(self):
        """Speaks for an organisation that already exists (its own phase is past creation).
        A groupement d'employeurs is always created by employers that exist."""
        return (
            self.persona in ORGANISATION_PERSONAS
            or self.legal_form == SupportLegalForm.EMPLOYER_GROUP
            or (not self.persona and self.project == ProjectKind.ORGANISATION)
        )

    @property
    def effective_needs(self):
        if self.needs:
            return list(self.needs)
        if self.legal_form == SupportLegalForm.EMPLOYER_GROUP:
            # Whoever asks, a groupement d'employeurs is a matter of employment law.
            return [HelpKind.INDIVIDUAL, HelpKind.HR, HelpKind.LEGAL]
        if self.persona == Persona.STUDENT or (
            self.persona in PERSONA_NEEDS and not (self.phase and self.effective_phase)
        ):
            return list(PERSONA_NEEDS[self.persona])
        return list(DEFAULT_NEEDS.get(self.effective_phase, DEFAULT_NEEDS[""]))

    def to_params(self):
        """The answers as query parameters (the assistant's URLs) and as stored JSON."""
        params = {}
        if self.commune is not None:
            # The picker's own label « Guéret (23096) »: a bare code could also be read as
            # a postal code, the label cannot.
            params["commune"] = self.commune.label
        elif self.epci is not None:
            params["epci"] = self.epci.code
        elif self.departement is not None:
            params["departement"] = self.departement.code
        for key, value in [
            ("profil", self.persona),
            ("etape", self.phase),
            ("projet", self.project),
            ("forme", self.legal_form),
            ("secteur", self.sector),
        ]:
            if value:
                params[key] = value
        if self.needs:
            params["besoins"] = list(self.needs)
        return params

    @classmethod
    def from_params(cls, params):
        """Rebuild answers from stored JSON, leniently: unknown values are dropped."""
        commune = epci = None
        departement = None
        if params.get("commune"):
            found = CODE_IN_LABEL.search(params["commune"])
            code = found.group(1) if found else params["commune"]
            commune = (
                Commune.objects.select_related("departement", "epci").filter(code=code).first()
            )
        if commune is None and params.get("epci"):
            epci = Epci.objects.filter(code=params["epci"]).first()
            departement = main_departement(epci)
        if commune is None and epci is None and params.get("departement"):
            departement = Departement.objects.filter(code=params["departement"]).first()

        def pick(key, enum):
            value = params.get(key) or ""
            return value if value in enum.values else ""

        needs = params.get("besoins") or []
        if isinstance(needs, str):
            needs = [needs]
        return cls(
            commune=commune,
            departement=commune.departement if commune else departement,
            epci=epci,
            persona=pick("profil", Persona),
            phase=pick("etape", Phase),
            project=pick("projet", ProjectKind),
            legal_form=pick("forme", SupportLegalForm),
            needs=[n for n in needs if n in HelpKind.values],
            sector=params.get("secteur") if params.get("secteur") in ess_sectors() else "",
        )

    def describe(self):
        """[(question, answer)] in the person's words, for "what we understood"."""
        rows = [("Où", self.place.label or "non précisé")]
        rows.append(("Vous êtes", Persona(self.persona).label if self.persona else "non précisé"))
        if self.persona not in PHASELESS_PERSONAS:
            phase = self.effective_phase
            rows.append(("Étape", Phase(phase).label if phase else "non précisée"))
        if self.persona in CREATOR_PERSONAS or not self.persona:
            rows.append(
                ("Projet", ProjectKind(self.project).label if self.project else "non précisé")
            )
        if self.persona not in {Persona.BUYER, Persona.LOCAL_AUTHORITY, Persona.COMPANY}:
            rows.append(
                (
                    "Forme juridique",
                    SupportLegalForm(self.legal_form).label
                    if self.legal_form
                    else "je ne sais pas",
                )
            )
        needs = ", ".join(labels(HelpKind, self.effective_needs))
        why = " (proposés selon votre situation)" if not self.needs else ""
        rows.append(("Besoins", needs + why))
        rows.append(("Secteur", ess_sectors().get(self.sector, "non précisé")))
        return rows

    def summary_text(self):
        return "\n".join(f"{question} : {answer}" for question, answer in self.describe())


def main_departement(epci):
    """The département of most of an EPCI's communes (for links and labels)."""
    if epci is None:
        return None
    code = (
        Commune.objects.filter(epci_id=epci.code)
        .values_list("departement_id", flat=True)
        .order_by("departement_id")
        .first()
    )
    return Departement.objects.filter(code=code).first() if code else None


@dataclass
class Match:
    """One offer, and why it fits the person or does not."""

    offer: SupportOffer
    score: int = 0
    reasons: list = field(default_factory=list)
    cautions: list = field(default_factory=list)
    matched_needs: list = field(default_factory=list)
    level: str = ""
    locality_rank: int = 0
    fits: bool = True
    phase_fits: bool = True
    audience_fits: bool | None = None  # None: the offer serves everyone, or nobody said
    specialist: bool = False  # of the person's legal form
    partial: bool = False  # serves only part of the person's place
    distance_km: float | None = None

    @property
    def is_nearby(self):
        """Offered in a surrounding territory, not in the person's own."""
        return self.distance_km is not None

    @property
    def sort_key(self):
        # An ended scheme comes after every current one, whatever its score.
        return (
            self.offer.is_ended,
            -self.score,
            -self.locality_rank,
            self.offer.title,
            self.offer.pk,
        )


@dataclass
class OrientationResult:
    criteria: Criteria
    place: Place
    ranked: list = field(default_factory=list)
    groups: list = field(default_factory=list)  # [(HelpKind value, label, [Match])]
    entry_point: Match | None = None
    top: list = field(default_factory=list)  # the five best, one offer per actor
    more: list = field(default_factory=list)  # the next fitting offers, folded
    more_total: int = 0  # every fitting offer past the five best: `more` is their head
    nearby: list = field(default_factory=list)
    others: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not (self.ranked or self.nearby or self.others)

    @property
    def folded_count(self):
        """The offers folded under the five best: the others, and the neighbours' ones."""
        return self.more_total + (len(self.nearby) if self.top else 0)

    @property
    def more_hidden(self):
        """The fitting offers past the folded ones: the catalogue lists them."""
        return self.more_total - len(self.more)

    def catalogue_query(self):
        """The catalogue's filters (support:offers) for what the folded list leaves out."""
        params = {}
        departement = self.place.departement if self.place else None
        if departement is not None:
            params["departement"] = departement.code
        if self.criteria.effective_phase:
            params["etape"] = self.criteria.effective_phase
        needs = self.criteria.effective_needs
        if len(needs) == 1:
            params["aide"] = needs[0]
        return urlencode(params)

    @property
    def all_matches(self):
        return self.ranked + self.nearby + self.others


# What the results, the parcours and the request form show of an offer: the long
# description stays in the database.
LISTED_FIELDS = [
    "provider__name", "provider__public_email", "provider_kind", "title", "help_kinds",
    "phases", "audiences", "legal_forms", "sectors", "cost", "cost_details", "format",
    "how_to_ask", "contact_email", "accepts_requests", "is_illustrative",
    "illustrative_details", "status", "territory_summary",
]  # fmt: skip


def published_offers():
    """Published offers as lists show them, each knowing whether its provider has members
    on ESSor (to receive requests) without one more query per offer."""
    return listed_offers().published()


def listed_offers():
    """published_offers() before the published filter."""
    return (
        SupportOffer.objects.select_related("provider")
        .only(*LISTED_FIELDS)
        .annotate(
            provider_has_members=Exists(
                Membership.objects.filter(organisation_id=OuterRef("provider_id"))
            )
        )
    )


ROW_FIELDS = [
    "pk", "provider_id", "provider__name", "provider_kind", "title", "help_kinds", "phases",
    "audiences", "legal_forms", "sectors", "cost", "cost_details", "format", "is_ended",
]  # fmt: skip


@dataclass
class ProviderStub:
    pk: int
    name: str


class OfferRow:
    """What scoring reads of an offer, without building a model instance: a question
    weighs hundreds of candidates, and only the few shown become SupportOffer objects
    (see hydrate)."""

    is_row = True

    def __init__(self, values):
        (self.pk, provider_id, provider_name, self.provider_kind, self.title, self.help_kinds,
         self.phases, self.audiences, self.legal_forms, self.sectors, self.cost,
         self.cost_details, self.format, self.is_ended) = values  # fmt: skip
        self.provider = ProviderStub(provider_id, provider_name)
        self.area_list = []
        self.covering = []

    is_remote = SupportOffer.is_remote
    legal_form_labels = SupportOffer.legal_form_labels
    audience_labels = SupportOffer.audience_labels
    sector_labels = SupportOffer.sector_labels


def with_areas(offers):
    """Attach each offer's served areas as plain tuples: one query, and none of the
    per-instance work of prefetch_related."""
    offers = list(offers)
    by_offer = {offer.pk: [] for offer in offers}
    rows = OfferArea.objects.filter(offer_id__in=list(by_offer)).values_list(
        "offer_id", "level", "code", "label"
    )
    for offer_id, level, code, label in rows:
        by_offer[offer_id].append(AreaSpec(level, code, label))
    for offer in offers:
        offer.area_list = by_offer[offer.pk]
    return offers


def candidates(place):
    """The published offers that serve the place, as rows, each with `covering`: its
    areas that serve the place, as (AreaSpec, partial). Read from the process's copy of
    the catalogue (catalogue.py); what read_candidates() reads from the database."""
    held, names = catalogue.current()
    offers = []
    for offer_id, covering in held.covering(place).items():
        values = held.offers[offer_id]
        # The row's fields in ROW_FIELDS' order, the provider's current name spliced in.
        offer = OfferRow(values[:2] + (names.get(values[1], ""),) + values[2:])
        offer.covering = covering
        offers.append(offer)
    return offers


def read_candidates(place):
    """candidates() read from the database: the reference the in-memory copy is tested
    against (tests/test_orientation_catalogue.py)."""
    covering = (
        OfferArea.objects.filter(offer__status=OfferStatus.PUBLISHED).covering(place).by_owner()
    )
    queryset = SupportOffer.objects.filter(pk__in=list(covering)).values_list(*ROW_FIELDS)
    offers = [OfferRow(values) for values in queryset]
    for offer in offers:
        offer.covering = covering[offer.pk]
    return offers


def hydrate(matches):
    """Give the matches that will be shown their full offer (one query for all)."""
    pending = [m for m in matches if getattr(m.offer, "is_row", False)]
    if not pending:
        return matches
    # By primary key only: with the status in the WHERE clause, SQLite walks the status
    # index over every published offer (12 ms at 50,000) instead.
    offers = listed_offers().order_by().in_bulk([m.offer.pk for m in pending])
    for match in pending:
        offer = offers.get(match.offer.pk)
        if offer is not None and offer.is_published:  # unpublished meanwhile: keep the row
            offer.area_list = match.offer.area_list
            match.offer = offer
    return matches


def evaluate(offer, criteria, place, *, area=None, partial=False):
    """Score one offer against the answers and say why, in plain French."""
    match = Match(offer=offer)
    if offer.is_ended:
        match.cautions.append("Dispositif terminé : il est cité pour mémoire")
    if area is not None:
        _score_where(match, offer, place, area, partial)
    _score_help(match, offer, criteria.effective_needs)
    phase = criteria.effective_phase
    if phase:
        _score_phase(match, offer, phase, existing=criteria.is_organisation)
    _score_legal_form(match, offer, criteria)
    _score_audience(
        match, offer, audiences_for(criteria.project, criteria.legal_form, criteria.persona)
    )
    if match.audience_fits is False and criteria.persona in PERSONA_AUDIENCES:
        # A buyer, a local authority, a company or volunteers are not who an offer for
        # project creators serves: said, and not ranked.
        match.fits = False
    if offer.sectors:
        _score_sector(match, offer, criteria.sector)
    _score_cost(match, offer)
    if offer.is_remote and not (area is not None and area.level == AreaLevel.NATIONAL):
        match.reasons.append("Possible à distance")
    if not match.matched_needs and not match.specialist:
        match.fits = False
    return match


def _score_where(match, offer, place, area, partial):
    points, wording = COVERAGE_POINTS[area.level]
    match.level, match.locality_rank = area.level, LOCALITY[area.level]
    match.partial = partial
    if partial:
        match.reasons.append(f"Présent sur une partie de {place.short_label} : {area.label}")
        match.cautions.append(
            f"N'intervient que sur une partie de {place.short_label} : vérifiez votre commune"
        )
        points = points // 2
    elif area.level in (AreaLevel.EPCI, AreaLevel.RADIUS):
        match.reasons.append(f"Couvre {place.label} ({area.label})")
    elif area.level == AreaLevel.NATIONAL and offer.is_remote:
        match.reasons.append(f"Couvre {place.label} (à distance, partout en France)")
    else:
        match.reasons.append(f"Couvre {place.label} ({wording})")
    match.score += points


def _score_help(match, offer, needs):
    kinds = set(offer.help_kinds)
    match.matched_needs = [need for need in needs if need in kinds]
    if match.matched_needs:
        match.score += 30 * min(len(match.matched_needs), 3)
        if match.matched_needs[0] == needs[0]:
            match.score += 5
        match.reasons.append("Propose : " + ", ".join(labels(HelpKind, match.matched_needs)))
    else:
        # Unfit, unless it specialises in the person's legal form (see _score_legal_form).
        match.cautions.append(
            "Ne propose pas ce que vous cherchez ("
            + ", ".join(lower_first(x) for x in labels(HelpKind, needs))
            + ")"
        )


def phase_fit(phases, phase, *, existing=False):
    """(points, reason or None) of an offer for the phases it serves at the person's
    phase; None when it does not serve that phase."""
    if not phases:
        return 6, None
    if phase in phases:
        return 20, f"Adapté à votre étape : {lower_first(Phase(phase).label)}"
    if existing and phase == Phase.CREATION and Phase.DEVELOPMENT in phases:
        # A structure that exists creates a new activity or a groupement d'employeurs
        # with its peers: for its supporters, that is a development.
        return 12, "Accompagne les structures existantes qui créent une activité"
    if phase == Phase.SCALING and Phase.DEVELOPMENT in phases:
        # Changing scale is a development: who supports one supports the other.
        return 12, "Accompagne le développement, dont le changement d'échelle"
    if phase == Phase.TEST and {Phase.IDEA, Phase.CREATION} <= set(phases):
        # Testing an activity lies between the idea and the creation.
        return 12, "Accompagne de l'idée à la création, test de l'activité compris"
    return None


def _score_phase(match, offer, phase, *, existing=False):
    fit = phase_fit(offer.phases, phase, existing=existing)
    if fit is None:
        match.fits = match.phase_fits = False
        match.cautions.append(f"Ne concerne pas l'étape « {lower_first(Phase(phase).label)} »")
        return
    points, reason = fit
    match.score += points
    if reason:
        match.reasons.append(reason)


def _score_legal_form(match, offer, criteria):
    form = criteria.legal_form
    if form == SupportLegalForm.COOPERATIVE and COOPERATIVE_FORMS & set(offer.legal_forms):
        # « Une coopérative », not yet SCOP or SCIC: the cooperative specialists help choose.
        match.score += 25
        match.specialist = True
        match.reasons.append(SPECIALIST_OF[SupportLegalForm.COOPERATIVE])
    elif form and form in offer.legal_forms:
        match.score += 30
        # The specialist of the chosen form is worth seeing whatever help was asked for.
        match.specialist = True
        if (
            criteria.phase == Phase.TRANSFER
            and form in {SupportLegalForm.SCOP, SupportLegalForm.SCIC}
            and Phase.TRANSFER in offer.phases
        ):
            match.reasons.append(f"Spécialiste de la reprise en {SupportLegalForm(form).label}")
        else:
            match.reasons.append(SPECIALIST_OF[form])
    elif offer.legal_forms:
        # Another form was chosen: the SCOP specialist is not the one to see for an association.
        match.score -= 40 if form else 3
        match.cautions.append("Spécialisé dans : " + ", ".join(offer.legal_form_labels))


def _score_audience(match, offer, wanted):
    if not (offer.audiences and wanted):
        return
    common = [a for a in offer.audiences if a in wanted]
    match.audience_fits = bool(common)
    if common:
        match.score += 10
        match.reasons.append(
            "S'adresse à votre situation : "
            + ", ".join(lower_first(x) for x in labels(SupportAudience, common))
        )
    else:
        match.score -= 20
        match.cautions.append(
            "S'adresse plutôt à : " + ", ".join(lower_first(x) for x in offer.audience_labels)
        )


def _score_sector(match, offer, sector):
    if sector and sector in offer.sectors:
        match.score += 15
        match.reasons.append(f"Spécialiste du secteur « {lower_first(ess_sectors()[sector])} »")
        return
    if sector:
        match.fits = False
    else:
        match.score -= 4
    match.cautions.append("Réservé aux secteurs : " + ", ".join(offer.sector_labels))


def _score_cost(match, offer):
    if offer.cost == Cost.FREE:
        match.score += 4
        match.reasons.append("Gratuit")
    elif offer.cost == Cost.COVERED:
        match.score += 4
        match.reasons.append("Pris en charge par un financeur")
    elif offer.cost == Cost.PAID:
        match.score -= 3
        match.cautions.append("Payant" + (f" ({offer.cost_details})" if offer.cost_details else ""))
    elif offer.cost == Cost.QUOTE:
        match.score -= 2
        match.cautions.append("Sur devis")


def may_fit(criteria):
    """A test of an offer that is False only for offers evaluate() finds unfit, cheap
    enough to run on the ~1,650 candidates of a national catalogue so that only the few
    hundred that may fit are scored and explained in full."""
    needs = set(criteria.effective_needs)
    legal_form, sector = criteria.legal_form, criteria.sector
    phase, existing = criteria.effective_phase, criteria.is_organisation

    def test(offer):
        # Unfit when it offers none of the needs, unless it may specialise in the form.
        if needs.isdisjoint(offer.help_kinds) and not (legal_form and offer.legal_forms):
            return False
        if offer.sectors and sector and sector not in offer.sectors:
            return False
        return not phase or phase_fit(offer.phases, phase, existing=existing) is not None

    return test


def is_entry_candidate(offer):
    """What pick_entry_point() chooses among."""
    return HelpKind.FIRST_INFO in offer.help_kinds and not offer.is_ended


def rank(criteria, place, offers):
    """All the offers evaluated, fitting ones first and best first."""
    matches = []
    for offer in offers:
        area, partial = most_local(offer.covering)
        matches.append(evaluate(offer, criteria, place, area=area, partial=partial))
    return sorted(matches, key=lambda m: m.sort_key)


def nearby_matches(criteria, place, exclude_ids=()):
    """Fitting offers of the surrounding territories (communes, EPCI, départements and
    régions within reach), nearest and best first, each saying where it is offered."""
    for radius in NEARBY_RADIUS_KM:
        around = surroundings(place, radius_km=radius)
        if not around:
            continue
        lookup = around.by_level()
        query = Q()
        for level, mapping in lookup.items():
            if mapping:
                query |= Q(level=level, code__in=list(mapping))
        area_ids = OfferArea.objects.filter(query).values("offer_id")
        queryset = (
            SupportOffer.objects.published()
            .filter(pk__in=area_ids)
            .exclude(pk__in=list(exclude_ids))
            .values_list(*ROW_FIELDS)
        )
        offers = with_areas(OfferRow(values) for values in queryset)
        found = []
        for offer in offers:
            nearest = None
            for area in offer.area_list:
                entry = lookup.get(area.level, {}).get(area.code)
                if entry and (nearest is None or entry[1] < nearest[1]):
                    nearest = (entry[0], entry[1])
            if nearest is None:
                continue
            match = evaluate(offer, criteria, place)
            if not match.fits:
                continue
            label, km = nearest
            match.distance_km = km
            match.reasons.insert(
                0,
                f"Territoire voisin : {label}, à environ {round(km)} km de {place.short_label}",
            )
            match.cautions.insert(0, f"Ne couvre pas {place.short_label}")
            found.append(match)
        if found:
            return sorted(found, key=lambda m: (round(m.distance_km / 10), m.sort_key))
    return []


def pick_entry_point(matches):
    """The territory's first-level entry point: the most local offer of first information
    and orientation, generalists before specialists, one that suits the person's phase if
    there is one."""
    entries = [m for m in matches if is_entry_candidate(m.offer)]
    if not entries:
        return None
    return min(
        entries,
        key=lambda m: (
            not m.phase_fits,
            m.audience_fits is False,
            m.partial,
            -m.locality_rank,
            bool(m.offer.legal_forms or m.offer.sectors),
            -m.score,
            m.offer.title,
            m.offer.pk,
        ),
    )


# The fitting offers folded under the five best, before « see the catalogue ».
FOLDED_SHOWN = 20


def top_five(ranked, entry_point=None):
    """(the five best offers, each of another actor and none the entry point's, the rest)."""
    top, seen = [], set()
    skip = entry_point.offer.pk if entry_point is not None else None
    if entry_point is not None:
        # The entry point's actor is already shown first: its other offers are folded,
        # not given one of the five places another actor could hold.
        seen.add(entry_point.offer.provider.pk)
    for match in ranked:
        if len(top) == SHOWN_FIRST:
            break
        if match.offer.pk != skip and match.offer.provider.pk not in seen:
            top.append(match)
            seen.add(match.offer.provider.pk)
    chosen = {m.offer.pk for m in top} | {skip}
    return top, [m for m in ranked if m.offer.pk not in chosen]


def orient(criteria, *, per_group=5):
    """The assistant's answer. Never empty when any offer is published nearby."""
    place = criteria.place
    result = OrientationResult(criteria=criteria, place=place)
    if not place:
        result.notes.append("Indiquez une commune ou un département pour trouver qui vous aide.")
        return result
    offers = candidates(place)
    # Only what may fit, and what may be the entry point, is scored in full; the rest,
    # only when nothing fits at all (result.others).
    test = may_fit(criteria)
    matches = rank(criteria, place, [o for o in offers if test(o) or is_entry_candidate(o)])
    result.ranked = [m for m in matches if m.fits]
    result.entry_point = pick_entry_point(matches)
    if len(result.ranked) < MIN_FITTING:
        result.nearby = nearby_matches(criteria, place, exclude_ids=[o.pk for o in offers])[
            :per_group
        ]
        if result.entry_point is None:
            result.entry_point = pick_entry_point(result.nearby)
        if result.nearby:
            result.notes.append(
                "Peu d'offres de votre territoire correspondent à toutes vos réponses : "
                "voici aussi celles des territoires voisins."
            )
    if not result.ranked and not result.nearby:
        # Nothing fits: show what the territory offers anyway, first-level help first.
        matches = rank(criteria, place, offers)
        result.others = [m for m in matches if m.phase_fits][:per_group] or matches[:per_group]
        if result.others:
            result.notes.append(
                "Aucune offre ne correspond exactement à vos réponses. Voici les acteurs de "
                "votre territoire qui peuvent vous orienter."
            )
        else:
            result.notes.append(
                "Aucune offre d'accompagnement n'est encore publiée pour ce territoire. "
                "La CRESS peut vous orienter : écrivez-lui, et revenez bientôt."
            )
    result.top, more = top_five(result.ranked, result.entry_point)
    # At national scale a place has hundreds of fitting offers: the page folds the next
    # FOLDED_SHOWN, whole, and links the catalogue for the rest.
    result.more, result.more_total = more[:FOLDED_SHOWN], len(more)
    for need in criteria.effective_needs:
        members = [m for m in result.ranked if need in m.offer.help_kinds][:per_group]
        if not members:
            members = [m for m in result.nearby if need in m.offer.help_kinds][:per_group]
        result.groups.append((need, HelpKind(need).label, members))
    shown = result.top + result.more + result.nearby + result.others
    shown += [m for _, _, members in result.groups for m in members]
    if result.entry_point is not None:
        shown.append(result.entry_point)
    hydrate(shown)
    return result
