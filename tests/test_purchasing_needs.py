import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from essor.purchasing import matching, services
from essor.purchasing.enums import (
    AnswerDecision,
    MemberStatus,
    NeedStatus,
    Outcome,
)
from essor.purchasing.models import (
    Answer,
    ConsortiumMember,
    NeedAttachment,
    NeedRecipient,
    PurchaseCategory,
    PurchaseNeed,
)
from essor.purchasing.tasks import notify_need
from tests.factories.accounts import UserFactory
from tests.factories.directory import MembershipFactory
from tests.factories.purchasing import ANGOULEME, COGNAC, buyer, need, supplier

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 cahier des charges"


def pdf(name="cahier-des-charges.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def in_days(days):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def need_post(organisation, **extra):
    return {
        "buyer": organisation.pk,
        "title": "Entretien des espaces verts des collèges",
        "description": "Tonte et taille, 12 collèges.",
        "category": PurchaseCategory.objects.get(code="entretien-espaces-verts").pk,
        "commune": ANGOULEME,
        "kind": "consultation",
        "answers_deadline": in_days(30),
        "is_public": "on",
        **extra,
    }


def supplier_member(profile):
    return MembershipFactory(organisation=profile.organisation).user


@pytest.fixture
def moderator():
    return UserFactory(cress_staff=True)


# --- The whole way: posted, moderated, notified, answered, closed ------------------------------


def test_a_need_goes_from_posted_to_closed_with_a_consortium_answer(
    client, moderator, django_capture_on_commit_callbacks
):
    organisation, buyer_user = buyer()
    lead = supplier(
        name="Chantier Vert", labels=["aci"], contact_email="contact@chantier.example.org"
    )
    partner = supplier(name="ESAT du Val", commune_code=COGNAC, labels=["esat"])
    elsewhere = supplier(name="Loin", categories=["nettoyage-locaux"])

    client.force_login(buyer_user)
    response = client.post(
        reverse("purchasing:need_create"), {**need_post(organisation), "attachments": [pdf()]}
    )
    created = PurchaseNeed.objects.get()
    assert response.status_code == 302 and created.status == NeedStatus.DRAFT
    assert created.attachments.get().name == "cahier-des-charges.pdf"

    client.post(reverse("purchasing:need_step", args=[created.pk]), {"transition": "submit"})
    created.refresh_from_db()
    assert created.status == NeedStatus.PENDING

    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("purchasing:need_step", args=[created.pk]), {"transition": "approve"}
        )
    created.refresh_from_db()
    assert response.status_code == 302 and created.status == NeedStatus.PUBLISHED
    recipients = {r.supplier: r for r in NeedRecipient.objects.filter(need=created)}
    assert set(recipients) == {lead, partner}  # not the one selling cleaning only
    assert all(r.notified_at for r in recipients.values())
    message = next(m for m in mail.outbox if m.to == ["contact@chantier.example.org"])
    assert "Entretien des espaces verts des collèges" in message.subject
    assert "propose : Entretien d'espaces verts" in message.body
    assert "intervient sur : Charente (16)" in message.body
    assert elsewhere not in recipients

    # The lead answers as a consortium with the ESAT; the ESAT accepts from its inbox.
    lead_user, partner_user = supplier_member(lead), supplier_member(partner)
    client.force_login(lead_user)
    response = client.post(
        reverse("purchasing:need_answer", args=[created.pk]),
        {
            "supplier": lead.pk,
            "interested": "oui",
            "message": "Nous répondons en groupement.",
            "amount": "18000",
            "lead_share": "Tonte et taille (70 %)",
            "member_1": partner.organisation.siren,
            "share_1": "Ramassage des feuilles (30 %)",
            "quote": pdf("devis.pdf"),
        },
    )
    assert response.status_code == 302
    answer = Answer.objects.get()
    client.force_login(partner_user)
    assert "Chantier Vert" in client.get(reverse("purchasing:inbox")).content.decode()
    member = ConsortiumMember.objects.get()
    client.post(reverse("purchasing:invitation", args=[member.pk]), {"response": "accept"})
    member.refresh_from_db()
    assert member.status == MemberStatus.ACCEPTED

    # The buyer sees one answer with each member's share, keeps it, closes the need.
    client.force_login(buyer_user)
    page = client.get(created.get_absolute_url()).content.decode()
    assert page.count('class="answer"') == 1
    assert "Tonte et taille (70 %)" in page and "Ramassage des feuilles (30 %)" in page
    quote = client.get(reverse("purchasing:answer_quote", args=[answer.pk]))
    assert quote.status_code == 200 and b"".join(quote.streaming_content) == PDF
    client.post(reverse("purchasing:answer_decision", args=[answer.pk]), {"decision": "retained"})
    response = client.post(
        reverse("purchasing:need_step", args=[created.pk]),
        {"transition": "close", "outcome": Outcome.ESS_SUPPLIER, "amount": "18000"},
    )
    created.refresh_from_db()
    answer.refresh_from_db()
    assert response.status_code == 302
    assert created.status == NeedStatus.CLOSED and created.outcome == Outcome.ESS_SUPPLIER
    assert answer.decision == AnswerDecision.RETAINED
    steps = list(created.transitions.values_list("transition", flat=True))
    assert steps == [
        "create", "submit", "approve", "notify", "answer", "answer", "decision", "close",
    ]  # fmt: skip


