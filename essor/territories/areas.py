"""Where things happen: the one vocabulary for the territory that an offer, a financing
tool, a supplier or a cooperation offer serves, and the one query that answers « who
serves this place? ».

- `AreaLevel`: national, région, département, EPCI, commune, or a radius around a
  commune (« 30 km autour d'Angoulême »).
- `Area`: an abstract model, one piece of a served territory: `level`, `code` (INSEE
  code, SIREN of the EPCI, "FR" for national, the centre commune's code for a radius),
  `label`, and for a radius `radius_km` with the centre's `latitude`/`longitude`.
  Subclass it with a foreign key to the owner, `related_name="areas"`.
- `Place`: where a person, a need or a project is: a commune (best), an EPCI, a
  département or a région. `Place.of_commune(commune)`, `Place.of(level, code)`.
- `Area.objects.covering(place)`: the areas that serve the place, in one query of
  indexed (level, code) lookups, each annotated `partial`: True when the area serves
  only part of the place (an EPCI or a commune inside the département asked for, a
  radius centred inside it). A commune is never partially served.
  `.by_owner()` groups its rows by owner; `most_local()` picks the area to name.
  `Place.keys()` holds the rule; `serving(place, index_areas(areas))` applies it in
  memory to many places at once (the coverage map of support/coverage.py).
- `area_spec(level, code, radius_km=None)` reads a (level, code) into an `AreaSpec`
  with its real name (importers, demo data); `parse_areas`/`format_areas` are the CSV
  notation (`departement:16|radius:16015:30`); `AreaPickerForm` and `area_picker_data`
  (essor/territories/forms.py) are the form part that reads a territory into
  [AreaSpec]; `replace_areas(owner, specs)` stores them.

Example — a module whose suppliers serve a perimeter:

    from essor.territories.areas import Area, Place, replace_areas

    class SupplierArea(Area):
        supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="areas")

        class Meta(Area.Meta):
            constraints = [
                *Area.Meta.constraints,
                models.UniqueConstraint(
                    fields=["supplier", "level", "code"], name="one_area_per_supplier"
                ),
            ]

    class SupplierForm(AreaPickerForm, forms.ModelForm): ...     # fields + areas()
    replace_areas(supplier, form.areas())                      # in the service function

    # Suppliers serving Angoulême (one query), and how:
    place = Place.of_commune(Commune.objects.get(code="16015"))
    Supplier.objects.filter(pk__in=SupplierArea.objects.covering(place).values("supplier_id"))
    for area in supplier.areas.covering(place): area.level, area.label, area.partial
"""

import math
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import models
from django.db.models import Avg, Case, F, Q, Value, When
from django.db.models.lookups import LessThanOrEqual

from .models import Commune, Departement, Epci, Region

KM_PER_DEGREE_LAT = 111.2
EARTH_RADIUS_KM = 6371
MAX_RADIUS_KM = 200
NATIONAL_CODE = "FR"


class AreaLevel(models.TextChoices):
    """The levels of a served territory, from the widest."""

    NATIONAL = "national", "France entière"
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    EPCI = "epci", "Intercommunalité (EPCI)"
    COMMUNE = "commune", "Commune"
    RADIUS = "radius", "Rayon autour d'une commune"


# The levels at which a territory exists (statistics, pages): no national, no radius.
TERRITORY_LEVELS = [AreaLevel.REGION, AreaLevel.DEPARTEMENT, AreaLevel.EPCI, AreaLevel.COMMUNE]

# The nearer the level, the higher: the most local of an owner's areas is shown first.
LOCALITY = {
    AreaLevel.COMMUNE: 5,
    AreaLevel.EPCI: 4,
    AreaLevel.RADIUS: 4,
    AreaLevel.DEPARTEMENT: 3,
    AreaLevel.REGION: 2,
    AreaLevel.NATIONAL: 1,
}


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance (haversine), precise enough to say "à environ 35 km"."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


# --- Place -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Inside:
    """The codes of what lies inside a place wider than a commune, when already read
    (Place.epcis_of_region): its keys are then plain sets, not subqueries."""

    communes: frozenset
    epcis: frozenset
    departements: frozenset
    regions: frozenset


