"""The life of what organisations publish in the resource centre (see essor.core.workflow).

    study    pending ─┬─ publish ─▶ published ─┐
             rejected ┘             (reject) ◀─┤
             pending ─── reject ──▶ rejected   │
             pending, published, rejected ─ archive ─▶ archived
             rejected, archived ─ resubmit (the organisation edits it) ─▶ pending

A new study is pending, or published at once when CRESS staff file it; the file it
carries stays private until then.

    guide version  draft ─ submit ─▶ submitted ─ publish ─▶ published ─(next one published)─▶ superseded
                   changes_requested ─ submit ┘   ├─ ask_changes ─▶ changes_requested
                   submitted ─ withdraw ─▶ draft  └─ refuse ──────▶ refused

A guide written on the portal lives in versions: each one is written, submitted, then
published by the CRESS (never by its own writer). Editing a published guide writes a new
draft version; the published one stays online until the CRESS publishes the new one
(services.guide_decide then marks the old one superseded)."""

from essor.accounts.perms import moderator_kind
from essor.core.workflow import MODERATOR, Transition, Workflow

from .enums import GuideVersionStatus as G
from .enums import PublicationStatus as S
from .perms import can_edit_guide, can_edit_study, can_edit_training

# A member of the organisation that publishes the study (CRESS staff included).
PUBLISHER = "publisher"


def study_actors(user, study):
    return moderator_kind(user) | ({PUBLISHER} if can_edit_study(user, study) else set())


STUDIES = Workflow(
    Transition("publish", {S.PENDING, S.REJECTED}, S.PUBLISHED, {MODERATOR}, "Publication"),
    Transition(
        "reject", {S.PENDING, S.PUBLISHED}, S.REJECTED, {MODERATOR}, "Refus", comment_required=True
    ),
    Transition(
        "archive", {S.PENDING, S.PUBLISHED, S.REJECTED}, S.ARCHIVED, {PUBLISHER}, "Archivage"
    ),
    Transition("resubmit", {S.REJECTED, S.ARCHIVED}, S.PENDING, {PUBLISHER}, "Nouvelle relecture"),
    actors=study_actors,
    authors=lambda study: {study.created_by_id} - {None},
    log="resources.StudyTransition",
    events={"create": "Dépôt", "edit": "Modification", "text": "Texte extrait du PDF"},
    messages={
        "stale": "Le document est « {state} » : cette action n'est plus possible.",
        "comment": "Indiquez le motif du refus : il est envoyé à la structure.",
        PUBLISHER: "Seuls les membres de la structure qui publie ce document peuvent faire "
        "cette action.",
    },
)


# A member of the organisation that gives the training (CRESS staff included).
PROVIDER = "provider"


def training_actors(user, training):
    return moderator_kind(user) | ({PROVIDER} if can_edit_training(user, training) else set())


# Trainings: the same life as studies — moderated on first publication; later edits of a
# published training stay published, logged.
TRAININGS = Workflow(
    Transition("publish", {S.PENDING, S.REJECTED}, S.PUBLISHED, {MODERATOR}, "Publication"),
    Transition(
        "reject", {S.PENDING, S.PUBLISHED}, S.REJECTED, {MODERATOR}, "Refus", comment_required=True
    ),
    Transition(
        "archive", {S.PENDING, S.PUBLISHED, S.REJECTED}, S.ARCHIVED, {PROVIDER}, "Archivage"
    ),
    Transition("resubmit", {S.REJECTED, S.ARCHIVED}, S.PENDING, {PROVIDER}, "Nouvelle relecture"),
    actors=training_actors,
    authors=lambda training: {training.created_by_id} - {None},
    log="resources.TrainingTransition",
    events={"create": "Création", "edit": "Modification"},
    messages={
        "stale": "La formation est « {state} » : cette action n'est plus possible.",
        "comment": "Indiquez le motif du refus : il est envoyé à l'organisme.",
        PROVIDER: "Seuls les membres de l'organisme qui donne la formation peuvent faire "
        "cette action.",
    },
)


# A support actor of the organisation that writes the guide (CRESS staff included).
WRITER = "writer"


def guide_version_actors(user, version):
    return moderator_kind(user) | ({WRITER} if can_edit_guide(user, version.guide) else set())


GUIDE_VERSIONS = Workflow(
    Transition(
        "submit", {G.DRAFT, G.CHANGES_REQUESTED}, G.SUBMITTED, {WRITER}, "Soumettre à la CRESS"
    ),
    Transition("withdraw", {G.SUBMITTED}, G.DRAFT, {WRITER}, "Reprendre en brouillon"),
    Transition("publish", {G.SUBMITTED}, G.PUBLISHED, {MODERATOR}, "Publier cette version"),
    Transition(
        "ask_changes", {G.SUBMITTED}, G.CHANGES_REQUESTED, {MODERATOR},
        "Demander des modifications", comment_required=True,
    ),
    Transition("refuse", {G.SUBMITTED}, G.REFUSED, {MODERATOR}, "Refuser", comment_required=True),
    actors=guide_version_actors,
    authors=lambda version: {version.created_by_id} - {None},
    log="resources.GuideVersionTransition",
    events={"create": "Rédaction", "edit": "Modification", "supersede": "Remplacée"},
    messages={
        "stale": "Cette version est « {state} » : cette action n'est plus possible.",
        "comment": "Indiquez le motif : il est envoyé à l'auteur du guide.",
        WRITER: "Seuls les acteurs de l'accompagnement de la structure qui écrit ce guide "
        "peuvent faire cette action.",
    },
    on_step="essor.resources.notifications.on_guide_step",
)  # fmt: skip
