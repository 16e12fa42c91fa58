"""Initiatives: the report's examples, the moderated workflow, reports of inappropriate
content, "Je veux essaimer cette initiative", search and the fragments other pages show."""

import html
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.template import Context, Template
from django.urls import reverse

from essor.core.workflow import WorkflowError
from essor.directory.enums import Source
from essor.directory.models import Organisation
from essor.initiatives import perms, report, search, services
from essor.initiatives.enums import (
    Axis,
    CarrierRole,
    InitiativeSource,
    ReportStatus,
    Status,
    Theme,
    Transition,
)
from essor.initiatives.models import (
    ContentReport,
    Initiative,
    InitiativeTransition,
    SpreadRequest,
)
from essor.initiatives.report import load_report_initiatives
from essor.initiatives.workflow import INITIATIVES
from tests.factories.accounts import UserFactory
from tests.factories.directory import MembershipFactory, OrganisationFactory
from tests.factories.initiatives import InitiativeFactory

pytestmark = pytest.mark.django_db

CITATION = (
    "Source : L'économie sociale et solidaire en Aquitaine Limousin Poitou-Charentes — "
    "État des lieux et perspectives, CRESS Aquitaine, CRESS Limousin, CRESS Poitou-Charentes, 2016"
)
EXAMPLES = report.examples()


def report_text():
    """The report itself, flattened the way the test compares it: emphasis markers of the
    PDF extraction removed and whitespace collapsed."""
    seeds = Path(report.DATA).parents[4] / "shared" / "seeds"
    files = sorted(seeds.glob("*.txt")) if seeds.exists() else []
    if not files:
        pytest.skip("the report is not beside this checkout")
    return flatten(files[0].read_text(encoding="utf-8"))


def text(response):
    """What the visitor reads: the page with HTML entities decoded."""
    return html.unescape(response.content.decode())


def flatten(text):
    return " ".join(text.replace("**", "").replace("*", "").split())


@pytest.fixture
def org():
    return OrganisationFactory(name="Les Jardins du Limousin", public_email="")


@pytest.fixture
def member(org):
    return MembershipFactory(organisation=org, user__first_name="Alix").user


@pytest.fixture
def staff():
    return UserFactory(cress_staff=True)


@pytest.fixture
def draft(org, member):
    return InitiativeFactory(carriers=[org], created_by=member)


def submitted(initiative, actor):
    services.initiative_transition(initiative=initiative, transition=Transition.SUBMIT, actor=actor)
    return initiative


# The report's examples


def test_every_report_example_is_published_and_cites_the_report(client):
    examples = Initiative.objects.filter(source=InitiativeSource.REPORT)
    assert examples.count() == len(EXAMPLES) == 38
    assert set(examples.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert set(examples.values_list("source_citation", flat=True)) == {CITATION}
    espresso = examples.get(report_slug="les-espresso")
    assert CITATION in text(client.get(espresso.get_absolute_url()))


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["slug"] for e in EXAMPLES])
def test_each_report_example_is_found_by_its_title(example, client):
    found = search.search(search.clean_params({"q": example["title"]}))
    assert found[0].report_slug == example["slug"]
    # And through the page, as a visitor would.
    page = text(client.get(reverse("initiatives:index"), {"q": example["title"]}))
    assert Initiative.objects.get(report_slug=example["slug"]).get_absolute_url() in page


def test_search_ignores_accents_case_and_punctuation(client):
    for query in ["ECONOMIE circulaire", "économie circulaire", "federation hiero manet"]:
        assert (
            client.get(reverse("initiatives:index"), {"q": query}).context["page"].paginator.count
            >= 1
        )
    titles = [
        i.title
        for i in client.get(reverse("initiatives:index"), {"q": "cooperative"}).context["page"]
    ]
    assert "Junior Coopérative" in titles
    assert "Campus Coopérative" in titles