@dataclass
class Place:
    """Where someone or something is: set the narrowest known of commune, EPCI,
    département and région (a commune place also carries its département)."""

    commune: Commune | None = None
    departement: Departement | None = None
    epci: Epci | None = None
    region: Region | None = None
    inside: Inside | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of_commune(cls, commune):
        return cls(commune=commune, departement=commune.departement)

    @classmethod
    def of(cls, level, code):
        """The place of a (level, code), or an empty Place when the code is unknown."""
        if level == AreaLevel.COMMUNE:
            commune = Commune.objects.select_related("departement").filter(code=code).first()
            return cls.of_commune(commune) if commune else cls()
        model = {
            AreaLevel.EPCI: Epci,
            AreaLevel.DEPARTEMENT: Departement,
            AreaLevel.REGION: Region,
        }.get(level)
        found = model.objects.filter(code=code).first() if model else None
        return cls(**{level: found}) if found else cls()

    @classmethod
    def epcis_of_region(cls, region_code):
        """{EPCI code: Place} of every EPCI with communes in the région, their insides
        read in one query."""
        rows = {}
        epcis = Commune.objects.filter(region_id=region_code, epci__isnull=False).values("epci_id")
        for code, epci_id, departement_id, region_id in (
            Commune.objects.filter(epci_id__in=epcis)
            .order_by()
            .values_list("code", "epci_id", "departement_id", "region_id")
        ):
            rows.setdefault(epci_id, []).append((code, departement_id, region_id))
        return {
            code: cls(
                epci=Epci(code=code),
                inside=Inside(
                    frozenset(c for c, _, _ in communes),
                    frozenset([code]),
                    frozenset(d for _, d, _ in communes),
                    frozenset(r for _, _, r in communes),
                ),
            )
            for code, communes in rows.items()
        }

    @property
    def level(self):
        for level in ("commune", "epci", "departement", "region"):
            if getattr(self, level) is not None:
                return AreaLevel(level)
        return ""

    @property
    def code(self):
        return getattr(self, self.level).code if self.level else ""

    @property
    def commune_code(self):
        return self.commune.code if self.commune else ""

    @property
    def commune_codes(self):
        # An arrondissement (Paris 8e) is served by what serves its commune (Paris).
        if self.commune is None:
            return []
        return [self.commune.code] + ([self.commune.parent_id] if self.commune.parent_id else [])

    @property
    def departement_code(self):
        return self.departement.code if self.departement else ""

    @property
    def region_code(self):
        if self.region is not None:
            return self.region.code
        return self.departement.region_id if self.departement else ""

    @property
    def epci_code(self):
        if self.epci is not None:
            return self.epci.code
        return self.commune.epci_id if self.commune else ""

    def communes_inside(self):
        """The communes of a place wider than a commune, as a queryset."""
        if self.epci is not None:
            return Commune.objects.filter(epci_id=self.epci.code)
        if self.departement is not None and self.commune is None:
            return Commune.objects.filter(departement_id=self.departement.code)
        if self.region is not None:
            return Commune.objects.filter(region_id=self.region.code)
        return Commune.objects.none()

    def keys(self):
        """The rule of coverage, as data: (whole, part, point). An area (level, code)
        serves all of the place when its code is among whole's codes for its level, part
        of it when among part's; a radius area also serves all of a commune whose point
        lies within its circle. Codes are subqueries, or sets when `inside` is known."""
        national = [((AreaLevel.NATIONAL,), [NATIONAL_CODE])]
        if self.commune is not None:
            commune = self.commune
            whole = national + [
                ((AreaLevel.REGION,), [commune.region_id]),
                ((AreaLevel.DEPARTEMENT,), [commune.departement_id]),
                ((AreaLevel.COMMUNE,), self.commune_codes),
            ]
            if commune.epci_id:
                whole.append(((AreaLevel.EPCI,), [commune.epci_id]))
            point = (commune.latitude, commune.longitude) if commune.latitude is not None else None
            return whole, [], point
        if self.inside is not None:
            communes, epcis = self.inside.communes, self.inside.epcis
            departements, regions = self.inside.departements, self.inside.regions
        else:
            inside = self.communes_inside().order_by()
            communes = inside.values_list("code", flat=True)
            epcis = inside.filter(epci__isnull=False).values_list("epci_id", flat=True).distinct()
            departements = inside.values_list("departement_id", flat=True).distinct()
            regions = inside.values_list("region_id", flat=True).distinct()
        part = [((AreaLevel.COMMUNE, AreaLevel.RADIUS), communes)]
        if self.epci is not None:
            # An EPCI straddling two départements counts as served by each of them.
            whole = national + [
                ((AreaLevel.REGION,), regions),
                ((AreaLevel.DEPARTEMENT,), departements),
                ((AreaLevel.EPCI,), [self.epci.code]),
            ]
        elif self.departement is not None:
            whole = national + [
                ((AreaLevel.REGION,), [self.region_code]),
                ((AreaLevel.DEPARTEMENT,), [self.departement.code]),
            ]
            part.append(((AreaLevel.EPCI,), epcis))
        else:
            whole = national + [((AreaLevel.REGION,), [self.region.code])]
            part += [((AreaLevel.DEPARTEMENT,), departements), ((AreaLevel.EPCI,), epcis)]
        return whole, part, None

    @property
    def label(self):
        if self.commune:
            return f"{self.commune.name} ({self.departement.name})"
        if self.epci:
            return self.epci.name
        if self.departement:
            return f"{self.departement.name} ({self.departement.code})"
        return self.region.name if self.region else ""

    @property
    def short_label(self):
        if self.commune:
            return self.commune.name
        place = self.epci or self.departement or self.region
        return place.name if place else ""

    def __bool__(self):
        return bool(self.level)

    def centre(self):
        """(latitude, longitude): the commune's, or the mean of the place's communes."""
        if self.commune and self.commune.latitude is not None:
            return self.commune.latitude, self.commune.longitude
        centre = (
            self.communes_inside()
            .filter(latitude__isnull=False)
            .aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
        )
        if centre["lat"] is not None:
            return centre["lat"], centre["lon"]
        return None


