"""Guides written on the portal by support actors and the CRESS team (issue 21, Deliver 1):
a support actor writes a guide in Markdown, the CRESS publishes it (or refuses it, or asks
for changes, with a reason the writer is told of); each publication is a version, and an
edit of a published guide waits for the CRESS while the published version stays online."""

import html

import pytest
from django.urls import reverse

from essor.accounts.models import Notification
from essor.accounts.services import delete_account, personal_data
from essor.core.text import render_markdown_with_toc
from essor.core.workflow import TransitionError, TransitionForbidden
from essor.resources import pdf, services
from essor.resources.enums import GuideLinkKind
from essor.resources.enums import GuideVersionStatus as G
from essor.resources.models import AuthoredGuide, GuideVersion
from essor.resources.pdf import printable
from tests.factories.accounts import UserFactory
from tests.factories.directory import EssOrganisationFactory, MembershipFactory
from tests.utils import pdf_text

pytestmark = pytest.mark.django_db

BODY = "## Avant de commencer\n\nLes étapes.\n\n## Qui vous aide\n\n" + "mot " * 450


def text(response):
    return html.unescape(response.content.decode()).replace("\xa0", " ")


@pytest.fixture
def organisation():
    return EssOrganisationFactory(name="France Active Limousin")


@pytest.fixture
def actor(organisation):
    user = UserFactory(support_actor=True, first_name="Anne", last_name="Martin")
    MembershipFactory(user=user, organisation=organisation)
    return user


@pytest.fixture
def moderator():
    return UserFactory(cress_staff=True)


def write(actor, organisation, *, guide=None, title="Financer une SCIC", submit=True, **kw):
    return services.guide_save(
        author=actor, title=title, summary=kw.get("summary", "Les étapes du financement."),
        body=kw.get("body", BODY), guide=guide, organisation=organisation, submit=submit,
        links=kw.get("links", [(GuideLinkKind.LEGAL_FORM, "/ressources/formes-juridiques/scic/",
                                "La SCIC")]),
    )  # fmt: skip


def refresh(obj):
    obj.refresh_from_db()
    return obj


# --- the domain, without HTTP ---------------------------------------------------------------


def test_a_written_guide_waits_for_the_cress_then_is_published(actor, organisation, moderator):
    version = write(actor, organisation)
    guide = version.guide
    assert version.status == G.SUBMITTED and guide.published_version is None
    assert guide.slug == "financer-une-scic"

    services.guide_decide(guide=guide, by=moderator, transition="publish")

    guide = refresh(guide)
    assert guide.published_version == version
    assert refresh(version).status == G.PUBLISHED
    assert version.reviewed_on is not None
    assert [t.transition for t in version.transitions.order_by("pk")] == [
        "create", "submit", "publish"
    ]  # fmt: skip
    note = Notification.objects.get(recipient=actor)
    assert "a publié la version 1" in note.message
    assert note.url == guide.workspace_url()


def test_an_edit_of_a_published_guide_is_held_until_the_cress_accepts_it(
    actor, organisation, moderator
):
    first = write(actor, organisation)
    guide = first.guide
    services.guide_decide(guide=guide, by=moderator, transition="publish")

    second = write(actor, None, guide=guide, title="Financer une SCIC (2027)", body="## Neuf\n\nx")
    assert second.number == 2 and second.status == G.SUBMITTED
    guide = refresh(guide)
    assert guide.published_version == first  # still online meanwhile
    assert guide.open_version() == second

    services.guide_decide(guide=guide, by=moderator, transition="publish")
    guide = refresh(guide)
    assert guide.published_version == second
    assert refresh(first).status == G.SUPERSEDED
    assert first.transitions.filter(transition="supersede").exists()
    # The review date and reading time follow the published version.
    assert second.reading_minutes == 1 and first.reading_minutes == 2


def test_the_cress_asks_changes_with_a_reason_and_the_writer_resubmits(
    actor, organisation, moderator
):
    version = write(actor, organisation)
    with pytest.raises(TransitionError):
        services.guide_decide(guide=version.guide, by=moderator, transition="ask_changes")
    services.guide_decide(
        guide=version.guide, by=moderator, transition="ask_changes", comment="Citez vos sources."
    )
    assert refresh(version).status == G.CHANGES_REQUESTED
    note = Notification.objects.get(recipient=actor)
    assert note.detail == "Citez vos sources." and "demande des modifications" in note.message

    again = write(actor, None, guide=version.guide, body="## Sources\n\nLe rapport 2016.")
    assert again.pk == version.pk and again.status == G.SUBMITTED  # the same version


