from django import forms

from essor.search import registry
from essor.search.platform import MAX_PAGE


class PlatformSearchForm(forms.Form):
    q = forms.CharField(label="Que cherchez-vous ?", required=False, max_length=200, strip=True)
    type = forms.ChoiceField(label="Dans", required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "Tout ESSor")] + [
            (kind.name, kind.label) for kind in registry.kinds()
        ]
        self.fields["type"].error_messages["invalid_choice"] = "Ce type de contenu est inconnu."
        self.fields["q"].error_messages["max_length"] = (
            "Votre recherche est trop longue : %(limit_value)d caractères au plus."
        )
        self.fields["page"].error_messages["max_value"] = (
            "Affinez la recherche : seules les %(limit_value)s premières pages sont proposées."
        )

    def kind(self):
        name = self.cleaned_data.get("type")
        return registry.get(name) if name else None
