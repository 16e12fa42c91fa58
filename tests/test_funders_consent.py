"""Issue 12.5: without « partager le tour de table », a funder sees only its own line of
the funding plan — in the version page, the request page, the PDF, the CSV export and the
API. With the applicant's consent, the whole plan."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from essor.financing import services
from essor.financing.enums import LineStatus, PdfStatus
from essor.financing.models import DossierVersion, FundingLine, FundingRequest
from tests.factories.directory import OrganisationFactory
from tests.factories.financing import applicant, funder_member, ready_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier():
    """A dossier sent to the Région (10 000 €), France Active (20 000 €), which refused,
    and a foundation (5 000 €); version 2 was frozen after the refusal."""
    user_a, region = funder_member(OrganisationFactory(name="Région Nouvelle-Aquitaine"))
    user_b, france_active = funder_member(OrganisationFactory(name="France Active"))
    foundation = OrganisationFactory(name="Fondation de France")
    applicant_user, organisation = applicant()
    dossier = ready_dossier(
        organisation,
        applicant_user,
        [region, france_active, foundation],
        amounts=[Decimal("10000"), Decimal("20000"), Decimal("5000")],
        total="35000",
    )
    services.dossier_submit(dossier=dossier, user=applicant_user)
    FundingLine.objects.filter(funder=france_active).update(status=LineStatus.REFUSED)
    services._freeze(dossier, applicant_user, "Complément pour Région Nouvelle-Aquitaine")
    DossierVersion.objects.filter(dossier=dossier).update(pdf_status=PdfStatus.READY)
    for version in DossierVersion.objects.filter(dossier=dossier):
        version.pdf.save(f"v{version.number}.pdf", io.BytesIO(b"%PDF-1.4 complet"), save=True)
    return {
        "dossier": dossier,
        "region_user": user_a,
        "applicant": applicant_user,
        "request": FundingRequest.objects.get(funder=region),
        "version": DossierVersion.objects.get(dossier=dossier, number=2),
    }


# The other funders' names, their amounts (not as a part of a larger number), the refusal.
SECRETS = re.compile(r"France Active|Fondation de France|(?<!\d)(?<!\d )(20|5) 000|Refusé")


def plain(text):
    return text.replace("\u202f", " ").replace("\xa0", " ")


def channels(client, d, pdf=True):
    """Every page and file where the Région reads the dossier, as text."""
    version, request = d["version"], d["request"]
    response = client.get(reverse("financing:version_pdf", args=[version.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    pdf_text = (
        "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages) if pdf else ""
    )
    export = client.get(reverse("financing:requests_csv"))  # streamed (essor.core.exports)
    csv = b"".join(export.streaming_content).decode("utf-8-sig")
    api = "".join(
        client.get(url, query).content.decode()
        for url, query in [
            (reverse("api:list_tools"), {}),
            (reverse("api:search"), {"q": "Recyclerie"}),
            (reverse("api:list_organisations"), {"q": "France Active"}),
        ]
    )
    return {
        "version": client.get(reverse("financing:version", args=[version.pk])).content.decode(),
        "request": client.get(reverse("financing:request", args=[request.pk])).content.decode(),
        "pdf": pdf_text,
        "csv": csv,
        "api": api,
    }


def test_without_consent_a_funder_sees_only_its_own_line_everywhere(client, dossier):
    client.force_login(dossier["region_user"])

    seen = channels(client, dossier)

    for channel, text in seen.items():
        assert not SECRETS.search(plain(text)), (channel, SECRETS.search(plain(text)))
    assert "Région Nouvelle-Aquitaine" in seen["version"]
    assert "10 000" in seen["version"].replace("\u202f", " ").replace("\xa0", " ")
    assert "Région Nouvelle-Aquitaine" in seen["pdf"]
    # The budget still balances: the other subsidies are one line without a name.
    assert services.OTHER_SUBSIDIES in seen["version"]
    assert "25 000" in seen["version"].replace("\u202f", " ").replace("\xa0", " ")


def test_with_consent_the_funder_sees_the_whole_tour_de_table(client, dossier):
    dossier["dossier"].share_tour_with_funders = True
    dossier["dossier"].save()
    client.force_login(dossier["region_user"])

    seen = channels(client, dossier, pdf=False)  # the stored PDF, the whole version

    for channel in ("version", "request"):
        text = seen[channel].replace("\u202f", " ").replace("\xa0", " ")
        assert "France Active" in text and "Refusé" in text, channel


def test_the_applicant_always_sees_its_whole_funding_plan(client, dossier):
    client.force_login(dossier["applicant"])

    html = client.get(reverse("financing:version", args=[dossier["version"].pk])).content
    assert "France Active" in html.decode() and "Refusé" in html.decode()


def test_the_redaction_keeps_the_totals_and_matches_old_versions_by_name(dossier):
    version = dossier["version"]
    region = dossier["request"].funder
    for line in version.snapshot["funding"]:
        line.pop("funder_id")  # a version frozen before the id was kept

    data = services.redact_snapshot(version.snapshot, [region])

    assert [line["funder"] for line in data["funding"]] == ["Région Nouvelle-Aquitaine"]
    project = data["budgets"]["project"]
    subsidies = [line for line in project["lines"] if line["account"] == "74"]
    assert {line["label"]: line["amount"] for line in subsidies} == {
        "Région Nouvelle-Aquitaine": "10000.00",
        services.OTHER_SUBSIDIES: "25000.00",
    }
    assert project["total_products"] == version.snapshot["budgets"]["project"]["total_products"]
