from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from essor.core.fields import CodeListField
from essor.core.models import Decision, TransitionLog
from essor.core.storage import PrivateFileField
from essor.core.text import fold
from essor.directory.models import Organisation
from essor.territories.models import Departement, Epci, Region

from .enums import (
    GuideLinkKind,
    GuideVersionStatus,
    PdfStatus,
    PublicationStatus,
    StudyKind,
    StudyTheme,
    TrainingAudience,
    TrainingFormat,
)
from .workflow import GUIDE_VERSIONS, STUDIES, TRAININGS


class Page(models.Model):
    """A guide or page written by CRESS staff in Markdown (rendered sanitised)."""

    title = models.CharField("titre", max_length=200)
    slug = models.SlugField("adresse", max_length=120, unique=True)
    summary = models.CharField("résumé", max_length=300, blank=True)
    body = models.TextField("contenu (Markdown)")
    is_published = models.BooleanField("publiée", default=False)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "page ou guide"
        verbose_name_plural = "pages et guides"
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:page", args=[self.slug])


class TrainingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)

    def for_audience(self, audience):
        return self.filter(audiences__contains=f" {audience} ")

    def serving_departement(self, departement):
        """Trainings held in that département: set on it, on one of its EPCIs, on its
        region, or on no territory at all (remote or everywhere)."""
        return self.filter(
            models.Q(departement=departement)
            | models.Q(epci__communes__departement=departement)
            | models.Q(region_id=departement.region_id)
            | models.Q(departement__isnull=True, epci__isnull=True, region__isnull=True)
        ).distinct()


class Training(Decision, models.Model):
    """A training published by its provider (one of its members) after a first moderation,
    or written by the CRESS team; the report's real trainings are loaded by the demo."""

    title = models.CharField("intitulé", max_length=200)
    organiser = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainings",
        verbose_name="organisme (annuaire)",
    )
    organiser_name = models.CharField(
        "organisme (s'il n'est pas dans l'annuaire)", max_length=200, blank=True
    )
    description = models.TextField("description (Markdown)", blank=True)
    audiences = CodeListField(
        "publics", max_length=100, choices=TrainingAudience.choices, blank=False
    )
    theme = models.CharField("thème", max_length=150, blank=True)
    # Blank for a training the 2016 report names without saying how it is given.
    format = models.CharField("format", max_length=12, choices=TrainingFormat.choices, blank=True)
    duration = models.CharField(
        "durée", max_length=100, blank=True, help_text="Par exemple « 2 jours (14 h) »."
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="région",
    )
    departement = models.ForeignKey(
        Departement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="département",
    )
    epci = models.ForeignKey(
        Epci,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="intercommunalité",
    )
    cost = models.CharField(
        "coût",
        max_length=150,
        blank=True,
        help_text="Par exemple « Gratuit » ou « 350 € HT par personne ».",
    )
    is_free = models.BooleanField("gratuite", default=False)
    opco_fundable = models.BooleanField(
        "finançable par un OPCO",
        default=False,
        help_text="La formation peut être prise en charge par l'opérateur de compétences de l'employeur (à vérifier avec lui).",
    )
    url = models.URLField("page de l'organisme", blank=True)
    registration_url = models.URLField("lien d'inscription", blank=True)
    # Its session as an event of the agenda: people register there (places, waiting list).
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="session dans l'agenda",
    )
    next_session = models.DateField("prochaine session : début", null=True, blank=True)
    session_ends_on = models.DateField("prochaine session : fin", null=True, blank=True)
    places = models.CharField(
        "lieux", max_length=300, blank=True, help_text="Par exemple « Limoges, puis à distance »."
    )
    is_illustrative = models.BooleanField(
        "illustrative",
        default=False,
        help_text="Exemple de démonstration : affichée avec le badge « illustratif », ce n'est pas une offre réelle.",
    )
    status = models.CharField(
        "état",
        max_length=20,
        choices=PublicationStatus.choices,
        default=PublicationStatus.PUBLISHED,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources_trainings",
        verbose_name="publiée par",
    )
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrainingQuerySet.as_manager()
    workflow = TRAININGS

    class Meta:
        verbose_name = "formation"
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(session_ends_on__isnull=True)
                | models.Q(next_session__isnull=True)
                | models.Q(session_ends_on__gte=models.F("next_session")),
                name="training_session_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:training", args=[self.pk])

    @property
    def is_published(self):
        return self.status == PublicationStatus.PUBLISHED

    def clean(self):
        if sum(bool(x) for x in (self.region_id, self.departement_id, self.epci_id)) > 1:
            raise ValidationError(
                "Choisissez un seul niveau de territoire : la région, un département ou une intercommunalité."
            )
        if not self.organiser_id and not self.organiser_name:
            raise ValidationError("Indiquez l'organisme de formation (de l'annuaire ou son nom).")

    @property
    def organiser_label(self):
        return self.organiser.display_name if self.organiser else self.organiser_name

    @property
    def territory(self):
        return self.epci or self.departement or self.region

    @property
    def audience_labels(self):
        return [
            TrainingAudience(code).label
            for code in self.audiences
            if code in TrainingAudience.values
        ]

    def refresh_search_text(self):
        self.search_text = fold(
            " ".join(filter(None, [self.title, self.description, self.organiser_label]))
        )


class StudyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)

    def with_theme(self, theme):
        return self.filter(themes__contains=f" {theme} ")


class Study(Decision, models.Model):
    """A study or report of the library (/ressources/etudes/): its file stays on the private
    storage, served by a view that checks it is published (or that the person may see it)."""

    title = models.CharField("titre", max_length=250)
    slug = models.SlugField("adresse", max_length=120, unique=True)
    kind = models.CharField("type", max_length=20, choices=StudyKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="published_studies",
        verbose_name="structure qui la publie",
    )
    author_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="studies", verbose_name="auteurs (annuaire)"
    )
    authors_text = models.CharField(
        "auteurs", max_length=300, blank=True, help_text="Organismes ou personnes, en clair."
    )
    year = models.PositiveSmallIntegerField("année")
    published_on = models.DateField("date de parution", null=True, blank=True)
    themes = CodeListField("thèmes", max_length=200, choices=StudyTheme.choices, blank=False)
    region = models.ForeignKey(
        Region, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="région",
    )  # fmt: skip
    departement = models.ForeignKey(
        Departement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="département",
    )  # fmt: skip
    summary = models.TextField("résumé (Markdown)")
    file = PrivateFileField("fichier PDF", folder="resources/studies", blank=True)
    external_url = models.URLField("lien vers le document", max_length=500, blank=True)
    # The text of the PDF (extract_study_text, a background task) or shipped with the record.
    extracted_text = models.TextField("texte intégral", blank=True, editable=False)
    text_extracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # [{"label", "value", "quote"}]: figures quoted word for word from the document.
    key_figures = models.JSONField("chiffres clés", default=list, blank=True)
    related_label = models.CharField("lien associé : intitulé", max_length=200, blank=True)
    related_url = models.CharField("lien associé : adresse", max_length=300, blank=True)
    status = models.CharField(
        "état", max_length=20, choices=PublicationStatus.choices, default=PublicationStatus.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources_studies",
        verbose_name="déposée par",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StudyQuerySet.as_manager()
    workflow = STUDIES

    class Meta:
        verbose_name = "étude ou rapport"
        verbose_name_plural = "études et rapports"
        ordering = ["-year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=1900, year__lte=2100), name="study_year_plausible"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:study", args=[self.slug])

    @property
    def is_published(self):
        return self.status == PublicationStatus.PUBLISHED

    @property
    def territory(self):
        return self.departement or self.region

    @property
    def theme_labels(self):
        return [StudyTheme(code).label for code in self.themes if code in StudyTheme.values]

    def authors_label(self, organisations=None):
        names = [o.display_name for o in (organisations or self.author_organisations.all())]
        if self.authors_text:
            names.append(self.authors_text)
        return ", ".join(names)


class StudyTransition(TransitionLog):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="transitions")


class TrainingTransition(TransitionLog):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="transitions")


class GuidePdf(models.Model):
    """The PDF of a guide, made by a background task (tasks.make_guide_pdf) from the printable
    page and kept while that page stays the same: `digest` is the fingerprint of what it
    was made from (pdf.fingerprint), so a guide edited, a new version published or a
    catalogue changed gets a new PDF."""

    slug = models.CharField("guide", max_length=120, unique=True)
    digest = models.CharField("empreinte de la page imprimée", max_length=64)
    status = models.CharField(
        "état", max_length=10, choices=PdfStatus.choices, default=PdfStatus.PENDING
    )
    pdf = models.BinaryField("PDF", null=True, blank=True, editable=False)
    made_at = models.DateTimeField("produit le", null=True, blank=True)

    class Meta:
        verbose_name = "PDF d'un guide"
        verbose_name_plural = "PDF des guides"

    def __str__(self):
        return self.slug

    @property
    def is_ready(self):
        return self.status == PdfStatus.READY and self.pdf is not None


