"""The guides of the resource centre (/ressources/guides/…): « Créer une activité dans
l'ESS » and « Financer son projet » quote the 2016 report word for word, draw their « at
each phase » section from the support and financing catalogues, and link the platform."""

import html

import pytest
from django.urls import reverse

from essor.directory.enums import Phase
from essor.financing.enums import Instrument
from essor.resources.guides import BY_SLUG, CREATE, FINANCE, GUIDES
from essor.resources.services import REPORT_TEXT
from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory
from tests.factories.financing import ToolFactory
from tests.factories.support import SupportOfferFactory
from tests.utils import DB_TASKS, pdf_text, run_queued_tasks

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def test_five_guides_ship_each_quoting_the_report_and_linking_five_platform_pages(client):
    shipped = REPORT_TEXT.read_text(encoding="utf-8").replace("*", "")
    assert len(GUIDES) == 5 and {CREATE.slug, FINANCE.slug} <= set(BY_SLUG)
    client.force_login(UserFactory())
    for guide in (CREATE, FINANCE):
        paragraphs = [p for s in guide.sections for p in s.paragraphs]
        assert len(paragraphs) >= 10
        for paragraph in paragraphs:
            assert paragraph in shipped  # quoted word for word
        assert len(guide.related()) >= 5
        page = text(client.get(reverse("resources:page", args=[guide.slug])))
        for paragraph in paragraphs:
            assert paragraph in page
        for _, url in guide.related():
            assert f'href="{url}"' in page.replace("&amp;", "&")
            assert client.get(url).status_code == 200, url


def test_an_anonymous_reader_reaches_every_link_or_is_asked_to_log_in(client):
    for guide in (CREATE, FINANCE):
        for _, url in guide.related():
            response = client.get(url)
            assert response.status_code == 200 or (
                response.status_code == 302 and "/compte/" in response["Location"]
            ), url


def test_creating_an_activity_lists_who_helps_at_each_phase_from_the_offers(client):
    SupportOfferFactory(
        provider=OrganisationFactory(name="Couveuse du Limousin"), phases=[Phase.TEST]
    )
    SupportOfferFactory(provider=OrganisationFactory(name="Accueil pour tous"), phases=[])
    SupportOfferFactory(
        provider=OrganisationFactory(name="Brouillon caché"), phases=[Phase.TEST],
        status="draft",
    )  # fmt: skip
    page = text(client.get(reverse("resources:page", args=[CREATE.slug])))
    section = page.split('id="sur-la-plateforme"')[1].split('id="pour-aller-plus-loin"')[0]
    test_part = section.split(Phase.TEST.label)[1].split("</li>")[0]
    assert "2 offres" in test_part
    assert "Couveuse du Limousin" in test_part and "Accueil pour tous" in test_part
    assert "Brouillon caché" not in page
    assert f"/accompagnement/offres/?etape={Phase.TEST.value}" in section
    # An offer for every phase makes every phase appear, in the life order.
    positions = [section.index(phase.label) for phase in Phase]
    assert positions == sorted(positions)


def test_financing_a_project_lists_the_instruments_at_each_phase_from_the_tools(client):
    ToolFactory(instrument=Instrument.HONOUR_LOAN, phases=[Phase.CREATION])
    ToolFactory(instrument=Instrument.GRANT, phases=[Phase.CREATION, Phase.DEVELOPMENT])
    ToolFactory(instrument=Instrument.EQUITY, phases=[Phase.DEVELOPMENT], status="draft")
    page = text(client.get(reverse("resources:page", args=[FINANCE.slug])))
    section = page.split('id="sur-la-plateforme"')[1].split('id="pour-aller-plus-loin"')[0]
    creation = section.split(Phase.CREATION.label)[1].split("</ul>")[0]
    assert "Subvention" in creation and "Prêt d'honneur" in creation
    # the catalogue's order of instruments
    assert creation.index("Subvention") < creation.index("Prêt d'honneur")
    development = section.split(Phase.DEVELOPMENT.label)[1].split("</ul>")[0]
    assert "Subvention</a> (1 outil)" in development
    assert "Fonds propres" not in section  # a draft tool is not in the catalogue
    assert Phase.IDEA.label not in section  # no tool for that phase
    assert "/financement/?phase=creation&instrument=honour_loan" in section.replace("&amp;", "&")


