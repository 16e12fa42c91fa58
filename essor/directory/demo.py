"""Demo content of the directory. Only `make demo` (essor load_demo) loads it.

Two parts, never mixed up:

- the organisations the 2016 état des lieux names (data/report_organisations.json),
  under their real names, with what the report says about them and nothing more: no
  SIREN, SIRET or RNA number, no address the report does not give; the towns the
  report names for some of them are in data/demo/report_towns.json;
- a synthetic set of establishments (source SYNTHETIC, is_synthetic, « (démo) » at the
  end of every name, no identifier, no street address, contacts in example.org and in
  the phone numbers reserved for fiction), generated from a fixed seed by the code below
  from the calibration tables of data/demo/synthetic.json, so that the observatory
  finds the report's key figures for the region.
"""

import json
import math
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import connection

from essor.core.demo import demo_step
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
DEMO_MARK = " (démo)"


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


@demo_step("report_towns.json", order=20)
def load_report_organisations(data):
    """Create the organisations the report names, or complete them. Returns
    {slug: Organisation}.

    The initiatives' data migration may have created some already (bare: name and
    source), looked up the same way (name + source): they get what is missing, and
    nothing already filled in is overwritten, so a CRESS edit survives a second run.
    Entries that are types of structure (`is_generic`: DLA, CIGALES, GEIQ) are not
    organisations and are skipped."""
    towns = {record["slug"]: record["commune"] for record in data["records"]}
    labels = Label.objects.in_bulk(field_name="code")
    communes = Commune.objects.in_bulk(set(towns.values()))
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
        commune = communes.get(towns.get(entry["slug"]))
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


@dataclass(frozen=True)
class Activity:
    naf: str
    weight: float
    profile: dict  # starting weights by headcount band, before calibration
    names: tuple  # name templates: "Association d'aide à domicile {lieu}"
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


@cache
def synthetic_tables():
    """The calibration tables of data/demo/synthetic.json, read once."""
    return load_synthetic.step.read()


def _legal_categories(spec, named):
    """((code, weight), ...) from a named set ("scop"), a list of named sets, or pairs."""
    if isinstance(spec, str):
        spec = [spec]
    pairs = []
    for item in spec:
        pairs.extend(named[item] if isinstance(item, str) else [item])
    return tuple((code, weight) for code, weight in pairs)


def segments(tables=None):
    """The segments, whose full-scale targets add up to the report's key figures."""
    tables = tables or synthetic_tables()
    named, profiles = tables["legal_categories"], tables["profiles"]
    return tuple(
        Segment(
            name=record["name"],
            family=record["family"],
            sector=record["sector"],
            establishments=record["establishments"],
            employees=record["employees"],
            legal_categories=_legal_categories(record["legal_categories"], named),
            max_band=record["max_band"],
            networks=record["networks"],
            closed=record["closed"],
            non_employers=record["non_employers"],
            activities=tuple(
                Activity(
                    naf=activity["naf"],
                    weight=activity["weight"],
                    profile=profiles[activity["profile"]],
                    names=tuple(activity["names"]),
                    legal_categories=_legal_categories(activity.get("legal_categories", []), named),
                    labels=tuple(
                        (label["code"], label["probability"], label["legal_category"])
                        for label in activity.get("labels", [])
                    ),
                )
                for activity in record["activities"]
            ),
        )
        for record in tables["records"]
    )


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
    contacts: dict = None


