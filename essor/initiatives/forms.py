from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from essor.directory.models import Organisation
from essor.territories.models import Departement, Epci

from .enums import THEMES_BY_AXIS, Axis, ReportReason, Stage, Theme
from .models import ImpactIndicator, Initiative

MAX_LINKS = 10


class InitiativeForm(forms.ModelForm):
    grouped_field = "themes"  # core/choice_form.html shows choice_groups() for it

    themes = forms.MultipleChoiceField(
        label="Thèmes",
        choices=[(t.value, t.label) for themes in THEMES_BY_AXIS.values() for t in themes],
        widget=forms.CheckboxSelectMultiple,
        help_text="Les thèmes de l'état des lieux 2016, rangés par axe. Cochez-en au moins un.",
        error_messages={"required": "Choisissez au moins un thème."},
    )
    links_text = forms.CharField(
        label="Liens",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Une adresse par ligne, éventuellement précédée d'un libellé et d'une barre : « Site du projet | https://exemple.fr ».",
    )

    class Meta:
        model = Initiative
        fields = [
            "title", "summary", "body", "axis", "themes", "stage", "territory_label",
            "departement_codes", "epci_codes", "year", "impact", "links_text",
            "contact_name", "contact_email",
        ]  # fmt: skip
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 10}),
            "impact": forms.Textarea(attrs={"rows": 4}),
            "axis": forms.RadioSelect,
            "epci_codes": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {
            "summary": "Deux ou trois phrases, affichées dans les listes.",
            "body": "Ce que fait l'initiative, pour qui, avec qui. Mise en forme Markdown possible.",
            "territory_label": "Tel que vous le décrivez : « plateau de Millevaches », « Sud-Gironde »…",
            "impact": "Les effets observés, et comment vous les mesurez.",
            "contact_email": "Affichée publiquement sur la fiche de l'initiative.",
            "year": "Par exemple 2015.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region = settings.ESSOR_REGION
        # Radios: no empty "---------" choice preselected.
        self.fields["axis"].choices = Axis.choices
        self.fields["stage"].choices = [("", "Non précisée"), *Stage.choices]
        self.fields["departement_codes"].choices = [
            (d.code, f"{d.name} ({d.code})") for d in Departement.objects.filter(region_id=region)
        ]
        self.fields["departement_codes"].label = "Départements concernés"
        self.fields["epci_codes"] = forms.MultipleChoiceField(
            label="Intercommunalités concernées",
            required=False,
            choices=[
                (e.code, e.name)
                for e in Epci.objects.filter(communes__region_id=region).distinct().order_by("name")
            ],
            widget=forms.SelectMultiple(attrs={"size": 8}),
            help_text="Facultatif. Ctrl (ou Cmd) + clic pour en choisir plusieurs.",
        )
        if self.instance.pk:
            self.initial.setdefault("themes", [t.value for t in self.instance.themes])
            self.initial.setdefault(
                "links_text",
                "\n".join(
                    f"{link['label']} | {link['url']}"
                    if link.get("label") != link["url"]
                    else link["url"]
                    for link in self.instance.links
                ),
            )

    def choice_groups(self):
        """The theme checkboxes, grouped under their axis (one fieldset each)."""
        widgets = {w.data["value"]: w for w in self["themes"]}
        return [
            (axis.label, [widgets[t.value] for t in themes])
            for axis, themes in THEMES_BY_AXIS.items()
        ]

    def clean_themes(self):
        return [Theme(t) for t in self.cleaned_data["themes"]]

    def clean_links_text(self):
        links = []
        validate = URLValidator(schemes=["http", "https"])
        for number, line in enumerate(self.cleaned_data["links_text"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            label, _, url = line.rpartition("|")
            url, label = url.strip(), label.strip()
            try:
                validate(url)
            except ValidationError:
                raise ValidationError(
                    f"Ligne {number} : « {url} » n'est pas une adresse web valide (elle doit commencer par https:// ou http://)."
                ) from None
            links.append({"url": url, "label": label or url})
        if len(links) > MAX_LINKS:
            raise ValidationError(f"{MAX_LINKS} liens au plus.")
        return links

    def save(self, commit=True):
        self.instance.links = self.cleaned_data["links_text"]
        return super().save(commit=commit)


class NewInitiativeForm(InitiativeForm):
    organisation = forms.ModelChoiceField(
        label="Structure porteuse",
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text="L'initiative est proposée au nom de cette structure, dont vous êtes membre.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            memberships__user=user
        ).order_by("name")
        self.order_fields(["organisation"])


IndicatorFormSet = forms.inlineformset_factory(
    Initiative,
    ImpactIndicator,
    fields=["label", "value", "unit", "year"],
    extra=2,
    max_num=10,
    validate_max=True,
    can_delete=True,
    labels={"value": "Valeur", "label": "Indicateur", "unit": "Unité", "year": "Année"},
)


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour refuser, demander des modifications ou dépublier : il est transmis à l'auteur.",
    )


class ContentReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="Motif", choices=ReportReason.choices, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label="Précisions",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce qui pose problème, le plus précisément possible.",
    )
    email = forms.EmailField(
        label="Votre adresse e-mail",
        required=False,
        help_text="Seulement si vous souhaitez être recontacté·e par l'équipe de la CRESS.",
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == ReportReason.OTHER and not data.get("message", "").strip():
            self.add_error("message", "Précisez la raison de votre signalement.")
        return data


class ResolveReportForm(forms.Form):
    decision = forms.ChoiceField(
        label="Décision",
        choices=[("dismiss", "Classer sans suite"), ("unpublish", "Dépublier l'initiative")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire pour dépublier : il est transmis à l'auteur.",
    )


class SpreadRequestForm(forms.Form):
    name = forms.CharField(label="Votre nom", max_length=150)
    email = forms.EmailField(label="Votre adresse e-mail")
    organisation_name = forms.CharField(label="Votre structure", max_length=200, required=False)
    message = forms.CharField(
        label="Votre message",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Votre projet, votre territoire, ce que vous aimeriez savoir des porteurs.",
    )
    consent = forms.BooleanField(
        label="J'accepte que mon nom, mon adresse e-mail, ma structure et mon message soient transmis aux structures porteuses de cette initiative et conservés sur ESSor pour qu'elles puissent me répondre.",
        error_messages={
            "required": "Sans votre accord, nous ne pouvons pas transmettre vos coordonnées aux porteurs."
        },
    )
