"""The team runs a consultation from the portal: creates it (CRESS only), dates its
phases, opens and closes them, publishes it, writes questionnaires and their questions —
with French errors, and a 404 for anyone outside the team."""

import datetime
import html

import pytest
from django.urls import reverse

from essor.consultation import questionnaires as qs
from essor.consultation.enums import ProcessStatus
from essor.consultation.models import Process, Question, Questionnaire
from tests.factories.accounts import UserFactory
from tests.factories.consultation import PhaseFactory, ProcessFactory, questionnaire

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def cress(client):
    client.force_login(UserFactory(cress_staff=True))
    return client


def test_the_cress_creates_a_process_in_preparation(cress):
    response = cress.post(
        reverse("consultation:process_create"),
        {"title": "Assises de l'ESS en Corrèze", "purpose": "Consulter.", "access": "open"},
    )
    process = Process.objects.get(title="Assises de l'ESS en Corrèze")
    assert response.url == reverse("consultation:manage", args=[process.slug])
    assert process.slug == "assises-de-less-en-correze"
    assert process.status == ProcessStatus.DRAFT
    assert "Publier la concertation" in text(cress.get(response.url))


def test_only_the_cress_creates_a_process(client):
    client.force_login(UserFactory())
    assert client.get(reverse("consultation:process_create")).status_code == 403
    response = client.post(reverse("consultation:process_create"), {"title": "X", "access": "open"})
    assert response.status_code == 403
    assert not Process.objects.filter(title="X").exists()


def test_a_reserved_or_taken_address_is_refused_in_french(cress):
    ProcessFactory(slug="deja-prise")
    before = Process.objects.count()
    for slug, message in (
        ("suivi", "L'adresse « suivi » est réservée"),
        ("deja-prise", "L'adresse « deja-prise » est déjà prise"),
    ):
        response = cress.post(
            reverse("consultation:process_create"), {"title": "T", "slug": slug, "access": "open"}
        )
        assert response.status_code == 400
        assert message in text(response)
    response = cress.post(reverse("consultation:process_create"), {"title": "", "access": "x"})
    assert "Indiquez le titre de la concertation." in text(response)
    assert Process.objects.count() == before


def test_phases_are_dated_opened_and_closed(cress):
    process = ProcessFactory(draft=True)
    url = reverse("consultation:phase_create", args=[process.slug])
    response = cress.post(
        url, {"kind": "questionnaire", "starts_on": "2027-03-10", "ends_on": "2027-03-01"}
    )
    assert response.status_code == 400
    assert "La fin ne peut pas précéder le début." in text(response)
    assert not process.phases.exists()
    cress.post(url, {"kind": "questionnaire", "starts_on": "2027-03-01", "ends_on": "2027-03-31"})
    phase = process.phases.get()
    assert not phase.is_open()
    toggle = reverse("consultation:phase_toggle", args=[process.slug, phase.pk])
    cress.post(toggle, {"action": "open"})
    phase.refresh_from_db()
    assert phase.starts_on == TODAY and phase.is_open()
    cress.post(toggle, {"action": "close"})
    phase.refresh_from_db()
    assert phase.ends_on == TODAY
    assert not phase.is_open(TODAY + datetime.timedelta(days=1))
    assert cress.post(toggle, {"action": "supprimer"}).status_code == 400


def test_publishing_needs_a_phase_then_shows_the_process_to_everyone(cress, client):
    process = ProcessFactory(draft=True)
    publish = reverse("consultation:process_publish", args=[process.slug])
    response = cress.post(publish, {"status": "published"})
    assert response.status_code == 409
    assert "Datez au moins une étape" in text(response)
    PhaseFactory(process=process)
    cress.post(publish, {"status": "published"})
    process.refresh_from_db()
    assert process.is_published
    cress.post(publish, {"status": "draft"})
    process.refresh_from_db()
    assert process.status == ProcessStatus.DRAFT
    assert cress.post(publish, {"status": "ferme"}).status_code == 400


