from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from .enums import ImportStatus
from .importing import kind_choices
from .storage import PrivateFileField


class DemoDataset(models.Model):
    """A set of demo content loaded into this instance. While one exists, every page
    carries the demo banner."""

    name = models.CharField("nom", max_length=100, unique=True)
    description = models.TextField("description", blank=True)
    loaded_at = models.DateTimeField("chargé le", auto_now=True)

    class Meta:
        verbose_name = "jeu de démonstration"
        verbose_name_plural = "jeux de démonstration"

    def __str__(self):
        return self.name


class TransitionLog(models.Model):
    """One line of an object's history: which step, from which state to which, who, when,
    and why. Concrete logs add the foreign key to their object (see essor.core.workflow);
    the person is kept as SET_NULL, so the history survives the deletion of their account."""

    transition = models.CharField("action", max_length=30)
    from_status = models.CharField("état avant", max_length=30, blank=True)
    to_status = models.CharField("état après", max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    comment = models.TextField("commentaire", blank=True)
    created_at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.subject} — {self.get_transition_display()}"

    @classmethod
    def subject_field(cls):
        return next(
            f
            for f in cls._meta.concrete_fields
            if f.is_relation and hasattr(f.related_model, "workflow")
        )

    @property
    def subject(self):
        """The object whose history this line is."""
        return getattr(self, self.subject_field().name)

    def _workflow(self):
        return self.subject_field().related_model.workflow

    def _state_label(self, value):
        model = self.subject_field().related_model
        choices = dict(model._meta.get_field(self._workflow().state).choices or [])
        return str(choices.get(value, value))

    def get_transition_display(self):
        return self._workflow().label(self.transition)

    def get_from_status_display(self):
        return self._state_label(self.from_status)

    def get_to_status_display(self):
        return self._state_label(self.to_status)


class Decision(models.Model):
    """Who took the last moderation decision on an object, when, and why. decide() fills it."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="décidée par",
    )
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decision_comment = models.TextField("motif de la décision", blank=True)

    class Meta:
        abstract = True


class HeldChanges(models.Model):
    """New values of a published object's links and contact fields, waiting for a
    moderator (essor.core.workflow.hold_link_changes): the published ones stay until then."""

    held_changes = models.JSONField(
        "modifications en attente de modération", default=dict, blank=True
    )

    class Meta:
        abstract = True


class ImportRun(models.Model):
    """One run of an importer (essor.core.importing), launched from /gestion/ or the
    command line, with its report."""

    # Choices read from the registry when used: each app registers its importers.
    kind = models.CharField("type", max_length=30, choices=kind_choices)
    status = models.CharField(
        "état", max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    dry_run = models.BooleanField("simulation (rien n'est écrit)", default=False)
    # Paths of the input files (under ESSOR_DATA_DIR/imports for uploads) and options.
    parameters = models.JSONField("paramètres", default=dict)
    report = models.JSONField("rapport", default=dict, blank=True)
    errors = models.JSONField("erreurs", default=list, blank=True)
    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "import"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.created_at:%d/%m/%Y %H:%M}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", "en préparation"
    RUNNING = "running", "en préparation"
    READY = "ready", "prêt"
    FAILED = "failed", "échec"


class Export(models.Model):
    """A large CSV export prepared in the background (essor.core.exports) for the person
    who asked it: their account, or their session when anonymous."""

    kind = models.CharField("export", max_length=60)
    params = models.JSONField(default=dict)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="+", verbose_name="demandé par",
    )  # fmt: skip
    session_key = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    filename = models.CharField(max_length=100)
    file = PrivateFileField(folder="exports", blank=True, max_length=120)
    rows = models.PositiveIntegerField("lignes", default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "export"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def in_progress(self):
        return self.status in (ExportStatus.PENDING, ExportStatus.RUNNING)


@receiver(post_delete, sender=Export)
def _delete_export_file(sender, instance, **kwargs):
    if instance.file:
        instance.file.delete(save=False)
