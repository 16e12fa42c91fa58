"""Questionnaires of a consultation: answering (drafts, sending, one answer per account or
organisation, conditional and required questions, forged input, closed phase), anonymity,
results crossed by the respondent's organisation with the < 5 rule, team exports."""

import html

import pytest
from django.urls import reverse

from essor.consultation import questionnaires as qs
from essor.consultation.enums import Breakdown, ResponseStatus
from essor.consultation.models import Answer, Participation, Response
from essor.consultation.services import ConsultationError
from essor.directory.enums import EssFamily
from tests.factories.accounts import UserFactory
from tests.factories.consultation import ProcessFactory, questionnaire
from tests.factories.directory import EssOrganisationFactory, MembershipFactory
from tests.utils import svg_drawings

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


def answers(q, **values):
    data = {
        q.q_support.field_name: "oui",
        q.q_who.field_name: "La BGE",
        q.q_needs.field_name: ["juridique", "rh"],
        q.q_scale.field_name: "4",
        q.q_amount.field_name: "15000",
        q.q_text.field_name: "Plus de temps.",
    }
    data.update({getattr(q, k).field_name: v for k, v in values.items()})
    return {k: v for k, v in data.items() if v is not None}


def url(q):
    return reverse("consultation:questionnaire", args=[q.process.slug, q.pk])


def test_a_draft_is_saved_resumed_then_sent(client):
    q = questionnaire()
    user = UserFactory()
    client.force_login(user)
    # A draft may leave required questions empty.
    response = client.post(url(q), {q.q_needs.field_name: ["financier"], "action": "brouillon"})
    assert response.status_code == 302
    draft = Response.objects.get(respondent=user)
    assert draft.status == ResponseStatus.DRAFT
    page = text(client.get(url(q)))
    assert "Vous reprenez votre brouillon" in page
    assert 'value="financier" checked' in page
    response = client.post(url(q), {**answers(q), "action": "envoyer"})
    assert response.status_code == 302
    sent = Response.objects.get()
    assert sent.status == ResponseStatus.SUBMITTED
    assert {a.question_id: a.value for a in sent.answers.all()}[q.q_needs.pk] == ["juridique", "rh"]
    assert "Merci : votre réponse est envoyée." in text(client.get(url(q) + "?envoye=1"))


def test_an_anonymous_answer_keeps_no_account_nor_organisation_but_its_family():
    q = questionnaire(anonymous=True)
    organisation = EssOrganisationFactory(ess_family=EssFamily.COOPERATIVE)
    user = MembershipFactory(organisation=organisation).user
    sent = qs.save_response(
        questionnaire=q, user=user, data=answers(q), organisation=organisation, submit=True
    )
    sent.refresh_from_db()
    assert (sent.respondent, sent.organisation, sent.family) == (None, None, EssFamily.COOPERATIVE)
    assert sent.submitted_at.second == 0
    # What stops a second answer is kept apart from the answer.
    assert Participation.objects.get().user == user
    header, rows = qs.export_rows(q)
    assert user.email not in str(rows) and organisation.name not in str(rows)


def test_a_signed_answer_names_its_author_in_the_team_export():
    q = questionnaire(anonymous=False)
    user = UserFactory()
    qs.save_response(questionnaire=q, user=user, data=answers(q), submit=True)
    header, rows = qs.export_rows(q)
    assert rows[0][2] == user.email
    assert ["Juridique", "Rh"] in rows[0]


def test_answering_twice_is_refused_with_a_409_and_nothing_changes(client):
    q = questionnaire()
    user = UserFactory()
    qs.save_response(questionnaire=q, user=user, data=answers(q), submit=True)
    client.force_login(user)
    response = client.post(url(q), {**answers(q, q_text="Encore"), "action": "envoyer"})
    assert response.status_code == 409
    assert "Une seule réponse est possible" in text(response)
    assert Response.objects.count() == 1 and Answer.objects.filter(value="Encore").count() == 0