def test_a_refused_version_stays_in_the_history_and_the_next_edit_is_a_new_version(
    actor, organisation, moderator
):
    version = write(actor, organisation)
    services.guide_decide(
        guide=version.guide, by=moderator, transition="refuse", comment="Hors sujet."
    )
    assert refresh(version).status == G.REFUSED
    assert refresh(version.guide).published_version is None
    new = write(actor, None, guide=version.guide, submit=False)
    assert new.number == 2 and new.status == G.DRAFT


def test_nobody_publishes_their_own_guide_not_even_cress_staff(moderator):
    version = write(moderator, None)
    assert version.guide.author_label == "L'équipe de la CRESS"
    with pytest.raises(TransitionForbidden):
        services.guide_decide(guide=version.guide, by=moderator, transition="publish")
    services.guide_decide(
        guide=version.guide, by=UserFactory(cress_staff=True), transition="publish"
    )
    assert refresh(version).status == G.PUBLISHED


def test_a_writer_cannot_publish_and_a_submitted_version_is_withdrawn_before_an_edit(
    actor, organisation
):
    version = write(actor, organisation)
    with pytest.raises(TransitionForbidden):
        services.guide_decide(guide=version.guide, by=actor, transition="publish")
    with pytest.raises(services.GuideLocked):
        write(actor, None, guide=version.guide)
    services.guide_decide(guide=version.guide, by=actor, transition="withdraw")
    assert refresh(version).status == G.DRAFT
    assert write(actor, None, guide=version.guide, submit=False).pk == version.pk


def test_a_support_actor_writes_only_for_their_organisation(actor, organisation):
    other = EssOrganisationFactory()
    from essor.resources.perms import can_write_guides_for

    assert can_write_guides_for(actor, organisation)
    assert not can_write_guides_for(actor, other)
    assert not can_write_guides_for(actor, None)  # the CRESS team is its staff's
    member = UserFactory()  # a member without the support actor's role
    MembershipFactory(user=member, organisation=organisation)
    assert not can_write_guides_for(member, organisation)


def test_guide_markdown_is_sanitised_and_gives_a_table_of_contents():
    body, toc = render_markdown_with_toc(
        "## Partie un\n\n<script>alert(1)</script><img src=x onerror=alert(1)>"
        '[lien](javascript:alert(1)) <a href="javascript:alert(2)" onclick="x()">a</a>\n\n'
        '<h2 id="menu">Faux</h2>\n\n## Partie deux\n'
    )
    assert "<script" not in body and "alert(1)" not in body
    assert "onerror" not in body and "onclick" not in body and "javascript:" not in body
    assert 'id="menu"' not in body  # a writer's id never takes one of the page's
    assert toc == [("partie-partie-un", "Partie un"), ("partie-partie-deux", "Partie deux")]
    assert '<h2 id="partie-partie-un">' in body


def test_personal_data_export_and_deletion_keep_the_guide(actor, organisation, moderator):
    version = write(actor, organisation)
    data = personal_data(actor)
    assert data["ressources_guides_ecrits"][0]["titre"] == "Financer une SCIC"
    assert data["ressources_guides_commences"][0]["adresse"] == "financer-une-scic"
    delete_account(actor)
    version = refresh(version)
    assert version.created_by is None and refresh(version.guide).created_by is None


def test_the_published_guide_prints_to_its_pdf_page(actor, organisation, moderator):
    version = write(actor, organisation)
    assert printable(version.guide.slug) is None  # not published yet
    services.guide_decide(guide=version.guide, by=moderator, transition="publish")
    page = printable(version.guide.slug)
    assert "Financer une SCIC" in page and "France Active Limousin" in page
    assert "/ressources/formes-juridiques/scic/" in page


# --- the pages --------------------------------------------------------------------------


def test_an_actor_writes_a_guide_through_the_form(client, actor, organisation):
    client.force_login(actor)
    url = reverse("resources:guide_create")
    response = client.get(url)
    assert response.status_code == 200 and "France Active Limousin" in text(response)
    response = client.post(
        url,
        {"organisation": organisation.pk, "title": "Créer une SCOP", "summary": "Les étapes.",
         "body": BODY, "legal_forms": ["/ressources/formes-juridiques/scop/"], "submit": "1"},
    )  # fmt: skip
    guide = AuthoredGuide.objects.get()
    assert response.status_code == 302 and response["Location"] == guide.workspace_url()
    version = guide.versions.get()
    assert version.status == G.SUBMITTED
    assert [(link.kind, link.label) for link in version.links.all()] == [
        (GuideLinkKind.LEGAL_FORM, "SCOP (société coopérative de production)")
    ]
    page = text(client.get(guide.workspace_url()))
    assert "Soumise à la CRESS" in page and "Reprendre en brouillon" in page
    # Not online yet.
    assert client.get(reverse("resources:page", args=[guide.slug])).status_code == 404