def test_suppliers_are_notified_in_capped_batches(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(matching, "MAX_RECIPIENTS", 7)
    monkeypatch.setattr("essor.purchasing.tasks.BATCH_SIZE", 3)
    for n in range(9):
        supplier(name=f"Fournisseur {n}", contact_email=f"f{n}@example.org")
    organisation, user = buyer()
    published = need(organisation, user, status=NeedStatus.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_need.call(need_id=published.pk) == 7
    batches = sorted(NeedRecipient.objects.values_list("batch", flat=True))
    assert batches == [1, 1, 1, 2, 2, 2, 3]
    assert len(mail.outbox) == 7
    log = published.transitions.get(transition="notify").comment
    assert "7 fournisseur(s)" in log and "3 lot(s)" in log and "2 au-delà du plafond" in log
    # Sending again notifies nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        notify_need.call(need_id=published.pk)
    assert len(mail.outbox) == 7


def test_a_reserved_need_goes_only_to_the_suppliers_it_may_be_reserved_to():
    esat = supplier(labels=["esat"])
    supplier(labels=["aci"])
    supplier()
    organisation, user = buyer()
    reserved = need(organisation, user, reserved="disability", status=NeedStatus.PUBLISHED)
    matches, left_out = matching.match_need(reserved)
    assert [pk for pk, _ in matches] == [esat.pk] and left_out == 0
    assert "éligible au marché réservé (Réservé EA / ESAT (art. L2113-12))" in matches[0][1]


# --- Who sees what -------------------------------------------------------------------------------


@pytest.fixture
def answered():
    """A public published need of buyer A, answered by two suppliers."""
    organisation, user = buyer("Centre hospitalier (test)")
    published = need(organisation, user, status=NeedStatus.PUBLISHED)
    first, second = supplier(name="Premier"), supplier(name="Second")
    answers = []
    for profile in (first, second):
        author = supplier_member(profile)
        answers.append(
            services.answer_need(
                published, by=author, supplier=profile, interested=True,
                message=f"Réponse de {profile.organisation.name}", quote=pdf("devis.pdf"),
            )
        )  # fmt: skip
    return published, user, answers


def test_buyer_b_never_sees_the_answers_to_buyer_a(client, answered):
    published, _, answers = answered
    _, other_buyer = buyer("Une autre collectivité")
    client.force_login(other_buyer)
    page = client.get(published.get_absolute_url()).content.decode()
    assert "Réponse de Premier" not in page and "Réponse de Second" not in page
    assert client.get(reverse("purchasing:answer_quote", args=[answers[0].pk])).status_code == 404
    response = client.post(
        reverse("purchasing:answer_decision", args=[answers[0].pk]), {"decision": "retained"}
    )
    assert response.status_code == 404
    answers[0].refresh_from_db()
    assert answers[0].decision == ""


def test_a_supplier_sees_its_answer_and_never_another_suppliers(client, answered):
    published, _, (first, second) = answered
    client.force_login(first.supplier.organisation.memberships.get().user)
    page = client.get(published.get_absolute_url()).content.decode()
    assert "Réponse de Premier" in page and "Réponse de Second" not in page
    quote = client.get(reverse("purchasing:answer_quote", args=[first.pk]))
    assert quote.status_code == 200 and b"".join(quote.streaming_content) == PDF
    assert client.get(reverse("purchasing:answer_quote", args=[second.pk])).status_code == 404
    # A supplier cannot decide on answers either.
    client.post(reverse("purchasing:answer_decision", args=[second.pk]), {"decision": "retained"})
    second.refresh_from_db()
    assert second.decision == ""


def test_need_attachments_are_served_only_to_who_may_see_the_need(client):
    organisation, user = buyer()
    draft = need(organisation, user)
    attachment = NeedAttachment.objects.create(
        need=draft, file=pdf(), name="cdc.pdf", size=len(PDF)
    )
    url = reverse("purchasing:need_attachment", args=[draft.pk, attachment.pk])
    assert client.get(url).status_code == 302  # anonymous: login first
    client.force_login(UserFactory(buyer=True))
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(cress_staff=True))
    assert client.get(url).status_code == 404  # a draft is its buyer's alone
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    # Another need's id with this attachment: not found.
    other = need(organisation, user)
    assert (
        client.get(
            reverse("purchasing:need_attachment", args=[other.pk, attachment.pk])
        ).status_code
        == 404
    )


def test_a_private_need_is_seen_only_by_its_buyer_the_cress_and_its_recipients(client):
    organisation, user = buyer()
    private = need(organisation, user, status=NeedStatus.PUBLISHED, is_public=False)
    recipient = supplier()
    NeedRecipient.objects.create(need=private, supplier=recipient, reasons=["test"])
    url = private.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(supplier_member(supplier(name="Autre")))
    assert client.get(url).status_code == 404
    for viewer in (user, UserFactory(cress_staff=True), supplier_member(recipient)):
        client.force_login(viewer)
        assert client.get(url).status_code == 200


def test_nobody_moderates_their_own_need(client):
    organisation, _ = buyer()
    staff = UserFactory(cress_staff=True)
    MembershipFactory(organisation=organisation, user=staff)
    pending = need(organisation, staff, status=NeedStatus.PENDING)
    client.force_login(staff)
    response = client.post(
        reverse("purchasing:need_step", args=[pending.pk]), {"transition": "approve"}
    )
    pending.refresh_from_db()
    assert response.status_code == 403 and pending.status == NeedStatus.PENDING
    assert "un autre membre de l&#x27;équipe de la CRESS" in response.content.decode()


def test_only_the_buyer_submits_and_closes_only_the_cress_publishes(client, moderator):
    organisation, user = buyer()
    draft = need(organisation, user)
    step = reverse("purchasing:need_step", args=[draft.pk])
    client.force_login(UserFactory(buyer=True))
    assert client.post(step, {"transition": "submit"}).status_code == 404  # cannot even see it
    client.force_login(user)
    client.post(step, {"transition": "submit"})
    assert client.post(step, {"transition": "approve"}).status_code == 403
    client.force_login(moderator)
    response = client.post(step, {"transition": "reject"})
    assert response.status_code == 400 and "Indiquez un motif" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == NeedStatus.PENDING
    assert (
        client.post(step, {"transition": "reject", "comment": "Précisez le lieu."}).status_code
        == 302
    )
    draft.refresh_from_db()
    assert draft.status == NeedStatus.REJECTED and draft.decision_comment == "Précisez le lieu."


def test_the_moderation_queue_is_the_cress_s(client, moderator):
    url = reverse("purchasing:moderation")
    assert client.get(url).status_code == 302
    for user in (UserFactory(buyer=True), UserFactory(funder=True), UserFactory()):
        client.force_login(user)
        assert client.get(url).status_code == 403
    organisation, author = buyer()
    need(organisation, author, status=NeedStatus.PENDING, title="À relire")
    client.force_login(moderator)
    assert "À relire" in client.get(url).content.decode()


# --- Bad input: a French message, a 4xx, nothing saved ---------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"answers_deadline": in_days(-1)}, "La date limite des réponses est déjà passée."),
        ({"category": ""}, "Choisissez la catégorie d&#x27;achat."),
        ({"category": "999999"}, "Cette catégorie d&#x27;achat n&#x27;existe pas."),
        ({"commune": "Londres"}, "Aucune commune ne correspond à « Londres »."),
        ({"commune": "Berlin (99999)"}, "Le code commune 99999 est inconnu."),
        ({"kind": "public_contract"}, "Indiquez la référence du marché public."),
        ({"notice_url": "http://avis.example.org/1"}, "doit commencer par https://"),
    ],
)
def test_a_bad_need_is_refused_in_french_and_nothing_is_saved(client, change, message):
    organisation, user = buyer()
    client.force_login(user)
    response = client.post(reverse("purchasing:need_create"), need_post(organisation, **change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PurchaseNeed.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (pdf("gros.pdf", b"%PDF" + b"0" * (5 * 1024 * 1024)), "dépasse 5 Mo"),
        (SimpleUploadedFile("virus.exe", b"MZ..."), "type de fichier refusé"),
        (pdf("faux.pdf", b"MZ pas un pdf"), "ne correspond pas à son extension"),
    ],
)
def test_an_oversized_or_wrong_type_file_is_refused_and_nothing_is_saved(client, upload, message):
    organisation, user = buyer()
    client.force_login(user)
    response = client.post(
        reverse("purchasing:need_create"), {**need_post(organisation), "attachments": [upload]}
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not PurchaseNeed.objects.exists() and not NeedAttachment.objects.exists()


def test_a_need_for_another_organisation_is_refused(client):
    mine, user = buyer()
    theirs, _ = buyer("Autre acheteur")
    client.force_login(user)
    response = client.post(reverse("purchasing:need_create"), need_post(theirs))
    assert response.status_code == 400
    assert "au nom d&#x27;une structure dont vous êtes membre" in response.content.decode()
    assert not PurchaseNeed.objects.exists()


def test_answers_with_a_forged_supplier_or_to_a_closed_or_past_need_are_refused(client):
    organisation, user = buyer()
    published = need(organisation, user, status=NeedStatus.PUBLISHED)
    mine, theirs = supplier(name="Mienne"), supplier(name="Leur")
    client.force_login(supplier_member(mine))
    url = reverse("purchasing:need_answer", args=[published.pk])
    response = client.post(url, {"supplier": theirs.pk, "interested": "oui"})
    assert response.status_code == 400
    assert (
        "au nom d&#x27;une structure dont la fiche fournisseur est publiée"
        in response.content.decode()
    )
    response = client.post(
        url, {"supplier": mine.pk, "interested": "oui", "member_1": "123456789", "share_1": "tout"}
    )
    assert (
        response.status_code == 400
        and "Aucune structure de SIREN 123456789" in response.content.decode()
    )

    PurchaseNeed.objects.filter(pk=published.pk).update(status=NeedStatus.CLOSED)
    response = client.post(url, {"supplier": mine.pk, "interested": "oui"})
    assert response.status_code == 400 and "Ce besoin est clos" in response.content.decode()

    PurchaseNeed.objects.filter(pk=published.pk).update(
        status=NeedStatus.PUBLISHED,
        answers_deadline=timezone.localdate() - datetime.timedelta(days=1),
    )
    response = client.post(url, {"supplier": mine.pk, "interested": "oui"})
    assert (
        response.status_code == 400
        and "date limite des réponses est passée" in response.content.decode()
    )
    assert not Answer.objects.exists()


def test_a_need_whose_deadline_passed_cannot_be_submitted(client):
    organisation, user = buyer()
    late = need(organisation, user, days=-2)
    client.force_login(user)
    response = client.post(
        reverse("purchasing:need_step", args=[late.pk]), {"transition": "submit"}
    )
    late.refresh_from_db()
    assert response.status_code == 400 and late.status == NeedStatus.DRAFT
    assert "La date limite des réponses est passée" in response.content.decode()


def test_closing_needs_an_outcome(client):
    organisation, user = buyer()
    published = need(organisation, user, status=NeedStatus.PUBLISHED)
    client.force_login(user)
    response = client.post(
        reverse("purchasing:need_step", args=[published.pk]), {"transition": "close"}
    )
    published.refresh_from_db()
    assert response.status_code == 400 and published.status == NeedStatus.PUBLISHED


# --- Every route, every role ---------------------------------------------------------------------


def test_every_need_route_answers_every_demo_role_without_error(client):
    organisation, user = buyer()
    published = need(organisation, user, status=NeedStatus.PUBLISHED)
    roles = [
        UserFactory(cress_staff=True), UserFactory(support_actor=True), UserFactory(funder=True),
        UserFactory(buyer=True), UserFactory(),
    ]  # fmt: skip
    public_urls = [reverse("purchasing:needs"), published.get_absolute_url()]
    member_urls = [reverse("purchasing:my_needs"), reverse("purchasing:inbox")]
    for url in public_urls:
        assert client.get(url).status_code == 200
    for url in [*member_urls, reverse("purchasing:need_create")]:
        assert client.get(url).status_code == 302
    for role in roles:
        client.force_login(role)
        for url in [*public_urls, *member_urls]:
            assert client.get(url).status_code == 200, (url, role.platform_role)
        # No organisation: nothing to post for.
        assert client.get(reverse("purchasing:need_create")).status_code == 403
        assert client.get(reverse("purchasing:need_edit", args=[published.pk])).status_code == 403


def test_the_buyer_list_and_the_inbox_read_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    organisation, user = buyer()
    profile = supplier()
    member = supplier_member(profile)
    for n in range(4):
        created = need(organisation, user, status=NeedStatus.PUBLISHED, title=f"Besoin {n}")
        NeedRecipient.objects.create(need=created, supplier=profile, reasons=["propose : test"])
    client.force_login(user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("purchasing:my_needs")).status_code == 200
    client.force_login(member)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("purchasing:inbox")).status_code == 200


def test_the_rgpd_export_holds_the_needs_posted_and_the_answers_written(answered):
    from essor.accounts.services import PERSONAL_DATA_EXPORTERS

    published, author, (first, _) = answered
    export = {}
    for exporter in PERSONAL_DATA_EXPORTERS:
        export.update(exporter(author))
    assert [n["intitule"] for n in export["besoins_achat_deposes"]] == [published.title]
    answer_author = first.author
    assert services.personal_data(answer_author)["reponses_besoins_achat"][0]["message"] == (
        "Réponse de Premier"
    )
