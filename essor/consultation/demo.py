"""The demo consultation « État des lieux de l'ESS 2026 » (data/demo/concertation_2026.json):
phases dated around the day it is loaded, a questionnaire on the report's themes with demo
answers (labelled), fiches actions in every state, comments, supports and workshops."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from essor.core.demo import demo_step
from essor.directory.enums import Source
from essor.directory.models import Organisation
from essor.events import services as events_services
from essor.territories.models import Commune

from .enums import Access, ProcessStatus, ProposalStatus, ResponseStatus
from .models import (
    Answer,
    Comment,
    Phase,
    Process,
    Proposal,
    ProposalTransition,
    Question,
    Questionnaire,
    Response,
    Section,
    Support,
)
from .services import action_from_proposal

DECIDED = {
    ProposalStatus.PUBLISHED: "publish",
    ProposalStatus.HIDDEN: "hide",
    ProposalStatus.ACCEPTED: "accept",
    ProposalStatus.MERGED: "merge",
    ProposalStatus.DECLINED: "decline",
}


def _of(records, kind):
    return [r for r in records if r["type"] == kind]


@demo_step("concertation_2026.json", order=70)
def load_consultation_demo(data, today=None):
    today = today or timezone.localdate()
    spec = data["process"]
    if Process.objects.filter(key=spec["key"]).exists():
        return {"created": 0}
    records = data["records"]
    users = {
        u.email: u for u in get_user_model().objects.filter(email__endswith="@demo.example.org")
    }
    process = Process.objects.create(
        key=spec["key"], slug=spec["slug"], title=spec["title"], purpose=spec["purpose"],
        territory_label=spec["territory_label"], scope=spec["scope"], access=Access.OPEN,
        status=ProcessStatus.PUBLISHED, is_demo=True,
    )  # fmt: skip
    phases = {}
    for r in _of(records, "phase"):
        phases[r["kind"]] = Phase.objects.create(
            process=process, kind=r["kind"], title=r["title"],
            starts_on=today + datetime.timedelta(days=r["start"]),
            ends_on=None if r["end"] is None else today + datetime.timedelta(days=r["end"]),
        )  # fmt: skip
    _load_questionnaire(records, process, phases["questionnaire"])
    proposals = _load_proposals(records, process, users, users.get("cress@demo.example.org"))
    _load_discussion(records, proposals, users)
    _load_workshops(records, process, users.get("cress@demo.example.org"), today)
    return {"created": 1, "proposals": len(proposals)}


def _load_workshops(records, process, cress, today):
    """The workshops are events of the agenda, organised by a CRESS of the report."""
    for r in _of(records, "workshop"):
        organiser = Organisation.objects.filter(name=r["organiser"], source=Source.REPORT).first()
        commune = Commune.objects.filter(code=r["commune"]).first()
        if cress is None or organiser is None or commune is None:
            continue  # the accounts, the report's organisations or the geography are absent
        day = today + datetime.timedelta(days=r["start"])
        starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(r["hour"])))
        event = events_services.propose_event(
            by=cress, title=r["title"], kind="atelier", organiser=organiser, commune=commune,
            address=r["place"], description=r["description"], minutes=r["minutes"],
            starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=r["hours"]),
            capacity=r["capacity"], is_demo=True, provenance=r["provenance"],
        )  # fmt: skip
        process.workshops.add(event)


def _load_questionnaire(records, process, phase):
    spec = _of(records, "questionnaire")[0]
    questionnaire = Questionnaire.objects.create(
        process=process, phase=phase, title=spec["title"], introduction=spec["introduction"],
        anonymous=True, results_published=True,
    )  # fmt: skip
    sections, questions = {}, {}
    for order, r in enumerate(_of(records, "section"), start=1):
        sections[r["key"]] = Section.objects.create(
            questionnaire=questionnaire, title=r["title"], order=order
        )
    for order, r in enumerate(_of(records, "question"), start=1):
        questions[r["key"]] = Question.objects.create(
            section=sections[r["section"]], order=order, kind=r["kind"], label=r["label"],
            required=r.get("required", False),
            choices=[{"value": v, "label": label} for v, label in r.get("choices", [])],
            depends_on=questions.get(r.get("depends_on")), depends_values=r.get("depends_values", []),
        )  # fmt: skip
    now = timezone.now().replace(second=0, microsecond=0)
    for r in _of(records, "answers"):
        for _ in range(r["count"]):
            response = Response.objects.create(
                questionnaire=questionnaire, status=ResponseStatus.SUBMITTED, family=r["family"],
                sector=r["sector"], departement=r["departement"], is_demo=True, submitted_at=now,
            )  # fmt: skip
            Answer.objects.bulk_create(
                Answer(response=response, question=questions[key], value=value)
                for key, value in r["answers"].items()
            )


def _log_decisions(proposal, status, staff, answer):
    ProposalTransition.objects.create(
        proposal=proposal, transition="create", to_status=ProposalStatus.PENDING
    )
    if status == ProposalStatus.PENDING:
        return
    if status not in (ProposalStatus.PUBLISHED, ProposalStatus.HIDDEN):
        ProposalTransition.objects.create(
            proposal=proposal, transition="publish", from_status=ProposalStatus.PENDING,
            to_status=ProposalStatus.PUBLISHED, actor=staff,
        )  # fmt: skip
    ProposalTransition.objects.create(
        proposal=proposal, transition=DECIDED[status], from_status=ProposalStatus.PUBLISHED,
        to_status=status, actor=staff, comment=answer,
    )  # fmt: skip


def _load_proposals(records, process, users, staff):
    proposals = {}
    for r in _of(records, "proposal"):
        decided = r["status"] != ProposalStatus.PENDING
        proposal = Proposal.objects.create(
            process=process, title=r["title"], axis=r["axis"], theme=r["theme"],
            departement_id=r["departement"] or None, description=r["description"],
            carriers=r.get("carriers", ""), author=users.get(r["author"]), is_demo=True,
            status=r["status"], decision_comment=r.get("answer", ""),
            decided_by=staff if decided else None, decided_at=timezone.now() if decided else None,
        )  # fmt: skip
        proposals[r["key"]] = proposal
        _log_decisions(proposal, r["status"], staff, r.get("answer", ""))
        if r["status"] == ProposalStatus.ACCEPTED:
            action_from_proposal(proposal)
    for r in _of(records, "proposal"):
        if r.get("merged_into"):
            Proposal.objects.filter(pk=proposals[r["key"]].pk).update(
                merged_into=proposals[r["merged_into"]]
            )
    return proposals


def _load_discussion(records, proposals, users):
    comments = {}
    for r in _of(records, "comment"):
        comments[r["key"]] = Comment.objects.create(
            proposal=proposals[r["proposal"]], parent=comments.get(r.get("parent")),
            author=users.get(r["author"]), body=r["body"], is_demo=True,
        )  # fmt: skip
    for r in _of(records, "support"):
        for email in r["users"]:
            if email in users:
                Support.objects.get_or_create(proposal=proposals[r["proposal"]], user=users[email])
