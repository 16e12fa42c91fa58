"""Answering a questionnaire and reading its results, as plain functions.

Answers arrive as the form's fields (`q<question id>`). Everything is checked before
anything is written: a question of another questionnaire, a choice that is not offered,
a number out of range, a required question left empty (when sending, not when saving a
draft), a closed phase, a second answer where one is allowed. A conditional question
whose condition is not met is dropped. Sending writes the answer and the participation
in one transaction; an anonymous answer then forgets its account and organisation and
keeps only their family, sector and département, for the crossed results.

Published results never show a cell of fewer than MIN_CELL respondents: the observatory's
secrecy rule (essor.observatory.services.mask_small_cells) hides them, and the cells from
which they could be recovered."""

from collections import Counter, defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from essor.core.charts import bar_chart
from essor.directory import nomenclatures
from essor.directory.enums import EssFamily
from essor.directory.perms import can_act_for_organisation
from essor.observatory.services import mask_small_cells
from essor.search.pickers import resolve_organisation
from essor.territories.forms import resolve_commune
from essor.territories.models import Commune, Departement

from . import perms
from .enums import (
    CHOICE_KINDS,
    TEXT_KINDS,
    Access,
    Breakdown,
    OnePer,
    QuestionKind,
    ResponseStatus,
)
from .models import Answer, Participation, Response
from .services import ConsultationError

MIN_CELL = 5
MAX_TEXT = {QuestionKind.SHORT_TEXT: 300, QuestionKind.LONG_TEXT: 5000}


class AnswerErrors(ConsultationError):
    """Answers refused: `errors` maps a question id to its French message."""

    def __init__(
        self,
        errors,
        message="Le questionnaire n'a pas été enregistré : corrigez les réponses signalées.",
    ):
        super().__init__(message, 400)
        self.errors = errors


def _values(data, question):
    if hasattr(data, "getlist"):
        values = [v.strip() for v in data.getlist(question.field_name) if v.strip()]
    else:
        raw = data.get(question.field_name)
        values = [
            str(v).strip() for v in (raw if isinstance(raw, list) else [raw]) if v not in (None, "")
        ]
    return values


def _clean_one(question, values):
    """The stored value of one question, or a ValueError with the French message."""
    kind = question.kind
    if kind in CHOICE_KINDS:
        offered = {c["value"] for c in question.choices}
        if any(v not in offered for v in values):
            raise ValueError("Ce choix ne fait pas partie des réponses proposées.")
        if kind == QuestionKind.SINGLE and len(values) > 1:
            raise ValueError("Une seule réponse est possible.")
        return list(dict.fromkeys(values))
    if len(values) > 1:
        raise ValueError("Une seule réponse est possible.")
    value = values[0]
    if kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
        try:
            number = float(value.replace(",", ".")) if kind == QuestionKind.NUMBER else int(value)
        except ValueError:
            raise ValueError("Indiquez un nombre.") from None
        if kind == QuestionKind.SCALE and not question.scale_min <= number <= question.scale_max:
            raise ValueError(
                f"Choisissez une valeur de {question.scale_min} à {question.scale_max}."
            )
        if kind == QuestionKind.NUMBER and not -1e12 < number < 1e12:
            raise ValueError("Ce nombre est hors limites.")
        return int(number) if float(number).is_integer() else number
    if kind in TEXT_KINDS:
        if len(value) > MAX_TEXT[kind]:
            raise ValueError(f"{MAX_TEXT[kind]} caractères au plus.")
        return value
    # The pickers send a label (« Limoges (87085) », « Nom (fiche 12) »); a code, a SIREN
    # or a name that is not ambiguous also do. The code and the id are what is stored.
    if kind == QuestionKind.COMMUNE:
        try:
            return resolve_commune(value).code
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None
    if kind == QuestionKind.ORGANISATION:
        try:
            return resolve_organisation(value).pk
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None
    raise ValueError("Type de question inconnu.")


def is_shown(question, values_by_question):
    """A conditional question is shown when the answer it depends on holds one of its values."""
    if question.depends_on_id is None:
        return True
    answer = values_by_question.get(question.depends_on_id)
    if answer is None:
        return False
    given = answer if isinstance(answer, list) else [answer]
    return any(str(v) in {str(x) for x in question.depends_values} for v in given)


def clean_answers(questionnaire, data, *, submitting):
    """{question id: value} of the shown, answered questions; AnswerErrors otherwise."""
    questions = questionnaire.ordered_questions()
    known = {q.field_name for q in questions}
    forged = [k for k in data if k.startswith("q") and k[1:].isdigit() and k not in known]
    if forged:
        raise AnswerErrors({}, "Une des questions envoyées n'existe pas dans ce questionnaire.")
    values, errors = {}, {}
    for question in questions:
        raw = _values(data, question)
        if not is_shown(question, values):
            continue
        if not raw:
            if submitting and question.required:
                errors[question.pk] = "Cette question est obligatoire."
            continue
        try:
            values[question.pk] = _clean_one(question, raw)
        except ValueError as error:
            errors[question.pk] = str(error)
    if errors:
        raise AnswerErrors(errors)
    return values


