import html
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from essor.core.workflow import WorkflowError
from essor.directory import services
from essor.directory.enums import (
    ChangeKind,
    ClaimStatus,
    LabelKind,
    MembershipRole,
    SuggestionStatus,
)
from essor.directory.models import Claim, EditSuggestion, Invitation, Membership, OrganisationChange
from essor.directory.services import DirectoryError
from essor.directory.views import CLAIM_RATE, SUGGESTION_RATE
from tests.factories.accounts import UserFactory
from tests.factories.directory import (
    ClaimFactory,
    EditSuggestionFactory,
    EssOrganisationFactory,
    EstablishmentFactory,
    LabelFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def staff():
    return UserFactory(cress_staff=True)


@pytest.fixture
def organisation():
    return EssOrganisationFactory(
        scop=True, name="Scop Exemple", website="https://www.scop-exemple.fr", description="Avant"
    )


@pytest.fixture
def admin(organisation):
    return MembershipFactory(organisation=organisation, admin=True).user


# Claims


def claim_url(organisation):
    return reverse("directory:claim", args=[organisation.pk])


def test_claim_is_approved_at_once_as_a_member_when_the_email_domain_is_the_websites(
    client, organisation
):
    staff = UserFactory(cress_staff=True, email="equipe@cress.example.org")
    user = UserFactory(email="jean@scop-exemple.fr")
    client.force_login(user)
    response = client.post(claim_url(organisation), {"message": ""})
    assert response.status_code == 302
    claim = Claim.objects.get(user=user)
    assert claim.status == ClaimStatus.APPROVED and claim.automatic
    # A member, not an admin: administering the listing needs the CRESS's check.
    assert (
        Membership.objects.get(user=user, organisation=organisation).role == MembershipRole.MEMBER
    )
    to_claimant = next(m for m in mail.outbox if m.to == ["jean@scop-exemple.fr"])
    assert "Vous êtes membre de Scop Exemple" in to_claimant.subject
    to_cress = next(m for m in mail.outbox if m.to == [staff.email])
    assert "est devenu·e membre de Scop Exemple" in to_cress.body
    assert reverse("directory:moderation_claim", args=[claim.pk]) in to_cress.body
    assert client.get(reverse("directory:edit", args=[organisation.pk])).status_code == 403
    assert list(claim.transitions.values_list("transition", "actor")) == [("automatic", user.pk)]


def test_claim_from_another_domain_waits_for_the_cress(client, organisation):
    user = UserFactory(email="jean@autre-domaine.fr")
    client.force_login(user)
    response = client.post(claim_url(organisation), {"message": "Je suis la gérante."})
    claim = Claim.objects.get(user=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:my_claim", args=[claim.pk])
    assert claim.status == ClaimStatus.PENDING and not claim.automatic
    assert claim.message == "Je suis la gérante."
    assert not Membership.objects.filter(user=user).exists()
    assert client.get(reverse("directory:edit", args=[organisation.pk])).status_code == 403


@pytest.mark.parametrize(
    ("website", "email", "automatic"),
    [
        ("https://www.scop-exemple.fr/contact", "JEAN@Scop-Exemple.fr", True),
        ("http://scop-exemple.fr", "jean@scop-exemple.fr", True),
        ("https://www.scop-exemple.fr", "jean@mail.scop-exemple.fr", False),
        ("https://scop-exemple.fr.evil.com", "jean@scop-exemple.fr", False),
        ("https://www.facebook.com/scopexemple", "zuck@facebook.com", False),
        ("https://sites.google.com/view/scopexemple", "jean@sites.google.com", False),
        ("https://scopexemple.wixsite.com/accueil", "jean@scopexemple.wixsite.com", False),
        ("", "jean@scop-exemple.fr", False),
    ],
)
def test_automatic_claim_needs_the_exact_domain_of_an_own_website(website, email, automatic):
    organisation = EssOrganisationFactory(website=website)
    user = UserFactory(email=email.lower())
    assert services.claim_is_automatic(user, organisation) is automatic


def test_an_unconfirmed_address_never_claims_automatically(organisation):
    user = UserFactory(email="jean@scop-exemple.fr", unconfirmed=True)
    claim = services.claim_organisation(user=user, organisation=organisation)
    assert claim.status == ClaimStatus.PENDING
    assert not Membership.objects.filter(user=user).exists()


def test_a_second_claim_gets_a_french_message_not_an_error(client, organisation):
    user = UserFactory()
    client.force_login(user)
    client.post(claim_url(organisation), {"message": "Premier essai"})
    response = client.post(claim_url(organisation), {"message": "Second essai"})
    assert response.status_code == 400
    assert "déjà une demande en attente" in text(response)
    assert Claim.objects.filter(user=user).count() == 1


def test_the_database_keeps_one_pending_claim_per_person_and_organisation(organisation):
    """Two requests at the same instant both pass the check; the constraint answers."""
    user = UserFactory()
    ClaimFactory(user=user, organisation=organisation)
    real_filter = Claim.objects.filter

    class NoPendingSeen:
        def exists(self):
            return False

    Claim.objects.filter = lambda **kwargs: NoPendingSeen()
    try:
        with pytest.raises(DirectoryError, match="déjà une demande en attente"):
            services.claim_organisation(user=user, organisation=organisation)
    finally:
        Claim.objects.filter = real_filter
    assert Claim.objects.filter(user=user).count() == 1


def test_an_admin_does_not_claim_again(client, organisation, admin):
    client.force_login(admin)
    response = client.post(claim_url(organisation), {})
    assert response.status_code == 400
    assert "Vous administrez déjà" in text(response)
    assert not Claim.objects.exists()


def test_staff_approve_a_claim_and_the_claimant_is_told(client, organisation, staff):
    claim = ClaimFactory(organisation=organisation)
    client.force_login(staff)
    url = reverse("directory:moderation_claim", args=[claim.pk])
    assert "Je suis la directrice." in text(client.get(url))
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert claim.decided_by == staff and claim.decided_at is not None
    assert Membership.objects.get(user=claim.user, organisation=organisation).role == "admin"
    assert mail.outbox[-1].to == [claim.user.email]
    # Decided once: a second decision is refused and changes nothing.
    response = client.post(url, {"decision": "reject", "reason": "Trop tard"})
    assert response.status_code == 400
    assert "déjà été traitée" in text(response)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED


def test_staff_reject_a_claim_with_a_reason_sent_to_the_claimant(client, organisation, staff):
    claim = ClaimFactory(organisation=organisation)
    client.force_login(staff)
    url = reverse("directory:moderation_claim", args=[claim.pk])
    response = client.post(url, {"decision": "reject", "reason": ""})
    assert response.status_code == 400
    assert "Indiquez le motif" in text(response)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
    client.post(url, {"decision": "reject", "reason": "Aucun lien avec la structure."})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    assert not Membership.objects.filter(user=claim.user).exists()
    assert "Aucun lien avec la structure." in mail.outbox[-1].body
    # The claimant reads the reason on their own page; they may ask again.
    client.force_login(claim.user)
    assert "Aucun lien" in text(client.get(reverse("directory:my_claim", args=[claim.pk])))
    client.post(claim_url(organisation), {"message": "Nouvelle demande"})
    assert Claim.objects.filter(user=claim.user, status=ClaimStatus.PENDING).count() == 1


def test_people_who_are_not_staff_cannot_decide_a_claim(client, organisation, admin):
    claim = ClaimFactory(organisation=organisation)
    for user in [admin, claim.user, UserFactory()]:
        client.force_login(user)
        url = reverse("directory:moderation_claim", args=[claim.pk])
        assert client.post(url, {"decision": "approve"}).status_code == 403
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
    assert not Membership.objects.filter(user=claim.user).exists()


# « C'est ma structure » cannot take an organisation over (issue 12, item 4)


def test_a_claim_on_an_organisation_that_has_an_admin_waits_and_the_admins_are_told(
    client, organisation, admin
):
    user = UserFactory(email="jean@scop-exemple.fr")
    client.force_login(user)
    client.post(claim_url(organisation), {"message": "Je suis le nouveau trésorier."})
    claim = Claim.objects.get(user=user)
    assert claim.status == ClaimStatus.PENDING and not claim.automatic
    assert not Membership.objects.filter(user=user).exists()
    to_admin = next(m for m in mail.outbox if m.to == [admin.email])
    assert "demande à administrer Scop Exemple" in to_admin.subject
    assert "Je suis le nouveau trésorier." in to_admin.body


def test_a_domain_that_admins_of_another_organisation_use_is_shared(organisation):
    branch = EssOrganisationFactory(name="Antenne de Tulle")
    MembershipFactory(organisation=branch, admin=True, user__email="paul@scop-exemple.fr")
    user = UserFactory(email="jean@scop-exemple.fr")
    assert services.domain_is_shared("scop-exemple.fr", organisation)
    assert services.claim_organisation(user=user, organisation=organisation).status == (
        ClaimStatus.PENDING
    )


def test_the_branches_of_a_network_sharing_one_website_are_never_claimed_automatically():
    national = "https://www.reseau-national.org"
    EssOrganisationFactory(name="Réseau, antenne de Brive", website=f"{national}/brive")
    tulle = EssOrganisationFactory(name="Réseau, antenne de Tulle", website=f"{national}/tulle")
    user = UserFactory(email="marie@reseau-national.org")
    assert not services.claim_is_automatic(user, tulle)
    alone = EssOrganisationFactory(website="https://www.reseau-seul.org")
    assert services.claim_is_automatic(UserFactory(email="marie@reseau-seul.org"), alone)


def test_a_member_who_claims_goes_through_moderation(organisation):
    user = MembershipFactory(organisation=organisation, user__email="jean@scop-exemple.fr").user
    claim = services.claim_organisation(user=user, organisation=organisation)
    assert claim.status == ClaimStatus.PENDING


def test_a_moderated_claim_gives_the_admin_role_and_the_admins_hear_of_it(organisation, admin):
    claim = ClaimFactory(organisation=organisation)
    services.approve_claim(claim=claim, moderator=UserFactory(cress_staff=True))
    assert Membership.objects.get(user=claim.user, organisation=organisation).role == "admin"
    assert any(
        m.to == [admin.email] and "administre Scop Exemple" in m.subject for m in mail.outbox
    )


def test_an_admin_undoes_an_automatic_claim_from_the_members_page(client, organisation):
    user = UserFactory(email="jean@scop-exemple.fr")
    claim = services.claim_organisation(user=user, organisation=organisation)
    admin = MembershipFactory(organisation=organisation, admin=True).user
    client.force_login(admin)
    page = text(client.get(reverse("directory:members", args=[organisation.pk])))
    assert "validée automatiquement, comme membre" in page
    url = reverse("directory:claim_revoke", args=[organisation.pk, claim.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "Inconnu de notre équipe."})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REVOKED and claim.decided_by == admin
    assert not Membership.objects.filter(user=user, organisation=organisation).exists()
    assert "Inconnu de notre équipe." in mail.outbox[-1].body and mail.outbox[-1].to == [user.email]
    entry = claim.transitions.last()
    assert (entry.transition, entry.actor, entry.comment) == (
        "revoke",
        admin,
        "Inconnu de notre équipe.",
    )


def test_the_cress_undoes_a_claim_and_the_person_gets_their_former_role_back(organisation):
    member = MembershipFactory(organisation=organisation).user
    claim = ClaimFactory(organisation=organisation, user=member)
    staff, other_staff = UserFactory(cress_staff=True), UserFactory(cress_staff=True)
    services.approve_claim(claim=claim, moderator=staff)
    assert Membership.objects.get(user=member, organisation=organisation).role == "admin"
    services.revoke_claim(claim=claim, by=other_staff, reason="Erreur de validation.")
    assert Membership.objects.get(user=member, organisation=organisation).role == "member"


def test_only_the_cress_and_the_other_admins_undo_a_claim(client, organisation):
    user = UserFactory(email="jean@scop-exemple.fr")
    claim = services.claim_organisation(user=user, organisation=organisation)
    url = reverse("directory:claim_revoke", args=[organisation.pk, claim.pk])
    other_admin = MembershipFactory(admin=True).user  # of another organisation
    plain_member = MembershipFactory(organisation=organisation).user
    for person in (user, other_admin, plain_member):
        client.force_login(person)
        assert client.post(url, {"reason": "Non."}).status_code == 403
    # Another organisation's claim is not found from this one's page.
    elsewhere = ClaimFactory()
    client.force_login(MembershipFactory(organisation=organisation, admin=True).user)
    wrong = reverse("directory:claim_revoke", args=[organisation.pk, elsewhere.pk])
    assert client.post(wrong, {"reason": "Non."}).status_code == 404
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED


# Nobody moderates their own request (issue 12, item 11)


def test_cress_staff_cannot_approve_their_own_claim(client, organisation):
    staff = UserFactory(cress_staff=True)
    claim = services.claim_organisation(user=staff, organisation=organisation)
    client.force_login(staff)
    url = reverse("directory:moderation_claim", args=[claim.pk])
    page = text(client.get(url))
    assert "Valider la demande" not in page and "un autre membre de l'équipe" in page
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 403
    assert "un autre membre de l'équipe de la CRESS" in text(response)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
    assert not Membership.objects.filter(user=staff).exists()

    client.force_login(UserFactory(cress_staff=True))
    assert client.post(url, {"decision": "approve"}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED


def test_cress_staff_cannot_accept_their_own_suggestion(organisation):
    staff = UserFactory(cress_staff=True)
    suggestion = services.suggest_edit(
        user=staff, organisation=organisation, proposed={"description": "Mieux"}, comment=""
    )
    with pytest.raises(WorkflowError, match="un autre membre"):
        services.accept_suggestion(suggestion=suggestion, moderator=staff)
    organisation.refresh_from_db()
    assert organisation.description == "Avant"
    services.accept_suggestion(suggestion=suggestion, moderator=UserFactory(cress_staff=True))
    organisation.refresh_from_db()
    assert organisation.description == "Mieux"


@pytest.mark.usefixtures("rate_limit_window")
def test_claims_are_rate_limited(client):
    client.force_login(UserFactory())
    organisations = EssOrganisationFactory.create_batch(CLAIM_RATE["limit"] + 1)
    statuses = [client.post(claim_url(o), {}).status_code for o in organisations]
    assert statuses[:-1] == [302] * CLAIM_RATE["limit"]
    assert statuses[-1] == 429
    assert Claim.objects.count() == CLAIM_RATE["limit"]


# Profile edits


def edit_url(organisation):
    return reverse("directory:edit", args=[organisation.pk])


def profile_post(**overrides):
    data = {
        "description": "Une **coopérative** de Limoges.",
        "website": "https://www.scop-exemple.fr",
        "public_email": "contact@scop-exemple.fr",
        "public_phone": "05 55 12 34 56",
        "sectors": ["action_sociale"],
    }
    data.update(overrides)
    return data


def test_an_admin_edits_the_profile_and_the_change_is_recorded(client, organisation, admin):
    label = LabelFactory(name="ESUS", kind=LabelKind.AGREMENT)
    network = EssOrganisationFactory(name="Union régionale")
    EssOrganisationFactory().networks.add(network)  # a network has members
    client.force_login(admin)
    form = client.get(edit_url(organisation)).context["form"]
    assert network in form.fields["networks"].queryset
    response = client.post(
        edit_url(organisation), profile_post(labels=[label.pk], networks=[network.pk])
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.description == "Une **coopérative** de Limoges."
    assert organisation.public_phone == "05 55 12 34 56"
    assert list(organisation.labels.all()) == [label]
    assert list(organisation.networks.all()) == [network]
    assert "cooperative" in organisation.search_text
    change = OrganisationChange.objects.get(organisation=organisation)
    assert change.author == admin and change.kind == ChangeKind.EDIT
    assert change.changes["description"] == ["Avant", "Une **coopérative** de Limoges."]
    assert change.changes["labels"] == [[], [label.pk]]
    assert change.changes["sectors"] == [[], ["action_sociale"]]
    assert "website" not in change.changes  # unchanged fields are not recorded


def test_saving_an_unchanged_profile_records_nothing(client, organisation, admin):
    client.force_login(admin)
    client.post(edit_url(organisation), profile_post())
    client.post(edit_url(organisation), profile_post())
    assert OrganisationChange.objects.count() == 1


@pytest.mark.parametrize("who", ["anybody", "plain_member", "admin_elsewhere"])
def test_who_does_not_administer_the_organisation_cannot_change_it(client, organisation, who):
    user = {
        "anybody": lambda: UserFactory(),
        "plain_member": lambda: MembershipFactory(organisation=organisation).user,
        "admin_elsewhere": lambda: MembershipFactory(admin=True).user,
    }[who]()
    client.force_login(user)
    response = client.post(edit_url(organisation), profile_post(description="Piraté"))
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.description == "Avant"
    assert not OrganisationChange.objects.exists()


def test_a_forged_post_cannot_change_registry_fields(client, organisation, admin):
    before = {f: getattr(organisation, f) for f in organisation.REGISTRY_FIELDS}
    client.force_login(admin)
    response = client.post(
        edit_url(organisation),
        profile_post(
            name="Nouveau nom",
            acronym="NN",
            siren="123456782",
            legal_category="9220",
            ess_family="association",
            status="closed",
            is_mission_company="on",
            is_esus="on",
            source="manual",
            is_synthetic="on",
        ),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert {f: getattr(organisation, f) for f in organisation.REGISTRY_FIELDS} == before
    assert not organisation.is_esus and not organisation.is_synthetic
    assert organisation.source == "sirene"
    change = OrganisationChange.objects.get()
    assert set(change.changes) <= set(services.PROFILE_FIELDS)


def test_the_edit_page_shows_registry_fields_read_only(client, organisation, admin):
    client.force_login(admin)
    response = client.get(edit_url(organisation))
    page = text(response)
    assert "mises à jour par l'import SIRENE" in page
    assert organisation.siren in page
    assert 'name="name"' not in page and 'name="siren"' not in page
    assert set(response.context["form"].fields) == set(services.PROFILE_FIELDS)


def test_the_service_refuses_registry_fields(organisation, admin):
    with pytest.raises(DirectoryError, match="n'est pas modifiable"):
        services.update_profile(organisation=organisation, author=admin, values={"name": "X"})
    organisation.refresh_from_db()
    assert organisation.name == "Scop Exemple"


def test_a_network_that_is_not_offered_cannot_be_forged(client, organisation, admin):
    ordinary = EssOrganisationFactory()
    client.force_login(admin)
    response = client.post(
        edit_url(organisation), profile_post(networks=[ordinary.pk], sectors=["pas-un-secteur"])
    )
    assert response.status_code == 400
    assert organisation.networks.count() == 0
    assert not OrganisationChange.objects.exists()


def test_invalid_contacts_get_french_errors(client, organisation, admin):
    client.force_login(admin)
    response = client.post(
        edit_url(organisation), profile_post(public_email="pas-un-email", public_phone="abc")
    )
    assert response.status_code == 400
    page = text(response)
    assert "Numéro de téléphone invalide." in page
    assert "Saisissez une adresse de courriel valide." in page
    organisation.refresh_from_db()
    assert organisation.public_email == ""


# Logos


def image_bytes(format_name, size=(120, 60)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (74, 42, 140)).save(buffer, format=format_name)
    return buffer.getvalue()


def upload(name, content, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("format_name", "extension"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")]
)
def test_a_logo_is_stored_under_our_own_name(
    client, organisation, admin, media, format_name, extension
):
    client.force_login(admin)
    logo = upload("../../mon logo.php", image_bytes(format_name))
    response = client.post(edit_url(organisation), profile_post(logo=logo))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert re.fullmatch(
        rf"logos/{organisation.pk}-[0-9a-f]{{16}}\.{extension}", organisation.logo.name
    )
    assert (media / organisation.logo.name).exists()
    assert OrganisationChange.objects.get().changes["logo"] == ["", organisation.logo.name]
    assert (
        f'src="/media/{organisation.logo.name}"'
        in client.get(organisation.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<?php echo 'je ne suis pas une image'; ?>", "n'est pas une image JPEG, PNG ou WebP"),
        (image_bytes("GIF"), "au format GIF"),
        (image_bytes("PNG", size=(2001, 10)), "2001 × 10 pixels"),
        (b"\x89PNG" + b"0" * (1024 * 1024), "1 Mo au maximum"),
    ],
    ids=["text-named-png", "gif", "too-wide", "too-heavy"],
)
def test_a_bad_logo_is_refused_in_french(client, organisation, admin, media, content, message):
    client.force_login(admin)
    response = client.post(edit_url(organisation), profile_post(logo=upload("logo.png", content)))
    assert response.status_code == 400
    assert message in text(response)
    organisation.refresh_from_db()
    assert not organisation.logo
    assert not OrganisationChange.objects.exists()
    assert not (media / "logos").exists()


def test_a_logo_can_be_removed_and_the_removal_reverted(client, organisation, admin, media, staff):
    client.force_login(admin)
    client.post(edit_url(organisation), profile_post(logo=upload("a.png", image_bytes("PNG"))))
    organisation.refresh_from_db()
    name = organisation.logo.name
    client.post(edit_url(organisation), profile_post(**{"logo-clear": "on"}))
    organisation.refresh_from_db()
    assert not organisation.logo
    removal = OrganisationChange.objects.first()
    assert removal.changes == {"logo": [name, ""]}
    services.revert_change(change=removal, moderator=staff)
    organisation.refresh_from_db()
    assert organisation.logo.name == name


# History and revert


def test_the_history_lists_who_changed_what(client, organisation, admin):
    client.force_login(admin)
    client.post(edit_url(organisation), profile_post(description="Nouveau texte"))
    page = text(client.get(reverse("directory:history", args=[organisation.pk])))
    assert "Modification du profil" in page
    assert str(admin) in page
    assert "Avant" in page and "Nouveau texte" in page
    assert "Annuler cette modification" not in page  # admins do not revert; staff do


def test_staff_revert_a_change(client, organisation, admin, staff):
    label = LabelFactory()
    change = services.update_profile(
        organisation=organisation,
        author=admin,
        values={"description": "Vandalisme", "labels": [label], "website": ""},
    )
    client.force_login(staff)
    response = client.post(reverse("directory:revert", args=[organisation.pk, change.pk]))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.description == "Avant"
    assert organisation.website == "https://www.scop-exemple.fr"
    assert organisation.labels.count() == 0
    change.refresh_from_db()
    revert = change.reverted_by
    assert revert.kind == ChangeKind.REVERT and revert.author == staff
    assert revert.changes["description"] == ["Vandalisme", "Avant"]
    # Reverting twice is refused.
    response = client.post(reverse("directory:revert", args=[organisation.pk, change.pk]))
    assert response.status_code == 409
    assert "déjà été annulée" in text(response)


def test_a_revert_is_refused_when_the_field_changed_since(client, organisation, admin, staff):
    first = services.update_profile(
        organisation=organisation, author=admin, values={"description": "Deuxième"}
    )
    services.update_profile(
        organisation=organisation, author=admin, values={"description": "Troisième"}
    )
    client.force_login(staff)
    response = client.post(reverse("directory:revert", args=[organisation.pk, first.pk]))
    assert response.status_code == 409
    assert "« Présentation » a été modifié depuis" in text(response)
    organisation.refresh_from_db()
    assert organisation.description == "Troisième"
    first.refresh_from_db()
    assert first.reverted_by is None
    assert OrganisationChange.objects.count() == 2


def test_only_staff_revert_and_only_changes_of_this_organisation(client, organisation, admin):
    change = services.update_profile(
        organisation=organisation, author=admin, values={"description": "Nouveau"}
    )
    client.force_login(admin)
    url = reverse("directory:revert", args=[organisation.pk, change.pk])
    assert client.post(url).status_code == 403
    client.force_login(UserFactory(cress_staff=True))
    other = EssOrganisationFactory()
    assert client.post(reverse("directory:revert", args=[other.pk, change.pk])).status_code == 404
    organisation.refresh_from_db()
    assert organisation.description == "Nouveau"


def test_a_change_made_by_an_import_is_not_reverted(organisation, staff):
    change = OrganisationChange.objects.create(
        organisation=organisation, kind=ChangeKind.IMPORT, changes={"name": ["A", "Scop Exemple"]}
    )
    with pytest.raises(DirectoryError, match="import"):
        services.revert_change(change=change, moderator=staff)


# Members and invitations


def members_url(organisation):
    return reverse("directory:members", args=[organisation.pk])


def invitation_link(message):
    return re.search(r"http://testserver(/annuaire/invitation/[^/\s]+/)", message.body).group(1)


def test_an_admin_invites_a_member_who_accepts_with_that_address(client, organisation, admin):
    client.force_login(admin)
    response = client.post(members_url(organisation), {"email": "Lea@Exemple.fr", "role": "member"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "lea@exemple.fr" and invitation.invited_by == admin
    message = mail.outbox[-1]
    assert message.to == ["lea@exemple.fr"] and "Scop Exemple" in message.subject
    link = invitation_link(message)

    # Someone else holding the link gets nothing.
    intruder = UserFactory(email="intrus@exemple.fr")
    client.force_login(intruder)
    response = client.post(link)
    assert response.status_code == 403
    assert "une autre adresse e-mail" in text(response)
    assert not Membership.objects.filter(user=intruder).exists()

    assert client.get(link).status_code == 403

    lea = UserFactory(email="lea@exemple.fr")
    client.force_login(lea)
    assert "Accepter l'invitation" in text(client.get(link))
    assert client.post(link).status_code == 302
    assert Membership.objects.get(user=lea, organisation=organisation).role == "member"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    response = client.post(link)
    assert response.status_code == 403
    assert "déjà été acceptée" in text(response)


def test_an_invitation_link_needs_a_login_and_a_genuine_token(client, organisation, admin):
    services.invite_member(
        organisation=organisation, email="lea@exemple.fr", role="admin", invited_by=admin
    )
    link = invitation_link(mail.outbox[-1])
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    lea = UserFactory(email="lea@exemple.fr")
    client.force_login(lea)
    forged = link.replace("/invitation/", "/invitation/x")
    response = client.post(forged)
    assert response.status_code == 400
    assert "n'est pas valide" in text(response)
    assert not Membership.objects.filter(user=lea).exists()


def test_a_cancelled_invitation_cannot_be_accepted(client, organisation, admin):
    invitation = services.invite_member(
        organisation=organisation, email="lea@exemple.fr", role="member", invited_by=admin
    )
    link = invitation_link(mail.outbox[-1])
    client.force_login(admin)
    url = reverse("directory:invitation_cancel", args=[organisation.pk, invitation.pk])
    assert client.post(url).status_code == 302
    client.force_login(UserFactory(email="lea@exemple.fr"))
    response = client.post(link)
    assert response.status_code == 400
    assert "annulée" in text(response)


def test_inviting_a_member_or_a_pending_address_again_is_refused(client, organisation, admin):
    client.force_login(admin)
    response = client.post(members_url(organisation), {"email": admin.email, "role": "member"})
    assert response.status_code == 400
    assert "déjà membre" in text(response)
    client.post(members_url(organisation), {"email": "lea@exemple.fr", "role": "member"})
    response = client.post(members_url(organisation), {"email": "LEA@exemple.fr", "role": "admin"})
    assert response.status_code == 400
    assert "déjà en attente" in text(response)
    assert Invitation.objects.count() == 1


def test_a_plain_member_cannot_invite_or_manage_members(client, organisation, admin):
    member = MembershipFactory(organisation=organisation)
    client.force_login(member.user)
    assert client.post(members_url(organisation), {"email": "x@exemple.fr"}).status_code == 403
    role_url = reverse("directory:member_role", args=[organisation.pk, member.pk])
    assert client.post(role_url, {f"m{member.pk}-role": "admin"}).status_code == 403
    admin_membership = Membership.objects.get(user=admin)
    remove_url = reverse("directory:member_remove", args=[organisation.pk, admin_membership.pk])
    assert client.post(remove_url).status_code == 403
    assert not Invitation.objects.exists()
    member.refresh_from_db()
    assert member.role == "member"
    assert Membership.objects.filter(pk=admin_membership.pk).exists()


def test_admins_change_roles_and_remove_members(client, organisation, admin):
    member = MembershipFactory(organisation=organisation)
    client.force_login(admin)
    page = text(client.get(members_url(organisation)))
    assert member.user.email in page
    url = reverse("directory:member_role", args=[organisation.pk, member.pk])
    assert client.post(url, {f"m{member.pk}-role": "admin"}).status_code == 302
    member.refresh_from_db()
    assert member.role == "admin"
    url = reverse("directory:member_remove", args=[organisation.pk, member.pk])
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_the_last_admin_can_neither_be_demoted_nor_removed(client, organisation, admin):
    membership = Membership.objects.get(user=admin)
    client.force_login(admin)
    url = reverse("directory:member_role", args=[organisation.pk, membership.pk])
    response = client.post(url, {f"m{membership.pk}-role": "member"})
    assert response.status_code == 409
    assert "au moins un administrateur" in text(response)
    response = client.post(
        reverse("directory:member_remove", args=[organisation.pk, membership.pk])
    )
    assert response.status_code == 409
    membership.refresh_from_db()
    assert membership.role == "admin"


def test_a_membership_of_another_organisation_cannot_be_forged(client, organisation, admin):
    elsewhere = MembershipFactory(role="member")
    MembershipFactory(organisation=elsewhere.organisation, admin=True)
    client.force_login(admin)
    role_url = reverse("directory:member_role", args=[organisation.pk, elsewhere.pk])
    assert client.post(role_url, {f"m{elsewhere.pk}-role": "admin"}).status_code == 404
    remove_url = reverse("directory:member_remove", args=[organisation.pk, elsewhere.pk])
    assert client.post(remove_url).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.role == "member"


# Suggestions


def suggest_url(organisation):
    return reverse("directory:suggest", args=[organisation.pk])


def test_a_suggestion_is_moderated_then_applied_as_a_suggestion_change(client, organisation, staff):
    author = UserFactory()
    client.force_login(author)
    form = client.get(suggest_url(organisation)).context["form"]
    # SIRENE's name and address are not offered: the import would overwrite them.
    assert "name" not in form.fields and "address" not in form.fields
    response = client.post(
        suggest_url(organisation),
        {
            "description": "Avant",
            "website": "https://www.nouveau-site.fr",
            "public_email": "",
            "public_phone": "",
            "comment": "Le site a changé d'adresse.",
            "name": "Nom forgé",
        },
    )
    suggestion = EditSuggestion.objects.get()
    assert response.status_code == 302
    assert suggestion.proposed == {"website": "https://www.nouveau-site.fr"}
    organisation.refresh_from_db()
    assert organisation.website == "https://www.scop-exemple.fr"  # nothing before moderation

    client.force_login(staff)
    url = reverse("directory:moderation_suggestion", args=[suggestion.pk])
    assert "https://www.nouveau-site.fr" in text(client.get(url))
    assert client.post(url, {"decision": "approve"}).status_code == 302
    organisation.refresh_from_db()
    assert organisation.website == "https://www.nouveau-site.fr"
    assert organisation.name == "Scop Exemple"
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED and suggestion.decided_by == staff
    change = OrganisationChange.objects.get()
    assert change.kind == ChangeKind.SUGGESTION and change.author == author
    assert change.changes == {
        "website": ["https://www.scop-exemple.fr", "https://www.nouveau-site.fr"]
    }
    assert mail.outbox[-1].to == [author.email]
    assert "appliquée" in mail.outbox[-1].subject


def test_the_name_of_a_listing_from_the_report_can_be_corrected(client, staff):
    organisation = EssOrganisationFactory(from_report=True, name="Cress Limousin")
    EstablishmentFactory(organisation=organisation, is_head_office=True, address="1 rue A")
    author = UserFactory()
    client.force_login(author)
    client.post(
        suggest_url(organisation),
        {"name": "CRESS Limousin", "address": "2 rue B", "comment": "Orthographe et adresse."},
    )
    suggestion = EditSuggestion.objects.get()
    assert suggestion.proposed == {"name": "CRESS Limousin", "address": "2 rue B"}
    services.accept_suggestion(suggestion=suggestion, moderator=staff)
    organisation.refresh_from_db()
    assert organisation.name == "CRESS Limousin"
    assert services.head_office(organisation).address == "2 rue B"
    services.revert_change(change=OrganisationChange.objects.get(), moderator=staff)
    organisation.refresh_from_db()
    assert organisation.name == "Cress Limousin"
    assert services.head_office(organisation).address == "1 rue A"


def test_a_registry_field_cannot_be_slipped_into_a_suggestion(organisation):
    with pytest.raises(DirectoryError, match="SIRENE"):
        services.suggest_edit(
            user=UserFactory(), organisation=organisation, proposed={"name": "X"}, comment="."
        )
    assert not EditSuggestion.objects.exists()


def test_a_rejected_suggestion_changes_nothing_and_its_author_is_told(client, organisation, staff):
    suggestion = EditSuggestionFactory(organisation=organisation)
    client.force_login(staff)
    url = reverse("directory:moderation_suggestion", args=[suggestion.pk])
    client.post(url, {"decision": "reject", "reason": "Le site indiqué n'existe pas."})
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.REJECTED
    organisation.refresh_from_db()
    assert organisation.website == "https://www.scop-exemple.fr"
    assert not OrganisationChange.objects.exists()
    assert "Le site indiqué n'existe pas." in mail.outbox[-1].body
    assert mail.outbox[-1].to == [suggestion.author.email]


def test_a_suggestion_leaves_the_fields_it_does_not_send_alone(client, organisation):
    client.force_login(UserFactory())
    client.post(suggest_url(organisation), {"comment": "Cette structure a déménagé."})
    suggestion = EditSuggestion.objects.get()
    assert suggestion.proposed == {}
    assert suggestion.comment == "Cette structure a déménagé."


def test_the_history_does_not_name_suggesters_to_the_organisation(client, organisation, admin):
    suggester = UserFactory(first_name="Dominique", last_name="Curieux")
    suggestion = EditSuggestionFactory(organisation=organisation, author=suggester)
    services.accept_suggestion(suggestion=suggestion, moderator=UserFactory(cress_staff=True))
    url = reverse("directory:history", args=[organisation.pk])
    client.force_login(admin)
    page = text(client.get(url))
    assert "Suggestion acceptée" in page
    assert "Curieux" not in page
    client.force_login(UserFactory(cress_staff=True))
    assert "Dominique Curieux" in text(client.get(url))


def test_an_empty_suggestion_is_refused_in_french(client, organisation):
    client.force_login(UserFactory())
    response = client.post(suggest_url(organisation), {"comment": ""})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in text(response)
    assert not EditSuggestion.objects.exists()


def test_only_staff_accept_suggestions(client, organisation, admin):
    suggestion = EditSuggestionFactory(organisation=organisation)
    url = reverse("directory:moderation_suggestion", args=[suggestion.pk])
    for user in [admin, suggestion.author]:
        client.force_login(user)
        assert client.post(url, {"decision": "approve"}).status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PENDING
    organisation.refresh_from_db()
    assert organisation.website == "https://www.scop-exemple.fr"


@pytest.mark.usefixtures("rate_limit_window")
def test_suggestions_are_rate_limited(client, organisation):
    client.force_login(UserFactory())
    statuses = [
        client.post(suggest_url(organisation), {"comment": f"Remarque {i}"}).status_code
        for i in range(SUGGESTION_RATE["limit"] + 1)
    ]
    assert statuses[-1] == 429
    assert EditSuggestion.objects.count() == SUGGESTION_RATE["limit"]


def test_claims_and_suggestions_are_part_of_the_personal_data_export():
    from essor.accounts.services import personal_data

    claim = ClaimFactory(message="C'est la nôtre")
    suggestion = EditSuggestionFactory(author=claim.user)
    data = personal_data(claim.user)
    assert data["revendications"][0]["structure"] == claim.organisation.name
    assert data["revendications"][0]["message"] == "C'est la nôtre"
    assert data["suggestions"][0]["structure"] == suggestion.organisation.name
