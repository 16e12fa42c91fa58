"""Demo content of the directory. Only `make demo` (essor load_demo) loads it.

Two parts, never mixed up:

- the organisations the 2016 état des lieux names (data/report_organisations.json),
  under their real names, with what the report says about them and nothing more: no
  SIREN, SIRET or RNA number, no address the report does not give;
- a synthetic set of establishments (source SYNTHETIC, is_synthetic, "démo" in every
  name, no identifier, no street address), generated from a fixed seed and calibrated
  so that the observatory finds the report's key figures for the region.
"""

import json
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from essor.territories.enums import CommuneKind
from essor.territories.enums import CoordinatePrecision as CommunePrecision
from essor.territories.models import Commune

from .enums import AdministrativeStatus, CoordinatePrecision, EssFamily, Source
from .ess import ess_family
from .models import Establishment, Label, Organisation
from .nomenclatures import ess_sector_of, estimated_employees

REPORT_ORGANISATIONS = Path(__file__).parent / "data" / "report_organisations.json"
REPORT_SOURCE_LINE = "Source : état des lieux 2016 des CRESS"
SEED = 2016
BATCH_SIZE = 1000

# The key figures of the report for the region (core/data/report.json, « CHIFFRES CLÉS »),
# which SEGMENTS below add up to. The report gives no split of the establishments by
# family or sector: that split is ours.
TARGETS = {
    "employer_establishments": 22_200,
    "employees": 220_500,
    "family_shares": {
        EssFamily.ASSOCIATION: 0.73,
        EssFamily.COOPERATIVE: 0.17,
        EssFamily.MUTUAL: 0.08,
        EssFamily.FOUNDATION: 0.02,
    },
    "action_sociale": 86_800,
    "action_sociale_association_share": 0.98,
    "finance_assurance": 29_200,
}


# Report organisations ----------------------------------------------------------------

# The family only where the report states the legal form. A fonds de dotation goes with
# the foundations, its nearest family (SIRENE gives it no category of its own).
FAMILY_OF_STATED_FORM = {
    "association": EssFamily.ASSOCIATION,
    "SCOP": EssFamily.COOPERATIVE,
    "SCIC": EssFamily.COOPERATIVE,
    "CAE": EssFamily.COOPERATIVE,
    "coopérative": EssFamily.COOPERATIVE,
    "mutuelle": EssFamily.MUTUAL,
    "fondation": EssFamily.FOUNDATION,
    "fonds de dotation": EssFamily.FOUNDATION,
}
# ...or where the name says it unambiguously.
FAMILY_OF_NAME_PREFIX = {
    "association ": EssFamily.ASSOCIATION,
    "scop ": EssFamily.COOPERATIVE,
    "scic ": EssFamily.COOPERATIVE,
    "mutuelle ": EssFamily.MUTUAL,
    "fondation ": EssFamily.FOUNDATION,
}
# Statuses the report states, recorded as labels.
LABEL_OF_STATED_FORM = {"entreprise adaptée": "ea"}

# The towns the report names for an organisation (its text or its own name), and only
# those: the report gives no address, so the establishment sits at the commune's point.
REPORT_TOWNS = {
    "lcube": ("87085", "Limoges"),  # « Situé à Limoges, Lcube est un espace de travail… »
    "association-pivoine": ("23077", "Faux-la-Montagne"),  # « Basé à Faux la Montagne »
    "maison-des-droits-de-l-homme-de-limoges": ("87085", "Limoges"),  # its name
    "universite-de-poitiers": ("86194", "Poitiers"),  # its name
}


def read_report_organisations():
    with REPORT_ORGANISATIONS.open(encoding="utf-8") as f:
        return json.load(f)


def report_family(entry):
    stated = entry.get("legal_form_stated")
    if stated in FAMILY_OF_STATED_FORM:
        return FAMILY_OF_STATED_FORM[stated]
    if stated:  # a public body, a GIP, a status such as "entreprise adaptée"
        return ""
    folded = entry["name"].lower()
    for prefix, family in FAMILY_OF_NAME_PREFIX.items():
        if folded.startswith(prefix):
            return family
    return ""


