from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify

from essor.events import services as events
from essor.territories.models import Departement, Region

from .enums import GuideLinkKind, StudyKind, StudyTheme, TrainingAudience, TrainingFormat
from .legal_forms import QUESTIONS
from .models import Study, Training


class LegalFormChooserForm(forms.Form):
    """The questions of « Quelle forme pour mon projet ? », one radio group each."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, choices in QUESTIONS:
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Répondez à cette question pour obtenir des suggestions."
                },
            )


class TrainingSearchForm(forms.Form):
    q = forms.CharField(label="Mots-clés", required=False, max_length=200)
    public = forms.ChoiceField(
        label="Public",
        required=False,
        choices=[("", "Tous les publics"), *TrainingAudience.choices],
    )
    format = forms.ChoiceField(
        label="Format", required=False, choices=[("", "Tous les formats"), *TrainingFormat.choices]
    )
    departement = forms.ChoiceField(label="Département", required=False)
    opco = forms.BooleanField(label="Finançable par un OPCO", required=False)
    gratuit = forms.BooleanField(label="Gratuite", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = [("", "Tous les départements")] + [
            (d.code, f"{d.name} ({d.code})")
            for d in Departement.objects.filter(region_id=settings.ESSOR_REGION)
        ]


# --- the library of studies ---------------------------------------------------------------

MAX_STUDY_PDF_BYTES = 8 * 1024 * 1024


class StudySearchForm(forms.Form):
    q = forms.CharField(label="Mots-clés", required=False, max_length=200)
    theme = forms.ChoiceField(
        label="Thème", required=False, choices=[("", "Tous les thèmes"), *StudyTheme.choices]
    )
    type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Tous les types"), *StudyKind.choices]
    )
    annee = forms.IntegerField(label="Année", required=False, min_value=1900, max_value=2100)
    territoire = forms.ChoiceField(label="Territoire", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].choices = [("", "Tous les territoires"), *territory_choices()]


def territory_choices():
    """The region and its départements, as « r-75 » / « d-87 »."""
    region = Region.objects.filter(code=settings.ESSOR_REGION).first()
    choices = [(f"r-{region.code}", f"{region.name} (toute la région)")] if region else []
    return choices + [
        (f"d-{d.code}", f"{d.name} ({d.code})")
        for d in Departement.objects.filter(region_id=settings.ESSOR_REGION)
    ]


class StudyForm(forms.ModelForm):
    """A study filed by an organisation: a PDF (kept private until published) or a link."""

    organisation = forms.ChoiceField(label="Structure qui publie ce document")
    organisation_is_author = forms.BooleanField(
        label="Cette structure en est l'auteur (ou l'un des auteurs)", required=False, initial=True
    )
    external_url = forms.URLField(
        label="Lien vers le document", required=False, max_length=500, assume_scheme="https",
        help_text="Ou l'adresse du document sur le site de son auteur.",
    )  # fmt: skip
    territoire = forms.ChoiceField(
        label="Territoire étudié",
        required=False,
        help_text="Laissez vide pour un document national.",
    )

    class Meta:
        model = Study
        fields = [
            "title", "kind", "authors_text", "year", "published_on", "themes", "summary",
            "file", "external_url",
        ]  # fmt: skip
        widgets = {"published_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "file": "Un PDF de 8 Mo au plus. Il reste privé jusqu'à la publication par la CRESS.",
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations}
        self.fields["organisation"].choices = [
            (pk, o.display_name) for pk, o in self.organisations.items()
        ]
        self.fields["organisation"].error_messages["invalid_choice"] = (
            "Choisissez une des structures dont vous êtes membre."
        )
        self.fields["territoire"].choices = [("", "Aucun (national)"), *territory_choices()]
        if self.instance.pk:
            if self.instance.organisation_id:
                self.initial["organisation"] = str(self.instance.organisation_id)
            territory = self.instance.territory
            if territory is not None:
                prefix = "d" if self.instance.departement_id else "r"
                self.initial["territoire"] = f"{prefix}-{territory.code}"
            self.initial["organisation_is_author"] = self.instance.author_organisations.filter(
                pk=self.instance.organisation_id
            ).exists()

    def clean_organisation(self):
        return self.organisations[self.cleaned_data["organisation"]]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and not 1900 <= year <= timezone.localdate().year:
            raise ValidationError("Indiquez l'année de parution (pas une année à venir).")
        return year

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload or upload is self.initial.get("file") or not hasattr(upload, "read"):
            return upload
        if upload.size > MAX_STUDY_PDF_BYTES:
            raise ValidationError(
                f"Ce fichier pèse {upload.size / 1024 / 1024:.1f} Mo : la limite est de 8 Mo."
            )
        head = upload.read(5)
        upload.seek(0)
        if not upload.name.lower().endswith(".pdf") or head != b"%PDF-":
            raise ValidationError("Seuls les fichiers PDF sont acceptés.")
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("external_url"):
            raise ValidationError("Joignez le PDF du document ou indiquez un lien vers lui.")
        published_on, year = data.get("published_on"), data.get("year")
        if published_on and year and published_on.year != year:
            self.add_error("published_on", "La date de parution n'est pas dans l'année indiquée.")
        if published_on and published_on > timezone.localdate():
            self.add_error("published_on", "La date de parution ne peut pas être à venir.")
        return data

    def has_new_file(self):
        return "file" in self.changed_data and bool(self.cleaned_data.get("file"))

    def save(self, commit=False):
        study = super().save(commit=False)
        study.organisation = self.cleaned_data["organisation"]
        code = self.cleaned_data.get("territoire") or ""
        study.region_id = code[2:] if code.startswith("r-") else None
        study.departement_id = code[2:] if code.startswith("d-") else None
        if not study.slug:
            study.slug = unique_study_slug(study.title)
        return study

    def authors(self):
        organisation = self.cleaned_data["organisation"]
        others = list(self.instance.author_organisations.all()) if self.instance.pk else []
        others = [o for o in others if o.pk != organisation.pk]
        return others + ([organisation] if self.cleaned_data["organisation_is_author"] else [])


def unique_study_slug(title):
    base = slugify(title)[:100] or "etude"
    slug, n = base, 1
    while Study.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class StudyDecisionForm(forms.Form):
    transition = forms.CharField(max_length=30)
    comment = forms.CharField(label="Motif", required=False, max_length=2000, widget=forms.Textarea)


class TrainingForm(forms.ModelForm):
    """A training published by a member of its organisation."""

    organiser = forms.ChoiceField(label="Organisme qui donne la formation")
    url = forms.URLField(
        label="Page de la formation", required=False, assume_scheme="https", max_length=200
    )
    registration_url = forms.URLField(
        label="Lien d'inscription", required=False, assume_scheme="https", max_length=200
    )
    territoire = forms.ChoiceField(
        label="Territoire",
        required=False,
        help_text="Où la formation a lieu ; laissez vide pour une formation à distance.",
    )
    agenda = forms.CharField(
        label="Session dans l'agenda",
        required=False,
        max_length=500,
        help_text="Facultatif : l'adresse de la page d'un événement de l'agenda que votre "
        "organisme organise pour cette session. Les inscriptions se font alors par l'agenda.",
    )

    class Meta:
        model = Training
        fields = [
            "title", "description", "audiences", "theme", "format", "duration", "next_session",
            "session_ends_on", "places", "cost", "is_free", "opco_fundable", "url",
            "registration_url",
        ]  # fmt: skip
        widgets = {
            "next_session": forms.DateInput(attrs={"type": "date"}),
            "session_ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations}
        self.fields["organiser"].choices = [
            (pk, o.display_name) for pk, o in self.organisations.items()
        ]
        self.fields["organiser"].error_messages["invalid_choice"] = (
            "Choisissez un des organismes dont vous êtes membre."
        )
        self.fields["territoire"].choices = [("", "Aucun (à distance)"), *territory_choices()]
        for name in ("format", "duration", "cost"):
            self.fields[name].required = True
        if self.instance.pk:
            if self.instance.organiser_id:
                self.initial["organiser"] = str(self.instance.organiser_id)
            if self.instance.event_id:
                self.initial["agenda"] = self.instance.event.get_absolute_url()
            if self.instance.departement_id:
                self.initial["territoire"] = f"d-{self.instance.departement_id}"
            elif self.instance.region_id:
                self.initial["territoire"] = f"r-{self.instance.region_id}"

    def clean_organiser(self):
        return self.organisations[self.cleaned_data["organiser"]]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("next_session"), data.get("session_ends_on")
        if starts and ends and ends < starts:
            self.add_error("session_ends_on", "La session ne peut pas finir avant de commencer.")
        if ends and not starts:
            self.add_error("next_session", "Indiquez aussi la date de début de la session.")
        data["event"] = self._agenda_event(data)
        return data

    def _agenda_event(self, data):
        """The agenda's event for the session: one the training's organiser organises."""
        reference, organiser = data.get("agenda"), data.get("organiser")
        if not reference:
            return None
        try:
            event = events.find_event(reference)
        except events.EventError as error:
            self.add_error("agenda", error.message)
            return None
        if organiser is not None and event.organiser_id != organiser.pk:
            self.add_error(
                "agenda", f"Cet événement n'est pas organisé par {organiser.display_name}."
            )
            return None
        return event

    def _post_clean(self):
        # The dates are checked above in French; the model's own clean() asks for an
        # organiser, set only in save().
        self.instance.organiser = self.cleaned_data.get("organiser")
        super()._post_clean()

    def save(self, commit=False):
        training = super().save(commit=False)
        training.organiser = self.cleaned_data["organiser"]
        training.event = self.cleaned_data.get("event")
        training.organiser_name = ""
        code = self.cleaned_data.get("territoire") or ""
        training.region_id = code[2:] if code.startswith("r-") else None
        training.departement_id = code[2:] if code.startswith("d-") else None
        training.epci = None
        return training


# --- guides written on the portal ---------------------------------------------------------

MAX_GUIDE_CHARS = 60_000
CRESS_TEAM = "cress"  # the organisation choice of a guide the CRESS team writes itself


class GuideForm(forms.Form):
    """A guide's version: its text in Markdown and the platform pages it links to, picked
    from the published offers, financing tools, legal forms and initiatives."""

    organisation = forms.ChoiceField(label="Guide écrit au nom de")
    title = forms.CharField(label="Titre", max_length=200)
    summary = forms.CharField(
        label="Résumé", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Une ou deux phrases, montrées dans les listes et sous le titre.",
    )  # fmt: skip
    body = forms.CharField(
        label="Contenu (Markdown)",
        max_length=MAX_GUIDE_CHARS,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="« ## Titre » pour une partie (elles forment le sommaire), « ### » pour une "
        "sous-partie, « - » pour une liste, [texte](https://adresse) pour un lien.",
    )

    LINK_FIELDS = {
        "offers": (GuideLinkKind.OFFER, "Offres d'accompagnement citées"),
        "tools": (GuideLinkKind.TOOL, "Outils de financement cités"),
        "legal_forms": (GuideLinkKind.LEGAL_FORM, "Formes juridiques citées"),
        "initiatives": (GuideLinkKind.INITIATIVE, "Initiatives citées"),
    }

    def __init__(self, *args, organisations=None, link_choices, **kwargs):
        """`organisations`: the choices of a new guide ([Organisation or None for the
        CRESS team]); None when the guide exists (its organisation does not change)."""
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.organisations = {
                str(o.pk) if o is not None else CRESS_TEAM: o for o in organisations
            }
            self.fields["organisation"].choices = [
                (key, o.display_name if o is not None else "L'équipe de la CRESS")
                for key, o in self.organisations.items()
            ]
            self.fields["organisation"].error_messages["invalid_choice"] = (
                "Choisissez une des structures pour lesquelles vous écrivez."
            )
        self.labels = {}
        for name, (kind, label) in self.LINK_FIELDS.items():
            choices = link_choices.get(kind, [])
            self.labels[kind] = dict(choices)
            widget = (
                forms.CheckboxSelectMultiple
                if kind == GuideLinkKind.LEGAL_FORM
                else forms.SelectMultiple(attrs={"size": min(8, max(2, len(choices)))})
            )
            self.fields[name] = forms.MultipleChoiceField(
                label=label, choices=choices, required=False, widget=widget,
                error_messages={"invalid_choice": "Ce lien n'est pas une page publiée."},
            )  # fmt: skip

    def clean_organisation(self):
        return self.organisations[self.cleaned_data["organisation"]]

    @classmethod
    def initial_from(cls, version):
        """The form's values from a version: the text and its links by kind."""
        initial = {"title": version.title, "summary": version.summary, "body": version.body}
        for name, (kind, _) in cls.LINK_FIELDS.items():
            initial[name] = [link.path for link in version.links.all() if link.kind == kind]
        return initial

    def links(self):
        """[(kind, path, label)] in the form's order."""
        return [
            (kind, path, self.labels[kind][path])
            for name, (kind, _) in self.LINK_FIELDS.items()
            for path in self.cleaned_data.get(name, [])
        ]
