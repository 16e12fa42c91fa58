"""Personal data of the consultation: what the RGPD export shows, and what account
deletion removes. An anonymous answer is not the person's any more once sent: it appears
in neither (only the fact of having answered, kept to stop a second answer, does)."""

from essor.accounts.personal_data import (
    ANONYMISE,
    DELETE,
    DELETED_MESSAGE,
    DETACH,
    UserLink,
    in_role,
    scrubber,
)

from .enums import ResponseStatus
from .models import Comment, ContentReport, Participation, Proposal, Response

SECTION = "concertation"


def _answers(response):
    return {a.question.label: a.value for a in response.answers.select_related("question")}


def personal_data(user):
    responses = Response.objects.filter(respondent=user).select_related("questionnaire__process")
    return {
        SECTION: {
            "reponses_signees": [
                {
                    "questionnaire": r.questionnaire.title,
                    "concertation": r.questionnaire.process.title,
                    "etat": r.get_status_display(),
                    "envoyee_le": r.submitted_at,
                    "reponses": _answers(r),
                }
                for r in responses
            ],
            "questionnaires_repondus": [
                {"questionnaire": p.questionnaire.title, "le": p.created_at}
                for p in Participation.objects.filter(user=user).select_related("questionnaire")
            ],
            "fiches_actions": [
                {
                    "titre": p.title,
                    "etat": p.get_status_display(),
                    "description": p.description,
                    "le": p.created_at,
                }
                for p in Proposal.objects.filter(author=user)
            ],
            "commentaires": [
                {"fiche": c.proposal.title, "texte": c.body, "le": c.created_at}
                for c in Comment.objects.filter(author=user).select_related("proposal")
            ],
            "soutiens": [
                s.proposal.title for s in user.consultation_supports.select_related("proposal")
            ],
            "suivis": [
                str(f.target)
                for f in user.consultation_follows.select_related("process", "proposal", "action")
            ],
            "points_d_avancement": [
                {"action": u.action.number, "texte": u.text, "le": u.date}
                for u in user.consultation_action_updates.select_related("action")
            ],
            "signalements": [
                {"fiche": r.proposal.title, "motif": r.get_reason_display(), "le": r.created_at}
                for r in ContentReport.objects.filter(reporter=user).select_related("proposal")
            ],
        }
    }


def forget_drafts(responses):
    """Account deletion: unsent drafts go; sent answers stay, no longer linked to the
    person, as public fiches and comments do; supports, registrations and follows go."""
    responses.filter(status=ResponseStatus.DRAFT).delete()


USER_LINKS = [
    UserLink(
        "consultation.Process.team",
        DELETE,
        not_personal="rôle d'animation d'une concertation confié par l'équipe CRESS",
    ),
    UserLink("consultation.Response.respondent", DETACH, export=SECTION, prepare=forget_drafts),
    UserLink("consultation.Participation.user", DETACH, export=SECTION),
    UserLink("consultation.Proposal.author", DETACH, export=SECTION),
    in_role("consultation.Proposal.decided_by"),
    in_role("consultation.ProposalTransition.actor"),
    UserLink("consultation.Comment.author", DETACH, export=SECTION),
    UserLink("consultation.ActionUpdate.author", DETACH, export=SECTION),
    UserLink("consultation.Support.user", DELETE, export=SECTION),
    UserLink("consultation.Follow.user", DELETE, export=SECTION),
    UserLink(
        "consultation.ContentReport.reporter",
        ANONYMISE,
        export=SECTION,
        prepare=scrubber(message=DELETED_MESSAGE),
    ),
]