def report_description(entry):
    """Markdown made only of what the report says, with its source."""
    parts = []
    if entry.get("what_the_report_says"):
        parts.append(f"> « {entry['what_the_report_says']} »")
    if entry.get("interviewed_in"):
        parts.append(
            "Structure interviewée pour l'état des lieux "
            f"(liste « Structures interviewées », en {entry['interviewed_in']})."
        )
    parts.append(REPORT_SOURCE_LINE)
    return "\n\n".join(parts)


def load_report_organisations():
    """Create the organisations the report names, or complete them. Returns
    {slug: Organisation}.

    The initiatives' data migration may have created some already (bare: name and
    source), looked up the same way (name + source): they get what is missing, and
    nothing already filled in is overwritten, so a CRESS edit survives a second run.
    Entries that are types of structure (`is_generic`: DLA, CIGALES, GEIQ) are not
    organisations and are skipped."""
    labels = Label.objects.in_bulk(field_name="code")
    communes = Commune.objects.in_bulk({code for code, _ in REPORT_TOWNS.values()})
    organisations = {}
    for entry in read_report_organisations():
        if entry.get("is_generic"):
            continue
        organisation = (
            Organisation.objects.filter(name=entry["name"], source=Source.REPORT)
            .order_by("pk")
            .first()
        ) or Organisation(name=entry["name"], source=Source.REPORT, is_synthetic=False)
        organisations[entry["slug"]] = organisation
        missing = {
            "acronym": entry.get("acronym") or "",
            "ess_family": report_family(entry),
            "description": report_description(entry),
        }
        changed = [
            name for name, value in missing.items() if value and not getattr(organisation, name)
        ]
        if changed or not organisation.pk:
            for name in changed:
                setattr(organisation, name, missing[name])
            organisation.refresh_search_text()
            organisation.save()
        label = labels.get(LABEL_OF_STATED_FORM.get(entry.get("legal_form_stated"), ""))
        if label:
            organisation.labels.add(label)
        code, _ = REPORT_TOWNS.get(entry["slug"], (None, None))
        commune = communes.get(code)
        if commune is not None and not organisation.establishments.exists():
            located = commune.coordinate_precision == CommunePrecision.COMMUNE_CENTRE
            Establishment.objects.create(
                organisation=organisation,
                name=organisation.name,
                commune=commune,
                latitude=commune.latitude,
                longitude=commune.longitude,
                coordinate_precision=(
                    CoordinatePrecision.COMMUNE_CENTRE
                    if located
                    else CoordinatePrecision.APPROXIMATE
                ),
                source=Source.REPORT,
                is_synthetic=False,
            )
    return organisations


# Synthetic establishments ------------------------------------------------------------

# INSEE headcount bands an establishment can move through while calibrating.
LADDER = ("01", "02", "03", "11", "12", "21", "22", "31", "32", "41", "42", "51")

# Starting shapes of the headcount distribution (weights by band); the calibration then
# moves establishments up or down one band at a time until the segment hits its target.
SMALL = {"00": 3, "01": 42, "02": 25, "03": 14, "11": 9, "12": 5, "21": 1.5, "22": 0.5}
MEDIUM = {"00": 2, "01": 10, "02": 13, "03": 15, "11": 24, "12": 23, "21": 9, "22": 4}
LARGE = {"11": 8, "12": 30, "21": 32, "22": 20, "31": 5, "32": 4, "41": 1}
AGENCY = {"02": 25, "03": 40, "11": 30, "12": 5}
HEAD_OFFICE = {"22": 20, "31": 20, "32": 35, "41": 20, "42": 5}

SCOP = (("5458", 8), ("5558", 1))
SCIC = (("5460", 3), ("5560", 1))


@dataclass(frozen=True)
class Activity:
    naf: str
    weight: float
    profile: dict
    title: str  # the end of the synthetic name: "Association démo n°12 — Aide à domicile"
    legal_categories: tuple = ()  # ((code, weight), ...); the segment's when empty
    labels: tuple = ()  # ((label code, probability, legal category or ""), ...)


@dataclass(frozen=True)
class Segment:
    """A family × sector slice of the synthetic set, with its calibration targets."""

    name: str
    family: str
    sector: str  # the ess_sector_of() every activity must fall in, or "" for "other"
    establishments: int  # active employer establishments, at full scale
    employees: float  # their estimated employees, at full scale
    activities: tuple
    legal_categories: tuple = ()
    max_band: str = "32"
    networks: int = 0  # organisations sharing the establishments; 0: mostly one each
    closed: int = 0
    non_employers: int = 0