# --- Areas and the covering query --------------------------------------------------------


def squared_km(lat, lon, area_lat, area_lon):
    """The equirectangular distance, squared: exact enough below MAX_RADIUS_KM, and plain
    arithmetic that SQLite, PostgreSQL and Python compute alike."""
    dy = (area_lat - lat) * KM_PER_DEGREE_LAT
    dx = (area_lon - lon) * (KM_PER_DEGREE_LAT * math.cos(math.radians(lat)))
    return dy * dy + dx * dx


def _q(keys):
    query = Q()
    for levels, codes in keys:
        query |= Q(level__in=levels, code__in=codes)
    return query


def _conditions(place):
    """(whole, part): Q of the areas that serve all of the place, and of those that serve
    part of it (None for a commune)."""
    whole_keys, part_keys, point = place.keys()
    whole = _q(whole_keys)
    if point is not None:
        within = squared_km(*point, F("latitude"), F("longitude"))
        whole |= Q(level=AreaLevel.RADIUS) & Q(
            LessThanOrEqual(within, F("radius_km") * F("radius_km"))
        )
    return whole, (_q(part_keys) if part_keys else None)


class AreaQuerySet(models.QuerySet):
    def covering(self, place):
        """The areas that serve all or part of the place, annotated `partial`."""
        if not place:
            return self.none()
        whole, part = _conditions(place)
        if part is None:
            return self.filter(whole).annotate(partial=Value(False))
        return self.filter(whole | part).annotate(
            partial=Case(When(whole, then=Value(False)), default=Value(True))
        )

    def by_owner(self):
        """{owner id: [(AreaSpec, partial)]} of a covering() queryset, read as plain rows:
        matching weighs hundreds of owners and needs no model instances."""
        owner = next(f.attname for f in self.model._meta.concrete_fields if f.many_to_one)
        rows = self.values_list(owner, "level", "code", "label", "radius_km", "partial")
        grouped = {}
        for owner_id, level, code, label, radius_km, partial in rows:
            grouped.setdefault(owner_id, []).append(
                (AreaSpec(level, code, label, radius_km), partial)
            )
        return grouped


def serving(place, areas):
    """[(area, partial)] of the areas (read in memory, e.g. from a covering() query of a
    wider place) that serve the place: the same keys as covering(), looked up in Python.
    `areas` is an index_areas() of them, so that many places share one reading."""
    whole_keys, part_keys, point = place.keys()
    found = {}
    for keys, partial in ((part_keys, True), (whole_keys, False)):
        for levels, codes in keys:
            for level in levels:
                for code in codes:
                    for area in areas.get((level, code), ()):
                        found[area.pk] = (area, partial)
    if point is not None:
        for area in areas.get(AreaLevel.RADIUS, ()):
            if squared_km(*point, area.latitude, area.longitude) <= area.radius_km**2:
                found[area.pk] = (area, False)
    return list(found.values())