def test_a_forged_link_or_organisation_is_refused_in_french(client, actor, organisation):
    client.force_login(actor)
    response = client.post(
        reverse("resources:guide_create"),
        {"organisation": EssOrganisationFactory().pk, "title": "T", "summary": "R", "body": "B",
         "offers": ["/gestion/"]},
    )  # fmt: skip
    assert response.status_code == 400
    page = text(response)
    assert "Choisissez une des structures pour lesquelles vous écrivez." in page
    assert "Ce lien n'est pas une page publiée." in page
    assert not AuthoredGuide.objects.exists()


def test_the_published_guide_page_shows_toc_reading_time_author_and_links(
    client, actor, organisation, moderator
):
    version = write(actor, organisation)
    services.guide_decide(guide=version.guide, by=moderator, transition="publish")
    response = client.get(reverse("resources:page", args=[version.guide.slug]))
    assert response.status_code == 200
    page = text(response)
    assert "Financer une SCIC" in page and f'Par <a href="{organisation.get_absolute_url()}">' \
        "France Active Limousin</a>" in page  # fmt: skip
    assert "2 min de lecture" in page and "relu par la CRESS le" in page
    assert 'href="#partie-avant-de-commencer"' in page
    assert 'href="/ressources/formes-juridiques/scic/"' in page
    assert "Gérer ce guide" not in page  # for its writers only


def test_the_moderator_reads_the_queue_and_publishes_from_the_version_page(
    client, actor, organisation, moderator
):
    version = write(actor, organisation)
    client.force_login(moderator)
    queue = text(client.get(reverse("resources:moderation")))
    assert "Financer une SCIC" in queue and version.get_absolute_url() in queue
    page = text(client.get(version.get_absolute_url()))
    assert "Publier cette version" in page and "Demander des modifications" in page
    step = reverse("resources:guide_step", args=[version.guide.pk])
    response = client.post(step, {"transition": "refuse"})
    assert response.status_code == 400 and "Indiquez le motif" in text(response)
    response = client.post(step, {"transition": "publish"})
    assert response.status_code == 302
    assert refresh(version).status == G.PUBLISHED


def test_forged_steps_get_the_workflow_pages(client, actor, organisation, moderator):
    version = write(actor, organisation)
    step = reverse("resources:guide_step", args=[version.guide.pk])
    client.force_login(actor)
    assert client.post(step, {"transition": "publish"}).status_code == 403
    assert client.post(step, {"transition": "approve"}).status_code == 400
    assert client.post(step, {}).status_code == 400
    assert refresh(version).status == G.SUBMITTED
    client.force_login(moderator)
    services.guide_decide(guide=version.guide, by=moderator, transition="publish")
    # Nothing waits any more: a stale step.
    assert client.post(step, {"transition": "publish"}).status_code == 400


