"""Steps that cross domains or must validate before they save: publishing a tool (alerts),
submitting a dossier (snapshot + one request per funder), a request's transitions (log,
tour de table), and the tour de table itself."""

import copy
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from essor.accounts.perms import can_moderate
from essor.accounts.personal_data import DELETE, DETACH, UserLink, in_role
from essor.core.workflow import decide, hold_link_changes
from essor.directory.enums import Phase
from essor.directory.perms import can_act_for_organisation
from essor.search.registry import reindex
from essor.territories.areas import replace_areas

from . import workflow
from .enums import (
    SUBSIDY_ACCOUNT,
    BudgetScope,
    DossierStatus,
    Instrument,
    LineStatus,
    ToolStatus,
)
from .matching import Profile, judge, match
from .models import (
    ZERO,
    BudgetLine,
    DossierVersion,
    FinancingTool,
    FundingLine,
    FundingRequest,
)
from .perms import can_instruct, can_see_dossier

# Tools


@transaction.atomic
def tool_save(*, tool, areas, by=None):
    """Save a tool with its territory ([AreaSpec]); its search index follows. When `by`,
    who is not a moderator, edits a published tool, its new links and contacts wait for a
    moderator (held_changes) and the published ones stay."""
    if by is not None and tool.pk and tool.status == ToolStatus.PUBLISHED and not can_moderate(by):
        before = FinancingTool.objects.get(pk=tool.pk)
        held = hold_link_changes(tool, before, workflow.TOOL_LINK_FIELDS, workflow.TOOL_TEXT_FIELDS)
        if held:
            workflow.TOOL_CHANGES.record(tool, "hold", by=by)
    tool.refresh_index()
    tool.save()
    replace_areas(tool, areas)
    return tool


def tool_decide_changes(*, tool, moderator, accept, reason=""):
    """A moderator publishes or drops the held links and contacts of a published tool."""
    with transaction.atomic():
        decide(tool, "accept_changes" if accept else "refuse_changes", by=moderator, comment=reason)
        tool.refresh_index()
        tool.save()
        reindex(FinancingTool, [tool.pk])
    return tool


def tool_publish(*, tool):
    from .tasks import alert_saved_searches

    tool.status = ToolStatus.PUBLISHED
    tool.published_at = tool.published_at or timezone.now()
    tool.refresh_index()
    tool.save()
    reindex(FinancingTool, [tool.pk])
    transaction.on_commit(lambda: alert_saved_searches.enqueue(tool_id=tool.pk))


def tool_archive(*, tool):
    tool.status = ToolStatus.ARCHIVED
    tool.save(update_fields=["status", "updated_at"])
    reindex(FinancingTool, [tool.pk])


# Dossier


def submission_problems(dossier):
    """Everything that stops a dossier from being submitted, in plain French."""
    problems = []
    project = dossier.budget(BudgetScope.PROJECT)
    structure = dossier.budget(BudgetScope.STRUCTURE)
    if project.is_empty:
        problems.append("Le budget prévisionnel du projet est vide.")
    for budget, name in ((project, "du projet"), (structure, "de la structure")):
        if not budget.is_balanced:
            problems.append(
                f"Le budget {name} n'est pas équilibré : charges {budget.total_charges} €, "
                f"produits {budget.total_products} € (écart {budget.difference} €)."
            )
    if not any(line.funder_id for line in dossier.funding_lines.all()):
        problems.append("Le tour de table ne nomme aucun financeur à qui envoyer le dossier.")
    if not (dossier.sworn_accurate and dossier.sworn_obligations):
        problems.append("Les déclarations sur l'honneur doivent être cochées.")
    if not dossier.description.strip():
        problems.append("La description du projet est vide.")
    today = timezone.localdate()
    for document in dossier.attachments.all():
        if not document.is_valid_on(today):
            problems.append(
                f"La pièce « {document} » n'est plus valable depuis le "
                f"{document.valid_until:%d/%m/%Y} : joignez-en une à jour."
            )
    return problems


