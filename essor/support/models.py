import secrets
import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from essor.core.models import Decision, HeldChanges, TransitionLog
from essor.directory.enums import Phase
from essor.directory.models import Organisation
from essor.territories.areas import Area

from . import workflow
from .enums import (
    Cost,
    Format,
    HelpKind,
    OfferStatus,
    ParcoursStatus,
    ProviderKind,
    SupportAudience,
    SupportLegalForm,
    SupportRequestStatus,
)

phone_validator = RegexValidator(r"^\+?[0-9 .()-]{6,20}$", "Numéro de téléphone invalide.")


_NAMES = {}


def labels(enum, values):
    # Enum.choices builds a new list at each call: cached, as matching calls this a lot.
    names = _NAMES.get(enum)
    if names is None:
        names = _NAMES[enum] = dict(enum.choices)
    return [names[value] for value in values if value in names]


class SupportOfferQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=OfferStatus.PUBLISHED)

    def covering(self, place):
        return self.filter(pk__in=OfferArea.objects.covering(place).values("offer_id"))


class SupportOffer(Decision, HeldChanges, models.Model):
    """A service a support actor offers: who, what help, for which phases, audiences,
    legal forms and sectors, where, at what cost and how to ask. Its life: workflow.OFFERS
    (the reason of a refusal is the Decision's decision_comment)."""

    workflow = workflow.OFFERS

    provider = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="support_offers",
        verbose_name="structure qui propose l'offre",
    )
    provider_kind = models.CharField(
        "type d'acteur", max_length=20, choices=ProviderKind.choices, default=ProviderKind.OTHER
    )
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("description (Markdown)", max_length=6000)
    # Lists of enum values. Empty phases, audiences or sectors mean "all"; empty legal
    # forms mean "no specialisation". Matching reads them in Python after the indexed
    # territorial filter has narrowed the candidates to a few hundred at most.
    help_kinds = models.JSONField("types d'aide", default=list)
    phases = models.JSONField("étapes de la vie du projet", default=list, blank=True)
    audiences = models.JSONField("publics", default=list, blank=True)
    legal_forms = models.JSONField("formes juridiques de spécialité", default=list, blank=True)
    sectors = models.JSONField("secteurs", default=list, blank=True)
    cost = models.CharField("coût", max_length=10, choices=Cost.choices, default=Cost.FREE)
    cost_details = models.CharField("précisions sur le coût", max_length=300, blank=True)
    format = models.CharField(
        "format", max_length=10, choices=Format.choices, default=Format.IN_PERSON
    )
    territory_summary = models.CharField("territoire servi", max_length=500, editable=False)
    how_to_ask = models.TextField("comment faire appel à cette offre", max_length=2000, blank=True)
    contact_email = models.EmailField("e-mail de contact", blank=True)
    contact_phone = models.CharField(
        "téléphone de contact", max_length=20, blank=True, validators=[phone_validator]
    )
    website = models.URLField("page web de l'offre", blank=True)
    accepts_requests = models.BooleanField(
        "reçoit les demandes envoyées depuis ESSor", default=True
    )
    # Demo content written from the 2016 report: what the report does not say is
    # illustrative, and the page says so.
    is_illustrative = models.BooleanField("informations illustratives", default=False)
    illustrative_details = models.CharField("ce qui est illustratif", max_length=300, blank=True)
    report_quote = models.TextField("ce qu'en dit l'état des lieux 2016", blank=True)
    # A scheme the sources describe in the past tense (« la Région animait… »): still
    # shown, so that a person who heard of it learns it ended, but never ranked first.
    is_ended = models.BooleanField("dispositif terminé", default=False)
    status = models.CharField(
        "état", max_length=10, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = SupportOfferQuerySet.as_manager()

    class Meta:
        verbose_name = "offre d'accompagnement"
        verbose_name_plural = "offres d'accompagnement"
        ordering = ["provider__name", "title"]
        indexes = [models.Index(fields=["status", "provider"])]

    def __str__(self):
        return f"{self.title} — {self.provider}"

    def get_absolute_url(self):
        return reverse("support:offer", args=[self.pk])

    @property
    def is_published(self):
        return self.status == OfferStatus.PUBLISHED

    @property
    def is_remote(self):
        return self.format in {Format.REMOTE, Format.BOTH}

    @property
    def help_kind_labels(self):
        return labels(HelpKind, self.help_kinds)

    @property
    def phase_labels(self):
        return labels(Phase, self.phases)

    @property
    def audience_labels(self):
        return labels(SupportAudience, self.audiences)

    @property
    def legal_form_labels(self):
        return labels(SupportLegalForm, self.legal_forms)

    @property
    def sector_labels(self):
        from essor.directory.nomenclatures import ess_sectors

        names = ess_sectors()
        return [names[code] for code in self.sectors if code in names]

    def can_receive_requests(self):
        """A request needs someone to read it: members of the provider on ESSor, or an
        e-mail address to forward it to."""
        if not self.accepts_requests:
            return False
        if self.contact_email or self.provider.public_email:
            return True
        # Annotated by the orientation queries, so that a list of offers makes no query.
        has_members = getattr(self, "provider_has_members", None)
        if has_members is None:
            has_members = self.provider.memberships.exists()
        return has_members


class OfferArea(Area):
    """One piece of an offer's served territory (see essor/territories/areas.py)."""

    offer = models.ForeignKey(SupportOffer, on_delete=models.CASCADE, related_name="areas")

    class Meta(Area.Meta):
        constraints = [
            *Area.Meta.constraints,
            models.UniqueConstraint(fields=["offer", "level", "code"], name="one_area_per_offer"),
        ]


class OfferTransition(TransitionLog):
    """The log of an offer's life: creation, edits and moderation decisions."""

    offer = models.ForeignKey(SupportOffer, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "étape d'une offre"
        verbose_name_plural = "historique des offres"


class SupportRequestQuerySet(models.QuerySet):
    def addressed_to_member(self, user):
        """The requests sent to an organisation the user is a member of, and only those."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(provider__memberships__user=user).distinct()

    def sent_by(self, user):
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(requester=user)


class SupportRequest(models.Model):
    """A person's situation and message sent to one provider, with their consent. Its
    handling in the provider's inbox: workflow.REQUESTS."""

    workflow = workflow.REQUESTS

    # Empty once the person deleted their account: the provider keeps the request,
    # anonymised (essor/accounts/personal_data.py).
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_requests",
    )
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="received_support_requests",
        verbose_name="acteur destinataire",
    )
    offers = models.ManyToManyField(SupportOffer, blank=True, related_name="requests")
    # The requests one person sent together share a batch.
    batch = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    contact_name = models.CharField("nom", max_length=150)
    contact_email = models.EmailField("e-mail")
    contact_phone = models.CharField(
        "téléphone", max_length=20, blank=True, validators=[phone_validator]
    )
    situation = models.JSONField("situation (critères)", default=dict)
    situation_text = models.TextField("situation")
    message = models.TextField("message", max_length=3000)
    consent_text = models.TextField("texte du consentement donné")
    consented_at = models.DateTimeField("consentement donné le")
    status = models.CharField(
        "état",
        max_length=12,
        choices=SupportRequestStatus.choices,
        default=SupportRequestStatus.NEW,
    )
    redirected_to = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="réorientée vers",
    )
    redirected_to_text = models.CharField("réorientée vers (autre)", max_length=200, blank=True)
    created_at = models.DateTimeField("envoyée le", auto_now_add=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    objects = SupportRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande d'accompagnement"
        verbose_name_plural = "demandes d'accompagnement"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["provider", "status"])]

    def __str__(self):
        return f"Demande n°{self.pk} à {self.provider}"

    @property
    def allowed_transitions(self):
        """The states the request may move to now."""
        return workflow.request_targets(self.status)

    @property
    def status_label(self):
        """« Réorientée vers BGE Limousin » rather than a bare « Réorientée »."""
        if self.status == SupportRequestStatus.REDIRECTED:
            target = self.redirected_to.name if self.redirected_to else self.redirected_to_text
            if target:
                return f"Réorientée vers {target}"
        return self.get_status_display()