def test_the_team_writes_a_questionnaire_and_its_questions(cress):
    process = ProcessFactory(draft=True)
    phase = PhaseFactory(process=process)
    cress.post(
        reverse("consultation:questionnaire_create", args=[process.slug]),
        {"title": "Vos besoins", "phase": phase.pk, "anonymous": "on", "one_per": "account"},
    )
    q = Questionnaire.objects.get()
    section = q.sections.get()
    add = reverse("consultation:question_create", args=[process.slug, q.pk])
    response = cress.post(
        add, {"section": section.pk, "order": 1, "kind": "single", "label": "Accompagnés ?",
              "choices_text": "Oui", "scale_min": 1, "scale_max": 5},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Proposez au moins deux choix, un par ligne." in text(response)
    cress.post(
        add, {"section": section.pk, "order": 1, "kind": "single", "label": "Accompagnés ?",
              "choices_text": "Oui\nNon", "scale_min": 1, "scale_max": 5, "required": "on"},
    )  # fmt: skip
    single = Question.objects.get()
    assert single.choices == [{"value": "oui", "label": "Oui"}, {"value": "non", "label": "Non"}]
    response = cress.post(
        add, {"section": section.pk, "order": 2, "kind": "short_text", "label": "Par qui ?",
              "scale_min": 1, "scale_max": 5, "depends_on": single.pk, "depends_text": "Peut-être"},
    )  # fmt: skip
    assert "« Peut-être » n'est pas un choix de la question « Accompagnés ? »." in text(response)
    cress.post(
        add, {"section": section.pk, "order": 2, "kind": "short_text", "label": "Par qui ?",
              "scale_min": 1, "scale_max": 5, "depends_on": single.pk, "depends_text": "Oui"},
    )  # fmt: skip
    conditional = Question.objects.get(label="Par qui ?")
    assert conditional.depends_values == ["oui"]
    page = text(cress.get(reverse("consultation:questionnaire_manage", args=[process.slug, q.pk])))
    assert "Accompagnés ?" in page and "conditionnelle" in page


def test_answers_given_freeze_a_question_s_type_and_choices(cress):
    q = questionnaire()
    qs.save_response(questionnaire=q, user=UserFactory(), data={q.q_support.field_name: "oui"})
    edit = reverse("consultation:question_edit", args=[q.process.slug, q.pk, q.q_support.pk])
    base = {"section": q.q_support.section_id, "order": 1, "label": "Accompagnés ?",
            "scale_min": 1, "scale_max": 5}  # fmt: skip
    response = cress.post(edit, {**base, "kind": "multiple", "choices_text": "Oui\nNon"})
    assert "le type ne peut plus changer" in text(response)
    response = cress.post(edit, {**base, "kind": "single", "choices_text": "Oui"})
    assert response.status_code == 400
    response = cress.post(
        edit, {**base, "kind": "single", "choices_text": "Yes\nNon\nJe ne sais pas"}
    )
    assert "un choix ne peut plus être retiré" in text(response)
    # Rewording the question and adding a choice keep the answers.
    cress.post(edit, {**base, "kind": "single", "choices_text": "Oui\nNon\nJe ne sais pas"})
    q.q_support.refresh_from_db()
    assert q.q_support.label == "Accompagnés ?"
    assert [c["value"] for c in q.q_support.choices] == ["oui", "non", "je-ne-sais-pas"]
    delete = reverse("consultation:question_delete", args=[q.process.slug, q.pk, q.q_support.pk])
    assert cress.post(delete).status_code == 409
    assert Question.objects.filter(pk=q.q_support.pk).exists()
    settings_url = reverse("consultation:questionnaire_edit", args=[q.process.slug, q.pk])
    response = cress.post(
        settings_url, {"title": q.title, "phase": q.phase_id, "one_per": "account"}
    )  # anonymous unticked
    assert "cette règle ne peut plus changer" in text(response)
    q.refresh_from_db()
    assert q.anonymous


def test_another_process_s_ids_are_not_found(cress):
    mine, other = questionnaire(), questionnaire()
    foreign_question = other.q_text.pk
    for url in (
        reverse("consultation:question_edit", args=[mine.process.slug, mine.pk, foreign_question]),
        reverse("consultation:questionnaire_manage", args=[mine.process.slug, other.pk]),
        reverse("consultation:phase_edit", args=[mine.process.slug, other.phase_id]),
    ):
        assert cress.get(url).status_code == 404
    response = cress.post(
        reverse("consultation:question_delete", args=[mine.process.slug, mine.pk, foreign_question])
    )
    assert response.status_code == 404
    assert Question.objects.filter(pk=foreign_question).exists()


def test_a_named_team_member_runs_the_process_and_others_get_a_404(client):
    process = ProcessFactory(draft=True)
    member, stranger = UserFactory(), UserFactory()
    process.team.add(member)
    manage = reverse("consultation:manage", args=[process.slug])
    client.force_login(stranger)
    assert client.get(manage).status_code == 404
    response = client.post(
        reverse("consultation:process_edit", args=[process.slug]),
        {"title": "Pris", "access": "open"},
    )
    assert response.status_code == 404
    client.force_login(member)
    assert client.get(manage).status_code == 200
    client.post(
        reverse("consultation:process_edit", args=[process.slug]),
        {"title": "Nouveau titre", "slug": process.slug, "access": "members"},
    )
    process.refresh_from_db()
    assert (process.title, process.access) == ("Nouveau titre", "members")


def test_sections_are_renamed_moved_and_deleted_until_answered(cress):
    q = questionnaire()
    first, second = q.sections.order_by("order")
    edit = reverse("consultation:section_edit", args=[q.process.slug, q.pk, second.pk])
    response = cress.post(edit, {"title": "", "order": 0})
    assert response.status_code == 400 and "Indiquez le titre de la section." in text(response)
    cress.post(edit, {"title": "Vos financements", "order": 0})
    second.refresh_from_db()
    assert (second.title, second.order) == ("Vos financements", 0)
    assert [s.pk for s in q.sections.all()] == [second.pk, first.pk]

    # Nobody has answered yet: the section goes with its questions.
    delete = reverse("consultation:section_delete", args=[q.process.slug, q.pk, second.pk])
    n_questions = second.questions.count()
    assert n_questions > 0
    assert cress.post(delete).status_code == 302
    assert not q.sections.filter(pk=second.pk).exists()
    assert Question.objects.filter(section_id=second.pk).count() == 0

    # Once a question of the section is answered, it stays, answers and all.
    qs.save_response(questionnaire=q, user=UserFactory(), data={q.q_support.field_name: "oui"})
    delete = reverse("consultation:section_delete", args=[q.process.slug, q.pk, first.pk])
    response = cress.post(delete)
    assert response.status_code == 409
    assert "elle ne peut plus être supprimée" in text(response)
    assert q.sections.filter(pk=first.pk).exists()


def test_a_section_of_another_questionnaire_is_not_found(cress):
    mine, other = questionnaire(), questionnaire()
    foreign = other.sections.first()
    for name in ("section_edit", "section_delete"):
        url = reverse(f"consultation:{name}", args=[mine.process.slug, mine.pk, foreign.pk])
        response = cress.post(url, {"title": "Prise", "order": 1})
        assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.title != "Prise"


def test_the_cress_names_the_team_a_team_member_cannot(client):
    process = ProcessFactory(draft=True)
    member, newcomer = UserFactory(), UserFactory(email="Claire.Martin@example.org")
    process.team.add(member)
    add = reverse("consultation:team_add", args=[process.slug])
    # A team member runs the process but does not choose who else does.
    client.force_login(member)
    assert client.post(add, {"email": newcomer.email}).status_code == 403
    assert list(process.team.all()) == [member]
    assert "Ajouter à l'équipe" not in text(
        client.get(reverse("consultation:manage", args=[process.slug]))
    )

    client.force_login(UserFactory(cress_staff=True))
    response = client.post(add, {"email": "personne@example.org"})
    assert response.status_code == 404 and "Aucun compte actif n'a cette adresse" in text(response)
    response = client.post(add, {"email": "  claire.martin@EXAMPLE.org "})
    assert response.url.endswith("#equipe")
    assert set(process.team.all()) == {member, newcomer}
    remove = reverse("consultation:team_remove", args=[process.slug, member.pk])
    client.post(remove)
    assert list(process.team.all()) == [newcomer]
    # The removed member no longer sees the draft process.
    client.force_login(member)
    assert client.get(reverse("consultation:manage", args=[process.slug])).status_code == 404
