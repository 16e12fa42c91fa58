from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from essor.core.models import Decision, TransitionLog
from essor.core.storage import PrivateFileField
from essor.directory.models import Organisation
from essor.territories.areas import Area
from essor.territories.models import Commune

from .enums import (
    AnswerDecision,
    BudgetBand,
    DocumentKind,
    DocumentVisibility,
    HeadcountBand,
    MemberStatus,
    NeedKind,
    NeedStatus,
    Outcome,
    ProfileStatus,
    Reserved,
    TurnoverBand,
)
from .workflow import NEEDS


class PurchaseCategory(models.Model):
    """One node of the shipped tree of purchases (data/categories.json): a family
    (no parent) or a category inside it. Suppliers sell categories, needs ask for one."""

    code = models.SlugField("code", max_length=60, unique=True)
    name = models.CharField("nom", max_length=150)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="famille",
    )
    cpv_division = models.CharField("division CPV", max_length=2, blank=True)
    # Among the « services sociaux et autres services spécifiques » of article L2113-15.
    specific_services = models.BooleanField("services sociaux ou spécifiques", default=False)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "catégorie d'achat"
        verbose_name_plural = "catégories d'achat"
        ordering = ["position"]

    def __str__(self):
        return self.name

    @property
    def is_family(self):
        return self.parent_id is None


class SupplierProfileQuerySet(models.QuerySet):
    def published(self):
        return self.filter(
            status=ProfileStatus.PUBLISHED, organisation__in=Organisation.objects.active()
        )