def _a(naf, weight, profile, title, legal_categories=(), labels=()):
    return Activity(naf, weight, profile, title, legal_categories, labels)


ASSOCIATION = (("9220", 97), ("9230", 3))
ASSOCIATION_ACI = (("aci", 1.0, "9221"),)

# Full-scale targets. Employees: associations 73 % = 160 965, of which 85 064 in action
# sociale (98 % of 86 800); cooperatives 17 % = 37 485; mutuals 8 % = 17 640;
# foundations 2 % = 4 410. The 1 736 non-association employees of action sociale are
# split between foundations, cooperatives (SCIC) and mutuals; the 29 200 of finance
# between cooperative banks and mutual insurers, as the report says.
SEGMENTS = (
    Segment(
        "associations-action-sociale",
        EssFamily.ASSOCIATION,
        "action_sociale",
        establishments=5_300,
        employees=85_064,
        legal_categories=ASSOCIATION,
        closed=250,
        activities=(
            _a("88.10A", 22, MEDIUM, "Aide à domicile"),
            _a("88.10B", 5, MEDIUM, "Accueil de jour"),
            _a("88.10C", 3, LARGE, "ESAT", labels=(("esat", 1.0, ""),)),
            _a("88.91A", 12, MEDIUM, "Crèche"),
            _a("88.91B", 3, MEDIUM, "Accompagnement d'enfants handicapés"),
            _a("88.99A", 6, MEDIUM, "Accompagnement des jeunes"),
            _a("88.99B", 20, MEDIUM, "Action sociale", labels=(("aci", 0.05, "9221"),)),
            _a("87.10A", 7, LARGE, "EHPAD"),
            _a("87.10B", 1.5, LARGE, "Établissement pour enfants handicapés"),
            _a("87.10C", 3, LARGE, "Foyer médicalisé"),
            _a("87.20A", 3, MEDIUM, "Foyer d'hébergement"),
            _a("87.30A", 2, MEDIUM, "Résidence autonomie"),
            _a("87.90A", 3, MEDIUM, "Maison d'enfants"),
            _a("87.90B", 5, MEDIUM, "Hébergement et réinsertion sociale"),
        ),
    ),
    Segment(
        "associations-autres",
        EssFamily.ASSOCIATION,
        "",
        establishments=13_231,
        employees=75_901,
        legal_categories=ASSOCIATION,
        max_band="41",
        closed=900,
        non_employers=1_200,
        activities=(
            _a("94.99Z", 22, SMALL, "Vie associative"),
            _a("93.12Z", 14, SMALL, "Club sportif"),
            _a("85.59A", 6, MEDIUM, "Formation"),
            _a("85.59B", 4, SMALL, "Soutien scolaire"),
            _a("85.51Z", 3, SMALL, "École de sport"),
            _a("85.52Z", 3, SMALL, "École de musique"),
            _a("85.10Z", 2, MEDIUM, "École maternelle"),
            _a("85.20Z", 3, MEDIUM, "École"),
            _a("85.31Z", 2, MEDIUM, "Collège"),
            _a("86.10Z", 0.6, LARGE, "Établissement de santé"),
            _a("86.90F", 1, MEDIUM, "Centre de santé"),
            _a("90.01Z", 6, SMALL, "Spectacle vivant"),
            _a("90.04Z", 1, SMALL, "Salle de spectacle"),
            _a("91.02Z", 0.8, SMALL, "Musée"),
            _a("93.29Z", 4, SMALL, "Loisirs"),
            _a("55.20Z", 2, SMALL, "Village de vacances"),
            _a("81.30Z", 0.8, MEDIUM, "Chantier d'insertion espaces verts", (), ASSOCIATION_ACI),
            _a("38.32Z", 0.4, MEDIUM, "Ressourcerie", (), ASSOCIATION_ACI),
            _a(
                "78.30Z",
                0.8,
                MEDIUM,
                "Mise à disposition de personnel",
                labels=(("ai", 0.7, "9222"), ("geiq", 0.3, "9223")),
            ),
            _a("82.92Z", 0.5, MEDIUM, "Conditionnement", labels=(("ea", 1.0, ""),)),
            _a("94.12Z", 3, SMALL, "Organisation professionnelle"),
            _a("96.09Z", 1, SMALL, "Services aux personnes"),
        ),
    ),
    Segment(
        "banques-cooperatives",
        EssFamily.COOPERATIVE,
        "finance_assurance",
        establishments=1_000,
        employees=17_000,
        legal_categories=(("5192", 1), ("5194", 1), ("5196", 1)),
        max_band="42",
        networks=8,
        closed=60,
        activities=(_a("64.19Z", 1, AGENCY, "Banque"),),
    ),
    Segment(
        "cooperatives-action-sociale",
        EssFamily.COOPERATIVE,
        "action_sociale",
        establishments=25,
        employees=300,
        legal_categories=SCIC,
        activities=(_a("88.10A", 1, MEDIUM, "Aide à domicile"),),
    ),
    Segment(
        "cooperatives-autres",
        EssFamily.COOPERATIVE,
        "",
        establishments=1_700,
        employees=20_185,
        legal_categories=SCOP,
        max_band="41",
        closed=80,
        non_employers=150,
        activities=(
            _a("11.02B", 10, MEDIUM, "Cave coopérative", (("6317", 1),)),
            _a("46.21Z", 6, MEDIUM, "Collecte de céréales", (("6317", 3), ("6318", 1))),
            _a("10.51C", 2, LARGE, "Fromagerie", (("6317", 1),)),
            _a("01.61Z", 14, SMALL, "Matériel agricole", (("6316", 1),)),
            _a("43.21A", 8, SMALL, "Électricité"),
            _a("43.22A", 6, SMALL, "Plomberie"),
            _a("41.20A", 4, SMALL, "Construction"),
            _a("43.32A", 5, SMALL, "Menuiserie"),
            _a("71.12B", 5, SMALL, "Ingénierie"),
            _a("62.01Z", 4, SMALL, "Informatique"),
            _a("70.22Z", 6, SMALL, "Conseil", SCOP + SCIC),
            _a("25.62B", 3, MEDIUM, "Mécanique"),
            _a("56.10A", 4, SMALL, "Restaurant", SCOP + SCIC),
            _a("47.11D", 3, MEDIUM, "Supermarché coopératif", (("5560", 1),)),
            _a("58.13Z", 1, SMALL, "Presse"),
            _a("81.21Z", 3, SMALL, "Nettoyage", SCOP + SCIC, (("ei", 0.2, ""),)),
            _a("35.11Z", 2, SMALL, "Énergie renouvelable", SCIC),
            _a("16.23Z", 2, SMALL, "Charpente"),
        ),
    ),
    Segment(
        "mutuelles-assurance",
        EssFamily.MUTUAL,
        "finance_assurance",
        establishments=520,
        employees=12_200,
        legal_categories=(("6411", 1), ("8210", 2)),
        max_band="51",
        networks=12,
        closed=30,
        activities=(_a("65.12Z", 1, AGENCY, "Assurance"),),
    ),
    Segment(
        "mutuelles-action-sociale",
        EssFamily.MUTUAL,
        "action_sociale",
        establishments=4,
        employees=136,
        legal_categories=(("8210", 1),),
        networks=2,
        activities=(_a("87.10A", 1, LARGE, "EHPAD"),),
    ),
    Segment(
        "mutuelles-sante",
        EssFamily.MUTUAL,
        "",
        establishments=250,
        employees=5_304,
        legal_categories=(("8210", 1),),
        max_band="41",
        networks=20,
        closed=15,
        activities=(
            _a("86.10Z", 1, LARGE, "Clinique"),
            _a("86.23Z", 6, MEDIUM, "Centre dentaire"),
            _a("86.21Z", 3, MEDIUM, "Centre de santé"),
            _a("47.78A", 8, SMALL, "Optique"),
            _a("47.74Z", 2, SMALL, "Audition"),
        ),
    ),
    Segment(
        "fondations-action-sociale",
        EssFamily.FOUNDATION,
        "action_sociale",
        establishments=60,
        employees=1_300,
        legal_categories=(("9300", 1),),
        networks=12,
        activities=(
            _a("87.10A", 4, LARGE, "EHPAD"),
            _a("87.10C", 2, LARGE, "Foyer médicalisé"),
            _a("88.10C", 1, LARGE, "ESAT", labels=(("esat", 1.0, ""),)),
            _a("87.90A", 2, MEDIUM, "Maison d'enfants"),
            _a("88.99B", 1, MEDIUM, "Action sociale"),
        ),
    ),
    Segment(
        "fondations-autres",
        EssFamily.FOUNDATION,
        "",
        establishments=110,
        employees=3_110,
        legal_categories=(("9300", 1),),
        max_band="41",
        networks=25,
        closed=5,
        activities=(
            _a("86.10Z", 2, LARGE, "Hôpital"),
            _a("85.59A", 3, MEDIUM, "Formation"),
            _a("72.19Z", 1, MEDIUM, "Recherche"),
            _a("91.03Z", 1, SMALL, "Patrimoine"),
            _a("85.31Z", 2, MEDIUM, "Lycée"),
            _a("94.99Z", 2, SMALL, "Action philanthropique"),
        ),
    ),
    # Commercial ESS companies: the report says their statistics "ne sont pas encore
    # établies", so they stay out of the calibrated employers (non-employers only).
    Segment(
        "entreprises-commerciales-ess",
        EssFamily.COMMERCIAL,
        "",
        establishments=0,
        employees=0,
        legal_categories=(("5710", 3), ("5499", 1)),
        non_employers=40,
        activities=(
            _a("70.22Z", 2, SMALL, "Conseil", labels=(("esus", 0.5, ""),)),
            _a("38.32Z", 1, SMALL, "Réemploi", labels=(("esus", 0.5, ""),)),
            _a("62.01Z", 1, SMALL, "Numérique", labels=(("esus", 0.5, ""),)),
            _a("56.10A", 1, SMALL, "Restaurant", labels=(("esus", 0.5, ""),)),
        ),
    ),
)

