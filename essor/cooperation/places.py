"""Places of the ESS: tiers-lieux, maisons de l'ESS, pépinières, couveuses, fablabs,
recycleries, coworking spaces and PTCE, and « where can I work, meet or be hosted near
here? »."""

from essor.directory.enums import LabelKind
from essor.directory.models import Label
from essor.territories.areas import Place, distance_km
from essor.territories.models import Commune

from .enums import Direction, Kind
from .models import EssPlace, Listing, ListingArea, PlaceKind

NEAR_KM = 30


def places_near(place, *, within_km=NEAR_KM):
    """The places of the ESS in a territory, or within `within_km` of a commune, nearest
    first (each annotated `km` from the place's centre when it has one)."""
    if not place:
        return []
    # Read from the places (hundreds) first, never through a join that a planner may
    # start from the 35,000 communes (SQLite does, for a place or a territory).
    communes = dict(EssPlace.objects.values_list("pk", "commune_id"))
    if not communes:
        return []
    places = EssPlace.objects.select_related("commune", "organisation")
    centre = place.centre()
    if place.commune is None:
        found = list(places.filter(commune__in=place.communes_inside()))
    elif centre is None:
        found = list(places.filter(commune=place.commune))
    else:
        positions = Commune.objects.filter(
            code__in=set(communes.values()), latitude__isnull=False
        ).values_list("code", "latitude", "longitude")
        near = {code for code, lat, lon in positions if distance_km(*centre, lat, lon) <= within_km}
        chosen = [pk for pk, code in communes.items() if code in near]
        found = list(places.filter(pk__in=chosen)) if chosen else []
    for p in found:
        p.km = (
            distance_km(*centre, p.commune.latitude, p.commune.longitude)
            if centre and p.commune.latitude is not None
            else None
        )
    found.sort(key=lambda p: (p.km is None, p.km or 0, p.name))
    return found


def premises_offers_near(place):
    """Open offers of premises that serve the place."""
    return (
        Listing.objects.active()
        .filter(direction=Direction.OFFER, kind=Kind.PREMISES)
        .filter(pk__in=ListingArea.objects.covering(place).values("listing_id"))
        .select_related("organisation", "commune")
        .order_by("-created_at")
    )


def where_to_work(epci):
    """The EPCI page: places of the ESS in the EPCI or near it, and offers of premises."""
    place = Place(epci=epci)
    return {"places": places_near(place), "offers": list(premises_offers_near(place)[:20])}


def place_label(kind):
    """The directory label of a kind of place: the « Lieux de l'ESS » facet of /annuaire/
    and a layer of its map (the directory search filters and counts the labels of kind
    « place » apart from the others, and draws what it finds)."""
    name = PlaceKind(kind).label
    label, _ = Label.objects.get_or_create(
        code=f"lieu-{kind}",
        defaults={
            "name": name[:1].upper() + name[1:],
            "kind": LabelKind.PLACE,
            "description": "Lieu de l'ESS recensé par le module Coopération d'ESSor.",
        },
    )
    return label


def save_place(place):
    """Save a place of the ESS and give its organisation the label of its kind (and
    take back the one of its former kind)."""
    former = None
    if place.pk:
        former = type(place).objects.filter(pk=place.pk).values_list("kind", flat=True).first()
    place.save()
    organisation = place.organisation
    if former and former != place.kind:
        organisation.labels.remove(place_label(former))
    organisation.labels.add(place_label(place.kind))
    organisation.refresh_search_text()
    organisation.save()
    return place