def test_report_examples_are_the_report_s_own_words():
    text = report_text()
    examples = Initiative.objects.filter(source=InitiativeSource.REPORT)
    assert examples.count() >= 35
    for initiative in examples:
        assert flatten(initiative.body) in text, initiative.title
    # The titles are taken from the report's wording too; a sample, checked case-blind.
    lowered = text.lower()
    for slug in [
        "observatoire-national-de-l-ess",
        "les-espresso",
        "lcube-limoges",
        "junior-cooperative",
    ]:
        assert Initiative.objects.get(report_slug=slug).title.lower() in lowered


def test_report_examples_take_axis_and_theme_from_their_section():
    espresso = Initiative.objects.get(report_slug="les-espresso")
    assert espresso.axis == Axis.COOPERER
    assert espresso.themes == [Theme.BETWEEN_ACTORS]
    assert "Faire se rencontrer les acteurs de l'ESS" in espresso.report_section
    for example in EXAMPLES:
        initiative = Initiative.objects.get(report_slug=example["slug"])
        assert initiative.get_axis_display() == example["axis"]
        assert [t.label.lower() for t in initiative.themes] == [example["theme"].lower()]
    counts = {a: Initiative.objects.filter(source="report", axis=a).count() for a in Axis}
    assert counts == {Axis.ENTREPRENDRE: 11, Axis.COOPERER: 13, Axis.INNOVER: 14}


def test_report_examples_link_their_organisations_in_the_directory():
    junior = Initiative.objects.get(report_slug="junior-cooperative")
    carriers = {c.organisation.name: c.role for c in junior.carriers.select_related("organisation")}
    assert carriers == {
        "CRESS Aquitaine": CarrierRole.CARRIER,
        "CRESS Limousin": CarrierRole.CARRIER,
        "CRESS Poitou-Charentes": CarrierRole.CARRIER,
        "L'ESPER": CarrierRole.PARTNER,
    }
    assert {c.organisation.source for c in junior.carriers.all()} == {Source.REPORT}
    # A kind of structure is named, not invented as one organisation.
    cigales = Initiative.objects.get(report_slug="cigales")
    assert cigales.other_carriers == "CIGALES"
    assert not cigales.carriers.exists()
    assert not Organisation.objects.filter(name="CIGALES").exists()
    assert all(Initiative.objects.get(report_slug=e["slug"]).carrier_names for e in EXAMPLES)


def test_report_loader_is_idempotent_and_reuses_existing_organisations():
    organisations = Organisation.objects.count()
    assert load_report_initiatives()["created"] == 0
    assert Organisation.objects.count() == organisations
    assert Initiative.objects.filter(source="report").count() == 38

    # The directory's demo loader may have created the organisation first: it is reused.
    Initiative.objects.filter(report_slug="les-espresso").delete()
    Organisation.objects.filter(name="CRESS Poitou-Charentes").delete()
    existing = Organisation.objects.create(name="CRESS Poitou-Charentes", source=Source.REPORT)
    counts = load_report_initiatives()
    assert counts["created"] == 1
    espresso = Initiative.objects.get(report_slug="les-espresso")
    assert espresso.organisations.get() == existing
    assert Organisation.objects.filter(name="CRESS Poitou-Charentes").count() == 1


def test_report_loader_leaves_a_moderated_example_alone(staff):
    lcube = Initiative.objects.get(report_slug="lcube-limoges")
    services.initiative_transition(
        initiative=lcube, transition=Transition.UNPUBLISH, actor=staff, comment="Structure fermée."
    )
    load_report_initiatives()
    lcube.refresh_from_db()
    assert lcube.status == Status.UNPUBLISHED


# Visibility