NAME_PREFIXES = {
    "92": "Association démo",
    "9300": "Fondation démo",
    "8210": "Mutuelle démo",
    "6411": "Assurance mutuelle démo",
    "5192": "Banque coopérative démo",
    "5194": "Banque coopérative démo",
    "5196": "Banque coopérative démo",
    "5458": "SCOP démo",
    "5558": "SCOP démo",
    "5460": "SCIC démo",
    "5560": "Coopérative démo",
    "6316": "CUMA démo",
    "6317": "Coopérative agricole démo",
    "6318": "Union de coopératives agricoles démo",
    "5710": "Entreprise solidaire démo",
    "5499": "Entreprise solidaire démo",
}
# Short on purpose: it is folded and indexed 20,000 times.
SYNTHETIC_DESCRIPTION = "Structure **fictive** de démonstration : elle n'existe pas."

FIRST_YEAR, LAST_YEAR = 1950, 2025
CLOSURES_FROM = 2008
JITTER_METRES = 2000
METRES_PER_DEGREE = 111_320


def _pick(rng, weighted):
    items = [item for item, _ in weighted]
    return rng.choices(items, weights=[w for _, w in weighted])[0]


def _pick_band(rng, profile):
    return rng.choices(list(profile), weights=list(profile.values()))[0]