def test_the_new_guides_are_found_by_the_platform_search(client):
    found = text(client.get(reverse("portal:search"), {"q": "chaîne d'accompagnement"}))
    assert CREATE.title in found
    found = text(client.get(reverse("portal:search"), {"q": "dossier unique de demande"}))
    assert FINANCE.title in found


# PDF


def flat(words):
    return " ".join(words.split())


def test_each_guide_page_links_its_pdf_made_in_the_background(client, settings, tmp_path):
    settings.TASKS = DB_TASKS
    guide = CREATE
    SupportOfferFactory(provider=OrganisationFactory(name="Couveuse du Limousin"), phases=["test"])
    page = text(client.get(reverse("resources:page", args=[guide.slug])))
    url = reverse("resources:page_pdf", args=[guide.slug])
    assert f'href="{url}"' in page

    pending = client.get(url)
    assert pending.status_code == 200 and "PDF en préparation" in text(pending)
    assert run_queued_tasks() == 1
    polled = client.get(url, headers={"HX-Request": "true"})
    assert polled["HX-Redirect"] == url
    download = client.get(url)
    assert download["Content-Type"] == "application/pdf"
    words = flat(pdf_text(download.content, tmp_path))
    assert guide.title in words
    assert flat(guide.sections[3].paragraphs[0]) in words  # a quoted paragraph
    assert "Qui aide à chaque étape" in words
    # Served again without another task while the guide reads the same.
    assert client.get(url)["Content-Type"] == "application/pdf"
    assert run_queued_tasks() == 0


def test_a_guide_s_pdf_is_made_again_when_its_catalogue_changes(client, tmp_path):
    url = reverse("resources:page_pdf", args=[FINANCE.slug])
    first = client.get(url)  # the immediate backend of the tests makes it at once
    assert first["Content-Type"] == "application/pdf"
    assert "Prêt d'honneur" not in flat(pdf_text(first.content, tmp_path))
    ToolFactory(instrument=Instrument.HONOUR_LOAN, phases=[Phase.CREATION])
    again = client.get(url)
    words = flat(pdf_text(again.content, tmp_path))
    assert FINANCE.title in words and "Prêt d'honneur" in words
    assert flat(FINANCE.sections[0].paragraphs[0]) in words


def test_every_shipped_guide_has_a_pdf_and_an_unknown_one_is_404(client, tmp_path):
    for guide in GUIDES:
        response = client.get(reverse("resources:page_pdf", args=[guide.slug]))
        assert response["Content-Type"] == "application/pdf", guide.slug
        assert guide.title in flat(pdf_text(response.content, tmp_path))
    assert client.get(reverse("resources:page_pdf", args=["nulle-part"])).status_code == 404


# Back-links


def cited_section(page):
    if 'id="titre-cite-guides"' not in page:
        return ""
    return page.split('id="titre-cite-guides"')[1].split("</section>")[0]


def test_a_page_a_guide_links_to_says_it_is_cited_in_that_guide(client):
    scic = cited_section(text(client.get(reverse("resources:legal_form", args=["scic"]))))
    assert "Cité dans les guides" in scic
    for guide in GUIDES:
        cites = any(
            url == reverse("resources:legal_form", args=["scic"]) for _, url in guide.related()
        )
        assert (guide.title in scic) == cites, guide.slug
        if cites:
            assert f'href="{reverse("resources:page", args=[guide.slug])}"' in scic
    # A filtered list cited by a guide: the list page names it.
    offers = cited_section(text(client.get(reverse("support:offers"))))
    assert CREATE.title in offers and FINANCE.title in offers
    tools = cited_section(text(client.get(reverse("financing:index"), {"phase": "idea"})))
    assert CREATE.title in tools and FINANCE.title in tools
    report = cited_section(
        text(client.get(reverse("resources:study", args=["etat-des-lieux-ess-2016"])))
    )
    assert all(guide.title in report for guide in GUIDES)


def test_a_page_no_guide_links_to_has_no_cited_section(client):
    assert (
        cited_section(text(client.get(reverse("resources:legal_form", args=["fondation"])))) == ""
    )
    assert cited_section(text(client.get(reverse("events:index")))) == ""
