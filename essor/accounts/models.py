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