def test_one_answer_per_organisation_stops_a_colleague():
    q = questionnaire(one_per="organisation")
    organisation = EssOrganisationFactory()
    first = MembershipFactory(organisation=organisation).user
    colleague = MembershipFactory(organisation=organisation).user
    with pytest.raises(ConsultationError) as refused:
        qs.save_response(questionnaire=q, user=first, data=answers(q), submit=True)
    assert "Choisissez la structure" in refused.value.message
    qs.save_response(
        questionnaire=q, user=first, data=answers(q), organisation=organisation, submit=True
    )
    with pytest.raises(ConsultationError) as refused:
        qs.save_response(
            questionnaire=q, user=colleague, data=answers(q), organisation=organisation, submit=True
        )
    assert (
        refused.value.status_code == 409
        and "votre structure a déjà répondu" in refused.value.message
    )
    # Not in the name of an organisation one is not a member of.
    other = EssOrganisationFactory()
    with pytest.raises(ConsultationError) as refused:
        qs.save_response(
            questionnaire=q, user=colleague, data=answers(q), organisation=other, submit=True
        )
    assert refused.value.status_code == 403


def test_a_closed_phase_refuses_answers(client):
    q = questionnaire(open_=False)
    client.force_login(UserFactory())
    response = client.post(url(q), {**answers(q), "action": "envoyer"})
    assert response.status_code == 409
    assert "Ce questionnaire est fermé" in text(response)
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"q_support": None}, "Cette question est obligatoire."),
        ({"q_who": None}, "Cette question est obligatoire."),  # shown after « Oui »
        ({"q_support": "peut-être"}, "Ce choix ne fait pas partie des réponses proposées."),
        (
            {"q_needs": ["juridique", "<script>"]},
            "Ce choix ne fait pas partie des réponses proposées.",
        ),
        ({"q_scale": "9"}, "Choisissez une valeur de 1 à 5."),
        ({"q_amount": "beaucoup"}, "Indiquez un nombre."),
    ],
)
def test_bad_answers_get_a_french_message_a_400_and_nothing_is_saved(client, values, message):
    q = questionnaire()
    client.force_login(UserFactory())
    response = client.post(url(q), {**answers(q, **values), "action": "envoyer"})
    assert response.status_code == 400
    assert message in text(response)
    assert Response.objects.count() == 0 and Participation.objects.count() == 0


def test_a_forged_question_id_is_refused(client):
    q = questionnaire()
    other = questionnaire()
    client.force_login(UserFactory())
    response = client.post(
        url(q), {**answers(q), other.q_text.field_name: "x", "action": "envoyer"}
    )
    assert response.status_code == 400
    assert "n'existe pas dans ce questionnaire" in text(response)
    assert Response.objects.count() == 0


def test_a_conditional_question_is_dropped_when_its_condition_is_not_met():
    q = questionnaire()
    sent = qs.save_response(
        questionnaire=q,
        user=UserFactory(),
        data=answers(q, q_support="non", q_who="Personne"),
        submit=True,
    )
    assert q.q_who.pk not in {a.question_id for a in sent.answers.all()}


def test_members_only_processes_refuse_people_without_organisation(client):
    q = questionnaire(process=ProcessFactory(access="members"))
    client.force_login(UserFactory())
    response = client.post(url(q), {**answers(q), "action": "envoyer"})
    assert response.status_code == 403
    assert "réservée aux membres des structures de l'ESS" in text(response)


def _answer_as(q, family, departement_code=None, n=1, support="oui"):
    for _ in range(n):
        organisation = EssOrganisationFactory(ess_family=family)
        user = MembershipFactory(organisation=organisation).user
        qs.save_response(
            questionnaire=q,
            user=user,
            data=answers(q, q_support=support),
            organisation=organisation,
            submit=True,
        )


def test_published_results_hide_cells_under_five_and_what_would_reveal_them(client):
    q = questionnaire()
    _answer_as(q, EssFamily.ASSOCIATION, n=6, support="oui")
    _answer_as(q, EssFamily.COOPERATIVE, n=3, support="oui")
    _answer_as(q, EssFamily.COOPERATIVE, n=3, support="non")
    result = qs.results(q, Breakdown.FAMILY)
    support = result["questions"][0]
    columns = [label for _, label in support["columns"]]
    assert columns == ["Ensemble", "Association", "Coopérative"]
    rows = {row["label"]: row["cells"] for row in support["rows"]}
    assert rows["Répondants"] == [12, 6, 6]
    # Coopérative: 3 « Oui » and 3 « Non », both under 5, masked.
    assert rows["Oui"][2] is None and rows["Non"][2] is None
    assert rows["Oui"][1] == 6
    # « Non » overall is 3: masked too.
    assert rows["Non"][0] is None
    # Never a published cell between 1 and 4.
    for r in result["questions"]:
        for row in r.get("rows", []):
            assert all(c is None or c == 0 or c >= 5 for c in row["cells"])
    page = text(
        client.get(
            reverse("consultation:questionnaire_results", args=[q.process.slug, q.pk])
            + "?croiser=famille"
        )
    )
    assert "secret" in page and "aucune case ne montre moins de 5 répondants" in page
    # The team's raw view shows them.
    raw = qs.results(q, Breakdown.FAMILY, public=False)
    assert {row["label"]: row["cells"] for row in raw["questions"][0]["rows"]}["Non"] == [3, 0, 3]