def snapshot(dossier):
    """The whole dossier as plain data, so that what was sent never changes."""
    organisation = dossier.organisation
    head = organisation.establishments.order_by("-is_head_office", "pk").first()

    def budget(scope):
        b = dossier.budget(scope)
        return {
            "lines": [
                {
                    "account": line.account,
                    "account_label": line.account_label,
                    "label": line.label,
                    "amount": str(line.amount),
                }
                for line in b.lines
            ],
            "total_charges": str(b.total_charges),
            "total_products": str(b.total_products),
        }

    return {
        "identity": {
            "name": organisation.name,
            "acronym": organisation.acronym,
            "siren": organisation.siren or "",
            "rna": organisation.rna or "",
            "legal_category": organisation.legal_category,
            "legal_category_label": organisation.legal_category_label or "",
            "ess_family": organisation.get_ess_family_display(),
            "is_esus": organisation.is_esus,
            "address": " ".join(filter(None, [head.address, head.postal_code, head.commune.name]))
            if head and head.commune
            else "",
            "email": organisation.public_email,
            "website": organisation.website,
        },
        "project": {
            "title": dossier.title,
            "objectives": dossier.objectives,
            "description": dossier.description,
            "beneficiaries": dossier.beneficiaries,
            "territory": dossier.territory,
            "starts_on": dossier.starts_on.isoformat() if dossier.starts_on else "",
            "ends_on": dossier.ends_on.isoformat() if dossier.ends_on else "",
            "indicators": dossier.indicators,
        },
        "budgets": {
            BudgetScope.STRUCTURE.value: budget(BudgetScope.STRUCTURE),
            BudgetScope.PROJECT.value: budget(BudgetScope.PROJECT),
        },
        "funding": [
            {
                "funder_id": line.funder_id,
                "funder": line.funder.name if line.funder else "",
                "tool": line.tool.title if line.tool else "",
                "amount_asked": str(line.amount_asked),
                "status": line.get_status_display(),
            }
            for line in dossier.funding_lines.select_related("funder", "tool")
        ],
        "attachments": [
            {
                "id": document.pk,
                "kind": document.get_kind_display(),
                "title": str(document),
                "valid_until": document.valid_until.isoformat() if document.valid_until else "",
            }
            for document in dossier.attachments.order_by("kind", "pk")
        ],
        "declarations": {
            "sworn_accurate": dossier.sworn_accurate,
            "sworn_obligations": dossier.sworn_obligations,
        },
    }


# What a funder reads instead of the other funders' subsidy lines, without consent.
OTHER_SUBSIDIES = "Autres subventions et aides demandées (détail non communiqué)"


def snapshot_for(version, user):
    """What `user` may read of a frozen version (issue 12.5). The applicant's members
    read it all; a funder reads the whole funding plan only when the applicant ticked
    « partager le tour de table » — otherwise its own line only, and the other funders'
    subsidy lines of the budgets as one line without names. Every channel (the version
    page, the PDF, the request page) goes through here."""
    dossier = version.dossier
    if can_see_dossier(user, dossier) or dossier.share_tour_with_funders:
        return version.snapshot
    own = [r.funder for r in dossier.requests.select_related("funder") if can_instruct(user, r)]
    return redact_snapshot(version.snapshot, own)


def redact_snapshot(data, funders):
    """`data` with only the funding lines of `funders`, and the subsidy lines (account 74)
    of the other funders merged into one: the totals stay what the applicant sent."""
    ids = {funder.pk for funder in funders}
    names = {funder.name for funder in funders}

    def own(line):
        # Versions frozen before the snapshot kept the funder's id are matched by name.
        if line.get("funder_id") is not None:
            return line["funder_id"] in ids
        return line.get("funder") in names

    data = copy.deepcopy(data)
    data["funding"] = [line for line in data["funding"] if own(line)]
    for budget in data["budgets"].values():
        kept, others = [], ZERO
        for line in budget["lines"]:
            if line["account"] == "74" and line["label"] not in names:
                others += Decimal(line["amount"])
            else:
                kept.append(line)
        if others:
            label = next(
                line["account_label"] for line in budget["lines"] if line["account"] == "74"
            )
            kept.append(
                {
                    "account": "74",
                    "account_label": label,
                    "label": OTHER_SUBSIDIES,
                    "amount": str(others),
                }  # fmt: skip
            )
        budget["lines"] = kept
    data["redacted"] = True
    return data


