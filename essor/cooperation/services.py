"""The cooperation exchange's business rules, as plain functions: publishing and
editing offers and needs, moderation, matching, threads and conclusions. Other apps use
the functions listed under « For other apps » at the end, and nothing else."""

import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from essor.core.workflow import decide
from essor.territories.areas import AreaLevel, Place, distance_km, replace_areas, spec_of

from .enums import PUBLIC_STATUSES, Status
from .kinds import KINDS
from .models import Listing

# --- Territory ---------------------------------------------------------------------------


def listing_area(listing):
    """(AreaSpec, (lat, lon) or None, reach in km, label) of a listing's territory: its
    commune, a radius around it, or the EPCI, département or région it lies in."""
    commune = listing.commune
    point = (commune.latitude, commune.longitude) if commune.latitude is not None else None
    if listing.radius_km:
        spec = spec_of(AreaLevel.RADIUS, commune, listing.radius_km)
        return (
            spec,
            point,
            float(listing.radius_km),
            f"{listing.radius_km} km autour de {commune.name}",
        )
    if listing.area_level:
        level = AreaLevel(listing.area_level)
        territory = {
            AreaLevel.EPCI: commune.epci,
            AreaLevel.DEPARTEMENT: commune.departement,
            AreaLevel.REGION: commune.region,
        }[level]
        if territory is None:
            raise ValidationError(
                {"area_level": "Cette commune n'appartient à aucune intercommunalité."}
            )
        spec = spec_of(level, territory)
        place = Place(**{level.value: territory})
        centre = place.centre() or point
        reach = 0.0
        if centre is not None:
            for lat, lon in (
                place.communes_inside()
                .filter(latitude__isnull=False)
                .values_list("latitude", "longitude")
            ):
                reach = max(reach, distance_km(*centre, lat, lon))
        return spec, centre, math.ceil(reach), spec.label
    return spec_of(AreaLevel.COMMUNE, commune), point, 0.0, commune.name


def check_dates(listing, *, today=None):
    """French errors for dates in the past or in the wrong order, {field: message}."""
    today = today or timezone.localdate()
    errors = {}
    if listing.starts_on and listing.starts_on < today and listing._state.adding:
        errors["starts_on"] = "La date de début est passée."
    if listing.ends_on and listing.ends_on < today:
        errors["ends_on"] = "La date de fin est passée."
    elif listing.starts_on and listing.ends_on and listing.ends_on < listing.starts_on:
        errors["ends_on"] = "La date de fin précède la date de début."
    return errors


def check_listing(listing):
    """Every rule a listing must follow before it is saved; raises ValidationError."""
    errors = check_dates(listing)
    if listing.radius_km is not None and listing.area_level:
        errors["radius_km"] = "Choisissez un rayon ou un territoire, pas les deux."
    elif listing.radius_km is not None and not 1 <= listing.radius_km <= 200:
        errors["radius_km"] = "Le rayon va de 1 à 200 km."
    if listing.kind not in KINDS:
        errors["kind"] = "Ce type d'offre ou de besoin n'existe pas."
    elif listing.category not in dict(KINDS[listing.kind].categories):
        errors["category"] = "Cette catégorie n'existe pas pour ce type."
    else:
        try:
            listing.details = KINDS[listing.kind].validate(listing.details)
        except ValidationError as error:
            errors["details"] = error.messages
    if errors:
        raise ValidationError(errors)


# --- Publishing ----------------------------------------------------------------------------


def needs_moderation(organisation):
    """An organisation's first publication waits for the CRESS; once one of its listings
    has been approved, the next ones open at once."""
    return not Listing.objects.filter(
        organisation=organisation, status__in=PUBLIC_STATUSES
    ).exists()


@transaction.atomic
def save_listing(listing, *, author):
    """Create or update a listing after checking every rule; a new one is open at once,
    or pending when it is its organisation's first. Nothing is saved on error."""
    check_listing(listing)
    spec, centre, reach, label = listing_area(listing)
    listing.latitude, listing.longitude = centre if centre else (None, None)
    listing.reach_km = reach
    listing.territory_label = label
    creating = listing.pk is None
    if creating:
        listing.created_by = author
        listing.status = Status.PENDING if needs_moderation(listing.organisation) else Status.OPEN
    listing.save()
    replace_areas(listing, [spec])
    Listing.workflow.record(listing, "publish" if creating else "edit", by=author)
    _after_write(listing)
    return listing


def moderate(listing, decision, *, by, comment=""):
    """approve or reject a pending listing (CRESS staff, never their own)."""
    with transaction.atomic():
        decide(listing, decision, by=by, comment=comment)
        _after_write(listing)
    return listing


def close(listing, *, by):
    with transaction.atomic():
        decide(listing, "expire", by=by)
        _after_write(listing)
    return listing


@transaction.atomic
def expire_past(today=None):
    """Listings whose end date has passed become « expirée »; returns how many."""
    today = today or timezone.localdate()
    ended = list(Listing.objects.active().filter(ends_on__lt=today).values_list("pk", flat=True))
    for listing in Listing.objects.filter(pk__in=ended):
        previous = listing.status
        listing.status = Status.EXPIRED
        listing.save(update_fields=["status", "updated_at"])
        Listing.workflow.record(listing, "expire", by=None, from_status=previous)
    _after_write_many(ended)
    return len(ended)


def _after_write(listing):
    _after_write_many([listing.pk])


def _after_write_many(keys):
    """Hook of what follows a write (search index, matching): filled by later steps."""


def pending_listings():
    return Listing.objects.filter(status=Status.PENDING).select_related("organisation", "commune")


def latest_change():
    return Listing.objects.aggregate(last=Max("updated_at"))["last"]