class SupplierProfile(models.Model):
    """What a directory organisation sells, where and how: its page as a supplier.
    The kind and reserved-contract columns are derived from the organisation (labels,
    legal category, ESUS) by services.refresh_profile(), never typed."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="supplier_profile",
        verbose_name="structure",
    )
    status = models.CharField(
        "état", max_length=10, choices=ProfileStatus.choices, default=ProfileStatus.DRAFT
    )
    summary = models.CharField("en une phrase", max_length=240, blank=True)
    description = models.TextField("ce que vous proposez (Markdown)", blank=True)
    categories = models.ManyToManyField(
        PurchaseCategory,
        related_name="suppliers",
        verbose_name="catégories d'achat",
        limit_choices_to={"parent__isnull": False},
    )
    headcount_band = models.CharField(
        "effectif", max_length=10, choices=HeadcountBand.choices, blank=True
    )
    turnover_band = models.CharField(
        "chiffre d'affaires", max_length=10, choices=TurnoverBand.choices, blank=True
    )
    certifications = models.TextField(
        "labels et certifications", blank=True, help_text="Un par ligne (ISO 14001, Ecocert…)."
    )
    references = models.TextField(
        "références",
        blank=True,
        help_text="Facultatif : clients et prestations passés, un par ligne.",
    )
    contact_email = models.EmailField("e-mail pour les acheteurs", blank=True)
    is_scic = models.BooleanField("SCIC (société coopérative d'intérêt collectif)", default=False)
    # Derived (services.refresh_profile): what the filters read, one indexed column each.
    is_siae = models.BooleanField(default=False, editable=False)
    is_ea_esat = models.BooleanField(default=False, editable=False)
    is_scop_scic = models.BooleanField(default=False, editable=False)
    is_esus = models.BooleanField(default=False, editable=False)
    is_association = models.BooleanField(default=False, editable=False)
    reserved_disability = models.BooleanField(default=False, editable=False)  # L2113-12
    reserved_insertion = models.BooleanField(default=False, editable=False)  # L2113-13
    reserved_ess = models.BooleanField(default=False, editable=False)  # L2113-15
    commune = models.ForeignKey(
        Commune, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SupplierProfileQuerySet.as_manager()

    class Meta:
        verbose_name = "fiche fournisseur"
        verbose_name_plural = "fiches fournisseurs"
        indexes = [
            models.Index(fields=["status", "latitude", "longitude"], name="supplier_position"),
        ]

    def __str__(self):
        return self.organisation.name

    def get_absolute_url(self):
        return reverse("purchasing:supplier", args=[self.pk])

    @property
    def is_published(self):
        return self.status == ProfileStatus.PUBLISHED

    @property
    def certification_list(self):
        return [line.strip() for line in self.certifications.splitlines() if line.strip()]

    @property
    def reference_list(self):
        return [line.strip() for line in self.references.splitlines() if line.strip()]

    @property
    def kinds(self):
        from .eligibility import supplier_kinds

        return supplier_kinds(self)

    @property
    def reservations(self):
        from .eligibility import reservations_of

        return reservations_of(self)


class SupplierArea(Area):
    supplier = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="areas")

    class Meta(Area.Meta):
        verbose_name = "zone d'intervention"
        verbose_name_plural = "zones d'intervention"
        constraints = [
            *Area.Meta.constraints,
            models.UniqueConstraint(
                fields=["supplier", "level", "code"], name="one_area_per_supplier"
            ),
        ]


class SupplierDocument(models.Model):
    """A document of a supplier's profile (brochure, certificates, attestations). Every
    file is private (essor.core.storage) and leaves through purchasing:supplier_document,
    which applies perms.can_see_supplier_document — a public brochure too, so that a
    withdrawn profile's files are not reachable by their name."""

    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("nature", max_length=12, choices=DocumentKind.choices)
    title = models.CharField("intitulé", max_length=150)
    visibility = models.CharField("visible par", max_length=8, choices=DocumentVisibility.choices)
    valid_until = models.DateField("valable jusqu'au", null=True, blank=True)
    file = PrivateFileField("fichier", folder="purchasing/suppliers", max_length=200)
    name = models.CharField("nom du fichier", max_length=150)
    size = models.PositiveIntegerField("taille")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "document d'un fournisseur"
        verbose_name_plural = "documents des fournisseurs"
        ordering = ["kind", "title", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("purchasing:supplier_document", args=[self.profile_id, self.pk])

    @property
    def is_public(self):
        return self.visibility == DocumentVisibility.PUBLIC


# --- Needs ---------------------------------------------------------------------------------


class NeedQuerySet(models.QuerySet):
    def public_open(self):
        """Published, public needs whose answer deadline has not passed: what anyone
        (and the open API) may see."""
        return self.filter(
            status=NeedStatus.PUBLISHED,
            is_public=True,
            answers_deadline__gte=timezone.localdate(),
        )


class PurchaseNeed(Decision, models.Model):
    """A buyer's need (« besoin d'achat »), moderated by the CRESS before it is sent to
    the suppliers who match it (workflow.NEEDS)."""

    workflow = NEEDS

    buyer = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="purchase_needs",
        verbose_name="acheteur",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="purchase_needs",
        verbose_name="déposé par",
    )
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("description du besoin (Markdown)")
    category = models.ForeignKey(
        PurchaseCategory,
        on_delete=models.PROTECT,
        related_name="needs",
        verbose_name="catégorie d'achat",
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", verbose_name="lieu d'exécution"
    )
    kind = models.CharField("nature", max_length=20, choices=NeedKind.choices)
    contract_reference = models.CharField("référence du marché", max_length=100, blank=True)
    notice_url = models.URLField("lien vers l'avis officiel", blank=True)
    budget_band = models.CharField("budget", max_length=10, choices=BudgetBand.choices, blank=True)
    reserved = models.CharField(
        "marché réservé", max_length=12, choices=Reserved.choices, blank=True
    )
    has_social_clause = models.BooleanField("comporte une clause sociale", default=False)
    questions_deadline = models.DateField("date limite des questions", null=True, blank=True)
    answers_deadline = models.DateField("date limite des réponses")
    is_public = models.BooleanField(
        "visible de tous une fois publié",
        default=True,
        help_text="Sinon, seuls les fournisseurs à qui il est envoyé le voient.",
    )
    status = models.CharField(
        "état", max_length=12, choices=NeedStatus.choices, default=NeedStatus.DRAFT
    )
    outcome = models.CharField("issue", max_length=20, choices=Outcome.choices, blank=True)
    awarded_amount = models.DecimalField(
        "montant attribué (€ HT)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    published_at = models.DateTimeField("publié le", null=True, blank=True)
    closed_at = models.DateTimeField("clos le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = "besoin d'achat"
        verbose_name_plural = "besoins d'achat"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "answers_deadline"], name="need_open")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("purchasing:need", args=[self.pk])

    @property
    def is_open(self):
        return self.status == NeedStatus.PUBLISHED and self.answers_deadline >= timezone.localdate()