class Generator:
    """Builds the synthetic set as plain objects; the same seed gives the same set."""

    def __init__(self, communes, *, scale=1.0, seed=SEED, tables=None):
        self.rng = random.Random(seed)
        self.scale = scale
        self.tables = tables or synthetic_tables()
        self.segments = segments(self.tables)
        # [(code, population, latitude, longitude, postal_codes, name), ...]
        self.communes = communes
        self.cum_weights = []
        running = 0
        for commune in communes:
            running += commune[1]
            self.cum_weights.append(running)
        self.units = []
        self.sites = []

    def scaled(self, count):
        return max(1, round(count * self.scale)) if count else 0

    def run(self):
        for segment in self.segments:
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
                employer_sites[-1].band = _pick_band(rng, self.tables["profiles"]["head_office"])
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
            latitude, longitude = self.communes[index][2:4]
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
        """Names that read like real ones, from the activity's templates and the head
        office's commune (« Association d'aide à domicile du Pays de Guéret »), and, for
        some, contacts that cannot reach anyone (see `fictitious_contacts`)."""
        rng = random.Random(self.rng.random())  # naming never shifts the calibration
        forms = self.tables["forms"]
        communes = {}
        for site in self.sites:
            if site.is_head_office or site.organisation not in communes:
                communes[site.organisation] = self.communes[site.commune][5]
        taken = set()
        for index, unit in enumerate(self.units):
            templates = list(unit.activity.names)
            rng.shuffle(templates)
            place = communes[index]
            form = forms.get(unit.legal_category, "Coopérative")
            candidates = [t.format(lieu=of_place(place), forme=form) for t in templates]
            candidates.append(templates[0].format(lieu=f"du Pays {of_place(place)}", forme=form))
            name = next((c for c in candidates if c not in taken), None)
            number = 2
            while name is None or name in taken:
                name = f"{candidates[0]} {number}"
                number += 1
            taken.add(name)
            unit.name = name
            unit.contacts = fictitious_contacts(name, rng, self.tables["contacts"])


VOWELS = set("AEIOUYÂÉÈÊÎÔÛH")


def of_place(name):
    """« de Guéret », « d'Angoulême », « du Blanc », « des Herbiers »."""
    if name.startswith("Le "):
        return f"du {name[3:]}"
    if name.startswith("Les "):
        return f"des {name[4:]}"
    if name[:1].upper() in VOWELS and not name.startswith(("La ", "L'")):
        return f"d'{name}"
    return f"de {name}"


def fictitious_contacts(name, rng, spec):
    """Contacts for a share of the synthetic organisations, none of which reaches
    anyone: an example.org domain (reserved, RFC 2606) and a number of the range the
    ARCEP reserves for fiction. The others show how to reach them anyway."""
    if rng.random() >= spec["share"]:
        return {}
    words = re.sub(r"[^a-z0-9]+", " ", _ascii(name).lower()).split()
    host = "-".join(w for w in words if w not in {"de", "du", "des", "d", "la", "le", "l"})
    host = f"{host[:40].strip('-')}.{spec['domain']}"
    return {
        "website": f"https://{host}/",
        "public_email": f"contact@{host}",
        "public_phone": f"{spec['phone_prefix']} {rng.randrange(100):02d} {rng.randrange(100):02d}",
    }


def _ascii(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


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


@demo_step("synthetic.json", order=21)
def load_synthetic(tables, *, scale=1.0, seed=SEED):
    """Create the synthetic set unless it is already there. Returns the number of
    establishments created."""
    if Organisation.objects.filter(source=Source.SYNTHETIC).exists():
        return 0
    communes = region_communes()
    if not communes:
        return 0
    units, sites = Generator(communes, scale=scale, seed=seed, tables=tables).run()

    sites_of = {}
    for site in sites:
        sites_of.setdefault(site.organisation, []).append(site)
    organisations = []
    for index, unit in enumerate(units):
        own = sites_of[index]
        organisation = Organisation(
            name=unit.name + DEMO_MARK,
            **unit.contacts,
            legal_category=unit.legal_category,
            ess_family="",  # set at the end, see below
            ess_flag=True,
            is_esus="esus" in unit.labels,
            is_public_utility=unit.legal_category == "9230",
            created_on=min(site.created_on for site in own),
            status=AdministrativeStatus.CLOSED if unit.closed else AdministrativeStatus.ACTIVE,
            closed_on=max(site.closed_on for site in own) if unit.closed else None,
            description=tables["description"],
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
                    else f"{units[site.organisation].name} — site de {commune_name}{DEMO_MARK}"
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
