"""What the consultation does, as plain functions the views (and other apps) call.
Every write checks the permission, runs in one transaction and keeps the platform
search in step."""

from collections import OrderedDict
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Avg, Count, Q
from django.urls import Resolver404, resolve

from essor.directory.models import Organisation
from essor.events import services as events_services
from essor.search.models import Document
from essor.search.registry import reindex

from . import perms
from .enums import ActionStatus, Axis, LinkKind
from .models import Action, ActionLink, ActionUpdate


class ConsultationError(Exception):
    """A refused step, with the French sentence to show and the HTTP status."""

    def __init__(self, message, status_code=400):
        super().__init__(message)
        self.message = message
        self.status_code = status_code


def _forbidden():
    return ConsultationError("Cette action ne vous revient pas.", 403)


# Follow-up of the actions


@transaction.atomic
def action_record_update(*, action, by, date, text, status, progress):
    """A dated journal entry that sets the action's status and progress."""
    if not perms.can_post_update(by, action):
        raise _forbidden()
    if status not in ActionStatus.values:
        raise ConsultationError("Cet état n'existe pas.")
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        raise ConsultationError("L'avancement est un nombre entier entre 0 et 100.") from None
    if not 0 <= progress <= 100:
        raise ConsultationError("L'avancement est un nombre entier entre 0 et 100.")
    if status == ActionStatus.DONE:
        progress = 100
    text = (text or "").strip()
    if not text:
        raise ConsultationError("Dites en quelques mots ce qui a avancé.")
    locked = Action.objects.select_for_update().get(pk=action.pk)
    entry = ActionUpdate.objects.create(
        action=locked, date=date, text=text, status=status, progress=progress, author=by
    )
    locked.status, locked.progress = status, progress
    locked.save(update_fields=["status", "progress", "updated_at"])
    action.status, action.progress = status, progress
    reindex(Action, [action.pk])
    return entry


def resolve_link(url):
    """(kind, path, title) of a page of ESSor that can carry an action out, or a
    ConsultationError saying why not."""
    path = urlsplit((url or "").strip()).path
    if not path.startswith("/"):
        raise ConsultationError(
            "Collez l'adresse d'une page d'ESSor (elle commence par « / » ou « https:// »)."
        )
    document = (
        Document.objects.filter(
            url=path, kind__in=[k for k in LinkKind.values if k != LinkKind.INDICATOR]
        )
        .order_by("pk")
        .first()
    )
    if document is not None:
        return document.kind, path, document.title
    if path.startswith("/observatoire/"):
        try:
            resolve(path)
        except Resolver404:
            pass
        else:
            return (
                LinkKind.INDICATOR,
                path,
                f"Observatoire : {path.removeprefix('/observatoire/').strip('/') or 'accueil'}",
            )
    raise ConsultationError(
        "Cette adresse n'est pas celle d'une initiative, d'un outil de financement, d'une "
        "offre d'accompagnement, d'un événement publiés, ni d'une page de l'observatoire."
    )


@transaction.atomic
def action_add_link(*, action, by, url, title=""):
    if not perms.can_manage_action(by, action):
        raise _forbidden()
    kind, path, found_title = resolve_link(url)
    link, created = ActionLink.objects.get_or_create(
        action=action, url=path, defaults={"kind": kind, "title": (title or found_title)[:300]}
    )
    if not created:
        raise ConsultationError("Ce lien est déjà là.")
    return link


@transaction.atomic
def action_remove_link(*, action, by, link_id):
    if not perms.can_manage_action(by, action):
        raise _forbidden()
    deleted = 0
    if str(link_id).isdigit():
        deleted, _ = ActionLink.objects.filter(action=action, pk=link_id).delete()
    if not deleted:
        raise ConsultationError("Ce lien n'existe pas.", 404)


def find_organisation(reference):
    """A publicly listed organisation by SIREN or by the address of its page."""
    reference = (reference or "").strip()
    listed = Organisation.objects.publicly_listed()
    if reference.isdigit() and len(reference) == 9:
        found = listed.filter(siren=reference).first()
    else:
        try:
            match = resolve(urlsplit(reference).path)
        except Resolver404:
            match = None
        found = None
        if match and match.url_name == "organisation" and "pk" in match.kwargs:
            found = listed.filter(pk=match.kwargs["pk"]).first()
    if found is None:
        raise ConsultationError(
            "Structure introuvable : indiquez son SIREN (9 chiffres) ou l'adresse de sa fiche dans l'annuaire."
        )
    return found


