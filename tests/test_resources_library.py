"""The library of studies and reports (/ressources/etudes/): the 2016 état des lieux as its
first record, found by the words of its body; studies filed by an organisation's members,
kept private until the CRESS publishes them; PDFs checked, their text searched."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from essor.accounts.services import delete_account, personal_data
from essor.core import report
from essor.resources import forms as resource_forms
from essor.resources.enums import PublicationStatus, StudyKind
from essor.resources.models import Study
from essor.resources.services import REPORT_SLUG, REPORT_TEXT, load_report_study
from tests.factories.accounts import UserFactory
from tests.factories.directory import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def pdf_bytes(words):
    """A one-page PDF whose text is `words` (ASCII), written by hand."""
    stream = f"BT /F1 12 Tf 72 720 Td ({words}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def member_of(organisation):
    return MembershipFactory(organisation=organisation).user


def study_post(organisation, **overrides):
    data = {
        "title": "Les tiers-lieux de la Creuse",
        "kind": StudyKind.STUDY,
        "authors_text": "",
        "year": "2024",
        "published_on": "",
        "themes": ["cooperer"],
        "summary": "Une étude des tiers-lieux.",
        "external_url": "",
        "organisation": str(organisation.pk),
        "organisation_is_author": "on",
        "territoire": "d-23",
        "file": SimpleUploadedFile(
            "etude.pdf", pdf_bytes("Palimpseste cooperatif"), "application/pdf"
        ),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# The 2016 état des lieux


def test_the_2016_report_is_the_first_record_with_its_figures_and_pistes(client):
    study = Study.objects.get(slug=REPORT_SLUG)
    assert study.is_published and study.kind == StudyKind.SURVEY and study.year == 2016
    page = text(client.get(study.get_absolute_url()))
    assert report.source()["title"] in page
    assert "CRESS Aquitaine, CRESS Limousin, CRESS Poitou-Charentes" in page
    for figure in report.key_figures():
        assert figure["value"] in page and figure["quote"] in page
    assert 'href="/concertation/etat-des-lieux-2016/"' in page
    assert client.get("/concertation/etat-des-lieux-2016/").status_code == 200


def test_the_2016_report_is_found_by_a_phrase_from_its_body(client):
    # A sentence of the « Coopérer » part, in neither the title nor the summary.
    phrase = "coopération entre ESS et entreprises classiques"
    found = text(client.get(reverse("resources:studies"), {"q": phrase}))
    assert "1 document" in found and report.source()["title"] in found
    platform = text(
        client.get(reverse("portal:search"), {"q": "fusion administrative des Régions"})
    )
    assert report.source()["title"] in platform
    nothing = text(client.get(reverse("resources:studies"), {"q": "xylophone quantique"}))
    assert "0 document" in nothing


def test_loading_the_report_twice_changes_nothing_and_keeps_the_team_s_edits():
    Study.objects.filter(slug=REPORT_SLUG).update(summary="Résumé revu par l'équipe.")
    study, created = load_report_study()
    assert not created and study.summary == "Résumé revu par l'équipe."
    assert Study.objects.filter(slug=REPORT_SLUG).count() == 1
    assert study.region_id == "75"


def test_the_shipped_text_leaves_out_the_team_members_names():
    body = Study.objects.get(slug=REPORT_SLUG).extracted_text
    assert "CRESS Limousin" in body and "Jean-Claude Boyer" not in body


# Facets


def test_facets_count_and_filter_by_theme_kind_year_and_territory(client):
    load_report_study()  # now that the geography is there: the report is the region's
    organisation = OrganisationFactory()
    Study.objects.create(
        title="Évaluation des clauses sociales en Haute-Vienne", slug="eval-87",
        kind=StudyKind.EVALUATION, year=2023, themes=["commande_publique"], summary="…",
        departement_id="87", organisation=organisation, status=PublicationStatus.PUBLISHED,
    )  # fmt: skip
    Study.objects.create(
        title="Étude en relecture", slug="pending", kind=StudyKind.EVALUATION, year=2023,
        themes=["commande_publique"], summary="…", status=PublicationStatus.PENDING,
    )  # fmt: skip
    page = re.sub(r"<[^>]+>", "", text(client.get(reverse("resources:studies"))))
    assert "2 documents" in page
    assert "Évaluation (1)" in page and "Commande publique (1)" in page and "2023 (1)" in page
    assert "Haute-Vienne (1)" in page and "Étude en relecture" not in page
    url = reverse("resources:studies")
    for params in [{"theme": "commande_publique"}, {"type": "evaluation"}, {"annee": "2023"},
                   {"territoire": "d-87"}]:  # fmt: skip
        found = text(client.get(url, params))
        assert "1 document" in found and "clauses sociales en Haute-Vienne" in found
    assert "2 documents" in text(client.get(url, {"territoire": "r-75"}))
    assert "Nouvelle-Aquitaine (1)" in page
    assert client.get(url, {"type": "roman"}).status_code == 400


# Filing a study


def test_a_member_files_a_pdf_study_that_stays_private_until_published(
    client, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(name="Tiers-lieux en Creuse (test)")
    client.force_login(member_of(organisation))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("resources:study_create"), study_post(organisation))
    study = Study.objects.get(title="Les tiers-lieux de la Creuse")
    assert response.status_code == 302
    assert study.status == PublicationStatus.PENDING and study.organisation == organisation
    assert list(study.author_organisations.all()) == [organisation]
    assert study.departement_id == "23"
    # The background task read the PDF.
    assert "Palimpseste cooperatif" in study.extracted_text
    # Its page and file are for the organisation only until then.
    own = client.get(reverse("resources:study_file", args=[study.slug]))
    assert own.status_code == 200
    assert b"".join(own.streaming_content).startswith(b"%PDF-")  # read, hence closed
    client.logout()
    assert client.get(study.get_absolute_url()).status_code == 404
    assert client.get(reverse("resources:study_file", args=[study.slug])).status_code == 404
    assert "0 document" in text(client.get(reverse("resources:studies"), {"q": "palimpseste"}))
    # A moderator publishes it: then anyone finds it by the words of its PDF.
    client.force_login(UserFactory(cress_staff=True))
    response = client.post(
        reverse("resources:study_step", args=[study.slug]), {"transition": "publish"}
    )
    assert response.status_code == 302
    client.logout()
    found = text(client.get(reverse("resources:studies"), {"q": "palimpseste"}))
    assert "1 document" in found and "Les tiers-lieux de la Creuse" in found
    pdf = client.get(reverse("resources:study_file", args=[study.slug]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"file": SimpleUploadedFile("etude.pdf", b"MZ\x90\x00 not a pdf")},
         "Seuls les fichiers PDF sont acceptés."),
        ({"file": SimpleUploadedFile("etude.docx", pdf_bytes("x"))},
         "Seuls les fichiers PDF sont acceptés."),
        ({"file": None}, "Joignez le PDF du document ou indiquez un lien vers lui."),
        ({"year": "2016", "published_on": "2017-01-03"},
         "La date de parution n'est pas dans l'année indiquée."),
        ({"year": "2999"}, "Indiquez l'année de parution (pas une année à venir)."),
    ],
)  # fmt: skip
def test_bad_studies_get_a_french_error_and_nothing_is_saved(client, overrides, message):
    organisation = OrganisationFactory()
    client.force_login(member_of(organisation))
    response = client.post(reverse("resources:study_create"), study_post(organisation, **overrides))
    assert response.status_code == 400
    assert message in text(response)
    assert not Study.objects.filter(title="Les tiers-lieux de la Creuse").exists()


def test_an_oversized_pdf_is_refused(client, monkeypatch):
    monkeypatch.setattr(resource_forms, "MAX_STUDY_PDF_BYTES", 100)
    organisation = OrganisationFactory()
    client.force_login(member_of(organisation))
    response = client.post(reverse("resources:study_create"), study_post(organisation))
    assert response.status_code == 400 and "la limite est de 8 Mo" in text(response)
    assert not Study.objects.filter(title="Les tiers-lieux de la Creuse").exists()


def test_a_forged_organisation_is_refused_in_french(client):
    mine, other = OrganisationFactory(), OrganisationFactory()
    client.force_login(member_of(mine))
    response = client.post(reverse("resources:study_create"), study_post(other))
    assert response.status_code == 400
    assert "Choisissez une des structures dont vous êtes membre." in text(response)
    assert not Study.objects.filter(title="Les tiers-lieux de la Creuse").exists()


def test_only_the_publishing_organisation_s_members_edit_a_study(client):
    organisation = OrganisationFactory()
    study = Study.objects.create(
        title="Étude publiée", slug="publiee", kind=StudyKind.STUDY, year=2020,
        themes=["innover"], summary="…", organisation=organisation,
        external_url="https://example.org/etude.pdf", status=PublicationStatus.PUBLISHED,
    )  # fmt: skip
    client.force_login(member_of(OrganisationFactory()))
    assert client.get(reverse("resources:study_edit", args=[study.slug])).status_code == 404
    response = client.post(
        reverse("resources:study_step", args=[study.slug]), {"transition": "archive"}
    )
    assert response.status_code == 404
    study.refresh_from_db()
    assert study.status == PublicationStatus.PUBLISHED
    client.force_login(member_of(organisation))
    response = client.post(
        reverse("resources:study_edit", args=[study.slug]),
        study_post(organisation, title="Étude publiée, revue", file=None,
                   external_url="https://example.org/etude.pdf"),
    )  # fmt: skip
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.title == "Étude publiée, revue"


@pytest.mark.parametrize("forged", [{}, {"transition": "archive", "comment": "x" * 2001}])
def test_a_forged_step_answers_the_study_page_with_a_french_error(client, forged):
    organisation = OrganisationFactory()
    study = Study.objects.create(
        title="Étude publiée", slug="publiee", kind=StudyKind.STUDY, year=2020,
        themes=["innover"], summary="…", organisation=organisation,
        external_url="https://example.org/etude.pdf", status=PublicationStatus.PUBLISHED,
    )  # fmt: skip
    client.force_login(member_of(organisation))
    response = client.post(reverse("resources:study_step", args=[study.slug]), forged)
    assert response.status_code == 400
    assert "Cette action n'existe pas." in text(response)
    assert "Étude publiée" in text(response)
    study.refresh_from_db()
    assert study.status == PublicationStatus.PUBLISHED


def test_a_moderator_does_not_publish_their_own_study(client):
    organisation = OrganisationFactory()
    staff = UserFactory(cress_staff=True)
    MembershipFactory(organisation=organisation, user=staff)
    study = Study.objects.create(
        title="À relire", slug="a-relire", kind=StudyKind.STUDY, year=2020, themes=["innover"],
        summary="…", organisation=organisation, created_by=staff,
        external_url="https://example.org/e.pdf", status=PublicationStatus.PENDING,
    )  # fmt: skip
    client.force_login(staff)
    response = client.post(
        reverse("resources:study_step", args=[study.slug]), {"transition": "publish"}
    )
    assert response.status_code == 403
    study.refresh_from_db()
    assert study.status == PublicationStatus.PENDING


# Personal data


def test_the_filer_s_studies_are_in_their_export_and_stay_with_the_organisation():
    organisation = OrganisationFactory()
    user = member_of(organisation)
    study = Study.objects.create(
        title="Étude déposée", slug="deposee", kind=StudyKind.STUDY, year=2020,
        themes=["innover"], summary="…", organisation=organisation, created_by=user,
        external_url="https://example.org/e.pdf",
    )  # fmt: skip
    exported = personal_data(user)["ressources_etudes_deposees"]
    assert [row["titre"] for row in exported] == ["Étude déposée"]
    delete_account(user)
    study.refresh_from_db()
    assert study.created_by is None and study.organisation == organisation


# Guides


def test_the_social_innovation_guide_quotes_the_csess_definition_and_links_the_platform(client):
    from essor.resources.guides import COOPERATION, GUIDES, PUBLIC_PURCHASING, SOCIAL_INNOVATION

    shipped = REPORT_TEXT.read_text(encoding="utf-8").replace("*", "")
    # The other two guides link the dossier unique (log in first): tests/test_resources_guides.py
    for guide in (SOCIAL_INNOVATION, COOPERATION, PUBLIC_PURCHASING):
        for section in guide.sections:
            for paragraph in section.paragraphs:
                assert paragraph in shipped  # quoted word for word
        assert len(guide.related()) >= 5
        for _, url in guide.related():
            assert client.get(url).status_code == 200, url

    page = text(client.get(reverse("resources:page", args=["innovation-sociale"])))
    assert "L'innovation sociale consiste à élaborer des réponses nouvelles" in page
    assert "Sommaire" in page and "min de lecture" in page and "relu le 7 décembre 2026" in page
    related = SOCIAL_INNOVATION.related()
    assert len(related) >= 5
    for _, url in related:
        assert f'href="{url}"' in page.replace("&amp;", "&")
        assert client.get(url).status_code == 200, url
    index = text(client.get(reverse("resources:index")))
    assert all(guide.title in index for guide in GUIDES)
    found = text(client.get(reverse("portal:search"), {"q": "besoins sociaux nouveaux"}))
    assert "L'innovation sociale : une définition partagée" in found