def participation_key(questionnaire, user, organisation):
    if questionnaire.one_per == OnePer.ORGANISATION:
        return f"o{organisation.pk}"
    return f"u{user.pk}"


def answering_denial(questionnaire, user, organisation=None):
    """Why `user` may not answer now (a ConsultationError), or None."""
    if not questionnaire.is_open():
        return ConsultationError("Ce questionnaire est fermé : sa phase n'est pas en cours.", 409)
    if not perms.can_view_process(user, questionnaire.process):
        return ConsultationError("Ce questionnaire n'existe pas.", 404)
    if questionnaire.process.access == Access.MEMBERS and not user.memberships.exists():
        return ConsultationError(
            "Cette concertation est réservée aux membres des structures de l'ESS : rattachez votre compte à votre structure.",
            403,
        )
    if organisation is not None and not can_act_for_organisation(user, organisation):
        return ConsultationError(
            "Vous ne pouvez répondre qu'au nom d'une structure dont vous êtes membre.", 403
        )
    if questionnaire.one_per == OnePer.ORGANISATION and organisation is None:
        return None  # asked for when sending
    key = participation_key(questionnaire, user, organisation) if (
        organisation is not None or questionnaire.one_per == OnePer.ACCOUNT
    ) else None  # fmt: skip
    if key and Participation.objects.filter(questionnaire=questionnaire, key=key).exists():
        who = "votre structure a" if questionnaire.one_per == OnePer.ORGANISATION else "vous avez"
        return ConsultationError(f"Une seule réponse est possible, et {who} déjà répondu.", 409)
    return None


def draft_of(questionnaire, user):
    if not user.is_authenticated:
        return None
    return (
        Response.objects.filter(
            questionnaire=questionnaire, respondent=user, status=ResponseStatus.DRAFT
        )
        .prefetch_related("answers")
        .first()
    )


def _head_office_departement(organisation):
    site = (
        organisation.establishments.filter(commune__isnull=False)
        .order_by("-is_head_office", "pk")
        .select_related("commune")
        .first()
    )
    return site.commune.departement_id if site else ""


def save_response(*, questionnaire, user, data, organisation=None, submit=False):
    """Save the draft, or send the answer. Nothing is written when anything is wrong."""
    denial = answering_denial(questionnaire, user, organisation)
    if denial:
        raise denial
    if submit and questionnaire.one_per == OnePer.ORGANISATION and organisation is None:
        raise ConsultationError("Choisissez la structure au nom de laquelle vous répondez.", 400)
    values = clean_answers(questionnaire, data, submitting=submit)
    with transaction.atomic():
        response = (
            Response.objects.select_for_update()
            .filter(questionnaire=questionnaire, respondent=user, status=ResponseStatus.DRAFT)
            .first()
        ) or Response(questionnaire=questionnaire, respondent=user)
        response.organisation = organisation
        response.save()
        response.answers.all().delete()
        Answer.objects.bulk_create(
            Answer(response=response, question_id=qid, value=value) for qid, value in values.items()
        )
        if submit:
            try:
                with transaction.atomic():
                    Participation.objects.create(
                        questionnaire=questionnaire,
                        key=participation_key(questionnaire, user, organisation),
                        user=user,
                    )
            except IntegrityError:
                raise ConsultationError(
                    "Une seule réponse est possible, et elle a déjà été envoyée.", 409
                ) from None
            if organisation is not None:
                response.family = organisation.ess_family
                response.sector = (organisation.sectors or [""])[0]
                response.departement = _head_office_departement(organisation)
            response.status = ResponseStatus.SUBMITTED
            response.submitted_at = timezone.now()
            if questionnaire.anonymous:
                response.respondent = None
                response.organisation = None
                # The minute only: the order of the answers says nothing about who sent them.
                response.submitted_at = response.submitted_at.replace(second=0, microsecond=0)
            response.save()
    return response


# Results


def _labels(breakdown):
    if breakdown == Breakdown.FAMILY:
        return dict(EssFamily.choices)
    if breakdown == Breakdown.SECTOR:
        return dict(nomenclatures.ess_sectors())
    return dict(Departement.objects.values_list("code", "name"))


FIELD = {
    Breakdown.FAMILY: "family",
    Breakdown.SECTOR: "sector",
    Breakdown.DEPARTEMENT: "departement",
}
UNKNOWN = "Non renseigné"


def _options(question, answers):
    if question.kind in CHOICE_KINDS:
        return [(c["value"], c["label"]) for c in question.choices]
    if question.kind == QuestionKind.SCALE:
        return [(str(v), str(v)) for v in range(question.scale_min, question.scale_max + 1)]
    if question.kind == QuestionKind.COMMUNE:
        codes = sorted(set(answers))
        return list(Commune.objects.filter(code__in=codes).values_list("code", "name"))
    return []