@transaction.atomic
def action_add_carrier(*, action, by, reference):
    if not perms.can_manage_action(by, action):
        raise _forbidden()
    organisation = find_organisation(reference)
    action.carriers.add(organisation)
    reindex(Action, [action.pk])
    return organisation


@transaction.atomic
def action_remove_carrier(*, action, by, organisation_id):
    if not perms.can_manage_action(by, action):
        raise _forbidden()
    if (
        not str(organisation_id).isdigit()
        or not action.carriers.filter(pk=organisation_id).exists()
    ):
        raise ConsultationError("Cette structure ne porte pas l'action.", 404)
    action.carriers.remove(organisation_id)
    reindex(Action, [action.pk])


# The public dashboard


def _status_counts():
    return {f"n_{value}": Count("pk", filter=Q(status=value)) for value in ActionStatus.values}


def _rows(actions, field, labels=None):
    rows = []
    for row in (
        actions.order_by()
        .values(field)
        .annotate(total=Count("pk"), progress=Avg("progress"), **_status_counts())
        .order_by(field)
    ):
        key = row[field]
        rows.append(
            {
                "key": key,
                "label": (labels or {}).get(key, key) or "Toute la région",
                "total": row["total"],
                "progress": round(row["progress"] or 0),
                "statuses": [row[f"n_{value}"] for value in ActionStatus.values],
            }
        )
    return rows


def dashboard(actions):
    """Progress of a set of actions, by axis, chapter and territory: counts per status and
    mean progress, and the whole."""
    axis_order = {value: i for i, value in enumerate(Axis.values)}
    by_axis = sorted(_rows(actions, "axis", dict(Axis.choices)), key=lambda r: axis_order[r["key"]])
    by_chapter = _rows(actions, "chapter")
    chapters = OrderedDict()
    for axis, chapter in actions.order_by("number").values_list("axis", "chapter"):
        chapters.setdefault(chapter, axis)
    by_chapter.sort(key=lambda r: list(chapters).index(r["key"]) if r["key"] in chapters else 0)
    by_territory = _rows(actions, "departement__name")
    total = actions.aggregate(total=Count("pk"), progress=Avg("progress"), **_status_counts())
    return {
        "statuses": ActionStatus.choices,
        "total": {
            "total": total["total"],
            "progress": round(total["progress"] or 0),
            "statuses": [
                (value, label, total[f"n_{value}"]) for value, label in ActionStatus.choices
            ],
        },
        "by_axis": by_axis,
        "by_chapter": by_chapter,
        "by_territory": by_territory,
    }


ACTION_CSV_HEADER = [
    "concertation", "numero", "axe", "chapitre", "theme", "texte", "section_du_rapport",
    "ligne_du_rapport", "etat", "avancement", "territoire", "structures_porteuses",
    "derniere_mise_a_jour", "adresse",
]  # fmt: skip


def action_csv_rows(actions, base_url=""):
    for action in actions.select_related("process", "departement").prefetch_related(
        "carriers", "updates"
    ):
        updates = list(action.updates.all())
        yield [
            action.process.title,
            action.number,
            action.get_axis_display(),
            action.chapter,
            action.theme,
            action.text,
            action.source_section,
            action.source_line,
            action.get_status_display(),
            action.progress,
            action.territory_label,
            [o.display_name for o in action.carriers.all()],
            updates[0].date if updates else None,
            base_url + action.get_absolute_url(),
        ]


# Fiches actions (proposals)

MAX_BODY = 5000


def _phase_closed(process, kind):
    """A refusal when the process has phases of `kind` and none is open today."""
    phases = [p for p in process.phases.all() if p.kind == kind]
    if phases and not any(p.is_open() for p in phases):
        return ConsultationError("Cette étape de la concertation est close.", 409)
    return None


def proposal_denial(process, user):
    from essor.accounts.perms import is_active_user

    from .enums import Access, PhaseKind

    if not is_active_user(user):
        return ConsultationError("Connectez-vous pour proposer une fiche action.", 403)
    if not process.is_published:
        return ConsultationError("Cette concertation n'existe pas.", 404)
    if process.access == Access.MEMBERS and not user.memberships.exists():
        return ConsultationError(
            "Cette concertation est réservée aux membres des structures de l'ESS : rattachez votre compte à votre structure.",
            403,
        )
    return _phase_closed(process, PhaseKind.PROPOSALS)


