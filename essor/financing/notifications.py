"""Who hears of each step of a funding request (issue 15.6), through accounts.notify: a
line on their notifications page and an e-mail with the link to the exact page.

The instruction's workflow (workflow.INSTRUCTION) calls `on_instruction_step` after every
logged step, inside its transaction: the funder's members hear of a new dossier and of an
answered request for documents; the applicant's members of every step the funder takes,
with its reason. Nobody is told of what they did themselves."""

from django.urls import reverse

from essor.accounts.enums import PlatformRole
from essor.accounts.models import User
from essor.accounts.services import notify

from .enums import Transition as T
from .templatetags.financing import euros

SUBMIT = "submit"


def funder_people(funder):
    """Who instructs the requests sent to `funder` (perms.can_instruct_funding_requests)."""
    return User.objects.filter(
        is_active=True, platform_role=PlatformRole.FUNDER, memberships__organisation=funder
    ).distinct()


def applicant_people(organisation):
    """Who acts for the organisation (directory.perms.can_act_for_organisation)."""
    return User.objects.filter(is_active=True, memberships__organisation=organisation).distinct()


# What the applicant reads for each step a funder takes; {funder}, {title}, {amount}.
APPLICANT_MESSAGES = {
    T.DECLARE_ADMISSIBLE: "{funder} a déclaré recevable votre demande « {title} »",
    T.DECLARE_INADMISSIBLE: "{funder} a déclaré irrecevable votre demande « {title} »",
    T.START_INSTRUCTION: "{funder} a mis en instruction votre demande « {title} »",
    T.REQUEST_COMPLEMENT: "{funder} demande un complément pour « {title} »",
    T.GRANT: "{funder} vous accorde {amount} pour « {title} »",
    T.GRANT_PARTIALLY: "{funder} vous accorde partiellement {amount} pour « {title} »",
    T.REFUSE: "{funder} a refusé votre demande « {title} »",
    T.CLOSE: "{funder} a classé sans suite votre demande « {title} »",
    T.SIGN_AGREEMENT: "La convention avec {funder} est signée pour « {title} »",
    T.PAY: "{funder} a versé {amount} pour « {title} »",
}
REASON_STEPS = {T.DECLARE_INADMISSIBLE, T.REQUEST_COMPLEMENT, T.GRANT_PARTIALLY, T.REFUSE, T.CLOSE}


def _without(people, user):
    return [person for person in people if user is None or person.pk != user.pk]


def on_instruction_step(request, name, *, by, comment, previous):
    dossier = request.dossier
    values = {
        "funder": request.funder.name,
        "title": dossier.title,
        "organisation": dossier.organisation.name,
        "amount": euros(request.amount_granted),
    }
    if name == SUBMIT:
        notify(
            _without(funder_people(request.funder), by),
            "Nouvelle demande de financement : « {title} » de {organisation}".format(**values),
            request.get_absolute_url(),
            detail=f"Montant demandé : {euros(request.amount_asked)}.",
        )
    elif name == T.ANSWER_COMPLEMENT:
        notify(
            _without(funder_people(request.funder), by),
            "Complément reçu pour « {title} » de {organisation}".format(**values),
            request.get_absolute_url(),
            detail=f"Réponse : {comment}" if comment else "",
        )
    elif name in APPLICANT_MESSAGES:
        label = "Motif" if name in REASON_STEPS else "Message"
        notify(
            _without(applicant_people(dossier.organisation), by),
            APPLICANT_MESSAGES[T(name)].format(**values),
            dossier.get_absolute_url() + "#demandes",
            detail=f"{label} : {comment}" if comment else "",
        )


def on_tool_changes_step(tool, name, *, by, comment, previous):
    """The funder learns what became of the links and contacts it changed on a published
    tool; a refusal comes with the CRESS team's reason."""
    if name not in {"accept_changes", "refuse_changes"}:
        return
    people = [p for funder in tool.funders.all() for p in funder_people(funder)]
    if name == "accept_changes":
        message = f"Vos modifications de « {tool.title} » sont publiées"
    else:
        message = f"Vos modifications de « {tool.title} » sont refusées"
    notify(
        _without(people, by),
        message,
        reverse("financing:tool_edit", args=[tool.pk]),
        detail=f"Motif : {comment}" if comment else "",
    )
