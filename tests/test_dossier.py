import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from essor.financing import services
from essor.financing.enums import BudgetScope, DossierStatus, FundingRequestStatus, PdfStatus
from essor.financing.models import (
    BudgetLine,
    Dossier,
    DossierVersion,
    FundingRequest,
    OrganisationDocument,
)
from tests.factories.directory import OrganisationFactory
from tests.factories.financing import ToolFactory, applicant, budget, funder_member, ready_dossier
from tests.utils import DB_TASKS, run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    user, organisation = applicant()
    funders = [OrganisationFactory(name=f"Financeur {n}") for n in range(2)]
    return user, organisation, funders


def test_a_member_creates_a_dossier_for_their_organisation(client, setup):
    user, organisation, _ = setup
    client.force_login(user)
    response = client.post(
        reverse("financing:dossier_create", args=[organisation.pk]),
        {"title": "Tiers-lieu", "description": "Un lieu partagé."},
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response.url == dossier.get_absolute_url()
    assert dossier.organisation == organisation and dossier.status == DossierStatus.DRAFT


def test_a_non_member_cannot_create_a_dossier_for_an_organisation(client, setup):
    _, organisation, _ = setup
    other, _ = applicant()
    client.force_login(other)
    response = client.post(
        reverse("financing:dossier_create", args=[organisation.pk]), {"title": "Pirate"}
    )
    assert response.status_code == 403
    assert not Dossier.objects.exists()


def test_budget_lines_are_saved_and_an_unbalanced_budget_is_flagged(client, setup):
    user, organisation, _ = setup
    dossier = Dossier.objects.create(organisation=organisation, title="Projet")
    client.force_login(user)
    url = reverse("financing:dossier_budget", args=[dossier.pk, "project"])
    data = {
        "form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0",
        "form-0-account": "64", "form-0-label": "Salaires", "form-0-amount": "1000.50",
        "form-1-account": "74", "form-1-label": "Région", "form-1-amount": "900",
    }  # fmt: skip
    response = client.post(url, data, follow=True)
    assert "pas équilibré" in response.content.decode()
    project = dossier.budget(BudgetScope.PROJECT)
    assert project.total_charges == Decimal("1000.50")
    assert project.total_products == Decimal("900.00")
    assert not project.is_balanced


def test_a_subsidy_line_without_its_funder_is_refused_in_french(client, setup):
    user, organisation, _ = setup
    dossier = Dossier.objects.create(organisation=organisation, title="Projet")
    client.force_login(user)
    data = {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0",
        "form-0-account": "74", "form-0-label": "", "form-0-amount": "900",
    }  # fmt: skip
    response = client.post(reverse("financing:dossier_budget", args=[dossier.pk, "project"]), data)
    assert response.status_code == 400
    assert "se détaille par financeur" in response.content.decode()
    assert not BudgetLine.objects.exists()


def test_an_unbalanced_budget_cannot_be_submitted(client, setup):
    user, organisation, funders = setup
    dossier = ready_dossier(organisation, user, funders)
    budget(dossier, BudgetScope.PROJECT, [("61", "Loyer", "100")])
    client.force_login(user)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "budget du projet n&#x27;est pas équilibré" in page
    assert "Relire et déposer le dossier" not in page
    summary = client.get(reverse("financing:dossier_submit", args=[dossier.pk])).content.decode()
    assert "budget du projet n&#x27;est pas équilibré" in summary
    assert "Déposer auprès des financeurs" not in summary

    response = client.post(
        reverse("financing:dossier_submit", args=[dossier.pk]), {"confirm": "on"}
    )
    assert response.status_code == 400
    assert "n&#x27;est pas équilibré" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT
    assert not DossierVersion.objects.exists() and not FundingRequest.objects.exists()
    with pytest.raises(ValidationError):
        services.dossier_submit(dossier=dossier, user=user)


def test_a_forged_post_cannot_submit_another_organisations_dossier(client, setup):
    user, organisation, funders = setup
    dossier = ready_dossier(organisation, user, funders)
    intruder, _ = applicant()
    client.force_login(intruder)
    response = client.post(reverse("financing:dossier_submit", args=[dossier.pk]))
    assert response.status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT and not FundingRequest.objects.exists()
    with pytest.raises(PermissionDenied):
        services.dossier_submit(dossier=dossier, user=intruder)


def test_a_funder_cannot_submit_a_dossier_by_forged_post_either(client, setup):
    user, organisation, funders = setup
    dossier = ready_dossier(organisation, user, funders)
    funder_user, _ = funder_member(funders[0])
    client.force_login(funder_user)
    assert client.post(reverse("financing:dossier_submit", args=[dossier.pk])).status_code == 404
    assert not FundingRequest.objects.exists()


def test_submission_freezes_a_version_and_opens_one_request_per_funder(client, setup):
    user, organisation, funders = setup
    dossier = ready_dossier(organisation, user, funders)
    # Two lines for the same funder still make one request, for their sum.
    dossier.funding_lines.create(funder=funders[0], amount_asked=Decimal("1000"))
    budget(dossier, BudgetScope.PROJECT, [("60", "Achats", "1000"), ("74", "Bis", "1000")])
    client.force_login(user)
    url = reverse("financing:dossier_submit", args=[dossier.pk])
    # The summary asks for an explicit confirmation: without it, nothing is sent.
    unconfirmed = client.post(url)
    assert unconfirmed.status_code == 400
    assert "Cochez la case pour confirmer l&#x27;envoi." in unconfirmed.content.decode()
    assert not FundingRequest.objects.exists()
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    version = DossierVersion.objects.get()
    assert version.number == 1
    assert version.snapshot["identity"]["name"] == organisation.name
    assert version.snapshot["budgets"]["project"]["total_charges"] == "31000.00"
    requests = FundingRequest.objects.order_by("funder__name")
    assert [(r.funder, r.amount_asked, r.status) for r in requests] == [
        (funders[0], Decimal("16000.00"), FundingRequestStatus.RECEIVED),
        (funders[1], Decimal("15000.00"), FundingRequestStatus.RECEIVED),
    ]
    assert all(r.transitions.get().version == version for r in requests)
    # Submitting twice opens nothing more.
    assert client.post(url, {"confirm": "on"}).url == dossier.get_absolute_url()
    assert FundingRequest.objects.count() == 2


def test_after_submission_the_applicant_cannot_change_what_funders_received(client, setup):
    user, organisation, funders = setup
    dossier = ready_dossier(organisation, user, funders)
    services.dossier_submit(dossier=dossier, user=user)
    client.force_login(user)
    data = {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0",
        "form-0-account": "60", "form-0-label": "Ajout", "form-0-amount": "99999",
    }  # fmt: skip
    budget_url = reverse("financing:dossier_budget", args=[dossier.pk, "project"])
    assert client.post(budget_url, data).status_code == 403
    edit = client.post(reverse("financing:dossier_edit", args=[dossier.pk]), {"title": "Autre"})
    assert edit.status_code == 403
    funding = reverse("financing:dossier_funding", args=[dossier.pk])
    assert client.post(funding, {"form-TOTAL_FORMS": "0"}).status_code == 403
    dossier.refresh_from_db()
    assert dossier.title == "Recyclerie solidaire"
    assert dossier.budget(BudgetScope.PROJECT).total_charges == Decimal("30000.00")
    assert DossierVersion.objects.get().snapshot["project"]["title"] == "Recyclerie solidaire"


def test_a_complement_round_freezes_a_new_version_and_the_funder_sees_both(client, setup):
    user, organisation, funders = setup
    dossier = ready_dossier(organisation, user, funders)
    services.dossier_submit(dossier=dossier, user=user)
    funder_user, _ = funder_member(funders[0])
    request = FundingRequest.objects.get(funder=funders[0])
    for transition in ("admissible", "instruct"):
        services.request_transition(request=request, transition=transition, user=funder_user)
    services.request_transition(
        request=request,
        transition="request_complement",
        user=funder_user,
        comment="Détaillez les charges de personnel.",
    )

    client.force_login(user)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "Détaillez les charges de personnel." in page
    data = {
        "form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0",
        "form-0-account": "64", "form-0-label": "Salaires", "form-0-amount": "5000",
        "form-1-account": "75", "form-1-label": "Cotisations", "form-1-amount": "5000",
    }  # fmt: skip
    budget_url = reverse("financing:dossier_budget", args=[dossier.pk, "project"])
    assert client.post(budget_url, data).status_code == 302
    answer = reverse("financing:dossier_answer", args=[dossier.pk, request.pk])
    assert client.post(answer, {"comment": "Voici le détail."}).status_code == 302

    request.refresh_from_db()
    assert request.status == FundingRequestStatus.INSTRUCTING
    first, second = DossierVersion.objects.order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert first.snapshot["budgets"]["project"]["total_charges"] == "30000.00"
    assert second.snapshot["budgets"]["project"]["total_charges"] == "35000.00"
    # Once answered, the dossier is locked again.
    assert client.post(budget_url, data).status_code == 403

    client.force_login(funder_user)
    html = client.get(request.get_absolute_url()).content.decode()
    assert reverse("financing:version", args=[first.pk]) in html
    assert reverse("financing:version", args=[second.pk]) in html
    old = client.get(reverse("financing:version", args=[first.pk])).content.decode()
    assert "30\u202f000,00 €" in old and "35\u202f000,00 €" not in old
    new = client.get(reverse("financing:version", args=[second.pk])).content.decode()
    assert "35\u202f000,00 €" in new


def pdf_text(data, tmp_path):
    pdftotext = shutil.which("pdftotext") or "/usr/bin/pdftotext"
    path = tmp_path / "dossier.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_pdf_is_made_in_the_background_and_contains_the_budget_totals(
    client, setup, settings, tmp_path
):
    settings.TASKS = DB_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    user, organisation, funders = setup
    dossier = ready_dossier(organisation, user, funders, total="12345.67",
                            amounts=["10000.00", "2345.67"])  # fmt: skip
    version = services.dossier_submit(dossier=dossier, user=user)
    client.force_login(user)
    pdf_url = reverse("financing:version_pdf", args=[version.pk])
    assert client.get(pdf_url).status_code == 404  # not made yet
    assert client.post(pdf_url).status_code == 302
    version.refresh_from_db()
    assert version.pdf_status == PdfStatus.PENDING

    assert run_queued_tasks() == 1
    version.refresh_from_db()
    assert version.pdf_status == PdfStatus.READY
    response = client.get(pdf_url)
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    text = pdf_text(content, tmp_path)
    assert "12 345,67 €" in text.replace("\u202f", " ")
    assert "50 000,00 €" in text.replace("\u202f", " ")  # the structure's budget
    assert "Total des charges" in text and "Total des produits" in text
    assert "CERFA" in text and organisation.name in text


