import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from essor.financing import services, workflow
from essor.financing.enums import (
    Beneficiary,
    FundingRequestStatus,
    LineStatus,
    PdfStatus,
    ToolStatus,
    Transition,
)
from essor.financing.models import DossierVersion, FundingRequest, FundingRequestTransition
from tests.factories.accounts import UserFactory
from tests.factories.directory import MembershipFactory, OrganisationFactory
from tests.factories.financing import ToolFactory, applicant, funder_member, ready_dossier

pytestmark = pytest.mark.django_db

# A list page reads the session, the user, their organisations and the rows: a fixed number
# of queries, however many rows (an N+1 fails the test).
# The export counts its rows first (above ESSOR_EXPORT_SYNC_ROWS it goes to the background).
# The list also reads the funder's tools once, for its « Outil ou appel » filter.
LIST_QUERIES = {"financing:requests": 6, "financing:requests_csv": 4}


@pytest.fixture
def two_funders():
    """One dossier sent to funder A, another to funder B."""
    user_a, funder_a = funder_member(OrganisationFactory(name="Financeur A"))
    user_b, funder_b = funder_member(OrganisationFactory(name="Financeur B"))
    applicant_user, organisation = applicant()
    to_a = ready_dossier(organisation, applicant_user, [funder_a])
    to_b = ready_dossier(organisation, applicant_user, [funder_b])
    to_b.title = "Dossier secret pour B"
    to_b.save()
    services.dossier_submit(dossier=to_a, user=applicant_user)
    services.dossier_submit(dossier=to_b, user=applicant_user)
    return {
        "user_a": user_a,
        "user_b": user_b,
        "request_a": FundingRequest.objects.get(funder=funder_a),
        "request_b": FundingRequest.objects.get(funder=funder_b),
        "applicant": applicant_user,
    }


def test_funder_a_cannot_list_open_or_guess_the_url_of_funder_bs_requests(client, two_funders):
    client.force_login(two_funders["user_a"])
    request_b = two_funders["request_b"]
    version_b = DossierVersion.objects.get(dossier=request_b.dossier)
    DossierVersion.objects.filter(pk=version_b.pk).update(pdf_status=PdfStatus.READY)

    listing = client.get(reverse("financing:requests")).content.decode()
    assert "Recyclerie solidaire" in listing and "Dossier secret pour B" not in listing
    rows = list(csv.reader(io.StringIO(b"".join(client.get(reverse("financing:requests_csv")).streaming_content).decode("utf-8-sig")), delimiter=";"))  # fmt: skip
    assert len(rows) == 2 and rows[1][0] == "Financeur A"

    not_found = [
        client.get(reverse("financing:request", args=[request_b.pk])),
        client.post(
            reverse("financing:request_transition", args=[request_b.pk]),
            {"transition": "inadmissible", "comment": "Forgé"},
        ),
        client.get(reverse("financing:version", args=[version_b.pk])),
        client.get(reverse("financing:version_pdf", args=[version_b.pk])),
        client.post(reverse("financing:version_pdf", args=[version_b.pk])),
        client.get(reverse("financing:dossier", args=[request_b.dossier_id])),
        client.post(reverse("financing:dossier_answer", args=[request_b.dossier_id, request_b.pk])),
    ]
    assert [r.status_code for r in not_found] == [404] * len(not_found)
    request_b.refresh_from_db()
    assert request_b.status == FundingRequestStatus.RECEIVED
    assert request_b.transitions.count() == 1
    with pytest.raises(PermissionDenied):
        services.request_transition(
            request=request_b, transition="admissible", user=two_funders["user_a"]
        )


def test_a_member_of_the_funder_without_the_funder_role_cannot_instruct(client, two_funders):
    request_a = two_funders["request_a"]
    plain = UserFactory()
    MembershipFactory(user=plain, organisation=request_a.funder)
    staff = UserFactory(cress_staff=True)
    for user in (plain, staff):
        client.force_login(user)
        assert client.get(request_a.get_absolute_url()).status_code == 404
        assert "Recyclerie" not in client.get(reverse("financing:requests")).content.decode()