def test_free_texts_and_numbers_are_for_the_team(client):
    q = questionnaire()
    _answer_as(q, EssFamily.ASSOCIATION, n=2)
    public = {r["question"].pk: r for r in qs.results(q)["questions"]}
    assert public[q.q_text.pk]["texts"] is None and public[q.q_amount.pk]["mean"] is None
    team = {r["question"].pk: r for r in qs.results(q, public=False)["questions"]}
    assert team[q.q_text.pk]["texts"] == ["Plus de temps.", "Plus de temps."]


def test_unpublished_results_and_exports_are_for_the_team_only(client):
    q = questionnaire(results_published=False)
    results_url = reverse("consultation:questionnaire_results", args=[q.process.slug, q.pk])
    csv_url = reverse("consultation:questionnaire_export", args=[q.process.slug, q.pk, "csv"])
    xlsx_url = reverse("consultation:questionnaire_export", args=[q.process.slug, q.pk, "xlsx"])
    _answer_as(q, EssFamily.ASSOCIATION, n=1)
    assert client.get(results_url).status_code == 404
    assert client.get(csv_url).status_code == 302  # to the login page
    for traits in [{}, {"funder": True}, {"support_actor": True}, {"buyer": True}]:
        client.force_login(UserFactory(**traits))
        assert client.get(results_url).status_code == 404
        assert client.get(csv_url).status_code == 403
    client.force_login(UserFactory(cress_staff=True))
    assert client.get(results_url).status_code == 200
    csv = client.get(csv_url)
    assert csv.status_code == 200 and "Plus de temps." in csv.content.decode("utf-8-sig")
    xlsx = client.get(xlsx_url)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert (
        client.get(
            reverse("consultation:questionnaire_export", args=[q.process.slug, q.pk, "pdf"])
        ).status_code
        == 404
    )


def test_individual_answers_never_reach_the_api(client):
    q = questionnaire()
    _answer_as(q, EssFamily.ASSOCIATION, n=1)
    paths = client.get("/api/openapi.json").json()["paths"]
    ours = {p for p in paths if p.startswith("/api/concertation/")}
    assert ours and not any("reponse" in p for p in ours)
    for path in ours:
        if "{" not in path:
            assert "Plus de temps." not in client.get(path).content.decode()


def test_published_results_reach_the_api_and_the_page_aggregated_with_the_secret(client):
    q = questionnaire()
    _answer_as(q, EssFamily.ASSOCIATION, n=6, support="oui")
    _answer_as(q, EssFamily.COOPERATIVE, n=3, support="oui")
    _answer_as(q, EssFamily.COOPERATIVE, n=3, support="non")
    url = f"/api/concertation/questionnaires/{q.pk}/resultats/"
    body = client.get(url, {"croiser": "famille"}).json()
    assert body["reponses"] == 12 and body["seuil"] == 5 and body["croisement"] == "famille"
    support = body["questions"][0]
    assert support["colonnes"] == ["Ensemble", "Association", "Coopérative"]
    lines = {line["reponse"]: line["valeurs"] for line in support["lignes"]}
    assert lines["Répondants"] == [12, 6, 6]
    # « Non » overall is 3: masked, and « Oui » overall with it (12 - 3 would reveal it).
    assert lines["Oui"] == [None, 6, None] and lines["Non"] == [None, 0, None]
    assert "Plus de temps." not in str(body)  # free texts stay with the team
    streamed = client.get(url, {"format": "csv", "croiser": "famille"}).streaming_content
    csv = b"".join(streamed).decode("utf-8-sig")
    assert "Oui;Coopérative;secret" in csv and "Oui;Association;6" in csv
    # The page draws each choice question before its table.
    page = client.get(reverse("consultation:questionnaire_results", args=[q.process.slug, q.pk]))
    assert svg_drawings(page.content.decode()) >= 1
    assert client.get(url, {"croiser": "pirates"}).status_code == 400

    q.results_published = False
    q.save()
    response = client.get(url)
    assert response.status_code == 404 and "pas publiés" in response.json()["detail"]