def _random_date(rng, first_year=FIRST_YEAR):
    # Recent years are likelier (the ESS kept growing): offset = span × u^0.55.
    year = first_year + int((LAST_YEAR - first_year + 1) * rng.random() ** 0.55)
    return date(min(year, LAST_YEAR), 1, 1) + timedelta(days=rng.randrange(365))


def _close(rng, site):
    """Give a site a closing date after its opening, and neither in the future."""
    closed_on = _random_date(rng, first_year=max(CLOSURES_FROM, site.created_on.year))
    closed_on = max(closed_on, site.created_on + timedelta(days=90 + rng.randrange(365)))
    site.closed_on = min(closed_on, date(LAST_YEAR, 12, 31))
    if site.closed_on <= site.created_on:
        site.created_on = site.closed_on - timedelta(days=365 + rng.randrange(3650))


def calibrate_bands(bands, target, rng, max_band="32"):
    """Move establishments one band up or down until the estimated employees of `bands`
    (modified in place) are within 0.1 % of `target`, or as close as one-band moves get
    (a segment of a handful of establishments may stay a few employees off). Band 00
    is left alone."""
    top = LADDER.index(max_band)
    position = {band: i for i, band in enumerate(LADDER)}
    movable = [i for i, band in enumerate(bands) if band in position]
    if not movable:
        return bands
    total = sum(estimated_employees(band) for band in bands)
    tolerance = max(2.5, target * 0.001)
    # Coarse, then fine: moves towards the target until the total crosses it, the
    # larger of two sites coming down first (or the smaller going up) so that a big
    # head office does not stay alone at the top; then only moves that bring it closer.
    crossed = False
    for _ in range(200 * len(bands) + 1000):
        gap = target - total
        if abs(gap) <= tolerance:
            break
        i = rng.choice(movable)
        if not crossed:
            other = rng.choice(movable)
            if (position[bands[other]] > position[bands[i]]) == (gap < 0):
                i = other
        j = position[bands[i]] + (1 if gap > 0 else -1)
        if not 0 <= j <= top:
            continue
        delta = estimated_employees(LADDER[j]) - estimated_employees(bands[i])
        if crossed and abs(gap - delta) >= abs(gap):
            continue
        bands[i] = LADDER[j]
        total += delta
        crossed = crossed or (target - total > 0) != (gap > 0)
    return bands