@transaction.atomic
def proposal_create(
    *,
    process,
    author,
    title,
    axis,
    theme,
    description,
    carriers="",
    departement=None,
    organisation=None,
):
    from essor.directory.perms import can_act_for_organisation

    from .models import Proposal

    denial = proposal_denial(process, author)
    if denial:
        raise denial
    errors = []
    title, theme, description = (
        (title or "").strip(),
        (theme or "").strip(),
        (description or "").strip(),
    )
    if not title or len(title) > 200:
        errors.append("Donnez un titre (200 caractères au plus).")
    if axis not in Axis.values:
        errors.append("Choisissez un axe : Entreprendre, Coopérer ou Innover.")
    if not theme or len(theme) > 200:
        errors.append("Indiquez un thème (200 caractères au plus).")
    if not description or len(description) > MAX_BODY:
        errors.append(f"Décrivez l'action ({MAX_BODY} caractères au plus).")
    if len(carriers or "") > 1000:
        errors.append("« Qui pourrait la porter » : 1000 caractères au plus.")
    if organisation is not None and not can_act_for_organisation(author, organisation):
        errors.append("Vous ne pouvez proposer qu'au nom d'une structure dont vous êtes membre.")
    if errors:
        raise ConsultationError(" ".join(errors))
    proposal = Proposal.objects.create(
        process=process, author=author, organisation=organisation, title=title, axis=axis,
        theme=theme, description=description, carriers=(carriers or "").strip(), departement=departement,
    )  # fmt: skip
    Proposal.workflow.record(proposal, "create", by=author)
    return proposal