def test_another_organisations_guide_is_not_found(client, actor, organisation, moderator):
    version = write(actor, organisation)
    stranger = UserFactory(support_actor=True)
    MembershipFactory(user=stranger, organisation=EssOrganisationFactory())
    client.force_login(stranger)
    pk = version.guide.pk
    for url in (
        reverse("resources:guide_workspace", args=[pk]),
        reverse("resources:guide_edit", args=[pk]),
        reverse("resources:guide_version", args=[pk, 1]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("resources:guide_step", args=[pk]), {"transition": "withdraw"})\
        .status_code == 404  # fmt: skip
    assert refresh(version).status == G.SUBMITTED
    assert "Financer une SCIC" not in text(client.get(reverse("resources:my_guides")))


def test_editing_a_published_guide_keeps_it_online_until_accepted(
    client, actor, organisation, moderator
):
    version = write(actor, organisation)
    guide = version.guide
    services.guide_decide(guide=guide, by=moderator, transition="publish")
    client.force_login(actor)
    edit = reverse("resources:guide_edit", args=[guide.pk])
    form = text(client.get(edit))
    assert "Financer une SCIC" in form and "la version publiée reste en ligne" in form
    response = client.post(
        edit, {"title": "Financer une SCIC", "summary": "Nouveau résumé.",
               "body": "## Nouveau\n\nTexte neuf.", "submit": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    public = text(client.get(reverse("resources:page", args=[guide.slug])))
    assert "Les étapes du financement." in public and "Texte neuf" not in public
    # While the CRESS reads it, it is not edited (withdrawn first).
    assert client.get(edit).status_code == 409
    services.guide_decide(guide=guide, by=moderator, transition="publish")
    public = text(client.get(reverse("resources:page", args=[guide.slug])))
    assert "Texte neuf" in public and "version 2" in public
    history = text(client.get(guide.workspace_url()))
    assert "Remplacée" in history and "Version 1" in history and "Version 2" in history


def test_people_without_a_support_organisation_are_told_how(client):
    client.force_login(UserFactory())
    response = client.get(reverse("resources:guide_create"))
    assert response.status_code == 200
    assert "rattachez d'abord votre compte" in text(response)
    assert GuideVersion.objects.count() == 0


def test_a_cited_page_says_cited_in_the_published_guide(
    client, actor, organisation, moderator, django_capture_on_commit_callbacks
):
    version = write(actor, organisation)
    scic = "/ressources/formes-juridiques/scic/"
    with django_capture_on_commit_callbacks(execute=True):
        services.guide_decide(guide=version.guide, by=moderator, transition="refuse", comment="x")
    assert "Financer une SCIC" not in text(client.get(scic))
    version = write(actor, None, guide=version.guide)
    with django_capture_on_commit_callbacks(execute=False):  # no PDF made here
        services.guide_decide(guide=version.guide, by=moderator, transition="publish")
    from essor.resources.sections import forget_written_cited_paths

    forget_written_cited_paths()
    page = text(client.get(scic))
    assert "Cité dans les guides" in page and "Financer une SCIC" in page


def test_the_pdf_is_made_again_for_a_new_version_and_served_without_rendering(
    client, actor, organisation, moderator, tmp_path, monkeypatch
):
    version = write(actor, organisation)
    guide = version.guide
    services.guide_decide(guide=guide, by=moderator, transition="publish")
    url = reverse("resources:page_pdf", args=[guide.slug])
    first = client.get(url)  # the immediate backend of the tests makes it at once
    assert first["Content-Type"] == "application/pdf"
    assert "Financer une SCIC" in pdf_text(first.content, tmp_path)

    def render_refused(slug):
        raise AssertionError("the PDF link rendered the printable page")

    monkeypatch.setattr(pdf, "printable", render_refused)
    assert client.get(url)["Content-Type"] == "application/pdf"
    monkeypatch.undo()

    write(actor, None, guide=guide, body="## Neuf\n\nTexte neuf.")
    assert "Texte neuf" not in pdf_text(client.get(url).content, tmp_path)  # held
    services.guide_decide(guide=guide, by=moderator, transition="publish")
    assert "Texte neuf" in pdf_text(client.get(url).content, tmp_path)


def test_the_database_refuses_a_second_version_in_progress(actor, organisation):
    from django.db import IntegrityError, transaction

    version = write(actor, organisation, submit=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        GuideVersion.objects.create(
            guide=version.guide, number=2, title="Fork", summary="…", body="…", created_by=actor
        )


def test_the_demo_has_a_guide_waiting_in_the_cress_queue_once(client):
    from essor.resources.demo import load_demo_guides

    dla = EssOrganisationFactory(name="DLA 23")
    actor = UserFactory(email="accompagnement@demo.example.org", support_actor=True)
    MembershipFactory(user=actor, organisation=dla)
    assert load_demo_guides() == 1
    assert load_demo_guides() == 0  # idempotent
    version = GuideVersion.objects.get()
    assert version.status == G.SUBMITTED and version.guide.organisation == dla
    assert "(guide de démonstration)" in version.title
    client.force_login(UserFactory(cress_staff=True))
    assert version.title in text(client.get(reverse("resources:moderation")))
    # Not public until the CRESS publishes it.
    assert client.get(version.guide.get_absolute_url()).status_code == 404


def test_the_guides_index_lists_every_published_guide(client, actor, organisation, moderator):
    """/ressources/guides/ answers: the shipped guides, the written ones once published
    (never while submitted), and each guide's page leads back to it."""
    from essor.resources import guides as shipped

    index = reverse("resources:guides")
    guide = write(actor, organisation).guide
    assert guide.get_absolute_url() not in client.get(index).content.decode()
    services.guide_decide(guide=guide, by=moderator, transition="publish")
    assert refresh(guide).get_absolute_url() in client.get(index).content.decode()

    response = client.get(index)
    assert response.status_code == 200
    html = response.content.decode()
    for guide in shipped.GUIDES:
        assert reverse("resources:page", args=[guide.slug]) in html
    page = client.get(reverse("resources:page", args=[shipped.GUIDES[0].slug])).content.decode()
    assert f'href="{reverse("resources:guides")}"' in page
