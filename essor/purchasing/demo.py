"""Demo content of purchasing (data/demo/purchasing.json): supplier profiles for
fictitious organisations of the directory's synthetic set, chosen by the activity of
their head office; three fictitious buyers the demo buyer account acts for; needs in
several states, with answers (one from a groupement of two).

Idempotent: profiles by organisation, buyers by (name, source), needs by (buyer, title),
answers by (need, supplier)."""

import datetime
from decimal import Decimal

from django.db.models import Min
from django.utils import timezone

from essor.accounts.models import User
from essor.core.demo import demo_step
from essor.directory.enums import MembershipRole, Source
from essor.directory.models import Membership, Organisation
from essor.territories.areas import AreaLevel, spec_of

from .categories import sync_categories
from .enums import AnswerDecision, MemberStatus, NeedStatus, ProfileStatus
from .matching import match_need
from .models import (
    Answer,
    ConsortiumMember,
    NeedRecipient,
    PurchaseCategory,
    PurchaseNeed,
    SupplierProfile,
)
from .services import save_profile


def _suppliers(rule, radius_km):
    """The profiles of the rule's organisations (created once)."""
    candidates = (
        Organisation.objects.filter(
            is_synthetic=True,
            status="active",
            establishments__is_head_office=True,
            establishments__naf=rule["naf"],
            establishments__commune__isnull=False,
        )
        .annotate(departement=Min("establishments__commune__departement_id"))
        .order_by("pk")[: rule["count"] * 20]
    )
    # One per département in turn, so that a buyer anywhere in the region (Angoulême,
    # the acceptance) finds suppliers of each kind near them.
    by_departement = {}
    for organisation in candidates:
        by_departement.setdefault(organisation.departement, []).append(organisation)
    queues = [by_departement[code] for code in sorted(by_departement)]
    organisations = []
    while len(organisations) < rule["count"] and any(queues):
        for queue in queues:
            if queue and len(organisations) < rule["count"]:
                organisations.append(queue.pop(0))
    categories = list(PurchaseCategory.objects.filter(code__in=rule["categories"]))
    profiles = []
    for organisation in organisations:
        profile = SupplierProfile.objects.filter(organisation=organisation).first()
        if profile is None:
            head = (
                organisation.establishments.filter(is_head_office=True)
                .select_related("commune__departement")
                .first()
            )
            profile = save_profile(
                SupplierProfile(
                    organisation=organisation,
                    status=ProfileStatus.PUBLISHED,
                    summary=rule["summary"],
                    contact_email=f"achats-{organisation.pk}@demo.example.org",
                ),
                categories=categories,
                areas=[
                    spec_of(AreaLevel.DEPARTEMENT, head.commune.departement),
                    spec_of(AreaLevel.RADIUS, head.commune, radius_km),
                ],
            )
        profiles.append(profile)
    return profiles


def _buyer(name, account):
    organisation, _ = Organisation.objects.get_or_create(
        name=name, source=Source.SYNTHETIC, defaults={"is_synthetic": True}
    )
    if account is not None:
        Membership.objects.get_or_create(
            user=account, organisation=organisation, defaults={"role": MembershipRole.ADMIN}
        )
    return organisation


def _answer(need, record, suppliers):
    lead = suppliers[record["from"]][0]
    answer, _ = Answer.objects.update_or_create(
        need=need,
        supplier=lead,
        defaults={
            "interested": record["interested"],
            "message": record.get("message", ""),
            "amount": Decimal(record["amount"]) if record.get("amount") else None,
            "decision": record.get("decision", AnswerDecision.PENDING),
            "lead_share": record.get("consortium", {}).get("lead_share", ""),
        },
    )
    if consortium := record.get("consortium"):
        partner = suppliers[consortium["from"]][0]
        ConsortiumMember.objects.update_or_create(
            answer=answer,
            supplier=partner,
            defaults={
                "share": consortium["share"],
                "status": MemberStatus.ACCEPTED if consortium["accepted"] else MemberStatus.INVITED,
            },
        )


@demo_step("purchasing.json", order=70)
def load(data):
    """Create or refresh the demo suppliers, buyers and needs; returns the number of needs."""
    sync_categories()  # the shipped tree, even in a database emptied since its migration
    suppliers = {
        rule["naf"]: _suppliers(rule, data["radius_km"]) for rule in data["supplier_rules"]
    }
    account = User.objects.filter(email=data["buyer_account"]).first()
    buyers = {b["name"]: _buyer(b["name"], account) for b in data["buyers"]}
    today = timezone.localdate()
    for record in data["records"]:
        near = suppliers.get(record["near"]) or []
        if not near or near[0].commune is None:
            continue  # the synthetic set has none of these: nothing to show
        status = record["status"]
        need, created = PurchaseNeed.objects.get_or_create(
            buyer=buyers[record["buyer"]],
            title=record["title"],
            defaults={
                "created_by": account,
                "description": record["description"],
                "category": PurchaseCategory.objects.get(code=record["category"]),
                "commune": near[0].commune,
                "kind": record["kind"],
                "contract_reference": record.get("contract_reference", ""),
                "budget_band": record.get("budget_band", ""),
                "reserved": record.get("reserved", ""),
                "has_social_clause": record.get("has_social_clause", False),
                "answers_deadline": today + datetime.timedelta(days=record["days"]),
                "status": status,
                "outcome": record.get("outcome", ""),
                "awarded_amount": Decimal(record["awarded_amount"])
                if record.get("awarded_amount")
                else None,
                "published_at": timezone.now()
                if status in {NeedStatus.PUBLISHED, NeedStatus.CLOSED}
                else None,
                "closed_at": timezone.now() if status == NeedStatus.CLOSED else None,
            },
        )
        if not created:
            continue
        need.workflow.record(need, "create", by=account, comment="Besoin de démonstration.")
        if status in {NeedStatus.PUBLISHED, NeedStatus.CLOSED}:
            matches, _ = match_need(need)
            NeedRecipient.objects.bulk_create(
                [
                    NeedRecipient(need=need, supplier_id=pk, reasons=reasons, batch=1,
                                  notified_at=timezone.now())
                    for pk, reasons in matches
                ],
                ignore_conflicts=True,
            )  # fmt: skip
            for answer in record["answers"]:
                _answer(need, answer, suppliers)
    return len(data["records"])
