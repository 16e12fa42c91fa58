"""The world of the permission matrix: the five demo accounts, members of nothing, and
another organisation (« the tenant ») with its people and objects, built on first use.

Add a property here when a new module's routes take a new kind of object; build it with
the app's factories (tests/factories/) or its services, as the application would."""

import datetime as dt
from functools import cached_property

from django.core.files.base import ContentFile
from django.utils import timezone

from essor.accounts import demo as accounts_demo
from essor.accounts.models import User
from essor.cooperation import services as cooperation_services
from essor.cooperation.enums import Status as CooperationStatus
from essor.cooperation.models import EssPlace
from essor.cooperation.places import save_place
from essor.directory.enums import MembershipRole
from essor.directory.models import Invitation
from essor.financing.enums import DocumentKind, ToolStatus
from essor.financing.models import OrganisationDocument, SavedSearch
from essor.financing.services import dossier_submit
from essor.initiatives.models import ContentReport
from essor.resources.enums import GuideVersionStatus, TrainingAudience, TrainingFormat
from essor.resources.models import AuthoredGuide, GuideVersion, Page, Training
from essor.support.enums import OfferStatus
from essor.support.models import Parcours, SupportRequest
from tests.factories.accounts import UserFactory
from tests.factories.cooperation import ListingFactory
from tests.factories.directory import (
    ClaimFactory,
    EditSuggestionFactory,
    EssOrganisationFactory,
    MembershipFactory,
    OrganisationChangeFactory,
    OrganisationFactory,
)
from tests.factories.financing import ToolFactory, ready_dossier
from tests.factories.initiatives import InitiativeFactory
from tests.factories.purchasing import buyer as purchase_buyer
from tests.factories.purchasing import need as purchase_need
from tests.factories.purchasing import supplier as purchase_supplier
from tests.factories.support import SupportOfferFactory

from . import DEMO_EMAILS


def demo_accounts():
    """role -> User, as `make demo` creates them (essor/accounts/demo.py)."""
    accounts_demo.load()
    return {role: User.objects.get(email=email) for role, email in DEMO_EMAILS.items()}