class SupportRequestTransition(TransitionLog):
    """The history of a request: who changed its status, when, and what they told the
    person (the comment)."""

    request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta(TransitionLog.Meta):
        verbose_name = "étape d'une demande"
        verbose_name_plural = "historique des demandes"


def new_parcours_token():
    # 32 random bytes: the link is the only key to the parcours, so it must not be guessed.
    return secrets.token_urlsafe(32)


class Parcours(models.Model):
    """A person's "parcours du créateur": their answers, kept behind a private link, and
    the PDF a background task makes of it."""

    token = models.CharField(max_length=64, unique=True, default=new_parcours_token)
    criteria = models.JSONField("réponses")
    place_label = models.CharField("lieu", max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        "état", max_length=10, choices=ParcoursStatus.choices, default=ParcoursStatus.PENDING
    )
    pdf = models.BinaryField("PDF", null=True, blank=True, editable=False)
    pdf_generated_at = models.DateTimeField("PDF produit le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "parcours du créateur"
        verbose_name_plural = "parcours du créateur"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Parcours du {self.created_at:%d/%m/%Y} — {self.place_label}"

    def get_absolute_url(self):
        return reverse("support:parcours", args=[self.token])

    @property
    def is_ready(self):
        return self.status == ParcoursStatus.READY and self.pdf is not None