def action_from_proposal(proposal):
    """The action a retained proposal becomes (the workflow's effect, under its lock)."""
    from django.db.models import Max

    number = (
        Action.objects.filter(process=proposal.process).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    action = Action.objects.create(
        process=proposal.process,
        number=number,
        axis=proposal.axis,
        chapter="Fiches actions",
        theme=proposal.theme,
        text=proposal.title,
        source_section=f"Fiche action « {proposal.title} »",
        departement_id=proposal.departement_id,
        proposal=proposal,
    )
    if proposal.organisation_id:
        action.carriers.add(proposal.organisation_id)
    return action


def proposal_transition(*, proposal, name, by, comment="", merged_into=None):
    """Moderate or answer a proposal (see workflow.py); the answer is public."""
    from essor.core.workflow import decide

    from .enums import ProposalTransitionName
    from .models import Proposal

    update = None
    if name == ProposalTransitionName.MERGE:
        target = (
            Proposal.objects.visible()
            .filter(pk=merged_into, process=proposal.process)
            .exclude(pk=proposal.pk)
            .first()
            if str(merged_into or "").isdigit()
            else None
        )
        if target is None:
            raise ConsultationError(
                "Choisissez une autre fiche publiée de la même concertation pour la fusion."
            )
        update = {"merged_into": target}
    decide(proposal, name, by=by, comment=comment, update=update)
    reindex(type(proposal), [proposal.pk])
    if hasattr(proposal, "action") or name == ProposalTransitionName.ACCEPT:
        created = Action.objects.filter(proposal=proposal).first()
        if created:
            reindex(Action, [created.pk])
    return proposal


def _visible_or_refuse(proposal, what):
    if not proposal.is_visible:
        raise ConsultationError(
            f"Cette fiche action n'est pas publiée : impossible de {what}.", 404
        )


@transaction.atomic
def support_toggle(*, proposal, user):
    from .enums import ProposalStatus
    from .models import Support

    _visible_or_refuse(proposal, "la soutenir")
    if proposal.status != ProposalStatus.PUBLISHED:
        raise ConsultationError(
            "L'équipe a déjà répondu à cette fiche : les soutiens sont clos.", 409
        )
    deleted, _ = Support.objects.filter(proposal=proposal, user=user).delete()
    if not deleted:
        Support.objects.create(proposal=proposal, user=user)
    return not deleted


@transaction.atomic
def comment_create(*, proposal, author, body, parent_id=None):
    from .models import Comment

    _visible_or_refuse(proposal, "la commenter")
    body = (body or "").strip()
    if not body or len(body) > MAX_BODY:
        raise ConsultationError(f"Écrivez un commentaire ({MAX_BODY} caractères au plus).")
    parent = None
    if parent_id:
        parent = (
            Comment.objects.filter(pk=parent_id, proposal=proposal, hidden=False).first()
            if str(parent_id).isdigit()
            else None
        )
        if parent is None:
            raise ConsultationError("Le commentaire auquel vous répondez n'existe pas.", 400)
    return Comment.objects.create(proposal=proposal, parent=parent, author=author, body=body)


@transaction.atomic
def report_create(*, proposal, reporter, reason, message="", comment_id=None):
    from .enums import ReportReason
    from .models import Comment, ContentReport

    _visible_or_refuse(proposal, "la signaler")
    if reason not in ReportReason.values:
        raise ConsultationError("Choisissez un motif de signalement.")
    comment = None
    if comment_id:
        comment = (
            Comment.objects.filter(pk=comment_id, proposal=proposal).first()
            if str(comment_id).isdigit()
            else None
        )
        if comment is None:
            raise ConsultationError("Ce commentaire n'existe pas.", 400)
    return ContentReport.objects.create(
        proposal=proposal,
        comment=comment,
        reporter=reporter,
        reason=reason,
        message=(message or "").strip()[:2000],
    )


@transaction.atomic
def comment_moderate(*, comment, by, hide):
    from django.utils import timezone

    from essor.accounts.perms import can_moderate

    if not can_moderate(by):
        raise _forbidden()
    comment.hidden = hide
    comment.save(update_fields=["hidden"])
    comment.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
    return comment


@transaction.atomic
def report_dismiss(*, report, by):
    from django.utils import timezone

    from essor.accounts.perms import can_moderate

    if not can_moderate(by):
        raise _forbidden()
    report.resolved_at = timezone.now()
    report.save(update_fields=["resolved_at"])


# Workshops


def workshop_link(*, process, by, reference):
    """Make an event of the agenda one of the process's workshops: its registration,
    waiting list, .ics and minutes are the agenda's (essor/events)."""
    if not perms.can_manage_process(by, process):
        raise _forbidden()
    try:
        event = events_services.find_event(reference)
    except events_services.EventError as error:
        raise ConsultationError(error.message, error.status_code) from error
    process.workshops.add(event)
    return event


def workshop_unlink(*, process, by, event_id):
    if not perms.can_manage_process(by, process):
        raise _forbidden()
    if not str(event_id).isdigit() or not process.workshops.filter(pk=event_id).exists():
        raise ConsultationError("Cet événement n'est pas un atelier de la concertation.", 404)
    process.workshops.remove(event_id)


# The team and the questionnaires' sections


def can_edit_team(user):
    """The roster is the CRESS staff's to set: a team member runs the process, not its team."""
    return perms.can_create_process(user)


def team_add(*, process, by, email):
    """Name an existing account, by its e-mail, to the process's team."""
    from django.contrib.auth import get_user_model

    if not can_edit_team(by):
        raise _forbidden()
    email = (email or "").strip()
    if not email:
        raise ConsultationError("Indiquez l'adresse e-mail d'un compte ESSor.")
    person = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if person is None:
        raise ConsultationError(
            "Aucun compte actif n'a cette adresse : la personne crée d'abord son compte.", 404
        )
    process.team.add(person)
    return person


def team_remove(*, process, by, user_id):
    if not can_edit_team(by):
        raise _forbidden()
    if not str(user_id).isdigit() or not process.team.filter(pk=user_id).exists():
        raise ConsultationError("Cette personne n'est pas dans l'équipe de la concertation.", 404)
    process.team.remove(user_id)


def section_delete(section):
    """A section goes with its questions while nobody has answered them; once answered,
    the answers keep their questions (the results would lose them)."""
    if section.questions.filter(answers__isnull=False).exists():
        raise ConsultationError(
            "Des réponses ont déjà été données à une question de cette section : "
            "elle ne peut plus être supprimée.",
            409,
        )
    section.delete()


# Following


@transaction.atomic
def follow_toggle(*, user, target):
    from .models import Follow, Process, Proposal

    field = {Process: "process", Proposal: "proposal", Action: "action"}[type(target)]
    deleted, _ = Follow.objects.filter(user=user, **{field: target}).delete()
    if not deleted:
        Follow.objects.create(user=user, **{field: target})
    return not deleted