def test_an_unpublished_initiative_is_invisible_to_the_public_and_to_other_organisations(
    client, draft, member, org, staff
):
    url = draft.get_absolute_url()
    outsider = MembershipFactory(organisation=OrganisationFactory()).user
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(reverse("initiatives:edit", args=[draft.slug])).status_code == 404
    listing = text(client.get(reverse("initiatives:index"), {"q": draft.title}))
    assert url not in listing
    assert services.initiatives_for_organisation(org) == []
    assert not perms.can_view(AnonymousUser(), draft)

    client.force_login(member)
    assert "Non publiée" in text(client.get(url))
    client.force_login(staff)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "status",
    [Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.REJECTED, Status.UNPUBLISHED],
)
def test_no_state_but_published_is_public(status, org, member, client):
    initiative = InitiativeFactory(carriers=[org], created_by=member, status=status)
    assert client.get(initiative.get_absolute_url()).status_code == 404
    assert (
        not search.search(search.clean_params({"q": initiative.title}))
        .filter(pk=initiative.pk)
        .exists()
    )


# Workflow


def test_a_member_proposes_and_submits_an_initiative_through_the_form(client, org, member):
    client.force_login(member)
    assert client.get(reverse("initiatives:create")).status_code == 200
    response = client.post(
        reverse("initiatives:create"),
        {
            "organisation": org.pk,
            "title": "Repair café de Guéret",
            "summary": "Un atelier mensuel pour réparer ensemble.",
            "body": "Bénévoles et habitants réparent **ensemble**.",
            "axis": Axis.COOPERER,
            "themes": [Theme.TERRITORIAL, Theme.BETWEEN_ACTORS],
            "stage": "experimentation",
            "departement_codes": ["23"],
            "links_text": "Site | https://repair.exemple.fr",
            "indicateurs-TOTAL_FORMS": "2",
            "indicateurs-INITIAL_FORMS": "0",
            "indicateurs-MIN_NUM_FORMS": "0",
            "indicateurs-MAX_NUM_FORMS": "10",
            "indicateurs-0-label": "Objets réparés",
            "indicateurs-0-value": "312",
            "indicateurs-0-unit": "objets",
            "indicateurs-0-year": "2024",
            "submit": "1",
        },
    )
    initiative = Initiative.objects.get(title="Repair café de Guéret")
    assert response.status_code == 302
    assert initiative.status == Status.SUBMITTED
    assert initiative.created_by == member
    assert initiative.organisations.get() == org
    assert initiative.departement_codes == ["23"]
    assert initiative.links == [{"url": "https://repair.exemple.fr", "label": "Site"}]
    assert set(initiative.themes) == {Theme.TERRITORIAL, Theme.BETWEEN_ACTORS}
    assert initiative.indicators.get().value == 312
    assert list(initiative.transitions.values_list("transition", flat=True)) == [
        Transition.CREATE,
        Transition.SUBMIT,
    ]


