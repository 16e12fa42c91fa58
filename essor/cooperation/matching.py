"""Matching offers and needs: each offer suggests the needs that fit it and each need
the offers, by kind × category × distance × dates, and says why.

Two territories fit when they touch: the distance between their centres is at most the
sum of their reaches (a radius, or how far the area's communes lie from its centre) plus
TOLERANCE_KM. One indexed query narrows the open listings of the other direction, same
kind and category, overlapping dates and within a bounding box; the exact distance and
the kind's own checks (free half-days of premises, a mentor for a mentee...) are then
computed in Python on plain rows, and only the best are read as objects. bench/
cooperation_matching.py measures it against 50,000 open listings."""

import math
from dataclasses import dataclass, field

from django.db.models import Max, Q

from essor.territories.areas import KM_PER_DEGREE_LAT, distance_km

from .enums import Direction, HalfDay, Kind
from .kinds import SLOT_LABELS
from .models import Listing

TOLERANCE_KM = 5


@dataclass
class Suggestion:
    listing: Listing
    distance_km: float
    reasons: list = field(default_factory=list)


def expand_slots(slots):
    """Half-days covered by slots: a whole day covers its morning and afternoon."""
    halves = set()
    for slot in slots or ():
        day, half = slot.split("-", 1)
        if half == HalfDay.DAY:
            halves |= {f"{day}-{HalfDay.MORNING}", f"{day}-{HalfDay.AFTERNOON}"}
        else:
            halves.add(slot)
    return halves


def _fmt_km(km):
    return "dans la même commune" if km < 1 else f"à {round(km)} km"


def _dates_reason(a, b):
    start = max(a.starts_on, b.starts_on)
    ends = [d for d in (a.ends_on, b.ends_on) if d]
    if ends:
        return f"dates compatibles : du {start:%d/%m/%Y} au {min(ends):%d/%m/%Y}"
    return f"dates compatibles : à partir du {start:%d/%m/%Y}"


def kind_fit(listing, details, other_details, *, offer_first):
    """(fits, [reasons]) of the kind's own rules, between a listing's details and
    another's; `offer_first` tells whether `details` are the offer's."""
    offer, need = (details, other_details) if offer_first else (other_details, details)
    reasons = []
    if listing.kind == Kind.PREMISES:
        wanted, available = (
            expand_slots(need.get("availability")),
            expand_slots(offer.get("availability")),
        )
        if wanted and available:
            common = sorted(wanted & available)
            if not common:
                return False, []
            reasons.append("créneaux communs : " + ", ".join(SLOT_LABELS[s] for s in common[:4]))
        surface_needed, surface = need.get("surface_m2"), offer.get("surface_m2")
        if surface_needed and surface:
            if surface < surface_needed * 0.8:
                return False, []
            reasons.append(f"{surface} m² proposés pour {surface_needed} m² cherchés")
        if offer.get("free"):
            reasons.append("gratuit")
    elif listing.kind == Kind.SHARED_JOB:
        days = set(need.get("days") or ()) & set(offer.get("days") or ())
        if need.get("days") and offer.get("days") and not days:
            return False, []
    elif listing.kind == Kind.MENTORING:
        if offer.get("role") == need.get("role"):
            return False, []
        reasons.append("un mentor pour une personne mentorée")
    elif (
        listing.kind == Kind.SKILLS
        and need.get("mode")
        and offer.get("mode")
        and need["mode"] != offer["mode"]
    ):
        reasons.append("forme différente (mécénat ou pro bono) : à discuter")
    return True, reasons


def candidate_rows(listing):
    """The open listings that may fit, as plain rows (pk, lat, lon, reach, details)."""
    if listing.latitude is None:
        return []
    other = Direction.NEED if listing.direction == Direction.OFFER else Direction.OFFER
    base = (
        Listing.objects.active()
        .filter(direction=other, kind=listing.kind, category=listing.category)
        .exclude(organisation_id=listing.organisation_id)
    )
    if listing.ends_on:
        base = base.filter(starts_on__lte=listing.ends_on)
    base = base.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=listing.starts_on))
    widest = base.aggregate(m=Max("reach_km"))["m"]
    if widest is None:
        return []
    box = listing.reach_km + widest + TOLERANCE_KM
    dlat = box / KM_PER_DEGREE_LAT
    dlon = box / (KM_PER_DEGREE_LAT * max(math.cos(math.radians(listing.latitude)), 0.1))
    return base.filter(
        latitude__range=(listing.latitude - dlat, listing.latitude + dlat),
        longitude__range=(listing.longitude - dlon, listing.longitude + dlon),
    ).values_list("pk", "latitude", "longitude", "reach_km", "details")


def suggestions(listing, *, limit=10):
    """The open listings of the other direction that fit this one, nearest first, each
    with why. Nothing for a listing that is not open."""
    if not listing.is_active:
        return []
    offer_first = listing.direction == Direction.OFFER
    found = []
    for pk, lat, lon, reach, details in candidate_rows(listing):
        km = distance_km(listing.latitude, listing.longitude, lat, lon)
        if km > listing.reach_km + reach + TOLERANCE_KM:
            continue
        fits, reasons = kind_fit(listing, listing.details, details, offer_first=offer_first)
        if fits:
            found.append((km, pk, reasons))
    found.sort()
    found = found[:limit]
    objects = Listing.objects.select_related("organisation", "commune").in_bulk(
        [pk for _, pk, _ in found]
    )
    result = []
    for km, pk, reasons in found:
        other = objects[pk]
        why = [
            f"{listing.get_kind_display()} · {listing.category_label}",
            f"{_fmt_km(km)} ({other.territory_label})",
            _dates_reason(listing, other),
            *reasons,
        ]
        result.append(Suggestion(other, km, why))
    return result
