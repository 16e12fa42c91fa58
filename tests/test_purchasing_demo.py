"""Purchasing's demo content: suppliers among the synthetic organisations, three
fictitious buyers the demo buyer account acts for, needs in several states."""

import pytest
from django.urls import reverse

from essor.accounts import demo as accounts_demo
from essor.directory import demo as directory_demo
from essor.purchasing import demo
from essor.purchasing.enums import MemberStatus, NeedStatus
from essor.purchasing.models import (
    Answer,
    ConsortiumMember,
    NeedRecipient,
    PurchaseNeed,
    SupplierProfile,
)

pytestmark = pytest.mark.django_db


def test_the_demo_buyer_has_needs_in_several_states_answered_by_demo_suppliers(client):
    accounts_demo.load()
    directory_demo.load_synthetic(scale=0.05)
    demo.load()
    counts = (SupplierProfile.objects.count(), PurchaseNeed.objects.count(), Answer.objects.count())
    demo.load()  # idempotent
    assert (
        SupplierProfile.objects.count(),
        PurchaseNeed.objects.count(),
        Answer.objects.count(),
    ) == counts

    profiles = SupplierProfile.objects.published()
    assert profiles.filter(reserved_disability=True).exists()
    assert profiles.filter(reserved_insertion=True).exists()
    assert all(p.organisation.is_synthetic for p in profiles)
    states = set(PurchaseNeed.objects.values_list("status", flat=True))
    assert {NeedStatus.DRAFT, NeedStatus.PENDING, NeedStatus.PUBLISHED, NeedStatus.CLOSED} <= states
    assert NeedRecipient.objects.exists()
    assert ConsortiumMember.objects.filter(status=MemberStatus.ACCEPTED).count() == 1
    buyers = {n.buyer.name for n in PurchaseNeed.objects.select_related("buyer")}
    assert all("(démo)" in name for name in buyers) and len(buyers) == 3

    client.login(email="acheteur@demo.example.org", password="demo-essor-2026")
    page = client.get(reverse("purchasing:my_needs")).content.decode()
    assert all(name.replace("'", "&#x27;") in page for name in buyers)
    consortium = Answer.objects.filter(members__isnull=False).get()
    page = client.get(consortium.need.get_absolute_url()).content.decode()
    assert consortium.lead_share in page and "Co-traitant" in page


def test_the_acceptance_a_buyer_in_angouleme_finds_ea_esat_and_siae_for_green_spaces(client):
    """Issue 16's acceptance on the demo: green-space maintenance within 30 km of
    Angoulême, EA/ESAT and SIAE, with the contracts that can be reserved to them and why."""
    accounts_demo.load()
    directory_demo.load_synthetic(scale=0.25)
    demo.load()
    response = client.get(
        reverse("purchasing:sourcing"),
        {"categorie": "entretien-espaces-verts", "commune": "Angoulême (16015)", "rayon": "30",
         "type": ["ea_esat", "siae"]},
    )  # fmt: skip
    assert response.status_code == 200
    matches = response.context["results"].matches
    kinds = {kind for match in matches for kind in match.profile.kinds}
    assert {"ea_esat", "siae"} <= kinds
    page = response.content.decode()
    assert "Marché réservé EA / ESAT (art. L2113-12)" in page
    assert "Marché réservé SIAE (art. L2113-13)" in page
    assert "Pourquoi ce fournisseur" in page and "/ressources/achats-responsables/#reserve-" in page