@dataclass
class Site:
    """One synthetic establishment, before it becomes a row."""

    organisation: int  # index in the list of synthetic organisations
    naf: str
    band: str
    is_employer: bool
    is_head_office: bool
    created_on: date
    closed_on: date | None = None
    commune: int = 0  # index in the list of communes
    latitude: float = 0.0
    longitude: float = 0.0


@dataclass
class Unit:
    """One synthetic organisation, before it becomes a row."""

    segment: str
    family: str
    legal_category: str
    activity: Activity
    labels: tuple = ()
    closed: bool = False
    name: str = ""


class Generator:
    """Builds the synthetic set as plain objects; the same seed gives the same set."""

    def __init__(self, communes, *, scale=1.0, seed=SEED):
        self.rng = random.Random(seed)
        self.scale = scale
        self.communes = communes  # [(code, population, latitude, longitude), ...]
        self.cum_weights = []
        running = 0
        for _, population, _, _ in communes:
            running += population
            self.cum_weights.append(running)
        self.units = []
        self.sites = []

    def scaled(self, count):
        return max(1, round(count * self.scale)) if count else 0

    def run(self):
        for segment in SEGMENTS:
            self.segment(segment)
        self.place()
        self.name_units()
        return self.units, self.sites

    def new_unit(self, segment, activity=None, closed=False):
        rng = self.rng
        activity = activity or _pick(rng, [(a, a.weight) for a in segment.activities])
        legal_category = _pick(rng, activity.legal_categories or segment.legal_categories)
        labels = []
        # At most one of the activity's labels, each with its probability.
        draw, cumulated = rng.random(), 0.0
        for code, probability, category in activity.labels:
            cumulated += probability
            if draw < cumulated:
                labels.append(code)
                legal_category = category or legal_category
                break
        family = ess_family(legal_category, "O")
        assert family == segment.family, (segment.name, legal_category)
        self.units.append(
            Unit(segment.name, family, legal_category, activity, tuple(labels), closed)
        )
        return len(self.units) - 1

    def new_site(self, unit, *, activity=None, employer=True, head=False):
        rng = self.rng
        activity = activity or self.units[unit].activity
        site = Site(
            organisation=unit,
            naf=activity.naf,
            band=_pick_band(rng, activity.profile) if employer else "NN",
            is_employer=employer,
            is_head_office=head,
            created_on=_random_date(rng),
        )
        self.sites.append(site)
        return site

    def segment(self, segment):
        rng = self.rng
        count = self.scaled(segment.establishments)
        first_site = len(self.sites)
        employer_sites = []
        if segment.networks:
            units = [
                self.new_unit(segment) for _ in range(min(self.scaled(segment.networks), count))
            ]
            for unit in units:
                employer_sites.append(self.new_site(unit, head=True))
                employer_sites[-1].band = _pick_band(rng, HEAD_OFFICE)
            # The other establishments go to the networks unevenly, as branches do.
            shares = [0.2 + rng.random() for _ in units]
            for _ in range(count - len(units)):
                unit = rng.choices(units, weights=shares)[0]
                activity = self.sibling_activity(segment, unit)
                employer_sites.append(self.new_site(unit, activity=activity))
        else:
            while len(employer_sites) < count:
                unit = self.new_unit(segment)
                size = min(
                    _pick(rng, ((1, 88), (2, 6), (3, 3), (4, 2), (6, 1))),
                    count - len(employer_sites),
                )
                for k in range(size):
                    activity = self.sibling_activity(segment, unit) if k else None
                    employer_sites.append(self.new_site(unit, activity=activity, head=k == 0))
        bands = [site.band for site in employer_sites]
        calibrate_bands(bands, segment.employees * self.scale, rng, segment.max_band)
        for site, band in zip(employer_sites, bands, strict=True):
            site.band = band

        for _ in range(self.scaled(segment.non_employers)):
            unit = self.new_unit(segment)
            self.new_site(unit, employer=False, head=True)
        for _ in range(self.scaled(segment.closed)):
            if segment.networks:  # a branch that closed; its organisation goes on
                unit = rng.choice(sorted({site.organisation for site in employer_sites}))
                site = self.new_site(unit, activity=self.sibling_activity(segment, unit))
            else:
                unit = self.new_unit(segment, closed=True)
                site = self.new_site(unit, head=True)
            _close(rng, site)
        self.date_units(self.sites[first_site:])

    def sibling_activity(self, segment, unit):
        # Most sites of an organisation do what its head office does; some do another
        # activity of the same sector (an EHPAD next to a home-help service).
        if self.rng.random() < 0.7 or len(segment.activities) == 1:
            return self.units[unit].activity
        candidates = [a for a in segment.activities if not a.legal_categories and not a.labels]
        if not candidates:
            return self.units[unit].activity
        return _pick(self.rng, [(a, a.weight) for a in candidates])

    def date_units(self, sites):
        # A head office is the organisation's first establishment.
        first = {}
        for site in sites:
            if site.organisation not in first or site.created_on < first[site.organisation]:
                first[site.organisation] = site.created_on
        for site in sites:
            if site.is_head_office:
                site.created_on = first[site.organisation]

    def place(self):
        """Each site in a commune drawn in proportion to population, somewhere within 2 km
        of the commune's point: no address is invented."""
        rng = self.rng
        indices = rng.choices(
            range(len(self.communes)), cum_weights=self.cum_weights, k=len(self.sites)
        )
        for site, index in zip(self.sites, indices, strict=True):
            _, _, latitude, longitude = self.communes[index]
            distance = JITTER_METRES * math.sqrt(rng.random())
            angle = rng.random() * 2 * math.pi
            site.commune = index
            site.latitude = round(latitude + distance * math.cos(angle) / METRES_PER_DEGREE, 6)
            site.longitude = round(
                longitude
                + distance
                * math.sin(angle)
                / (METRES_PER_DEGREE * math.cos(math.radians(latitude))),
                6,
            )

    def name_units(self):
        numbers = {}
        for unit in self.units:
            prefix = (
                NAME_PREFIXES.get(unit.legal_category) or NAME_PREFIXES[unit.legal_category[:2]]
            )
            numbers[prefix] = numbers.get(prefix, 0) + 1
            unit.name = f"{prefix} n°{numbers[prefix]}"
            if prefix not in {"Banque coopérative démo", "Assurance mutuelle démo", "CUMA démo"}:
                unit.name += f" — {unit.activity.title}"


