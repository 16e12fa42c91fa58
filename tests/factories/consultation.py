"""Consultation processes and their actions."""

import datetime

import factory

from essor.consultation.enums import ActionStatus, Axis, PhaseKind, ProcessStatus
from essor.consultation.models import Action, Phase, Process


class ProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Process
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"concertation-{n}")
    title = factory.Sequence(lambda n: f"Concertation {n}")
    purpose = "Consulter les acteurs."
    territory_label = "Nouvelle-Aquitaine"
    status = ProcessStatus.PUBLISHED

    class Params:
        draft = factory.Trait(status=ProcessStatus.DRAFT)


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    process = factory.SubFactory(ProcessFactory)
    kind = PhaseKind.QUESTIONNAIRE
    starts_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=7))
    ends_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=7))


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    process = factory.SubFactory(ProcessFactory)
    number = factory.Sequence(lambda n: n + 1)
    axis = Axis.COOPERER
    chapter = "COOPÉRATION ENTRE ACTEURS DE L'ESS"
    theme = "Faire se rencontrer les acteurs de l'ESS"
    text = "Développer des salons d'affaires pour accentuer la mise en relation des structures."
    status = ActionStatus.TO_START


def questionnaire(
    process=None, *, anonymous=True, one_per="account", results_published=True, open_=True
):
    """A questionnaire with two sections: a required single choice (« Oui » / « Non »), a
    multiple choice, a scale, a question shown only after « Oui », a number and a long text."""
    from essor.consultation.models import Question, Questionnaire, Section

    process = process or ProcessFactory()
    today = datetime.date.today()
    phase = PhaseFactory(
        process=process,
        starts_on=today - datetime.timedelta(days=3 if open_ else 30),
        ends_on=today + datetime.timedelta(days=3)
        if open_
        else today - datetime.timedelta(days=10),
    )
    q = Questionnaire.objects.create(
        process=process, phase=phase, title="Vos besoins", anonymous=anonymous,
        one_per=one_per, results_published=results_published,
    )  # fmt: skip
    first = Section.objects.create(questionnaire=q, title="Accompagnement", order=1)
    second = Section.objects.create(questionnaire=q, title="Financement", order=2)
    yes_no = [{"value": "oui", "label": "Oui"}, {"value": "non", "label": "Non"}]
    needs = [{"value": v, "label": v.capitalize()} for v in ("juridique", "financier", "rh")]
    q.q_support = Question.objects.create(
        section=first,
        order=1,
        kind="single",
        label="Êtes-vous accompagnés ?",
        required=True,
        choices=yes_no,
    )
    q.q_needs = Question.objects.create(
        section=first, order=2, kind="multiple", label="Vos besoins", choices=needs
    )
    q.q_scale = Question.objects.create(
        section=first, order=3, kind="scale", label="Satisfaction", scale_min=1, scale_max=5
    )
    q.q_who = Question.objects.create(
        section=first,
        order=4,
        kind="short_text",
        label="Par qui ?",
        required=True,
        depends_on=q.q_support,
        depends_values=["oui"],
    )
    q.q_amount = Question.objects.create(
        section=second, order=1, kind="number", label="Montant recherché"
    )
    q.q_text = Question.objects.create(
        section=second, order=2, kind="long_text", label="Commentaires"
    )
    return q
