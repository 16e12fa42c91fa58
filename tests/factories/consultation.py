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
