from django import forms
from django.core.exceptions import ValidationError
from django.db import models


def codes_text(codes):
    """The stored form of a list of codes: " 19 23 87 " (empty string for none)."""
    if isinstance(codes, str):
        codes = codes.split()
    codes = [str(code).strip() for code in codes or [] if str(code).strip()]
    return f" {' '.join(dict.fromkeys(codes))} " if codes else ""


class CodeListField(models.CharField):
    """A short list of codes (INSEE codes, choice values) stored as " 19 23 87 ".

    Membership is then a plain `field__contains=" 87 "`, the same on SQLite and
    PostgreSQL, and the codes do not need their reference rows to exist yet (the report's
    initiatives are loaded by a migration, before any geography is)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 1000)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return value.split() if value else []

    def to_python(self, value):
        if value is None:
            return []
        if isinstance(value, str):
            return value.split()
        return [str(code) for code in value]

    def get_prep_value(self, value):
        return codes_text(value)

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value, model_instance):
        if self.choices:
            allowed = {str(key) for key, _ in self.flatchoices}
            for code in value:
                if code not in allowed:
                    raise ValidationError(f"« {code} » n'est pas un choix valide.")
        if not value and not self.blank:
            raise ValidationError(self.error_messages["blank"], code="blank")

    def run_validators(self, value):
        super().run_validators(self.get_prep_value(value))

    def formfield(self, **kwargs):
        defaults = {
            "choices": self.choices or [],
            "widget": forms.CheckboxSelectMultiple,
            "required": not self.blank,
            "label": self.verbose_name[:1].upper() + self.verbose_name[1:],
            "help_text": self.help_text,
        }
        defaults.update(kwargs)
        for key in ("form_class", "choices_form_class"):
            defaults.pop(key, None)
        return forms.MultipleChoiceField(**defaults)