class NeedTransition(TransitionLog):
    need = models.ForeignKey(PurchaseNeed, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "étape d'un besoin d'achat"
        verbose_name_plural = "historique des besoins d'achat"


class NeedAttachment(models.Model):
    need = models.ForeignKey(PurchaseNeed, on_delete=models.CASCADE, related_name="attachments")
    file = PrivateFileField("fichier", folder="purchasing/needs", max_length=200)
    name = models.CharField("nom du fichier", max_length=150)
    size = models.PositiveIntegerField("taille")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pièce jointe d'un besoin"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.name


class NeedRecipient(models.Model):
    """A supplier a published need was sent to, why it matches, and when (the
    signals le Marché de l'inclusion keeps as TenderSiae)."""

    need = models.ForeignKey(PurchaseNeed, on_delete=models.CASCADE, related_name="recipients")
    supplier = models.ForeignKey(
        SupplierProfile, on_delete=models.CASCADE, related_name="received_needs"
    )
    reasons = models.JSONField("pourquoi", default=list)
    batch = models.PositiveIntegerField("lot d'envoi", default=0)
    notified_at = models.DateTimeField("prévenu le", null=True, blank=True)
    seen_at = models.DateTimeField("vu le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "destinataire d'un besoin"
        constraints = [
            models.UniqueConstraint(fields=["need", "supplier"], name="one_recipient_per_need")
        ]

    def __str__(self):
        return f"{self.need} → {self.supplier}"


class Answer(models.Model):
    """A supplier's structured answer to a need; with members, a consortium's answer
    (the supplier is then the mandataire)."""

    need = models.ForeignKey(PurchaseNeed, on_delete=models.CASCADE, related_name="answers")
    supplier = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    interested = models.BooleanField("intéressé")
    message = models.TextField("message", blank=True)
    amount = models.DecimalField(
        "montant proposé (€ HT)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    quote = PrivateFileField(
        "devis ou document", folder="purchasing/answers", max_length=200, blank=True
    )
    quote_name = models.CharField(max_length=150, blank=True)
    lead_share = models.CharField("part du travail du mandataire", max_length=200, blank=True)
    decision = models.CharField(
        "décision de l'acheteur", max_length=15, choices=AnswerDecision.choices, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "réponse à un besoin"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["need", "supplier"], name="one_answer_per_supplier")
        ]

    def __str__(self):
        return f"{self.supplier} → {self.need}"


class ConsortiumMember(models.Model):
    """A co-traitant invited into an answer's groupement, and its share of the work."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="members")
    supplier = models.ForeignKey(
        SupplierProfile, on_delete=models.CASCADE, related_name="consortium_memberships"
    )
    share = models.CharField("part du travail", max_length=200)
    status = models.CharField(
        "réponse", max_length=10, choices=MemberStatus.choices, default=MemberStatus.INVITED
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "co-traitant"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "supplier"], name="one_membership_per_answer")
        ]

    def __str__(self):
        return f"{self.supplier} ({self.get_status_display()})"


# --- Saved sourcing searches ----------------------------------------------------------------


class SavedSourcingSearch(models.Model):
    """A sourcing search a buyer wants to hear about: its criteria (the query string of
    the shareable URL) are replayed against each supplier profile newly published."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="purchasing_searches"
    )
    name = models.CharField("nom", max_length=150)
    params = models.JSONField("critères", default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "recherche de fournisseurs enregistrée"
        verbose_name_plural = "recherches de fournisseurs enregistrées"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from urllib.parse import urlencode

        return reverse("purchasing:sourcing") + "?" + urlencode(self.params, doseq=True)


class SupplierAlert(models.Model):
    """One row per alert sent: a supplier withdrawn then published again, or a task run
    twice, alerts a saved search once."""

    search = models.ForeignKey(SavedSourcingSearch, on_delete=models.CASCADE, related_name="alerts")
    supplier = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "alerte de nouveau fournisseur"
        constraints = [
            models.UniqueConstraint(fields=["search", "supplier"], name="one_alert_per_supplier")
        ]

    def __str__(self):
        return f"{self.search} ← {self.supplier}"
