"""Demo content of the cooperation exchange (data/demo/cooperation.json): the places of
the ESS and the CRGE the 2016 report names, with what it says of them word for word,
and fictitious offers and needs of fictitious organisations (labelled demo) to try the
exchange. Idempotent: organisations are found by (name, source), places by
(organisation, kind), listings by (organisation, title)."""

import datetime

from django.utils import timezone

from essor.accounts.models import User
from essor.core.demo import demo_step
from essor.directory.enums import EssFamily, MembershipRole, Source
from essor.directory.models import Establishment, Membership, Organisation
from essor.territories.areas import area_spec, replace_areas
from essor.territories.models import Commune

from .enums import Status
from .models import EmployerGroup, EssPlace, Listing
from .services import open_without_moderation, save_listing


def _report_organisation(name):
    found = Organisation.objects.filter(name=name, source=Source.REPORT).order_by("pk").first()
    if found is None:
        found = Organisation(name=name, source=Source.REPORT)
        found.refresh_search_text()
        found.save()
    return found


def _fictional_organisation(name, commune_code):
    # Fictitious (is_synthetic), but not of the calibrated synthetic set (Source.SYNTHETIC).
    found = Organisation.objects.filter(name=name, source=Source.MANUAL, is_synthetic=True).first()
    if found is None:
        found = Organisation(
            name=name, source=Source.MANUAL, is_synthetic=True, ess_family=EssFamily.ASSOCIATION
        )
        found.refresh_search_text()
        found.save()
        commune = Commune.objects.filter(code=commune_code).first()
        if commune is not None:
            Establishment.objects.create(
                organisation=found, name=name, commune=commune, latitude=commune.latitude,
                longitude=commune.longitude, source=Source.MANUAL, is_synthetic=True,
            )  # fmt: skip
    return found


@demo_step("cooperation.json", order=65)
def load(data):
    """Returns the number of listings of the file."""
    from .places import save_place

    for record in data["places"]:
        if record.get("fictional"):
            organisation = _fictional_organisation(record["organisation"], record["commune"])
        else:
            organisation = _report_organisation(record["organisation"])
        place = EssPlace.objects.filter(organisation=organisation, kind=record["kind"]).first()
        place = place or EssPlace(organisation=organisation, kind=record["kind"])
        place.name = record["name"]
        place.commune = Commune.objects.filter(code=record["commune"] or "").first()
        place.services = record["services"]
        place.report_quote = record["report_quote"]
        place.provenance = record["provenance"]
        place.is_demo = True
        save_place(place)
    for record in data["employer_groups"]:
        if record.get("fictional"):
            organisation = _fictional_organisation(record["organisation"], record["commune"])
        else:
            organisation = _report_organisation(record["organisation"])
        group, _ = EmployerGroup.objects.update_or_create(
            organisation=organisation,
            defaults={
                "kind": record["kind"],
                "report_quote": record["report_quote"],
                "provenance": record["provenance"],
            },
        )
        specs = [area_spec(a["level"], a["code"]) for a in record["areas"]]
        replace_areas(group, [s for s in specs if s is not None])
    organisations = {}
    for record in data["organisations"]:
        organisation = _fictional_organisation(record["name"], record["commune"])
        organisations[record["name"]] = organisation
        member = User.objects.filter(email=record.get("demo_member") or "").first()
        if member is not None:
            Membership.objects.get_or_create(
                user=member, organisation=organisation, defaults={"role": MembershipRole.ADMIN}
            )
    today = timezone.localdate()
    for record in data["records"]:
        organisation = organisations[record["organisation"]]
        if Listing.objects.filter(organisation=organisation, title=record["title"]).exists():
            continue
        listing = Listing(
            organisation=organisation,
            direction=record["direction"],
            kind=record["kind"],
            category=record["category"],
            title=record["title"],
            description=record.get("description", ""),
            details=record["details"],
            commune=Commune.objects.get(code=record["commune"]),
            radius_km=record.get("radius_km"),
            area_level=record.get("area_level", ""),
            starts_on=today,
            ends_on=today + datetime.timedelta(days=180),
            is_demo=True,
        )
        save_listing(listing, author=None)
        if listing.status == Status.PENDING:  # demo content is shown as published
            open_without_moderation(listing, comment="contenu de démonstration")
    return len(data["records"])
