"""Which financing tools fit a profile, and why — or why not.

A small rules engine: each rule looks at one criterion the tool declares and says whether
the profile meets it, with a sentence either way. A criterion the tool does not declare
(no age limit, every phase...) is not a reason; a criterion the profile leaves unknown is
not held against it (the person may not have said), but gives no reason to rank it higher.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from essor.directory import nomenclatures
from essor.directory.enums import EssFamily, LabelKind, Phase
from essor.directory.ess import SCOP_CATEGORIES
from essor.territories.areas import AreaLevel, Place, most_local
from essor.territories.models import Commune

from .enums import Beneficiary, Envelope, Need
from .models import FinancingTool, ToolArea

SCIC_HINT = "scic"


@dataclass
class Profile:
    """An organisation or a project, as the rules see it."""

    beneficiaries: set = field(default_factory=set)
    age_months: int | None = None
    phase: str = ""
    needs: set = field(default_factory=set)
    sectors: set = field(default_factory=set)
    commune: Commune | None = None
    amount: int | None = None
    today: date | None = None
    # A place wider than a commune (an EPCI, a département), when no commune is known.
    area: Place | None = None
    # (place, {tool id: [(area, partial)]}): the areas serving the place, one query for all.
    _serving: tuple = field(default=(None, {}), init=False, repr=False, compare=False)

    @property
    def place(self):
        if self.commune is not None:
            return Place.of_commune(self.commune)
        return self.area or Place()

    def serving(self, tool):
        """[(area, partial)] of the tool's areas that serve the profile's place."""
        place = self.place
        if self._serving[0] != place:
            self._serving = (place, ToolArea.objects.covering(place).by_owner())
        return self._serving[1].get(tool.pk, [])

    @classmethod
    def for_organisation(cls, organisation, **extra):
        """The directory's facts about an organisation: its family, cooperative form,
        agréments, age and head office's commune."""
        kinds = set()
        if organisation.ess_family:
            kinds.add(organisation.ess_family)
        if organisation.ess_family == EssFamily.COMMERCIAL:
            kinds.add(Beneficiary.COMMERCIAL)
        if organisation.legal_category in SCOP_CATEGORIES:
            kinds |= {Beneficiary.SCOP, Beneficiary.COOPERATIVE}
        if SCIC_HINT in organisation.name.lower():
            kinds |= {Beneficiary.SCIC, Beneficiary.COOPERATIVE}
        if organisation.is_esus:
            kinds.add(Beneficiary.ESUS)
        for label in organisation.labels.all():
            if label.kind == LabelKind.SIAE:
                kinds.add(Beneficiary.SIAE)
            elif label.kind == LabelKind.DISABILITY:
                kinds.add(Beneficiary.EA)
            elif label.code == "cae":
                kinds.add(Beneficiary.CAE)
        today = extra.pop("today", None) or timezone.localdate()
        age = None
        if organisation.created_on:
            created = organisation.created_on
            age = (today.year - created.year) * 12 + today.month - created.month
        head = (
            organisation.establishments.filter(commune__isnull=False)
            .select_related("commune")
            .order_by("-is_head_office", "pk")
            .first()
        )
        # The sectors of its active establishments' activities, unless the person chose one.
        extra.setdefault(
            "sectors",
            {
                nomenclatures.ess_sector_of(naf)
                for naf in organisation.establishments.active()
                .exclude(naf="")
                .values_list("naf", flat=True)
            },
        )
        return cls(
            beneficiaries=kinds,
            age_months=age,
            commune=head.commune if head else None,
            today=today,
            **extra,
        )


@dataclass
class Verdict:
    tool: FinancingTool
    reasons: list  # why it fits
    objections: list  # why not

    @property
    def eligible(self):
        return not self.objections

    @property
    def score(self):
        return len(self.reasons)


def _labels(choices, values):
    names = dict(choices)
    return ", ".join(str(names.get(v, v)) for v in values)


