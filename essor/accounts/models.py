from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone

from .enums import PlatformRole
from .perms import is_cress_staff


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Une adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("platform_role", PlatformRole.CRESS_STAFF)
        extra_fields.setdefault("email_confirmed_at", timezone.now())
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A person, who logs in with their e-mail address."""

    username = None
    email = models.EmailField("adresse e-mail", unique=True)
    platform_role = models.CharField(
        "rôle sur la plateforme", max_length=20, choices=PlatformRole.choices, blank=True
    )
    email_confirmed_at = models.DateTimeField("e-mail confirmé le", null=True, blank=True)
    # Kept with the user row (read on every page anyway), so that the header's count costs
    # no query; notify() adds to it, Notification.mark_read() counts again.
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def has_confirmed_email(self):
        return self.email_confirmed_at is not None

    @property
    def is_cress_staff(self):
        # The rule is perms.is_cress_staff; the admin's base class (essor.core.admin), a
        # layer below accounts, reads it here.
        return is_cress_staff(self)

    def confirm_email(self):
        self.email_confirmed_at = timezone.now()
        self.save(update_fields=["email_confirmed_at"])

    def set_platform_role(self, role):
        """CRESS staff work in the Django admin; nobody else does."""
        self.platform_role = role
        self.is_staff = role == PlatformRole.CRESS_STAFF or self.is_superuser
        self.save(update_fields=["platform_role", "is_staff"])


class Notification(models.Model):
    """One thing that happened for a person (a funding request answered, a deadline...),
    listed on /compte/notifications/ and usually sent by e-mail too (services.notify).
    Deleted with the account."""

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name="destinataire"
    )
    message = models.CharField("message", max_length=300)
    detail = models.TextField("précisions", blank=True)
    # A path on the site ("/financement/dossiers/12/"): the exact page it is about.
    url = models.CharField("lien", max_length=500)
    created_at = models.DateTimeField("le", default=timezone.now)
    read_at = models.DateTimeField("lue le", null=True, blank=True)

    class Meta:
        verbose_name = "notification"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.message

    @property
    def is_read(self):
        return self.read_at is not None

    @classmethod
    def mark_read(cls, user, pks=None):
        """Mark the user's notifications (all, or those of `pks`) read, and count again."""
        unread = cls.objects.filter(recipient=user, read_at=None)
        if pks is not None:
            unread = unread.filter(pk__in=pks)
        unread.update(read_at=timezone.now())
        user.unread_notifications = cls.objects.filter(recipient=user, read_at=None).count()
        User.objects.filter(pk=user.pk).update(unread_notifications=user.unread_notifications)