def _picker_questions(q):
    from essor.consultation.models import Question

    section = q.sections.first()
    q.q_commune = Question.objects.create(
        section=section, order=9, kind="commune", label="Votre commune"
    )
    q.q_org = Question.objects.create(
        section=section, order=10, kind="organisation", label="Votre partenaire"
    )
    return q


def test_commune_and_organisation_questions_use_the_pickers_and_read_what_was_typed(client):
    q = _picker_questions(questionnaire())
    partner = EssOrganisationFactory(name="Recyclerie des Monts (démo)")
    user = UserFactory()
    client.force_login(user)
    page = text(client.get(url(q)))
    # The commune picker of the directory and the orientation, and the organisation picker.
    assert f'hx-get="{reverse("territories:commune_suggestions")}"' in page
    assert f'hx-get="{reverse("search:organisation_suggestions")}"' in page
    assert 'role="combobox"' in page and 'aria-label="Structures proposées"' in page
    # Without JavaScript: a name or the picker's label is read back into the code and the id.
    data = answers(q)
    data.update({q.q_commune.field_name: "Limoges", q.q_org.field_name: "Recyclerie des Monts"})
    assert client.post(url(q), {**data, "action": "brouillon"}).status_code == 302
    draft = Response.objects.get(respondent=user)
    values = {a.question_id: a.value for a in draft.answers.all()}
    assert values[q.q_commune.pk] == "87085" and values[q.q_org.pk] == partner.pk
    # The resumed draft shows the labels the pickers show.
    page = text(client.get(url(q)))
    assert 'value="Limoges (87085)"' in page
    assert f'value="Recyclerie des Monts (démo) (fiche {partner.pk})"' in page
    data.update(
        {q.q_commune.field_name: "Nulle-Part-sur-Mer", q.q_org.field_name: "Structure inconnue xyz"}
    )
    response = client.post(url(q), {**data, "action": "envoyer"})
    assert response.status_code == 400
    page = text(response)
    assert "Aucune commune ne correspond à « Nulle-Part-sur-Mer »." in page
    assert "Aucune structure de l'annuaire ne correspond à « Structure inconnue xyz »." in page
    assert Response.objects.get(respondent=user).status == ResponseStatus.DRAFT


def test_an_ambiguous_organisation_name_lists_the_candidates_in_french():
    from django.core.exceptions import ValidationError

    from essor.search.pickers import resolve_organisation

    first = EssOrganisationFactory(name="Jardin partagé de Tulle (démo)")
    second = EssOrganisationFactory(name="Jardin partagé de Brive (démo)")
    with pytest.raises(ValidationError) as refused:
        resolve_organisation("Jardin partagé")
    message = refused.value.messages[0]
    assert message.startswith("Plusieurs structures correspondent à « Jardin partagé » :")
    assert f"(fiche {first.pk})" in message and f"(fiche {second.pk})" in message
    assert resolve_organisation(f"Jardin partagé de Brive (démo) (fiche {second.pk})") == second
    assert resolve_organisation(second.siren) == second
    hidden = EssOrganisationFactory(outside_ess=True, name="Hors champ (démo)")
    with pytest.raises(ValidationError):
        resolve_organisation(f"Hors champ (démo) (fiche {hidden.pk})")


def test_the_organisation_suggestions_are_listed_organisations(client):
    listed = EssOrganisationFactory(name="Ressourcerie du Limousin (démo)")
    EssOrganisationFactory(outside_ess=True, name="Ressourcerie privée (démo)")
    found = client.get(reverse("search:organisation_suggestions"), {"q": "ressourcerie"}).json()
    assert [r["id"] for r in found["results"]] == [listed.pk]
    assert found["results"][0]["label"] == f"Ressourcerie du Limousin (démo) (fiche {listed.pk})"
    fragment = client.get(
        reverse("search:organisation_suggestions"),
        {"q": "ressourcerie", "field": "champ-1"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert 'role="option"' in fragment and f"champ-1-option-{listed.pk}" in fragment
