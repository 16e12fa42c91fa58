"""Where a person is: a commune (best) or a département, and what lies around it."""

import math
from dataclasses import dataclass, field

from django.db.models import Avg

from essor.territories.models import Commune, Departement

KM_PER_DEGREE_LAT = 111.2


@dataclass
class Place:
    commune: Commune | None = None
    departement: Departement | None = None

    @classmethod
    def of_commune(cls, commune):
        return cls(commune=commune, departement=commune.departement)

    @property
    def commune_code(self):
        return self.commune.code if self.commune else ""

    @property
    def commune_codes(self):
        # An arrondissement (Paris 8e) is covered by what covers its commune (Paris).
        codes = [self.commune.code]
        if self.commune.parent_id:
            codes.append(self.commune.parent_id)
        return codes

    @property
    def departement_code(self):
        return self.departement.code if self.departement else ""

    @property
    def region_code(self):
        return self.departement.region_id if self.departement else ""

    @property
    def epci_code(self):
        return self.commune.epci_id if self.commune else ""

    @property
    def epci_codes_inside(self):
        return (
            Commune.objects.filter(departement_id=self.departement_code, epci__isnull=False)
            .values("epci_id")
            .distinct()
        )

    @property
    def commune_codes_inside(self):
        return Commune.objects.filter(departement_id=self.departement_code).values("code")

    @property
    def label(self):
        if self.commune:
            return f"{self.commune.name} ({self.departement.name})"
        if self.departement:
            return f"{self.departement.name} ({self.departement.code})"
        return ""

    @property
    def short_label(self):
        if self.commune:
            return self.commune.name
        return self.departement.name if self.departement else ""

    def __bool__(self):
        return self.commune is not None or self.departement is not None

    def centre(self):
        """(latitude, longitude): the commune's, or the mean of the département's communes."""
        if self.commune and self.commune.latitude is not None:
            return self.commune.latitude, self.commune.longitude
        if self.departement:
            centre = Commune.objects.filter(
                departement_id=self.departement_code, latitude__isnull=False
            ).aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
            if centre["lat"] is not None:
                return centre["lat"], centre["lon"]
        return None


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance (haversine), precise enough to say "à environ 35 km"."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


@dataclass
class Surroundings:
    """The territories around a place, each with its distance in km (nearest commune)."""

    communes: dict = field(default_factory=dict)  # code -> (label, km)
    epcis: dict = field(default_factory=dict)
    departements: dict = field(default_factory=dict)
    regions: dict = field(default_factory=dict)

    def __bool__(self):
        return bool(self.communes)


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