def question_results(question, responses, breakdown=None, *, public=True):
    """Counts of one question's answers among `responses` (submitted), overall and crossed
    by `breakdown`; masked cells are None when `public`."""
    answers = {a.response_id: a.value for a in question.answers.all() if a.response_id in responses}
    result = {"question": question, "respondents": len(answers), "kind": question.kind}
    if question.kind in TEXT_KINDS or question.kind == QuestionKind.ORGANISATION:
        result["texts"] = None if public else [str(v) for v in answers.values()]
        return result
    if question.kind == QuestionKind.NUMBER:
        numbers = [float(v) for v in answers.values()]
        enough = len(numbers) >= MIN_CELL or not public
        result["mean"] = round(sum(numbers) / len(numbers), 1) if numbers and enough else None
        return result
    options = _options(question, [str(v) for v in answers.values()])
    categories = []
    if breakdown:
        labels = _labels(breakdown)
        field = FIELD[breakdown]
        present = sorted({getattr(responses[rid], field) for rid in answers})
        categories = [(c, labels.get(c, c) if c else UNKNOWN) for c in present]
    counts = Counter()
    for rid, value in answers.items():
        given = value if isinstance(value, list) else [str(value)]
        category = getattr(responses[rid], FIELD[breakdown]) if breakdown else None
        counts[("_", "_")] += 1
        if breakdown:
            counts[("_", category)] += 1
        for v in given:
            counts[(str(v), "_")] += 1
            if breakdown:
                counts[(str(v), category)] += 1
    cells = {
        (o, c): counts.get((o, c), 0)
        for o, _ in [("_", ""), *options]
        for c in ["_", *(k for k, _ in categories)]
    }
    masked = set()
    if public:
        groups = []
        if question.kind != QuestionKind.MULTIPLE:  # a single answer each: the table adds up
            for column in ["_", *(k for k, _ in categories)]:
                groups.append((("_", column), [(o, column) for o, _ in options]))
            for option, _ in [("_", ""), *options]:
                if categories:
                    groups.append(((option, "_"), [(option, c) for c, _ in categories]))
        masked = mask_small_cells(cells, groups, minimum=MIN_CELL)
    result["columns"] = [("_", "Ensemble"), *categories]
    result["rows"] = [
        {
            "label": label,
            "cells": [
                None if (value, c) in masked else cells[(value, c)] for c, _ in result["columns"]
            ],
        }
        for value, label in [("_", "Répondants"), *options]
    ]
    result["masked"] = bool(masked)
    # The whole of the respondents, drawn; the crossing stays in the table below it.
    result["chart"] = bar_chart(
        [{"label": row["label"], "value": row["cells"][0]} for row in result["rows"][1:]],
        "value",
        title=question.label,
    )
    return result


def results(questionnaire, breakdown=None, *, public=True):
    responses = {r.pk: r for r in questionnaire.responses.filter(status=ResponseStatus.SUBMITTED)}
    questions = questionnaire.ordered_questions()
    return {
        "total": len(responses),
        "questions": [question_results(q, responses, breakdown, public=public) for q in questions],
    }


def _cell(question, value):
    if value is None:
        return ""
    if isinstance(value, list):
        return [question.choice_label(v) for v in value]
    return value


def export_rows(questionnaire):
    """Header and rows of every submitted answer, for the team: the account and the
    organisation only when the questionnaire is signed."""
    questions = questionnaire.ordered_questions()
    header = [
        "reponse",
        "envoyee_le",
        "compte",
        "structure",
        "famille",
        "secteur",
        "departement",
        "demonstration",
    ]
    header += [f"{q.pk}. {q.label}" for q in questions]
    rows = []
    responses = (
        questionnaire.responses.filter(status=ResponseStatus.SUBMITTED)
        .select_related("respondent", "organisation")
        .prefetch_related("answers")
        .order_by("pk")
    )
    signed = not questionnaire.anonymous
    for response in responses:
        by_question = {a.question_id: a.value for a in response.answers.all()}
        rows.append(
            [
                response.pk,
                response.submitted_at,
                response.respondent.email if signed and response.respondent else "",
                response.organisation.name if signed and response.organisation else "",
                response.family,
                response.sector,
                response.departement,
                response.is_demo,
                *(_cell(q, by_question.get(q.pk)) for q in questions),
            ]
        )
    return header, rows


def crossed_totals(questionnaire):
    """Respondents per breakdown category, for the results page's intro."""
    totals = defaultdict(Counter)
    for response in questionnaire.responses.filter(status=ResponseStatus.SUBMITTED):
        for breakdown, field in FIELD.items():
            totals[breakdown][getattr(response, field)] += 1
    return totals
