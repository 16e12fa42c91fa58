import re

from django import forms
from django.urls import reverse

from essor.core.text import fold

from .models import Commune

CODE_IN_LABEL = re.compile(r"\((\d[0-9AB]\d{3})\)\s*$")


def resolve_commune(text):
    """Read what a person typed in a commune picker back into a commune.

    Accepts the picker's own label "Limoges (87085)", an INSEE code, a postal code
    or a name; raises ValidationError with a French message when it is unknown or
    ambiguous (listing the candidates, so it works without JavaScript)."""
    text = (text or "").strip()
    if not text:
        raise forms.ValidationError("Indiquez une commune.", code="required")
    match = CODE_IN_LABEL.search(text)
    if match:
        commune = Commune.objects.filter(code=match.group(1)).first()
        if commune is None:
            raise forms.ValidationError(
                "Le code commune %(code)s est inconnu.", code="unknown", params={"code": match[1]}
            )
        return commune
    candidates = list(Commune.objects.search(text)[:6])
    if not candidates:
        raise forms.ValidationError(
            "Aucune commune ne correspond à « %(text)s ».", code="unknown", params={"text": text}
        )
    if len(candidates) == 1 or candidates[0].code == text:
        return candidates[0]
    same_name = [c for c in candidates if c.search_name == fold(text)]
    if len(same_name) == 1:
        return same_name[0]
    names = ", ".join(c.label for c in candidates[:5])
    raise forms.ValidationError(
        "Plusieurs communes correspondent à « %(text)s » : %(names)s. Précisez laquelle.",
        code="ambiguous",
        params={"text": text, "names": names},
    )


class CommunePickerWidget(forms.TextInput):
    """A text input enhanced into an accessible combobox (see static/js/essor.js)."""

    template_name = "territories/widgets/commune_picker.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["suggestions_url"] = reverse("territories:commune_suggestions")
        return context

    def format_value(self, value):
        if isinstance(value, Commune):
            return value.label
        if isinstance(value, str) and len(value) == 5 and not CODE_IN_LABEL.search(value):
            commune = Commune.objects.filter(code=value).first()
            if commune:
                return commune.label
        return super().format_value(value)


class CommuneField(forms.Field):
    widget = CommunePickerWidget
    default_error_messages = {"required": "Indiquez une commune."}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Commune")
        kwargs.setdefault(
            "help_text", "Tapez le nom ou le code postal, puis choisissez dans la liste."
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Commune):
            return value
        return resolve_commune(str(value)[:120])


class CommuneLookupForm(forms.Form):
    commune = CommuneField(label="Aller à une commune")
