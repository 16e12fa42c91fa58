"""The consultation in the platform search (/recherche/): published processes and the
actions they follow."""

from urllib.parse import urlencode

from django.urls import reverse

from essor.search.registry import Document, ModelKind

from .models import Action, Process, Proposal


class ProcessKind(ModelKind):
    name = "concertations"
    label = "Concertations"
    singular, plural = "concertation", "concertations"
    order = 70
    model = Process
    version = "1"

    def published(self):
        return Process.objects.published()

    def document(self, process):
        return Document(
            key=process.pk,
            title=process.title,
            keywords=process.territory_label,
            body=process.purpose,
            url=process.get_absolute_url(),
            summary=process.purpose,
            territory=process.territory_label,
        )


class ActionKind(ModelKind):
    name = "actions"
    label = "Actions suivies"
    singular, plural = "action suivie", "actions suivies"
    order = 71
    model = Action
    version = "1"

    def published(self):
        return (
            Action.objects.public()
            .select_related("process", "departement")
            .prefetch_related("carriers")
        )

    def document(self, action):
        return Document(
            key=action.pk,
            title=action.short_text,
            keywords=" ".join(
                [
                    action.get_axis_display(),
                    action.chapter,
                    *(o.name for o in action.carriers.all()),
                ]
            ),
            body=f"{action.text}\n\n{action.theme}",
            url=action.get_absolute_url(),
            summary=action.text,
            context=f"{action.process.title} · {action.get_status_display()} · {action.progress} %",
            territory=action.territory_label,
        )

    def search_url(self, query):
        return reverse("consultation:dashboard") + "?" + urlencode({"q": query})


class ProposalKind(ModelKind):
    name = "fiches-actions"
    label = "Fiches actions"
    singular, plural = "fiche action", "fiches actions"
    order = 72
    model = Proposal
    version = "1"

    def published(self):
        return Proposal.objects.visible().select_related("process", "departement")

    def document(self, proposal):
        return Document(
            key=proposal.pk,
            title=proposal.title,
            keywords=" ".join([proposal.get_axis_display(), proposal.theme, proposal.carriers]),
            body=proposal.description,
            url=proposal.get_absolute_url(),
            summary=proposal.description,
            context=f"{proposal.process.title} · {proposal.get_status_display()}",
            territory=proposal.territory_label,
        )