class World:
    """Another organisation's objects. None of the demo accounts belongs to them."""

    @cached_property
    def organisation(self):
        return EssOrganisationFactory(name="Structure d'un autre")

    @cached_property
    def admin(self):
        """The organisation's administrator (a support actor)."""
        user = UserFactory(support_actor=True, email="admin@autre.example.org")
        MembershipFactory(user=user, organisation=self.organisation, role=MembershipRole.ADMIN)
        return user

    @cached_property
    def member(self):
        user = UserFactory(email="membre@autre.example.org")
        return MembershipFactory(user=user, organisation=self.organisation)

    @cached_property
    def person(self):
        """Someone with no organisation, who writes requests and reports."""
        return UserFactory(email="personne@autre.example.org")

    @cached_property
    def invitation(self):
        return Invitation.objects.create(
            organisation=self.organisation,
            email="invitee@autre.example.org",
            role=MembershipRole.MEMBER,
            invited_by=self.admin,
        )

    @cached_property
    def claim(self):
        return ClaimFactory(organisation=self.organisation, user=self.person)

    @cached_property
    def suggestion(self):
        return EditSuggestionFactory(organisation=self.organisation, author=self.person)

    @cached_property
    def change(self):
        return OrganisationChangeFactory(
            organisation=self.organisation, author=self.admin, changes={"website": ["", "x"]}
        )

    # Support

    @cached_property
    def offer(self):
        self.admin  # noqa: B018 (the provider has a member)
        return SupportOfferFactory(provider=self.organisation, created_by=self.admin)

    @cached_property
    def pending_offer(self):
        self.admin  # noqa: B018
        return SupportOfferFactory(
            provider=self.organisation, created_by=self.admin, status=OfferStatus.PENDING
        )

    @cached_property
    def cooperation_listing(self):
        self.admin  # noqa: B018 (the organisation has a member)
        return ListingFactory(organisation=self.organisation, title="Salle d'un autre")

    @cached_property
    def pending_listing(self):
        """The first publication of an organisation: it waits for the CRESS."""
        return ListingFactory(status=CooperationStatus.PENDING, title="En attente")

    @cached_property
    def cooperation_thread(self):
        writer = MembershipFactory(organisation=EssOrganisationFactory()).user
        return cooperation_services.write_to(
            self.cooperation_listing,
            organisation=writer.memberships.get().organisation,
            by=writer,
            body="Bonjour",
        )

    @cached_property
    def ess_place(self):
        return save_place(
            EssPlace(
                organisation=self.organisation, kind="tiers-lieu", name="Tiers-lieu d'un autre"
            )
        )

    @cached_property
    def support_request(self):
        request = SupportRequest.objects.create(
            requester=self.person,
            provider=self.organisation,
            contact_name="Personne Autre",
            contact_email="personne@autre.example.org",
            situation={},
            situation_text="Je crée une association.",
            message="Bonjour",
            consent_text="J'accepte.",
            consented_at=timezone.now(),
        )
        request.offers.set([self.offer])
        return request

    @cached_property
    def parcours(self):
        return Parcours.objects.create(criteria={}, place_label="Limoges", owner=self.person)

    # Financing

    @cached_property
    def funder(self):
        return OrganisationFactory(name="Financeur d'un autre")

    @cached_property
    def funder_user(self):
        user = UserFactory(funder=True, email="financeur@autre.example.org")
        MembershipFactory(user=user, organisation=self.funder, role=MembershipRole.ADMIN)
        return user

    @cached_property
    def tool(self):
        return ToolFactory(funders=[self.funder])

    @cached_property
    def draft_tool(self):
        return ToolFactory(funders=[self.funder], status=ToolStatus.DRAFT)

    @cached_property
    def notification(self):
        """Someone else's notification."""
        from essor.accounts.services import notify

        notify([self.person], "Un avis pour quelqu'un d'autre", "/financement/")
        return self.person.notifications.get()

    @cached_property
    def saved_search(self):
        return SavedSearch.objects.create(user=self.person, name="Mes aides", params={"q": "x"})

    @cached_property
    def dossier(self):
        self.admin  # noqa: B018
        return ready_dossier(self.organisation, self.admin, [self.funder])

    @cached_property
    def version(self):
        return dossier_submit(dossier=self.dossier, user=self.admin)

    @cached_property
    def funding_request(self):
        self.version  # noqa: B018
        return self.dossier.requests.get()

    @cached_property
    def document(self):
        document = OrganisationDocument(
            organisation=self.organisation,
            kind=DocumentKind.STATUTES,
            title="Statuts",
            valid_until=dt.date.today() + dt.timedelta(days=365),
            uploaded_by=self.admin,
        )
        document.file.save("statuts.pdf", ContentFile(b"%PDF-1.4 statuts"), save=True)
        return document

    # Consultation: a process the tenant's admin proposed a fiche to

    @cached_property
    def consultation(self):
        from tests.factories.consultation import questionnaire

        return questionnaire()  # published results, open phase

    @cached_property
    def consultation_action(self):
        from tests.factories.consultation import ActionFactory

        action = ActionFactory(process=self.consultation.process)
        action.carriers.add(self.organisation)
        return action

    @cached_property
    def proposal(self):
        from essor.consultation import services as consultation
        from essor.consultation.models import Proposal

        proposal = consultation.proposal_create(
            process=self.consultation.process, author=self.admin, organisation=self.organisation,
            title="Un salon d'affaires", axis="cooperer", theme="Rencontres", description="Une matinée.",
        )  # fmt: skip
        Proposal.objects.filter(pk=proposal.pk).update(status="published")
        proposal.refresh_from_db()
        return proposal

    @cached_property
    def consultation_comment(self):
        from essor.consultation.models import Comment

        return Comment.objects.create(proposal=self.proposal, author=self.admin, body="Oui.")

    @cached_property
    def export(self):
        """A background export someone else asked (essor.core.exports), ready."""
        from essor.core.models import Export, ExportStatus

        export = Export(
            kind="financing-requests", owner=self.person, status=ExportStatus.READY,
            filename="demandes-de-financement.csv", rows=1,
        )  # fmt: skip
        export.file.save("export.csv", ContentFile(b"financeur\r\n"), save=True)
        return export

    # Initiatives

    @cached_property
    def initiative(self):
        return InitiativeFactory(
            published=True, carriers=[self.organisation], created_by=self.admin
        )

    @cached_property
    def draft_initiative(self):
        return InitiativeFactory(
            title="Une initiative en cours", carriers=[self.organisation], created_by=self.admin
        )

    @cached_property
    def content_report(self):
        return ContentReport.objects.create(
            initiative=self.initiative, reason="other", reporter=self.person, message="Faux."
        )

    # Agenda

    @cached_property
    def event(self):
        from tests.factories.events import EventFactory

        return EventFactory(organiser=self.organisation, created_by=self.admin)

    @cached_property
    def espresso(self):
        from tests.factories.events import business_meetings

        return business_meetings(organiser=self.organisation)

    @cached_property
    def espresso_request(self):
        from essor.events.models import MeetingRequest
        from tests.factories.events import participant

        return MeetingRequest.objects.create(
            requester=participant(self.espresso), target=participant(self.espresso)
        )

    @cached_property
    def espresso_meeting(self):
        from essor.events.models import Meeting

        r = self.espresso_request
        first, second = sorted([r.requester_id, r.target_id])
        return Meeting.objects.create(
            meetings=self.espresso, first_id=first, second_id=second, slot=0, table=0
        )

    # Resources

    @cached_property
    def training(self):
        self.admin  # noqa: B018 (the organiser has a member)
        return Training.objects.create(
            title="Gouvernance associative",
            organiser=self.organisation,
            created_by=self.admin,
            audiences=[TrainingAudience.PROJECT_CREATORS],
            format=TrainingFormat.REMOTE,
            duration="2 jours",
            cost="Gratuit",
        )

    @cached_property
    def page(self):
        return Page.objects.create(title="Guide", slug="guide", body="…", is_published=True)

    @cached_property
    def written_guide(self):
        """A guide the organisation's support actor wrote, published by the CRESS (version
        1), with no version in progress."""
        writer = UserFactory(support_actor=True)
        MembershipFactory(user=writer, organisation=self.organisation)
        guide = AuthoredGuide.objects.create(
            slug="guide-d-un-autre", organisation=self.organisation, created_by=writer
        )
        version = GuideVersion.objects.create(
            guide=guide, number=1, title="Guide d'un autre", summary="…", body="## Partie\n\n…",
            status=GuideVersionStatus.PUBLISHED, created_by=writer, decided_at=timezone.now(),
        )  # fmt: skip
        guide.published_version = version
        guide.save()
        return guide

    @cached_property
    def study(self):
        """A published study of the organisation, with its PDF."""
        from django.core.files.base import ContentFile

        from essor.resources.enums import PublicationStatus, StudyKind
        from essor.resources.models import Study

        self.admin  # noqa: B018 (the organisation has a member)
        study = Study(
            title="Étude d'un autre", slug="etude-d-un-autre", kind=StudyKind.STUDY, year=2024,
            themes=["cooperer"], summary="…", organisation=self.organisation,
            created_by=self.admin, status=PublicationStatus.PUBLISHED,
        )  # fmt: skip
        study.file.save("etude.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        study.save()
        return study

    # Purchasing

    @cached_property
    def supplier_profile(self):
        """The organisation's published supplier profile."""
        self.admin  # noqa: B018
        return purchase_supplier(organisation=self.organisation)

    @cached_property
    def purchase_need(self):
        """A public, published need of another buyer, answered by the organisation in a
        groupement with a third supplier."""
        from essor.purchasing.enums import NeedStatus
        from essor.purchasing.services import answer_need

        organisation, user = purchase_buyer("Acheteur d'un autre")
        need = purchase_need(organisation, user, status=NeedStatus.PUBLISHED)
        partner = purchase_supplier(name="Co-traitant d'un autre")
        answer_need(
            need, by=self.admin, supplier=self.supplier_profile, interested=True,
            quote=ContentFile(b"%PDF-1.4 devis", name="devis.pdf"),
            lead_share="Tonte", members=[(partner, "Taille")],
        )  # fmt: skip
        return need

    @cached_property
    def purchase_answer(self):
        return self.purchase_need.answers.get()

    @cached_property
    def need_attachment(self):
        from essor.purchasing.models import NeedAttachment

        return NeedAttachment.objects.create(
            need=self.purchase_need,
            file=ContentFile(b"%PDF-1.4 cahier", name="cdc.pdf"),
            name="cdc.pdf",
            size=14,
        )

    @cached_property
    def sourcing_search(self):
        """Someone else's saved sourcing search."""
        from essor.purchasing.models import SavedSourcingSearch

        return SavedSourcingSearch.objects.create(
            user=self.person, name="Espaces verts", params={"categorie": "entretien-espaces-verts"}
        )

    @cached_property
    def supplier_document(self):
        """An attestation of the organisation's supplier profile, for buyers only."""
        from essor.purchasing.enums import DocumentKind, DocumentVisibility
        from essor.purchasing.models import SupplierDocument

        return SupplierDocument.objects.create(
            profile=self.supplier_profile, kind=DocumentKind.ATTESTATION, title="Attestation",
            visibility=DocumentVisibility.BUYERS, name="attestation.pdf", size=14,
            file=ContentFile(b"%PDF-1.4 attestation", name="attestation.pdf"),
        )  # fmt: skip