def test_the_workflow_logs_every_transition_with_who_when_and_comment(client, two_funders):
    user_a, request = two_funders["user_a"], two_funders["request_a"]
    client.force_login(user_a)
    url = reverse("financing:request_transition", args=[request.pk])
    assert client.post(url, {"transition": "admissible"}).status_code == 302
    assert (
        client.post(url, {"transition": "instruct", "comment": "Dossier complet."}).status_code
        == 302
    )
    # Granting more than was asked is refused, in French, and changes nothing.
    too_much = client.post(url, {"transition": "grant", "amount": "999999"})
    assert too_much.status_code == 400
    assert "dépasse le montant demandé" in too_much.content.decode()
    granted = client.post(
        url, {"transition": "grant_partially", "amount": "20000", "comment": "Plafond."}
    )
    assert granted.status_code == 302
    request.refresh_from_db()
    assert request.status == FundingRequestStatus.PARTIALLY_GRANTED
    assert request.amount_granted == Decimal("20000.00")
    events = list(FundingRequestTransition.objects.filter(request=request).order_by("pk"))
    assert [(e.from_status, e.to_status) for e in events[1:]] == [
        (FundingRequestStatus.RECEIVED, FundingRequestStatus.ADMISSIBLE),
        (FundingRequestStatus.ADMISSIBLE, FundingRequestStatus.INSTRUCTING),
        (FundingRequestStatus.INSTRUCTING, FundingRequestStatus.PARTIALLY_GRANTED),
    ]
    assert all(e.actor == user_a and e.created_at for e in events[1:])
    assert events[2].comment == "Dossier complet." and events[3].amount == Decimal("20000.00")
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Plafond." in page and "Accordée partiellement" in page
    line = request.dossier.funding_lines.get()
    assert (line.status, line.amount_granted) == (LineStatus.GRANTED, Decimal("20000.00"))


def test_transitions_outside_the_table_are_refused(two_funders):
    user_a, request = two_funders["user_a"], two_funders["request_a"]
    with pytest.raises(ValidationError):
        services.request_transition(request=request, transition="grant", user=user_a, amount=1)
    with pytest.raises(ValidationError, match="motif"):
        services.request_transition(request=request, transition="inadmissible", user=user_a)
    # The funder cannot answer a complement in the applicant's place.
    with pytest.raises(PermissionDenied):
        services.request_transition(request=request, transition="answer_complement", user=user_a)
    request.refresh_from_db()
    assert request.status == FundingRequestStatus.RECEIVED
    assert workflow.available(FundingRequestStatus.RECEIVED, workflow.FUNDER) == [
        Transition.DECLARE_ADMISSIBLE,
        Transition.DECLARE_INADMISSIBLE,
        Transition.CLOSE,
    ]


def test_after_a_grant_come_the_agreement_and_the_payment(two_funders):
    user_a, request = two_funders["user_a"], two_funders["request_a"]
    for transition in ("admissible", "instruct"):
        services.request_transition(request=request, transition=transition, user=user_a)
    services.request_transition(
        request=request, transition="grant", user=user_a, amount=Decimal("30000")
    )
    services.request_transition(request=request, transition="sign", user=user_a)
    services.request_transition(request=request, transition="pay", user=user_a)
    request.refresh_from_db()
    assert request.status == FundingRequestStatus.PAID


def _instruct(request, user):
    for transition in ("admissible", "instruct"):
        services.request_transition(request=request, transition=transition, user=user)


