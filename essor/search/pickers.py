"""The organisation picker: a text input that suggests the directory's listed
organisations as one types (the commune picker's combobox, essor/territories/forms.py),
and reads back what was typed — the picker's label « Nom (fiche 123) », a SIREN or a
name — without JavaScript too: an ambiguous name gets the French list of candidates."""

import re

from django import forms
from django.urls import reverse

from essor.core.text import fold
from essor.directory.models import Organisation
from essor.territories.forms import CommunePickerWidget

from .backends import SearchFilters, get_backend

ID_IN_LABEL = re.compile(r"\(fiche (\d{1,12})\)\s*$")


def organisation_label(organisation):
    return f"{organisation.display_name} (fiche {organisation.pk})"


def matching_organisations(text, limit=8):
    """The listed organisations the directory's engine finds for `text`, best first."""
    text = (text or "").strip()[:100]
    if not text:
        return []
    result = get_backend().search(SearchFilters(text=text), offset=0, limit=limit, facets=False)
    found = Organisation.objects.in_bulk(result.ids)
    return [found[pk] for pk in result.ids if pk in found]


def resolve_organisation(text):
    """A publicly listed organisation from what a person typed; ValidationError with the
    French reason when it is unknown or ambiguous."""
    text = (text or "").strip()[:200]
    if not text:
        raise forms.ValidationError("Indiquez une structure.", code="required")
    listed = Organisation.objects.publicly_listed()
    match = ID_IN_LABEL.search(text)
    if match or text.isdigit():
        if match:
            found = listed.filter(pk=int(match[1])).first()
        elif len(text) == 9:
            found = listed.filter(siren=text).first()
        else:  # the id a picker stored
            found = listed.filter(pk=int(text)).first()
        if found is None:
            raise forms.ValidationError(
                "Cette structure est introuvable dans l'annuaire.", code="unknown"
            )
        return found
    candidates = matching_organisations(text, limit=6)
    if not candidates:
        raise forms.ValidationError(
            "Aucune structure de l'annuaire ne correspond à « %(text)s ».",
            code="unknown",
            params={"text": text},
        )
    same_name = [o for o in candidates if fold(o.display_name) == fold(text)]
    if len(candidates) == 1 or len(same_name) == 1:
        return same_name[0] if same_name else candidates[0]
    names = " ; ".join(organisation_label(o) for o in candidates[:5])
    raise forms.ValidationError(
        "Plusieurs structures correspondent à « %(text)s » : %(names)s. Précisez laquelle.",
        code="ambiguous",
        params={"text": text, "names": names},
    )


class OrganisationPickerWidget(CommunePickerWidget):
    texts = {
        "loading_text": "Recherche des structures…",
        "listbox_label": "Structures proposées",
        "chosen_text": "Structure choisie",
        "found_text": "structure(s) proposée(s)",
        "none_text": "Aucune structure trouvée",
    }

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["suggestions_url"] = reverse("search:organisation_suggestions")
        context["widget"].update(self.texts)
        return context

    def format_value(self, value):
        if isinstance(value, Organisation):
            return organisation_label(value)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            found = Organisation.objects.publicly_listed().filter(pk=int(value)).first()
            if found is not None:
                return organisation_label(found)
        return forms.TextInput.format_value(self, value)


class OrganisationField(forms.Field):
    widget = OrganisationPickerWidget
    default_error_messages = {"required": "Indiquez une structure."}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Structure")
        kwargs.setdefault("help_text", "Tapez son nom ou son SIREN, puis choisissez dans la liste.")
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Organisation):
            return value
        return resolve_organisation(str(value))
