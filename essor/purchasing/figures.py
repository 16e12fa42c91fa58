"""Buyers' figures, the « achats responsables » indicators the report asks for: needs
posted, answers received, needs won by suppliers found on ESSor, amounts where given —
for one buyer, and for the CRESS by territory (département of the place of delivery)
and category family. Drafts and needs waiting for moderation are not counted."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from .enums import NeedStatus, Outcome
from .models import Answer, PurchaseNeed

COUNTED = [NeedStatus.PUBLISHED, NeedStatus.CLOSED]


@dataclass
class Figures:
    needs: int = 0
    answers: int = 0
    interested: int = 0
    closed: int = 0
    won_ess: int = 0
    amount_ess: Decimal = field(default_factory=Decimal)
    label: str = ""
    code: str = ""
    category: str = ""

    @property
    def share_won_ess(self):
        """Share of the closed needs won by a supplier found on ESSor, in %."""
        return round(100 * self.won_ess / self.closed) if self.closed else None


def _aggregate(needs):
    totals = needs.aggregate(
        needs=Count("pk"),
        closed=Count("pk", filter=Q(status=NeedStatus.CLOSED)),
        won_ess=Count("pk", filter=Q(outcome=Outcome.ESS_SUPPLIER)),
        amount_ess=Sum("awarded_amount", filter=Q(outcome=Outcome.ESS_SUPPLIER)),
    )
    answers = Answer.objects.filter(need__in=needs).aggregate(
        answers=Count("pk"), interested=Count("pk", filter=Q(interested=True))
    )
    return Figures(
        needs=totals["needs"],
        answers=answers["answers"],
        interested=answers["interested"],
        closed=totals["closed"],
        won_ess=totals["won_ess"],
        amount_ess=totals["amount_ess"] or Decimal(0),
    )


def buyer_figures(organisation):
    return _aggregate(PurchaseNeed.objects.filter(buyer=organisation, status__in=COUNTED))


def counted_needs(departement=None, epci=None, family=None):
    """The needs the figures count, in a département or an EPCI (of their place of
    delivery) and a category family (its code) when given."""
    needs = PurchaseNeed.objects.filter(status__in=COUNTED)
    if departement:
        needs = needs.filter(commune__departement_id=departement)
    if epci:
        needs = needs.filter(commune__epci_id=epci)
    if family:
        needs = needs.filter(category__parent__code=family)
    return needs


def regional_figures(departement=None, *, epci=None, family=None):
    """[Figures] per (département, category family), then the total, in a few queries."""
    needs = counted_needs(departement, epci, family)
    rows = (
        needs.values(
            code=F("commune__departement_id"),
            label=F("commune__departement__name"),
            family=F("category__parent__name"),
        )
        .annotate(
            needs=Count("pk", distinct=True),
            closed=Count("pk", filter=Q(status=NeedStatus.CLOSED), distinct=True),
            won_ess=Count("pk", filter=Q(outcome=Outcome.ESS_SUPPLIER), distinct=True),
        )
        .order_by("code", "family")
    )
    answers = {
        (row["code"], row["family"]): row
        for row in Answer.objects.filter(need__in=needs)
        .values(code=F("need__commune__departement_id"), family=F("need__category__parent__name"))
        .annotate(answers=Count("pk"), interested=Count("pk", filter=Q(interested=True)))
    }
    amounts = {
        (row["code"], row["family"]): row["amount"]
        for row in needs.filter(outcome=Outcome.ESS_SUPPLIER)
        .values(code=F("commune__departement_id"), family=F("category__parent__name"))
        .annotate(amount=Sum("awarded_amount"))
    }
    found = []
    for row in rows:
        key = (row["code"], row["family"])
        found.append(
            Figures(
                needs=row["needs"],
                closed=row["closed"],
                won_ess=row["won_ess"],
                answers=answers.get(key, {}).get("answers", 0),
                interested=answers.get(key, {}).get("interested", 0),
                amount_ess=amounts.get(key) or Decimal(0),
                label=row["label"],
                code=row["code"],
                category=row["family"],
            )
        )
    return found, _aggregate(needs)


EXPORT_HEADER = [
    "departement_code", "departement", "famille_achats", "besoins_publies", "reponses",
    "reponses_interessees", "besoins_clos", "besoins_gagnes_ess", "part_gagnee_ess_pct",
    "montant_gagne_ess_eur_ht",
]  # fmt: skip


def export_rows(departement=None, epci=None, family=None):
    rows, total = regional_figures(departement, epci=epci, family=family)
    yield EXPORT_HEADER
    for f in [*rows, total]:
        yield [
            f.code or "", f.label or "Total", f.category or "", f.needs, f.answers,
            f.interested, f.closed, f.won_ess, f.share_won_ess, f.amount_ess,
        ]  # fmt: skip
