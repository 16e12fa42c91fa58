"""The team's forms: a process, its phases, its questionnaires and their questions.

What the answers already given rely on is guarded here: once a questionnaire has answers
(a draft counts), a question keeps its type and its choices' values, and the
questionnaire keeps its anonymity and its « one answer per » rule."""

from django import forms
from django.utils.text import slugify

from .enums import CHOICE_KINDS, QuestionKind
from .models import Phase, Process, Question, Questionnaire, Section

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# First path segments of /concertation/ that a process's address must not take.
RESERVED_SLUGS = {
    "nouvelle", "suivi", "actions", "fiches", "commentaires", "moderation", "ateliers", "suivre",
}  # fmt: skip


class ProcessForm(forms.ModelForm):
    slug = forms.SlugField(
        label="Adresse",
        required=False,
        max_length=120,
        help_text="La fin de l'adresse de la page (lettres, chiffres et tirets). "
        "Vide : tirée du titre.",
        error_messages={
            "invalid": "L'adresse ne peut contenir que des lettres, chiffres et tirets."
        },
    )

    class Meta:
        model = Process
        fields = ["title", "slug", "purpose", "territory_label", "scope", "access"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 6}), "scope": forms.Textarea(attrs={"rows": 3})}  # fmt: skip
        error_messages = {"title": {"required": "Indiquez le titre de la concertation."}}

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("title") or "")[:120]
        if not slug:
            raise forms.ValidationError("Indiquez l'adresse de la page.")
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(
                f"L'adresse « {slug} » est réservée : choisissez-en une autre."
            )
        taken = Process.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                f"L'adresse « {slug} » est déjà prise par une autre concertation."
            )
        return slug


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["kind", "title", "description", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}  # fmt: skip
        error_messages = {
            "starts_on": {"required": "Indiquez la date de début.", "invalid": "Date invalide."},
            "ends_on": {"invalid": "Date invalide."},
            "kind": {
                "required": "Choisissez l'étape.",
                "invalid_choice": "Cette étape n'existe pas.",
            },
        }

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "La fin ne peut pas précéder le début.")
        return data


class QuestionnaireForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = ["title", "introduction", "phase", "anonymous", "one_per", "results_published"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "title": {"required": "Indiquez le titre du questionnaire."},
            "phase": {
                "required": "Choisissez l'étape pendant laquelle on peut répondre.",
                "invalid_choice": "Cette étape n'appartient pas à la concertation.",
            },
        }

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.process = process
        self.fields["phase"].queryset = process.phases.all()
        self.fields["phase"].empty_label = None  # a questionnaire always has its phase
        self.fields["phase"].help_text = "Le questionnaire est ouvert pendant cette étape."

    def clean(self):
        data = super().clean()
        instance = self.instance
        if instance.pk and instance.responses.exists():
            for name in ("anonymous", "one_per"):
                if name in data and data[name] != getattr(instance, name):
                    self.add_error(
                        name,
                        "Des réponses ont déjà été données : cette règle ne peut plus changer.",
                    )
        return data


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title", "order"]
        error_messages = {"title": {"required": "Indiquez le titre de la section."}}


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class QuestionForm(forms.ModelForm):
    """A question. Its choices are typed one per line; a choice keeps its stored value
    while its text stays the same, so renaming a question never loses answers."""

    choices_text = forms.CharField(
        label="Choix proposés",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Pour un choix unique ou multiple : un choix par ligne.",
    )
    depends_text = forms.CharField(
        label="Si la réponse à cette question est",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Un des choix de la question dont elle dépend, un par ligne.",
    )

    class Meta:
        model = Question
        fields = ["section", "order", "kind", "label", "help_text", "required", "scale_min", "scale_max", "depends_on"]  # fmt: skip
        error_messages = {
            "label": {"required": "Indiquez la question."},
            "kind": {"required": "Choisissez le type.", "invalid_choice": "Ce type de question n'existe pas."},
            "section": {"invalid_choice": "Cette section n'appartient pas au questionnaire."},
            "depends_on": {"invalid_choice": "Cette question n'appartient pas au questionnaire."},
        }  # fmt: skip

    def __init__(self, *args, questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.fields["section"].queryset = questionnaire.sections.all()
        self.fields["section"].empty_label = None
        others = Question.objects.filter(
            section__questionnaire=questionnaire, kind__in=CHOICE_KINDS
        ).exclude(pk=self.instance.pk)
        self.fields["depends_on"].queryset = others
        self.fields["depends_on"].help_text = "Vide : la question est toujours posée."
        if self.instance.pk:
            self.initial["choices_text"] = "\n".join(c["label"] for c in self.instance.choices)
            self.initial["depends_text"] = "\n".join(
                self.instance.depends_on.choice_label(v) for v in self.instance.depends_values
            ) if self.instance.depends_on_id else ""  # fmt: skip
        self.has_answers = bool(self.instance.pk) and self.instance.answers.exists()

    def _choices(self, kind):
        labels = list(dict.fromkeys(_lines(self.cleaned_data.get("choices_text"))))
        if kind not in CHOICE_KINDS:
            return []
        if len(labels) < 2:
            self.add_error("choices_text", "Proposez au moins deux choix, un par ligne.")
            return []
        old = {c["label"]: c["value"] for c in self.instance.choices}
        taken = set(old.values())
        choices = []
        for label in labels:
            value = old.get(label)
            if value is None:
                base = slugify(label)[:40] or "choix"
                value, n = base, 2
                while value in taken:
                    value, n = f"{base}-{n}", n + 1
                taken.add(value)
            choices.append({"value": value, "label": label[:300]})
        if self.has_answers:
            lost = set(old.values()) - {c["value"] for c in choices}
            if lost:
                self.add_error(
                    "choices_text",
                    "Des réponses ont déjà été données : un choix ne peut plus être retiré "
                    "ni renommé (ajoutez-en, ou gardez le même texte).",
                )
        return choices

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if self.has_answers and kind and kind != self.instance.kind:
            self.add_error(
                "kind", "Des réponses ont déjà été données : le type ne peut plus changer."
            )
        self.choices = self._choices(kind)
        if kind == QuestionKind.SCALE:
            low, high = data.get("scale_min"), data.get("scale_max")
            if low is not None and high is not None and not low < high:
                self.add_error("scale_max", "Le haut de l'échelle doit dépasser le bas.")
        self.depends_values = []
        parent = data.get("depends_on")
        wanted = _lines(data.get("depends_text"))
        if parent is not None:
            by_label = {c["label"]: c["value"] for c in parent.choices}
            unknown = [w for w in wanted if w not in by_label]
            if not wanted:
                self.add_error("depends_text", "Indiquez la réponse qui fait poser la question.")
            elif unknown:
                self.add_error(
                    "depends_text",
                    f"« {unknown[0]} » n'est pas un choix de la question « {parent.label} ».",
                )
            self.depends_values = [by_label[w] for w in wanted if w in by_label]
        elif wanted:
            self.add_error("depends_on", "Choisissez la question dont celle-ci dépend.")
        return data

    def save(self, commit=True):
        question = super().save(commit=False)
        question.choices = self.choices
        question.depends_values = self.depends_values
        if commit:
            question.save()
        return question