def region_communes(region=None):
    """[(code, population, latitude, longitude, postal_codes, name), ...] in a fixed order."""
    return list(
        Commune.objects.filter(
            region_id=region or settings.ESSOR_REGION,
            kind=CommuneKind.COMMUNE,
            population__gt=0,
            latitude__isnull=False,
            longitude__isnull=False,
        )
        .order_by("code")
        .values_list("code", "population", "latitude", "longitude", "postal_codes", "name")
    )


def _analyze(*models):
    """Refresh PostgreSQL's statistics after a bulk insert, before the search index's
    triggers read the new rows: with the statistics of empty tables the planner scans
    instead of using the indexes (measured: 1,000 organisations re-indexed in 19 s,
    0.8 s after ANALYZE). ANALYZE counts the rows this transaction has written."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def load_synthetic(*, scale=1.0, seed=SEED):
    """Create the synthetic set unless it is already there. Returns the number of
    establishments created."""
    if Organisation.objects.filter(source=Source.SYNTHETIC).exists():
        return 0
    communes = region_communes()
    if not communes:
        return 0
    units, sites = Generator([c[:4] for c in communes], scale=scale, seed=seed).run()

    sites_of = {}
    for site in sites:
        sites_of.setdefault(site.organisation, []).append(site)
    organisations = []
    for index, unit in enumerate(units):
        own = sites_of[index]
        organisation = Organisation(
            name=unit.name,
            legal_category=unit.legal_category,
            ess_family="",  # set at the end, see below
            ess_flag=True,
            is_esus="esus" in unit.labels,
            is_public_utility=unit.legal_category == "9230",
            created_on=min(site.created_on for site in own),
            status=AdministrativeStatus.CLOSED if unit.closed else AdministrativeStatus.ACTIVE,
            closed_on=max(site.closed_on for site in own) if unit.closed else None,
            description=SYNTHETIC_DESCRIPTION,
            sectors=sorted({ess_sector_of(site.naf) for site in own}),
            source=Source.SYNTHETIC,
            is_synthetic=True,
        )
        organisation.refresh_search_text()
        organisations.append(organisation)
    Organisation.objects.bulk_create(organisations, batch_size=BATCH_SIZE)

    establishments = []
    for site in sites:
        organisation = organisations[site.organisation]
        code, _, _, _, postal_codes, commune_name = communes[site.commune]
        establishments.append(
            Establishment(
                organisation=organisation,
                name=(
                    organisation.name
                    if site.is_head_office
                    else f"{organisation.name} — site de {commune_name}"
                ),
                # A commune with several postal codes: we do not know which applies.
                postal_code=postal_codes[0] if len(postal_codes) == 1 else "",
                commune_id=code,
                latitude=site.latitude,
                longitude=site.longitude,
                coordinate_precision=CoordinatePrecision.APPROXIMATE,
                naf=site.naf,
                headcount_band=site.band,
                is_employer=site.is_employer,
                is_head_office=site.is_head_office,
                status=AdministrativeStatus.CLOSED
                if site.closed_on
                else AdministrativeStatus.ACTIVE,
                created_on=site.created_on,
                closed_on=site.closed_on,
                source=Source.SYNTHETIC,
                is_synthetic=True,
            )
        )
    Establishment.objects.bulk_create(establishments, batch_size=BATCH_SIZE)

    labels = Label.objects.in_bulk(field_name="code")
    Through = Organisation.labels.through
    Through.objects.bulk_create(
        [
            Through(organisation_id=organisations[index].pk, label_id=labels[code].pk)
            for index, unit in enumerate(units)
            for code in unit.labels
            if code in labels
        ],
        batch_size=BATCH_SIZE,
    )

    # The organisations enter the ESS (and the directory's listing) last, one statement
    # per family. The search index's triggers re-index a listed organisation whenever
    # one of its establishments or labels is written: while unlisted, nothing is
    # re-indexed, and publishing indexes each organisation once.
    _analyze(Organisation, Establishment, Through)
    categories = {}
    for unit in units:
        categories.setdefault(unit.family, set()).add(unit.legal_category)
    for family, legal_categories in sorted(categories.items()):
        Organisation.objects.filter(
            source=Source.SYNTHETIC, ess_family="", legal_category__in=sorted(legal_categories)
        ).update(ess_family=family)
    return len(establishments)


# Checking the figures ----------------------------------------------------------------


def calibration(establishments=None, region=None):
    """The key figures of the report, as computed from the directory's establishments:
    active employer establishments of the region, their estimated employees, by family
    and for the action sociale and finance sectors."""
    qs = establishments if establishments is not None else Establishment.objects.all()
    rows = (
        qs.active()
        .employers()
        .in_region(region)
        .values_list("headcount_band", "naf", "organisation__ess_family")
    )
    figures = {
        "employer_establishments": 0,
        "employees": 0.0,
        "employees_by_family": {},
        "action_sociale": 0.0,
        "action_sociale_associations": 0.0,
        "finance_assurance": 0.0,
    }
    by_family = figures["employees_by_family"]
    for band, naf, family in rows.iterator(chunk_size=5000):
        employees = estimated_employees(band)
        figures["employer_establishments"] += 1
        figures["employees"] += employees
        by_family[family] = by_family.get(family, 0.0) + employees
        sector = ess_sector_of(naf)
        if sector == "action_sociale":
            figures["action_sociale"] += employees
            if family == EssFamily.ASSOCIATION:
                figures["action_sociale_associations"] += employees
        elif sector == "finance_assurance":
            figures["finance_assurance"] += employees
    return figures


@transaction.atomic
def load(*, scale=1.0, seed=SEED):
    """Load the directory's demo content; running it again creates nothing new."""
    report = load_report_organisations()
    created = load_synthetic(scale=scale, seed=seed)
    return {"report_organisations": len(report), "synthetic_establishments": created}
