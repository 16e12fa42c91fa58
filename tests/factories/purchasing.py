"""Purchasing: supplier profiles made through the app's service (derived columns,
perimeter, search index), on organisations of the ESS placed in real communes."""

import factory

from essor.directory.models import Label
from essor.purchasing import services
from essor.purchasing.enums import ProfileStatus
from essor.purchasing.models import PurchaseCategory, SupplierProfile
from essor.territories.areas import area_spec

from .directory import EssOrganisationFactory, EstablishmentFactory
from .territories import commune

ANGOULEME = "16015"
COGNAC = "16102"
CHARENTE = ("departement", "16")


def supplier(
    *,
    name=None,
    commune_code=ANGOULEME,
    categories=("entretien-espaces-verts",),
    areas=(CHARENTE,),
    labels=(),
    status=ProfileStatus.PUBLISHED,
    organisation=None,
    **fields,
):
    """A supplier profile of a new organisation of the ESS (or of `organisation`) with an
    establishment in `commune_code`, selling `categories` (codes) over `areas`
    ((level, code[, radius_km]) tuples), holding `labels` (directory label codes)."""
    if organisation is None:
        organisation = EssOrganisationFactory(**({"name": name} if name else {}))
        EstablishmentFactory(
            organisation=organisation, commune=commune(commune_code), is_head_office=True
        )
    if labels:
        organisation.labels.add(*Label.objects.filter(code__in=labels))
    profile = SupplierProfile(organisation=organisation, status=status, **fields)
    specs = [area_spec(*area) for area in areas]
    return services.save_profile(
        profile,
        categories=list(PurchaseCategory.objects.filter(code__in=categories)),
        areas=specs,
    )


class SupplierProfileFactory(factory.django.DjangoModelFactory):
    """A bare profile row (no perimeter, not indexed): for permission tests."""

    class Meta:
        model = SupplierProfile

    organisation = factory.SubFactory(EssOrganisationFactory)
    status = ProfileStatus.PUBLISHED
    summary = "Entretien d'espaces verts"


def buyer(name="Département de la Charente (test)"):
    """A buyer organisation (outside the ESS) and a member who acts for it."""
    from essor.directory.models import Organisation

    from .accounts import UserFactory
    from .directory import MembershipFactory

    organisation = Organisation.objects.create(name=name)
    user = UserFactory(buyer=True)
    MembershipFactory(organisation=organisation, user=user)
    return organisation, user


def need(
    buyer_organisation,
    author,
    *,
    status=None,
    category="entretien-espaces-verts",
    commune_code=ANGOULEME,
    days=30,
    **fields,
):
    """A need of `buyer_organisation` written by `author` (a draft unless `status`)."""
    import datetime

    from django.utils import timezone

    from essor.purchasing.enums import NeedKind, NeedStatus
    from essor.purchasing.models import PurchaseNeed

    values = {
        "title": "Entretien des espaces verts des collèges",
        "description": "Tonte, taille et ramassage des feuilles.",
        "kind": NeedKind.CONSULTATION,
        "answers_deadline": timezone.localdate() + datetime.timedelta(days=days),
        **fields,
    }
    return PurchaseNeed.objects.create(
        buyer=buyer_organisation,
        created_by=author,
        category=PurchaseCategory.objects.get(code=category),
        commune=commune(commune_code),
        status=status or NeedStatus.DRAFT,
        **values,
    )