PDF_BYTES = b"%PDF-1.4\n%fake but well-signed\n"


def test_the_document_vault_keeps_pieces_with_a_validity_date(client, setup, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user, organisation, _ = setup
    client.force_login(user)
    url = reverse("financing:documents", args=[organisation.pk])
    upload = SimpleUploadedFile("statuts.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(url, {"kind": "statutes", "file": upload, "valid_until": "2030-01-01"})
    assert response.status_code == 302
    document = OrganisationDocument.objects.get()
    assert (document.organisation, document.kind) == (organisation, "statutes")
    fake = SimpleUploadedFile("rib.pdf", b"MZ executable", content_type="application/pdf")
    refused = client.post(url, {"kind": "rib", "file": fake})
    assert refused.status_code == 400
    assert "ne correspond pas à son extension" in refused.content.decode()
    assert OrganisationDocument.objects.count() == 1
    # Someone else cannot read or fill the vault.
    client.force_login(applicant()[0])
    assert client.get(url).status_code == 404
    download = reverse("financing:document_download", args=[document.pk])
    assert client.get(download).status_code == 404


def test_attachments_are_reused_frozen_and_readable_by_the_dossiers_funders_only(
    client, setup, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    user, organisation, funders = setup
    statutes = OrganisationDocument.objects.create(
        organisation=organisation, kind="statutes", file=SimpleUploadedFile("s.pdf", PDF_BYTES)
    )
    expired = OrganisationDocument.objects.create(
        organisation=organisation, kind="accounts", file=SimpleUploadedFile("c.pdf", PDF_BYTES),
        valid_until=date(2020, 12, 31),
    )  # fmt: skip
    dossier = ready_dossier(organisation, user, funders)
    client.force_login(user)
    attach = reverse("financing:dossier_attachments", args=[dossier.pk])
    client.post(attach, {"documents": [statutes.pk, expired.pk]})
    assert set(dossier.attachments.all()) == {statutes, expired}
    submit = reverse("financing:dossier_submit", args=[dossier.pk])
    assert client.post(submit, {"confirm": "on"}).status_code == 400
    assert (
        "n&#x27;est plus valable depuis le 31/12/2020"
        in client.get(dossier.get_absolute_url()).content.decode()
    )

    client.post(attach, {"documents": [statutes.pk]})
    version = services.dossier_submit(dossier=dossier, user=user)
    assert [a["id"] for a in version.snapshot["attachments"]] == [statutes.pk]
    download = reverse("financing:document_download", args=[statutes.pk])
    funder_user, _ = funder_member(funders[0])
    client.force_login(funder_user)
    response = client.get(download)
    assert response.status_code == 200
    # Reading the stream to its end closes the file (and, in the test client, safely).
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert client.get(reverse("financing:document_download", args=[expired.pk])).status_code == 404
    other_funder, _ = funder_member()
    client.force_login(other_funder)
    assert client.get(download).status_code == 404


def test_every_page_of_the_dossier_renders_for_its_applicant(client, setup):
    user, organisation, funders = setup
    dossier = ready_dossier(organisation, user, funders)
    client.force_login(user)
    urls = [
        reverse("financing:dossiers"),
        reverse("financing:dossier_create", args=[organisation.pk]),
        reverse("financing:dossier_edit", args=[dossier.pk]),
        reverse("financing:dossier_budget", args=[dossier.pk, "structure"]),
        reverse("financing:dossier_funding", args=[dossier.pk]),
        reverse("financing:dossier_attachments", args=[dossier.pk]),
        reverse("financing:documents", args=[organisation.pk]),
        reverse("financing:alerts"),
        reverse("financing:my_tools"),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert (
        client.get(reverse("financing:dossier_budget", args=[dossier.pk, "x"])).status_code == 404
    )


def test_the_tour_de_table_form_names_a_lead_funder_among_its_funders(client, setup):
    user, organisation, funders = setup
    dossier = ready_dossier(organisation, user, funders)
    lines = list(dossier.funding_lines.all())
    client.force_login(user)
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2", "lead_funder": str(funders[1].pk)}
    for index, line in enumerate(lines):
        data |= {
            f"form-{index}-id": str(line.pk), f"form-{index}-funder": str(line.funder_id),
            f"form-{index}-amount_asked": "15000", f"form-{index}-status": "planned",
        }  # fmt: skip
    # The funder choices are organisations that publish a tool.
    for funder in funders:
        ToolFactory(funders=[funder])
    response = client.post(reverse("financing:dossier_funding", args=[dossier.pk]), data)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.lead_funder == funders[1]
    outsider = OrganisationFactory()
    data["lead_funder"] = str(outsider.pk)
    client.post(reverse("financing:dossier_funding", args=[dossier.pk]), data)
    dossier.refresh_from_db()
    assert dossier.lead_funder is None