def test_bad_input_in_the_form_is_refused_with_french_messages_and_nothing_saved(
    client, org, member
):
    client.force_login(member)
    response = client.post(
        reverse("initiatives:create"),
        {
            "organisation": org.pk,
            "title": "",
            "axis": "nimporte",
            "links_text": "pas une adresse",
            "indicateurs-TOTAL_FORMS": "0",
            "indicateurs-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    page = text(response)
    assert "Choisissez au moins un thème." in page
    assert "n'est pas une adresse web valide" in page
    assert not Initiative.objects.filter(created_by=member).exists()


def test_someone_without_an_organisation_cannot_propose_one(client):
    client.force_login(UserFactory())
    response = client.get(reverse("initiatives:create"))
    assert response.status_code == 403
    assert "rattaché à aucune structure" in text(response)


def test_a_member_cannot_propose_in_the_name_of_another_organisation(client, member):
    other = OrganisationFactory()
    client.force_login(member)
    response = client.post(reverse("initiatives:create"), {"organisation": other.pk, "title": "X"})
    assert response.status_code == 400
    assert not Initiative.objects.filter(title="X").exists()


def test_staff_approve_and_the_author_is_told(client, draft, member, staff):
    submitted(draft, member)
    client.force_login(staff)
    response = client.post(
        reverse("initiatives:transition", args=[draft.slug]), {"transition": "approve"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.published_at is not None
    assert mail.outbox[-1].to == [member.email]
    assert "publiée" in mail.outbox[-1].subject
    entry = draft.transitions.last()
    assert (entry.transition, entry.actor, entry.from_status) == (
        Transition.APPROVE,
        staff,
        Status.SUBMITTED,
    )
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_an_author_cannot_publish_their_own_initiative_even_as_cress_staff(client, org):
    staff_member = MembershipFactory(organisation=org, user__cress_staff=True).user
    initiative = InitiativeFactory(carriers=[org], created_by=staff_member)
    submitted(initiative, staff_member)
    assert INITIATIVES.denial(initiative, Transition.APPROVE, staff_member)
    with pytest.raises(WorkflowError, match="rédigée ou soumise"):
        services.initiative_transition(
            initiative=initiative, transition=Transition.APPROVE, actor=staff_member
        )

    client.force_login(staff_member)
    response = client.post(
        reverse("initiatives:transition", args=[initiative.slug]), {"transition": "approve"}
    )
    assert response.status_code == 403
    assert "un autre membre de l'équipe de la CRESS" in text(response)
    initiative.refresh_from_db()
    assert initiative.status == Status.SUBMITTED

    # Submitting someone else's draft makes you an author of that version, too.
    colleague_draft = InitiativeFactory(
        carriers=[org], created_by=MembershipFactory(organisation=org).user, title="Autre"
    )
    submitted(colleague_draft, staff_member)
    assert INITIATIVES.denial(colleague_draft, Transition.APPROVE, staff_member)

    other_staff = UserFactory(cress_staff=True)
    services.initiative_transition(
        initiative=initiative, transition=Transition.APPROVE, actor=other_staff
    )
    assert initiative.status == Status.PUBLISHED


def test_a_plain_member_cannot_publish(client, draft, member):
    submitted(draft, member)
    client.force_login(member)
    response = client.post(
        reverse("initiatives:transition", args=[draft.slug]), {"transition": "approve"}
    )
    assert response.status_code == 403
    assert "Seule l'équipe de la CRESS" in text(response)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


@pytest.mark.parametrize("transition", [Transition.REJECT, Transition.REQUEST_CHANGES])
def test_rejecting_or_asking_for_changes_needs_a_reason_sent_to_the_author(
    transition, client, draft, member, staff
):
    submitted(draft, member)
    client.force_login(staff)
    url = reverse("initiatives:transition", args=[draft.slug])
    refused = client.post(url, {"transition": transition, "comment": "  "})
    assert refused.status_code == 400
    assert "Indiquez un motif" in text(refused)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED

    client.post(url, {"transition": transition, "comment": "Précisez le nombre de bénévoles."})
    draft.refresh_from_db()
    assert draft.status == (
        Status.REJECTED if transition == Transition.REJECT else Status.CHANGES_REQUESTED
    )
    assert "Précisez le nombre de bénévoles." in mail.outbox[-1].body
    assert draft.transitions.last().comment == "Précisez le nombre de bénévoles."


def test_after_changes_are_requested_the_member_edits_and_resubmits(client, draft, member, staff):
    submitted(draft, member)
    services.initiative_transition(
        initiative=draft,
        transition=Transition.REQUEST_CHANGES,
        actor=staff,
        comment="Ajoutez l'impact.",
    )
    client.force_login(member)
    form = client.get(reverse("initiatives:edit", args=[draft.slug]))
    assert form.status_code == 200
    data = {
        "title": draft.title,
        "summary": draft.summary,
        "body": draft.body,
        "axis": draft.axis,
        "themes": [Theme.TERRITORIAL],
        "impact": "Quarante familles jardinent chaque semaine.",
        "indicateurs-TOTAL_FORMS": "0",
        "indicateurs-INITIAL_FORMS": "0",
        "submit": "1",
    }
    assert client.post(reverse("initiatives:edit", args=[draft.slug]), data).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.impact.startswith("Quarante")
    edit = draft.transitions.get(transition=Transition.EDIT)
    assert "Impact" in edit.comment


def test_a_submitted_or_published_initiative_cannot_be_edited(client, draft, member, staff):
    submitted(draft, member)
    client.force_login(member)
    assert client.get(reverse("initiatives:edit", args=[draft.slug])).status_code == 403
    services.initiative_transition(initiative=draft, transition=Transition.APPROVE, actor=staff)
    assert (
        client.post(reverse("initiatives:edit", args=[draft.slug]), {"title": "Changé"}).status_code
        == 403
    )
    draft.refresh_from_db()
    assert draft.title == "Un jardin partagé"


@pytest.mark.parametrize(
    ("status", "transition"),
    [
        (Status.DRAFT, Transition.APPROVE),
        (Status.PUBLISHED, Transition.SUBMIT),
        (Status.REJECTED, Transition.SUBMIT),
        (Status.REJECTED, Transition.APPROVE),
        (Status.SUBMITTED, Transition.UNPUBLISH),
        (Status.DRAFT, "delete"),
    ],
)
def test_steps_outside_the_workflow_table_are_refused(status, transition, org, member, staff):
    initiative = InitiativeFactory(carriers=[org], created_by=member, status=status)
    for actor in (member, staff):
        with pytest.raises(WorkflowError):
            services.initiative_transition(
                initiative=initiative, transition=transition, actor=actor, comment="x"
            )
    initiative.refresh_from_db()
    assert initiative.status == status


def test_a_carrier_may_withdraw_its_published_initiative(draft, member, staff):
    submitted(draft, member)
    services.initiative_transition(initiative=draft, transition=Transition.APPROVE, actor=staff)
    colleague = MembershipFactory(organisation=draft.organisations.get()).user
    services.initiative_transition(
        initiative=draft,
        transition=Transition.UNPUBLISH,
        actor=colleague,
        comment="Projet terminé.",
    )
    assert draft.status == Status.UNPUBLISHED
    assert "Un membre d'une structure porteuse" in mail.outbox[-1].body
    assert list(draft.transitions.values_list("to_status", flat=True)) == [
        Status.SUBMITTED,
        Status.PUBLISHED,
        Status.UNPUBLISHED,
    ]


def test_history_is_shown_to_carriers_and_staff_only(client, draft, member, staff):
    submitted(draft, member)
    services.initiative_transition(initiative=draft, transition=Transition.APPROVE, actor=staff)
    url = draft.get_absolute_url()
    assert "Historique" not in text(client.get(url))
    client.force_login(member)
    page = text(client.get(url))
    assert "Historique" in page
    assert "Soumettre à la CRESS" in page


# Reports of inappropriate content


def test_anyone_can_report_an_initiative_and_staff_take_it_down(client, draft, member, staff):
    submitted(draft, member)
    services.initiative_transition(initiative=draft, transition=Transition.APPROVE, actor=staff)
    url = reverse("initiatives:report", args=[draft.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "inaccurate", "message": "Le jardin a fermé."})
    assert response.status_code == 200
    report = ContentReport.objects.get()
    assert (report.reporter, report.status) == (None, ReportStatus.OPEN)

    client.force_login(member)
    assert client.get(reverse("initiatives:moderation")).status_code == 403
    client.force_login(staff)
    queue = text(client.get(reverse("initiatives:moderation")))
    assert "Le jardin a fermé." in queue
    refused = client.post(
        reverse("initiatives:resolve_report", args=[report.pk]), {"decision": "unpublish"}
    )
    assert refused.status_code == 400
    client.post(
        reverse("initiatives:resolve_report", args=[report.pk]),
        {"decision": "unpublish", "comment": "Le jardin a fermé en 2023."},
    )
    report.refresh_from_db()
    draft.refresh_from_db()
    assert report.status == ReportStatus.ACTIONED
    assert report.decided_by == staff
    assert draft.status == Status.UNPUBLISHED
    assert draft.transitions.last().comment == "Le jardin a fermé en 2023."


@pytest.mark.usefixtures("rate_limit_window")
def test_a_report_needs_a_known_reason_and_is_rate_limited(client):
    initiative = Initiative.objects.get(report_slug="les-espresso")
    url = reverse("initiatives:report", args=[initiative.slug])
    assert client.post(url, {"reason": "nimporte"}).status_code == 400
    assert client.post(url, {"reason": "other"}).status_code == 400
    assert not ContentReport.objects.exists()
    for _ in range(8):
        client.post(url, {"reason": "spam"})
    response = client.post(url, {"reason": "spam"})
    assert response.status_code == 429
    assert "Trop de tentatives" in text(response)
    assert ContentReport.objects.count() == 8


def test_dismissing_a_report_keeps_the_initiative(staff):
    initiative = Initiative.objects.get(report_slug="les-espresso")
    report = services.content_report_create(initiative=initiative, reporter=None, reason="spam")
    services.content_report_resolve(
        report=report, actor=staff, unpublish=False, comment="Rien à redire."
    )
    initiative.refresh_from_db()
    assert initiative.status == Status.PUBLISHED
    assert report.status == ReportStatus.DISMISSED
    with pytest.raises(WorkflowError, match="déjà été traité"):
        services.content_report_resolve(report=report, actor=staff, unpublish=True)


# « Je veux essaimer cette initiative »


SPREAD = {
    "name": "Dominique Petit",
    "email": "dominique@exemple.fr",
    "organisation_name": "Centre social de Tulle",
    "message": "Nous aimerions lancer un jardin semblable à Tulle.",
    "consent": "on",
}


@pytest.fixture
def published(org, member, staff):
    initiative = InitiativeFactory(carriers=[org], created_by=member)
    submitted(initiative, member)
    services.initiative_transition(
        initiative=initiative, transition=Transition.APPROVE, actor=staff
    )
    mail.outbox.clear()
    return initiative


def test_a_spread_request_reaches_the_carriers_admins_and_is_kept_for_them(
    client, published, org, member
):
    admin = MembershipFactory(organisation=org, admin=True).user
    second_admin = MembershipFactory(organisation=org, admin=True).user
    response = client.post(reverse("initiatives:spread", args=[published.slug]), SPREAD)
    assert response.status_code == 200
    assert "Votre demande est envoyée" in text(response)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([admin.email, second_admin.email])
    assert all(len(m.to) == 1 for m in mail.outbox)  # nobody sees the other's address
    assert "Nous aimerions lancer un jardin" in mail.outbox[0].body
    assert "dominique@exemple.fr" in mail.outbox[0].body
    request = SpreadRequest.objects.get()
    assert (request.initiative, request.recipient_count) == (published, 2)
    assert request.consent_at is not None

    requests_url = reverse("initiatives:spread_requests", args=[published.slug])
    client.force_login(member)
    assert "Centre social de Tulle" in text(client.get(requests_url))
    client.force_login(MembershipFactory().user)
    assert client.get(requests_url).status_code == 403


def test_without_admins_the_organisation_s_public_address_receives_it(client, published, org):
    org.public_email = "contact@jardins.exemple.fr"
    org.save()
    client.post(reverse("initiatives:spread", args=[published.slug]), SPREAD)
    assert [m.to for m in mail.outbox] == [["contact@jardins.exemple.fr"]]


def test_a_spread_request_needs_explicit_consent(client, published, org):
    MembershipFactory(organisation=org, admin=True)
    response = client.post(
        reverse("initiatives:spread", args=[published.slug]), {**SPREAD, "consent": ""}
    )
    assert response.status_code == 400
    assert "Sans votre accord" in text(response)
    assert not SpreadRequest.objects.exists()
    assert mail.outbox == []


def test_when_nobody_can_receive_it_the_person_is_told_and_given_the_cress_contact(
    client, settings
):
    settings.ESSOR_CONTACT_EMAIL = "contact@cress.exemple.fr"
    initiative = Initiative.objects.get(report_slug="les-espresso")
    url = reverse("initiatives:spread", args=[initiative.slug])
    page = text(client.get(url))
    assert "ne peuvent pas encore être joints" in page
    assert "contact@cress.exemple.fr" in page
    assert "contact@cress.exemple.fr" in text(client.get(initiative.get_absolute_url()))
    response = client.post(url, SPREAD)
    assert response.status_code == 409
    assert not SpreadRequest.objects.exists()
    assert mail.outbox == []


@pytest.mark.usefixtures("rate_limit_window")
def test_spread_requests_are_rate_limited(client, published, org):
    MembershipFactory(organisation=org, admin=True)
    url = reverse("initiatives:spread", args=[published.slug])
    for _ in range(5):
        client.post(url, SPREAD)
    assert client.post(url, SPREAD).status_code == 429
    assert SpreadRequest.objects.count() == 5


def test_one_cannot_spread_an_unpublished_initiative(client, draft, org):
    MembershipFactory(organisation=org, admin=True)
    assert client.post(reverse("initiatives:spread", args=[draft.slug]), SPREAD).status_code == 404


def test_personal_data_export_lists_spread_requests(client, published, org):
    MembershipFactory(organisation=org, admin=True)
    person = UserFactory()
    client.force_login(person)
    client.post(reverse("initiatives:spread", args=[published.slug]), SPREAD)
    data = json.loads(client.get(reverse("accounts:export_data")).content)
    assert data["demandes_essaimage"][0]["message"] == SPREAD["message"]


# Search, facets, fragments


def test_facets_filter_and_the_url_carries_the_search(client):
    response = client.get(reverse("initiatives:index"), {"axe": "innover", "departement": "87"})
    titles = {i.title for i in response.context["page"]}
    assert "Lcube" in titles
    assert all(
        i.axis == Axis.INNOVER and "87" in i.departement_codes for i in response.context["page"]
    )
    facets = {f.name: f for f in response.context["facets"]}
    # Other axes still show how many they would give.
    assert {v: n for v, _, n in facets["axe"].options}["cooperer"] > 0
    assert "selected" in text(response)

    page_one = client.get(reverse("initiatives:index"), {"axe": "cooperer"})
    assert page_one.context["page"].paginator.count == 13
    assert page_one.context["query_string"] == "axe=cooperer"

    by_org = Organisation.objects.get(name="CRESS Aquitaine")
    response = client.get(reverse("initiatives:index"), {"structure": by_org.pk})
    assert response.context["page"].paginator.count == 3

    by_theme = client.get(reverse("initiatives:index"), {"theme": Theme.RECOGNITION})
    assert by_theme.context["page"].paginator.count == 4


def test_pagination_keeps_the_search_in_its_links(client):
    everything = client.get(reverse("initiatives:index"), {"q": "", "axe": ""})
    assert everything.context["page"].paginator.num_pages == 2
    response = client.get(reverse("initiatives:index"), {"q": "de", "axe": "innover"})
    assert response.context["page"].paginator.count == 14
    response = client.get(reverse("initiatives:index"), {"q": "de"})
    assert response.context["page"].paginator.num_pages == 2
    assert 'href="?q=de&amp;page=2"' in response.content.decode()
    second = client.get(reverse("initiatives:index"), {"q": "de", "page": "2"})
    assert second.context["page"].number == 2


@pytest.mark.parametrize(
    "params",
    [
        {"axe": "'; drop"},
        {"departement": "<script>"},
        {"structure": "abc"},
        {"page": "999"},
        {"q": "x" * 5000},
    ],
)
def test_unknown_search_values_are_ignored(client, params):
    assert client.get(reverse("initiatives:index"), params).status_code == 200


def test_list_page_query_count_does_not_grow_with_results(
    client, django_assert_max_num_queries, org, member
):
    InitiativeFactory(
        carriers=[org], created_by=member, published=True, title="Jardin des possibles"
    )
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("initiatives:index"), {"q": "jardin"})
    for n in range(15):
        InitiativeFactory(carriers=[org], created_by=member, published=True, title=f"Jardin {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("initiatives:index"), {"q": "jardin"})


def test_organisation_and_territory_fragments_list_published_initiatives_only(
    draft, org, member, staff
):
    espresso = Initiative.objects.get(report_slug="les-espresso")
    cress = espresso.organisations.get()
    html = Template('{% load page_sections %}{% page_sections "organisation" o %}').render(
        Context({"o": cress})
    )
    assert "Les Espresso" in html
    assert f"?structure={cress.pk}" in html
    # Nothing to show: no section at all, not an empty one.
    assert (
        Template('{% load page_sections %}{% page_sections "organisation" o %}').render(
            Context({"o": org})
        )
        == ""
    )

    from essor.territories.models import Departement, Epci

    creuse = Departement.objects.get(code="23")
    titles = [i.title for i in services.initiatives_for_territory(departement=creuse)]
    assert "Société Coopérative d'Intérêt Collectif (SCIC) L'Arban" in titles
    assert "Les Espresso" not in titles
    assert services.initiatives_for_territory(
        departement="23"
    ) == services.initiatives_for_territory(departement=creuse)

    draft.departement_codes = ["23"]
    draft.save()
    assert draft not in services.initiatives_for_territory(departement=creuse)

    epci = Epci.objects.filter(communes__departement_id="87").first()
    draft.epci_codes = [epci.code]
    draft.status = Status.PUBLISHED
    draft.save()
    listed = services.initiatives_for_territory(epci=epci)
    assert listed[0] == draft  # the one naming the EPCI comes first
    assert "Lcube" in [i.title for i in listed]  # then those of its département
    html = Template('{% load page_sections %}{% page_sections "territory" epci %}').render(
        Context({"epci": epci})
    )
    assert "Initiatives sur ce territoire" in html


def test_the_body_is_rendered_as_sanitised_markdown(client, org, member, staff):
    initiative = InitiativeFactory(carriers=[org], created_by=member, published=True)
    initiative.body = "**Gras** <script>alert(1)</script> [x](javascript:alert(1))"
    initiative.save()
    page = text(client.get(initiative.get_absolute_url()))
    assert "<strong>Gras</strong>" in page
    assert "<script>alert" not in page
    assert "javascript:alert" not in page


def test_the_header_menu_links_the_initiatives(client):
    page = text(client.get(reverse("portal:home")))
    assert re.search(r'href="/initiatives/"[^>]*>Initiatives<', page)


def test_mine_lists_what_my_organisations_carry(client, draft, member):
    client.force_login(member)
    page = text(client.get(reverse("initiatives:mine")))
    assert draft.title in page
    assert "Brouillon" in page
    client.force_login(UserFactory())
    assert draft.title not in text(client.get(reverse("initiatives:mine")))


def test_transition_log_records_who_when_and_why(draft, member, staff):
    submitted(draft, member)
    services.initiative_transition(
        initiative=draft,
        transition=Transition.REJECT,
        actor=staff,
        comment="Hors du champ de l'ESS.",
    )
    log = list(
        InitiativeTransition.objects.filter(initiative=draft).values_list(
            "transition", "actor", "comment"
        )
    )
    assert log == [
        (Transition.SUBMIT, member.pk, ""),
        (Transition.REJECT, staff.pk, "Hors du champ de l'ESS."),
    ]


def test_staff_edit_an_example_in_the_admin_with_its_history_read_only(client, staff):
    espresso = Initiative.objects.get(report_slug="les-espresso")
    client.force_login(staff)
    page = text(client.get(reverse("admin:initiatives_initiative_change", args=[espresso.pk])))
    assert 'value="16 17 79 86"' in page
    assert "Publication d'un exemple de l'état des lieux" in page
    client.force_login(UserFactory(is_staff=True))
    assert (
        client.get(reverse("admin:initiatives_initiative_change", args=[espresso.pk])).status_code
        == 403
    )


def test_the_report_loader_command_says_what_it_did():
    from io import StringIO

    from django.core.management import call_command

    Initiative.objects.filter(report_slug="lcube-limoges").delete()
    out = StringIO()
    call_command("load_report_initiatives", stdout=out)
    assert out.getvalue().startswith("1 initiative(s) créée(s), 37 déjà présente(s)")
    assert Initiative.objects.get(report_slug="lcube-limoges").is_published