def rule_availability(tool, profile):
    if tool.envelope != Envelope.OPEN:
        return None, f"{tool.get_envelope_display()}."
    today = profile.today or timezone.localdate()
    if tool.closes_on and tool.closes_on < today:
        return None, f"L'appel est clos depuis le {tool.closes_on:%d/%m/%Y}."
    if tool.closes_on:
        return f"Ouvert jusqu'au {tool.closes_on:%d/%m/%Y}.", None
    return None, None


def rule_beneficiary(tool, profile):
    if not tool.beneficiaries:
        return None, None
    accepted = _labels(Beneficiary.choices, tool.beneficiaries)
    if not profile.beneficiaries:
        return None, None
    common = profile.beneficiaries & set(tool.beneficiaries)
    if common:
        return (
            f"Ouvert aux structures de votre forme : {_labels(Beneficiary.choices, common)}.",
            None,
        )
    return None, f"Réservé à : {accepted}."


def rule_age(tool, profile):
    if profile.age_months is None or (tool.min_age_months is None and tool.max_age_months is None):
        return None, None
    if tool.min_age_months is not None and profile.age_months < tool.min_age_months:
        return None, f"Il faut au moins {tool.min_age_months} mois d'existence."
    if tool.max_age_months is not None and profile.age_months > tool.max_age_months:
        return None, f"Réservé aux structures de moins de {tool.max_age_months} mois."
    return "Votre structure a l'ancienneté demandée.", None


def rule_phase(tool, profile):
    if not tool.phases or not profile.phase:
        return None, None
    if profile.phase in tool.phases:
        return f"Finance l'étape « {Phase(profile.phase).label} ».", None
    return None, f"Finance seulement les étapes : {_labels(Phase.choices, tool.phases)}."


def rule_needs(tool, profile):
    if not tool.needs or not profile.needs:
        return None, None
    common = profile.needs & set(tool.needs)
    if common:
        return f"Couvre votre besoin : {_labels(Need.choices, common)}.", None
    return None, f"Ne finance que : {_labels(Need.choices, tool.needs)}."


def rule_sectors(tool, profile):
    if not tool.sectors or not profile.sectors:
        return None, None
    if profile.sectors & set(tool.sectors):
        return "Concerne votre secteur d'activité.", None
    return None, "Réservé à d'autres secteurs d'activité."


def rule_territory(tool, profile):
    place = profile.place
    if not place:
        return None, None
    area, partial = most_local(profile.serving(tool))
    if area is None:
        where = ", ".join(a.label for a in tool.areas.all())
        return None, f"Ne couvre pas {place.short_label} : territoire {where}."
    if partial:
        return f"Couvre une partie de {place.short_label} ({area.label}).", None
    if area.level == AreaLevel.NATIONAL:
        return None, None
    return f"Couvre {place.short_label} ({area.label}).", None


def rule_amount(tool, profile):
    if not profile.amount or not (tool.amount_min or tool.amount_max):
        return None, None
    if tool.amount_min and profile.amount < tool.amount_min:
        return None, f"Le montant minimal est de {tool.amount_min} €."
    if tool.amount_max and profile.amount > tool.amount_max:
        return f"Peut couvrir une partie du besoin : jusqu'à {tool.amount_max} €.", None
    return "Le montant recherché est dans la fourchette du dispositif.", None


RULES = [
    rule_availability,
    rule_beneficiary,
    rule_age,
    rule_phase,
    rule_needs,
    rule_sectors,
    rule_territory,
    rule_amount,
]


def judge(tool, profile):
    reasons, objections = [], []
    for rule in RULES:
        reason, objection = rule(tool, profile)
        if reason:
            reasons.append(reason)
        if objection:
            objections.append(objection)
    return Verdict(tool, reasons, objections)


def match(profile, tools=None):
    """(eligible verdicts best first, rejected verdicts) for the published tools."""
    if tools is None:
        tools = FinancingTool.objects.published().prefetch_related("funders", "unlocks", "areas")
    verdicts = [judge(tool, profile) for tool in tools]
    eligible = [v for v in verdicts if v.eligible]
    eligible.sort(key=lambda v: (-v.score, v.tool.closes_on or date.max, v.tool.title))
    rejected = [v for v in verdicts if not v.eligible]
    rejected.sort(key=lambda v: v.tool.title)
    return eligible, rejected