def _freeze(dossier, user, reason):
    number = (dossier.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return DossierVersion.objects.create(
        dossier=dossier, number=number, snapshot=snapshot(dossier), reason=reason, created_by=user
    )


@transaction.atomic
def dossier_submit(*, dossier, user):
    """Freeze the dossier as version 1 and open one request per funder of the tour de table.
    Checks the permission itself: a forged POST goes through here too."""
    if not can_act_for_organisation(user, dossier.organisation):
        raise PermissionDenied("Vous n'agissez pas pour cette structure.")
    # Locked: two clicks on "Déposer" must not open the requests twice.
    locked = type(dossier).objects.select_for_update().get(pk=dossier.pk)
    if not locked.is_draft():
        raise ValidationError("Ce dossier a déjà été déposé.")
    problems = submission_problems(dossier)
    if problems:
        raise ValidationError(problems)
    asked = {}
    for line in dossier.funding_lines.filter(funder__isnull=False):
        entry = asked.setdefault(line.funder_id, {"amount": ZERO, "tool": line.tool_id})
        entry["amount"] += line.amount_asked
        line.status = LineStatus.ASKED
        line.save(update_fields=["status"])
    version = _freeze(dossier, user, "Dépôt du dossier")
    for funder_id, entry in asked.items():
        request = FundingRequest.objects.create(
            dossier=dossier,
            funder_id=funder_id,
            tool_id=entry["tool"],
            amount_asked=entry["amount"],
        )
        workflow.INSTRUCTION.record(
            request, "submit", by=user, comment="Dossier déposé.", version=version
        )
    dossier.status = DossierStatus.SUBMITTED
    dossier.save(update_fields=["status", "updated_at"])
    return version


# Requests


@transaction.atomic
def request_transition(*, request, transition, user, comment="", amount=None):
    """Take one step of the instruction (workflow.INSTRUCTION) through decide(), log it
    with the amount or the new version, and update the tour de table."""
    if error := workflow.INSTRUCTION.denial(request, transition, user):
        raise error
    step = workflow.INSTRUCTION[transition]
    extras, update = {}, {}
    if "amount" in step.requires and amount is not None:
        if amount <= 0:
            raise ValidationError("Indiquez le montant accordé.")
        if amount > request.amount_asked:
            raise ValidationError("Le montant accordé dépasse le montant demandé.")
        extras["amount"] = update["amount_granted"] = amount
    if workflow.APPLICANT in step.actors:
        # The applicant's answer to a complement: what they send now is a new version.
        extras["version"] = _freeze(request.dossier, user, f"Complément pour {request.funder.name}")
    decide(request, transition, by=user, comment=comment, update=update, **extras)
    _sync_funding_lines(request)
    return request


def _sync_funding_lines(request):
    lines = FundingLine.objects.filter(dossier=request.dossier, funder=request.funder)
    if request.status in workflow.GRANTED_STATES:
        remaining = request.amount_granted or ZERO
        for line in lines:
            share = min(line.amount_asked, remaining)
            remaining -= share
            line.status, line.amount_granted = LineStatus.GRANTED, share
            line.save(update_fields=["status", "amount_granted"])
    elif request.status in workflow.LOST_STATES:
        lines.update(status=LineStatus.REFUSED, amount_granted=ZERO)


# Tour de table

# What a funder gives that the budget counts as a subsidy (account 74); a loan, a guarantee
# or equity finance the project without being one of its products.
SUBSIDY_INSTRUMENTS = frozenset({Instrument.GRANT, Instrument.EU_FUNDS, Instrument.PRIZE})


def feeds_subsidy_account(line):
    """Whether a line of the tour de table is a subsidy line of the project's budget."""
    return line.funder_id is not None and (
        line.tool is None or line.tool.instrument in SUBSIDY_INSTRUMENTS
    )


@transaction.atomic
def sync_subsidy_lines(dossier):
    """The project budget's account 74 follows the tour de table: one line per funder's
    line, labelled with its name, for the amount asked. A subsidy line typed by hand with
    the funder's name (before the tour de table was filled) becomes that line."""
    lines = [
        line
        for line in dossier.funding_lines.select_related("funder", "tool")
        if feeds_subsidy_account(line)
    ]
    linked = {b.funding_line_id: b for b in dossier.budget_lines.filter(funding_line__isnull=False)}
    typed = {
        b.label: b
        for b in dossier.budget_lines.filter(
            scope=BudgetScope.PROJECT, account=SUBSIDY_ACCOUNT, funding_line__isnull=True
        )
    }
    for line in lines:
        budget_line = (
            linked.pop(line.pk, None)
            or typed.pop(line.funder.name, None)
            or BudgetLine(dossier=dossier, scope=BudgetScope.PROJECT, account=SUBSIDY_ACCOUNT)
        )
        budget_line.funding_line = line
        budget_line.scope, budget_line.account = BudgetScope.PROJECT, SUBSIDY_ACCOUNT
        budget_line.label, budget_line.amount = line.funder.name, line.amount_asked
        budget_line.save()
    # Lines that no longer feed the account (a loan now, or no funder): their budget line goes.
    BudgetLine.objects.filter(pk__in=[b.pk for b in linked.values()]).delete()


@dataclass
class Eligibility:
    line: FundingLine
    verdict: object  # matching.Verdict, or None for a line without a tool
    notes: list  # what else to know before sending (the tool's own channel...)


def eligibility(dossier):
    """Each line of the tour de table with a tool, judged against the organisation's
    profile for the amount asked (matching.judge): shown before submission."""
    checks = []
    for line in dossier.funding_lines.select_related("funder", "tool").prefetch_related(
        "tool__areas", "tool__funders"
    ):
        if line.tool is None:
            continue
        profile = Profile.for_organisation(dossier.organisation, amount=int(line.amount_asked))
        notes = []
        if not line.tool.accepts_dossier:
            notes.append(
                "Cet outil se demande sur le site du financeur : le dossier lui sera "
                "envoyé, mais vérifiez s'il faut aussi candidater là-bas."
            )
        checks.append(Eligibility(line, judge(line.tool, profile), notes))
    return checks


@dataclass
class TourDeTable:
    need: Decimal  # the project's total charges
    lines: list
    granted: Decimal
    pending: Decimal
    refused: Decimal
    gap: Decimal  # what is neither granted nor still hoped for
    suggestions: list


def tour_de_table(dossier, today=None):
    """Asked vs granted vs the remaining gap, recomputed from the lines' current state,
    with matching tools to fill the gap."""
    lines = list(dossier.funding_lines.select_related("funder", "tool"))
    need = dossier.budget(BudgetScope.PROJECT).total_charges
    granted = pending = refused = ZERO
    for line in lines:
        if line.status == LineStatus.GRANTED:
            granted += line.amount_granted or ZERO
        elif line.status in (LineStatus.ASKED, LineStatus.PLANNED):
            pending += line.amount_asked
        elif line.status == LineStatus.REFUSED:
            refused += line.amount_asked
    # Own resources and sales (products other than subsidies) count as covered.
    own = sum(
        (
            line.amount
            for line in dossier.budget(BudgetScope.PROJECT).products
            if line.account != "74"
        ),
        ZERO,
    )
    gap = max(need - own - granted - pending, ZERO)
    suggestions = []
    if gap > 0:
        used = {line.tool_id for line in lines if line.tool_id}
        profile = Profile.for_organisation(dossier.organisation, amount=int(gap), today=today)
        eligible, _ = match(profile)
        suggestions = [v for v in eligible if v.tool.pk not in used][:5]
    return TourDeTable(need, lines, granted, pending, refused, gap, suggestions)


# What other sections show


def tools_for_situation(*, place, phase="", beneficiaries=(), sectors=(), limit=3):
    """The published financing tools that fit a situation described by another section
    (the orientation's answers), best first, each with why: [(tool, reasons)]. A tool that
    a rule rejects is left out; one whose criteria the situation leaves unknown stays."""
    profile = Profile(
        beneficiaries=set(beneficiaries),
        phase=phase,
        sectors=set(sectors),
        commune=place.commune,
        area=None if place.commune else place,
    )
    eligible, _ = match(profile)
    # A tool that says why it fits (its territory, the phase, the form) before the others.
    return [(verdict.tool, verdict.reasons) for verdict in eligible[:limit]]


# --- Personal data -------------------------------------------------------------------------


def personal_data(user):
    """What a person follows, saved and wrote in the financing app: their section of the
    RGPD export."""
    from .models import Dossier, FollowedTool, OrganisationDocument, SavedSearch, SentAlert

    dossiers = Dossier.objects.filter(created_by=user).select_related("organisation")
    versions = DossierVersion.objects.filter(created_by=user).select_related("dossier")
    return {
        "outils_financement_suivis": [
            {"outil": f.tool.title, "depuis": f.created_at}
            for f in FollowedTool.objects.filter(user=user).select_related("tool")
        ],
        "recherches_financement_enregistrees": [
            {"nom": s.name, "criteres": s.params, "le": s.created_at}
            for s in SavedSearch.objects.filter(user=user)
        ],
        "alertes_financement_recues": [
            {"outil": a.tool.title, "alerte": a.get_kind_display(), "envoyee_le": a.sent_at}
            for a in SentAlert.objects.filter(user=user).select_related("tool")
        ],
        "dossiers_financement": [
            {
                "structure": d.organisation.name,
                "projet": d.title,
                "etat": d.get_status_display(),
                "cree_le": d.created_at,
            }
            for d in dossiers
        ],
        "versions_dossiers_envoyees": [
            {"projet": v.dossier.title, "version": v.number, "motif": v.reason, "le": v.created_at}
            for v in versions
        ],
        "pieces_deposees": [
            {"structure": d.organisation.name, "piece": str(d), "le": d.uploaded_at}
            for d in OrganisationDocument.objects.filter(uploaded_by=user).select_related(
                "organisation"
            )
        ],
    }


USER_LINKS = [
    UserLink("financing.FollowedTool.user", DELETE, export="outils_financement_suivis"),
    UserLink("financing.SavedSearch.user", DELETE, export="recherches_financement_enregistrees"),
    UserLink("financing.SentAlert.user", DELETE, export="alertes_financement_recues"),
    # A dossier is the organisation's, and the funders instruct what they received.
    UserLink("financing.Dossier.created_by", DETACH, export="dossiers_financement"),
    UserLink("financing.DossierVersion.created_by", DETACH, export="versions_dossiers_envoyees"),
    UserLink("financing.OrganisationDocument.uploaded_by", DETACH, export="pieces_deposees"),
    in_role("financing.FundingRequestTransition.actor"),
    in_role("financing.ToolTransition.actor"),
]


def instruments_by_phase():
    """For each life phase in its order, the instruments of the published tools meant for
    it, in the catalogue's order of instruments (a tool with no phase counts for every
    phase): the « financer son projet » guide of the resource centre draws from it."""
    tools = list(FinancingTool.objects.published().only("phases", "instrument"))
    rows = []
    for phase in Phase:
        counts = {}
        for tool in tools:
            if not tool.phases or phase.value in tool.phases:
                counts[tool.instrument] = counts.get(tool.instrument, 0) + 1
        instruments = [
            {"instrument": value, "label": label, "count": counts[value]}
            for value, label in Instrument.choices
            if counts.get(value)
        ]
        rows.append({"phase": phase.value, "label": phase.label, "instruments": instruments})
    return rows


def published_tool_links():
    """[(path, label)] of the published financing tools, for the pages of other apps that
    link to them (a guide's related links)."""
    tools = FinancingTool.objects.published().order_by("title", "pk")
    return [(tool.get_absolute_url(), tool.title) for tool in tools]