# --- guides written on the portal by support actors and the CRESS team ---------------------

WORDS_PER_MINUTE = 200
# A version still being written or read by the CRESS: a guide has one at most.
OPEN_VERSION_STATUSES = (
    GuideVersionStatus.DRAFT,
    GuideVersionStatus.SUBMITTED,
    GuideVersionStatus.CHANGES_REQUESTED,
)


class AuthoredGuideQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_version__isnull=False)


class AuthoredGuide(models.Model):
    """A guide written on the portal (/ressources/guides/<slug>/) in an organisation's name,
    or the CRESS team's. Its content lives in versions (GuideVersion): the public page shows
    `published_version`, while the next one is written and moderated."""

    slug = models.SlugField("adresse", max_length=120, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="written_guides",
        verbose_name="structure qui l'écrit",
        help_text="Vide : l'équipe de la CRESS.",
    )
    published_version = models.ForeignKey(
        "GuideVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="version publiée",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources_authored_guides",
        verbose_name="commencé par",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuthoredGuideQuerySet.as_manager()

    class Meta:
        verbose_name = "guide écrit sur la plateforme"
        verbose_name_plural = "guides écrits sur la plateforme"
        ordering = ["slug"]

    def __str__(self):
        return self.slug

    def get_absolute_url(self):
        return reverse("resources:page", args=[self.slug])

    def workspace_url(self):
        return reverse("resources:guide_workspace", args=[self.pk])

    @property
    def author_label(self):
        return self.organisation.display_name if self.organisation else "L'équipe de la CRESS"

    def open_version(self):
        """The version being written or read by the CRESS, or None."""
        return self.versions.filter(status__in=OPEN_VERSION_STATUSES).first()

    def latest_version(self):
        return self.versions.order_by("-number").first()


class GuideVersion(Decision, models.Model):
    """One version of a guide written on the portal, with its own moderation
    (workflow.GUIDE_VERSIONS). Published versions are kept: the guide's history."""

    guide = models.ForeignKey(AuthoredGuide, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("version")
    title = models.CharField("titre", max_length=200)
    summary = models.CharField("résumé", max_length=300)
    body = models.TextField("contenu (Markdown)")
    status = models.CharField(
        "état",
        max_length=20,
        choices=GuideVersionStatus.choices,
        default=GuideVersionStatus.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources_guide_versions",
        verbose_name="écrite par",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    workflow = GUIDE_VERSIONS

    class Meta:
        verbose_name = "version d'un guide"
        verbose_name_plural = "versions des guides"
        ordering = ["guide", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "number"], name="guide_version_number"),
            # Editing a guide continues its open version; a second one would fork it.
            models.UniqueConstraint(
                fields=["guide"],
                condition=models.Q(status__in=OPEN_VERSION_STATUSES),
                name="guide_one_open_version",
            ),
        ]

    def __str__(self):
        return f"{self.title} (version {self.number})"

    def get_absolute_url(self):
        return reverse("resources:guide_version", args=[self.guide_id, self.number])

    @property
    def slug(self):
        return self.guide.slug

    @property
    def is_editable(self):
        return self.status in (GuideVersionStatus.DRAFT, GuideVersionStatus.CHANGES_REQUESTED)

    @property
    def reading_minutes(self):
        return max(1, round(len(self.body.split()) / WORDS_PER_MINUTE))

    @property
    def reviewed_on(self):
        """The day the CRESS published this version: the guide's last review."""
        return self.decided_at.date() if self.decided_at else None

    def related(self):
        return [(link.label, link.path) for link in self.links.all()]


class GuideLink(models.Model):
    """A platform page a version of a guide links to (« Pour aller plus loin »); the
    linked pages show the published guides that cite them (« Cité dans les guides »)."""

    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField("type", max_length=20, choices=GuideLinkKind.choices)
    path = models.CharField("adresse", max_length=300, db_index=True)
    label = models.CharField("intitulé", max_length=250)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "lien d'un guide"
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label


class GuideVersionTransition(TransitionLog):
    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="transitions")