def test_tour_de_table_with_three_funders_a_refusal_recomputes_gap_and_suggestions(client):
    applicant_user, organisation = applicant()
    members = [funder_member(OrganisationFactory(name=f"Financeur {n}")) for n in range(3)]
    funders = [organisation for _, organisation in members]
    amounts = [Decimal("10000"), Decimal("8000"), Decimal("6000")]
    dossier = ready_dossier(organisation, applicant_user, funders, amounts=amounts, total="24000")
    # A tool that can fill a gap of 6 000 €, and one too small for it.
    fitting = ToolFactory(title="Fonds d'appoint", beneficiaries=[Beneficiary.ASSOCIATION],
                          amount_min=1000, amount_max=10000)  # fmt: skip
    ToolFactory(title="Réservé aux SCOP", beneficiaries=[Beneficiary.SCOP])
    services.dossier_submit(dossier=dossier, user=applicant_user)

    tour = services.tour_de_table(dossier)
    assert (tour.need, tour.pending, tour.granted, tour.gap) == (24000, 24000, 0, 0)
    assert tour.suggestions == []

    requests = {r.funder_id: r for r in FundingRequest.objects.all()}
    user0, user1, user2 = (user for user, _ in members)
    first, second, third = (requests[f.pk] for f in funders)
    _instruct(first, user0)
    services.request_transition(
        request=first, transition="grant", user=user0, amount=Decimal("10000")
    )
    tour = services.tour_de_table(dossier)
    assert (tour.granted, tour.pending, tour.gap) == (10000, 14000, 0)

    _instruct(third, user2)
    services.request_transition(
        request=third, transition="refuse", user=user2, comment="Hors cadre."
    )
    tour = services.tour_de_table(dossier)
    assert (tour.granted, tour.pending, tour.refused, tour.gap) == (10000, 8000, 6000, 6000)
    assert [v.tool for v in tour.suggestions] == [fitting]

    _instruct(second, user1)
    services.request_transition(request=second, transition="grant_partially", user=user1,
                                amount=Decimal("5000"), comment="Enveloppe réduite.")  # fmt: skip
    tour = services.tour_de_table(dossier)
    assert (tour.granted, tour.pending, tour.gap) == (15000, 0, 9000)
    assert [v.tool for v in tour.suggestions] == [fitting]

    client.force_login(applicant_user)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert (
        "Reste à trouver" in page and "9\u202f000,00 €" in page and "Fonds d&#x27;appoint" in page
    )


def test_funders_see_the_tour_de_table_only_with_the_applicants_consent(client):
    applicant_user, organisation = applicant()
    (user_a, funder_a), (_, funder_b) = funder_member(), funder_member()
    dossier = ready_dossier(organisation, applicant_user, [funder_a, funder_b])
    services.dossier_submit(dossier=dossier, user=applicant_user)
    request_a = FundingRequest.objects.get(funder=funder_a)
    client.force_login(user_a)
    assert "Tour de table" not in client.get(request_a.get_absolute_url()).content.decode()
    dossier.share_tour_with_funders = True
    dossier.save()
    page = client.get(request_a.get_absolute_url()).content.decode()
    assert "Tour de table" in page and funder_b.name in page


def test_a_suspended_tool_is_not_suggested():
    applicant_user, organisation = applicant()
    user, funder = funder_member()
    dossier = ready_dossier(organisation, applicant_user, [funder])
    ToolFactory(title="Suspendu", envelope="suspended")
    ToolFactory(title="Brouillon", status=ToolStatus.DRAFT)
    services.dossier_submit(dossier=dossier, user=applicant_user)
    request = FundingRequest.objects.get()
    _instruct(request, user)
    services.request_transition(request=request, transition="refuse", user=user, comment="Non.")
    assert services.tour_de_table(dossier).suggestions == []


def read(response):
    """The whole body, streamed or not: the queries of a streamed export run as it is read."""
    assert response.status_code == 200
    return b"".join(response.streaming_content if response.streaming else [response.content])


@pytest.mark.parametrize("page", ["financing:requests", "financing:requests_csv"])
def test_the_funders_list_and_export_make_the_same_queries_for_one_or_many_requests(
    client, django_assert_max_num_queries, page
):
    funder_user, funder = funder_member(OrganisationFactory(name="Financeur A"))
    applicant_user, organisation = applicant()

    def submit(title):
        dossier = ready_dossier(organisation, applicant_user, [funder])
        dossier.title = title
        dossier.save()
        services.dossier_submit(dossier=dossier, user=applicant_user)

    submit("Projet n°0")
    client.force_login(funder_user)
    url = reverse(page)
    with django_assert_max_num_queries(LIST_QUERIES[page]) as one:
        read(client.get(url))
    for n in range(1, 4):
        submit(f"Projet n°{n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = read(client.get(url)).decode("utf-8-sig")
    assert all(f"Projet n°{n}" in body for n in range(4))