def index_areas(areas):
    """{(level, code): [area]}, and {RADIUS: [area]}: what serving() looks up."""
    index = {}
    for area in areas:
        index.setdefault((area.level, area.code), []).append(area)
        if area.level == AreaLevel.RADIUS:
            index.setdefault(AreaLevel.RADIUS, []).append(area)
    return index


def most_local(covering):
    """Of [(area, partial)] serving a place, the one to name: one that serves all of the
    place before one that serves part, then the most local; among equals (two communes
    of a département, an EPCI and a radius), the first by level and code, whatever order
    the areas were read in. (None, False) if none."""
    if not covering:
        return None, False
    return min(
        covering,
        key=lambda item: (item[1], -LOCALITY[item[0].level], item[0].level, item[0].code),
    )


class Area(models.Model):
    """One piece of a served territory. "Does it serve commune X" is an indexed lookup
    on (level, code) against X's commune, EPCI, département and région, plus the radius
    areas whose circle holds X."""

    level = models.CharField("niveau", max_length=12, choices=AreaLevel.choices)
    code = models.CharField("code", max_length=9)
    label = models.CharField("nom", max_length=200)
    radius_km = models.PositiveSmallIntegerField("rayon (km)", null=True, blank=True)
    # The centre commune's position, copied so that the covering query needs no join.
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)

    objects = AreaQuerySet.as_manager()

    class Meta:
        abstract = True
        verbose_name = "territoire servi"
        verbose_name_plural = "territoires servis"
        indexes = [models.Index(fields=["level", "code"], name="%(app_label)s_%(class)s_lvl")]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=AreaLevel.values)
                & ~Q(code="")
                & (~Q(level=AreaLevel.NATIONAL) | Q(code=NATIONAL_CODE)),
                name="%(app_label)s_%(class)s_level_code",
            ),
            # A radius has its size and its centre; no other level has either.
            models.CheckConstraint(
                condition=(
                    Q(
                        level=AreaLevel.RADIUS,
                        radius_km__gte=1,
                        radius_km__lte=MAX_RADIUS_KM,
                        latitude__isnull=False,
                        longitude__isnull=False,
                    )
                    | (
                        ~Q(level=AreaLevel.RADIUS)
                        & Q(radius_km__isnull=True, latitude__isnull=True, longitude__isnull=True)
                    )
                ),
                name="%(app_label)s_%(class)s_radius",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def spec(self):
        return AreaSpec(self.level, self.code, self.label, self.radius_km)


# --- Building areas ----------------------------------------------------------------------


class AreaSpec(NamedTuple):
    """An area before it is stored: what forms, importers and demo data produce."""

    level: str
    code: str
    label: str
    radius_km: int | None = None


def spec_of(level, territory, radius_km=None):
    """The AreaSpec of a territory object (Region, Departement, Epci, Commune; None for
    national), named as every list of areas names it."""
    if level == AreaLevel.NATIONAL:
        return AreaSpec(level, NATIONAL_CODE, AreaLevel.NATIONAL.label)
    if level == AreaLevel.REGION:
        return AreaSpec(level, territory.code, f"Région {territory.name}")
    if level == AreaLevel.EPCI:
        return AreaSpec(level, territory.code, territory.name)
    if level == AreaLevel.RADIUS:
        return AreaSpec(level, territory.code, f"{radius_km} km autour de {territory}", radius_km)
    return AreaSpec(level, territory.code, str(territory))


TERRITORY_MODELS = {
    AreaLevel.REGION: Region,
    AreaLevel.DEPARTEMENT: Departement,
    AreaLevel.EPCI: Epci,
    AreaLevel.COMMUNE: Commune,
    AreaLevel.RADIUS: Commune,
}


def area_spec(level, code, radius_km=None):
    """The AreaSpec of a (level, code) with the territory's real name; None when no
    territory of that level has the code."""
    if level == AreaLevel.NATIONAL:
        return spec_of(level, None)
    model = TERRITORY_MODELS.get(level)
    territory = model.objects.filter(code=code).first() if model else None
    return spec_of(level, territory, radius_km) if territory else None


def parse_areas(text):
    """Read « departement:16|epci:200071470|radius:16015:30|national » (the area column
    of CSV imports and exports) into ([AreaSpec], [French error])."""
    specs, errors = [], []
    for token in (t.strip() for t in (text or "").split("|")):
        if not token:
            continue
        level, _, rest = token.partition(":")
        code, _, km = rest.partition(":")
        level = level.strip().lower()
        if level not in AreaLevel.values:
            errors.append(f"niveau de territoire inconnu « {level} ».")
            continue
        radius = None
        if level == AreaLevel.RADIUS:
            radius = int(km) if km.strip().isdigit() else 0
            if not 1 <= radius <= MAX_RADIUS_KM:
                errors.append(f"« {token} » : un rayon de 1 à {MAX_RADIUS_KM} km est attendu.")
                continue
        spec = area_spec(level, code.strip().upper(), radius)
        if spec is None:
            errors.append(f"« {token} » : aucun territoire de ce niveau n'a ce code.")
        else:
            specs.append(spec)
    return specs, errors


def format_areas(areas):
    """The inverse of parse_areas, for CSV exports."""
    tokens = []
    for area in areas:
        token = (
            AreaLevel.NATIONAL.value
            if area.level == AreaLevel.NATIONAL
            else f"{area.level}:{area.code}"
        )
        tokens.append(f"{token}:{area.radius_km}" if area.level == AreaLevel.RADIUS else token)
    return "|".join(tokens)


def replace_areas(owner, specs):
    """Replace the owner's areas (its `areas` related manager) by [AreaSpec] (or plain
    (level, code, label[, radius_km]) tuples)."""
    specs = [AreaSpec(*spec) for spec in specs]
    related = owner.areas
    model = related.model
    centres = {
        c.code: c
        for c in Commune.objects.filter(
            code__in=[s.code for s in specs if s.level == AreaLevel.RADIUS]
        )
    }
    rows = []
    for spec in dict.fromkeys(specs):  # the same area twice is one area
        area = model(
            level=spec.level, code=spec.code, label=spec.label, **{related.field.name: owner}
        )
        if spec.level == AreaLevel.RADIUS:
            centre = centres[spec.code]
            area.radius_km, area.latitude, area.longitude = (
                spec.radius_km,
                centre.latitude,
                centre.longitude,
            )
        rows.append(area)
    related.all().delete()
    model.objects.bulk_create(rows)
    return rows


# --- Around a place ----------------------------------------------------------------------


@dataclass
class Surroundings:
    """The territories around a place, each with its distance in km (nearest commune)."""

    communes: dict = field(default_factory=dict)  # code -> (label, km)
    epcis: dict = field(default_factory=dict)
    departements: dict = field(default_factory=dict)
    regions: dict = field(default_factory=dict)

    def __bool__(self):
        return bool(self.communes)

    def by_level(self):
        """{level: {code: (label, km)}}, a radius area being known by its centre commune."""
        return {
            AreaLevel.COMMUNE: self.communes,
            AreaLevel.RADIUS: self.communes,
            AreaLevel.EPCI: self.epcis,
            AreaLevel.DEPARTEMENT: self.departements,
            AreaLevel.REGION: self.regions,
        }


def surroundings(place, radius_km=50):
    """Communes within radius_km of the place, and their EPCI, département and région,
    excluding the place's own. A bounding box on latitude and longitude keeps it to one
    query; the exact distance is then computed in Python."""
    centre = place.centre()
    result = Surroundings()
    if centre is None:
        return result
    lat, lon = centre
    dlat = radius_km / KM_PER_DEGREE_LAT
    dlon = radius_km / (KM_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.1))
    rows = (
        Commune.objects.filter(
            latitude__range=(lat - dlat, lat + dlat), longitude__range=(lon - dlon, lon + dlon)
        )
        .select_related("departement", "epci", "region")
        .only(
            "code",
            "name",
            "latitude",
            "longitude",
            "epci__name",
            "departement__name",
            "departement__code",
            "region__name",
            "region__code",
        )  # fmt: skip
    )
    for commune in rows:
        km = distance_km(lat, lon, commune.latitude, commune.longitude)
        if km > radius_km:
            continue
        entries = [
            (result.communes, commune.code, f"{commune.name} ({commune.departement_id})"),
            (result.departements, commune.departement_id, f"département {commune.departement}"),
            (result.regions, commune.region_id, f"région {commune.region.name}"),
        ]
        if commune.epci_id:
            entries.append((result.epcis, commune.epci_id, commune.epci.name))
        for mapping, code, label in entries:
            if code not in mapping or mapping[code][1] > km:
                mapping[code] = (label, km)
    if place.commune:
        for code in place.commune_codes:
            result.communes.pop(code, None)
    result.epcis.pop(place.epci_code, None)
    result.departements.pop(place.departement_code, None)
    result.regions.pop(place.region_code, None)
    return result
