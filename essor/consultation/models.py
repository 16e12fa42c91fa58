"""Consultation processes (« concertations ») and the follow-up of their actions.

A `Process` has phases with dates; its actions (`Action`) are what it decided to do —
for the 2016 état des lieux, every « piste d'action » of the report — each with a status,
a progress percentage, the organisations that carry it, a dated journal (`ActionUpdate`)
and links to what carries it out on the platform (`ActionLink`)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from essor.core.models import Decision, TransitionLog

from .enums import (
    VISIBLE_PROPOSAL_STATUSES,
    Access,
    ActionStatus,
    Axis,
    LinkKind,
    OnePer,
    PhaseKind,
    ProcessStatus,
    ProposalStatus,
    QuestionKind,
    ReportReason,
    ResponseStatus,
)
from .workflow import PROPOSALS


class ProcessQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ProcessStatus.PUBLISHED)


class Process(models.Model):
    slug = models.SlugField("adresse", max_length=120, unique=True)
    title = models.CharField("titre", max_length=200)
    purpose = models.TextField("objet (Markdown)", blank=True)
    territory_label = models.CharField("territoire", max_length=200, blank=True)
    scope = models.TextField("périmètre", blank=True)
    access = models.CharField(
        "participation", max_length=10, choices=Access.choices, default=Access.OPEN
    )
    status = models.CharField(
        "état", max_length=10, choices=ProcessStatus.choices, default=ProcessStatus.DRAFT
    )
    # Who runs it besides the CRESS staff.
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="consultation_teams",
        verbose_name="équipe",
    )
    # Its workshops are events of the agenda: registration, waiting list, .ics, minutes.
    workshops = models.ManyToManyField(
        "events.Event", blank=True, related_name="consultation_processes", verbose_name="ateliers"
    )
    # A stable key for the processes ESSor ships (the 2016 report, the demo).
    key = models.CharField("clé", max_length=40, blank=True, db_index=True)
    is_demo = models.BooleanField("démonstration", default=False)
    source_citation = models.CharField("source", max_length=300, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = ProcessQuerySet.as_manager()

    class Meta:
        verbose_name = "concertation"
        ordering = ["-created_at", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultation:process", args=[self.slug])

    @property
    def is_published(self):
        return self.status == ProcessStatus.PUBLISHED

    def current_phase(self, today=None):
        """The phase whose dates include today; else none."""
        today = today or timezone.localdate()
        for phase in self.phases.all():
            if phase.starts_on <= today and (phase.ends_on is None or today <= phase.ends_on):
                return phase
        return None


class Phase(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField("étape", max_length=20, choices=PhaseKind.choices)
    title = models.CharField("intitulé", max_length=200, blank=True)
    description = models.TextField("description", blank=True)
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin", null=True, blank=True)

    class Meta:
        verbose_name = "phase"
        ordering = ["starts_on", "pk"]

    def __str__(self):
        return self.title or self.get_kind_display()

    @property
    def label(self):
        return self.title or self.get_kind_display()

    def is_open(self, today=None):
        today = today or timezone.localdate()
        return self.starts_on <= today and (self.ends_on is None or today <= self.ends_on)


class ActionQuerySet(models.QuerySet):
    def public(self):
        return self.filter(process__status=ProcessStatus.PUBLISHED)


class Action(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveIntegerField("numéro")
    axis = models.CharField("axe", max_length=20, choices=Axis.choices)
    chapter = models.CharField("chapitre", max_length=200, blank=True)
    theme = models.CharField("thème", max_length=300, blank=True)
    text = models.TextField("texte")
    # Where it comes from: the report's section (and line of the text), or the proposal.
    source_section = models.CharField("section d'origine", max_length=500, blank=True)
    source_line = models.PositiveIntegerField("ligne du rapport", null=True, blank=True)
    status = models.CharField(
        "état", max_length=12, choices=ActionStatus.choices, default=ActionStatus.TO_START
    )
    progress = models.PositiveSmallIntegerField(
        "avancement (%)", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="territoire (vide : toute la région)",
    )
    carriers = models.ManyToManyField(
        "directory.Organisation",
        blank=True,
        related_name="consultation_actions",
        verbose_name="structures porteuses",
    )
    # The fiche action it was retained from, if any.
    proposal = models.OneToOneField(
        "Proposal", on_delete=models.SET_NULL, null=True, blank=True, related_name="action",
        verbose_name="fiche action d'origine",
    )  # fmt: skip
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = "action"
        ordering = ["process", "number"]
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="one_action_number"),
            models.CheckConstraint(
                condition=models.Q(progress__gte=0, progress__lte=100), name="action_progress_0_100"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.short_text}"

    def get_absolute_url(self):
        return reverse("consultation:action", args=[self.pk])

    @property
    def short_text(self):
        text = self.text
        return text if len(text) <= 120 else text[:117].rsplit(" ", 1)[0] + "…"

    @property
    def territory_label(self):
        return self.departement.name if self.departement_id else "Toute la région"


class ActionUpdate(models.Model):
    """One dated entry of an action's journal: what happened, and the status and progress
    it left the action in."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField("date")
    text = models.TextField("nouvelles (Markdown)")
    status = models.CharField("état", max_length=12, choices=ActionStatus.choices)
    progress = models.PositiveSmallIntegerField("avancement (%)")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_action_updates",
        verbose_name="par",
    )
    created_at = models.DateTimeField("écrite le", default=timezone.now)

    class Meta:
        verbose_name = "point d'avancement"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.action_id} — {self.date}"


class ActionLink(models.Model):
    """A page of ESSor that carries the action out: an initiative, a financing tool, a
    support offer, an event (found in the platform search's index) or an observatory page."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField("type", max_length=20, choices=LinkKind.choices)
    url = models.CharField("adresse", max_length=500)
    title = models.CharField("titre", max_length=300)
    created_at = models.DateTimeField("ajouté le", auto_now_add=True)

    class Meta:
        verbose_name = "lien"
        ordering = ["kind", "title"]
        constraints = [models.UniqueConstraint(fields=["action", "url"], name="one_link_per_url")]

    def __str__(self):
        return self.title


class Questionnaire(models.Model):
    """The questionnaire of a process: open while its phase is; anonymous or signed; one
    answer per account or per organisation."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="questionnaires")
    phase = models.ForeignKey(
        Phase, on_delete=models.PROTECT, related_name="questionnaires", verbose_name="phase"
    )
    title = models.CharField("titre", max_length=200)
    introduction = models.TextField("introduction (Markdown)", blank=True)
    anonymous = models.BooleanField(
        "réponses anonymes",
        default=True,
        help_text="Anonymes : ni le compte ni la structure ne sont gardés avec les réponses, "
        "seulement la famille, le secteur et le département de la structure.",
    )
    one_per = models.CharField(
        "une réponse par", max_length=15, choices=OnePer.choices, default=OnePer.ACCOUNT
    )
    results_published = models.BooleanField("résultats publiés", default=False)

    class Meta:
        verbose_name = "questionnaire"
        ordering = ["pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultation:questionnaire", args=[self.process.slug, self.pk])

    def is_open(self, today=None):
        return self.process.is_published and self.phase.is_open(today)

    def ordered_questions(self):
        return [q for s in self.sections.all() for q in s.questions.all()]


class Section(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField("titre", max_length=200)
    order = models.PositiveIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "section"
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class Question(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField("ordre", default=0)
    kind = models.CharField("type", max_length=15, choices=QuestionKind.choices)
    label = models.CharField("question", max_length=500)
    help_text = models.CharField("aide", max_length=500, blank=True)
    required = models.BooleanField("obligatoire", default=False)
    # Choice questions: [{"value": "a", "label": "…"}, …]
    choices = models.JSONField("choix", default=list, blank=True)
    scale_min = models.SmallIntegerField("échelle de", default=1)
    scale_max = models.SmallIntegerField("échelle à", default=5)
    # Shown only when the answer to `depends_on` holds one of `depends_values`.
    depends_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="dependents",
        verbose_name="dépend de",
    )  # fmt: skip
    depends_values = models.JSONField("si la réponse est", default=list, blank=True)

    class Meta:
        verbose_name = "question"
        ordering = ["section__order", "order", "pk"]

    def __str__(self):
        return self.label

    @property
    def field_name(self):
        return f"q{self.pk}"

    def choice_label(self, value):
        return next((c["label"] for c in self.choices if c["value"] == value), value)


class Response(models.Model):
    """One answer to a questionnaire. A draft belongs to its author; once an anonymous
    questionnaire's answer is sent, it keeps neither the account nor the organisation —
    only the family, sector and département of the organisation, for the crossed results."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="responses"
    )
    status = models.CharField(
        "état", max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="consultation_responses", verbose_name="répondant",
    )  # fmt: skip
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="consultation_responses", verbose_name="structure",
    )  # fmt: skip
    family = models.CharField("famille de l'ESS", max_length=20, blank=True)
    sector = models.CharField("secteur", max_length=20, blank=True)
    departement = models.CharField("département", max_length=3, blank=True)
    is_demo = models.BooleanField("démonstration", default=False)
    submitted_at = models.DateTimeField("envoyée le", null=True, blank=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "réponse"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "respondent"],
                condition=models.Q(status="draft"),
                name="one_draft_per_respondent",
            )
        ]

    def __str__(self):
        return f"Réponse {self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    # A list of choice values, a number, or a text (a commune code, an organisation id).
    value = models.JSONField("réponse")

    class Meta:
        verbose_name = "réponse à une question"
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self):
        return f"{self.response_id} — {self.question_id}"


class Participation(models.Model):
    """That someone (or an organisation) has answered: what stops a second answer, kept
    apart from the answer itself so that an anonymous answer stays anonymous."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="participations"
    )
    # "u<user id>" or "o<organisation id>", as the questionnaire's rule says.
    key = models.CharField(max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="consultation_participations",
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="one_participation")
        ]

    def __str__(self):
        return f"{self.questionnaire_id} — {self.key}"


class ProposalQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(
            status__in=VISIBLE_PROPOSAL_STATUSES, process__status=ProcessStatus.PUBLISHED
        )


class Proposal(Decision, models.Model):
    """A « fiche action » a member proposes during a process. The decision fields
    (Decision) hold the team's public answer."""

    workflow = PROPOSALS

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField("titre", max_length=200)
    axis = models.CharField("axe", max_length=20, choices=Axis.choices)
    theme = models.CharField("thème", max_length=200)
    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="territoire (vide : toute la région)",
    )  # fmt: skip
    description = models.TextField("description (Markdown)")
    carriers = models.TextField("qui pourrait la porter", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="consultation_proposals", verbose_name="auteur",
    )  # fmt: skip
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="consultation_proposals", verbose_name="au nom de",
    )  # fmt: skip
    status = models.CharField(
        "état", max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged",
        verbose_name="fusionnée avec",
    )  # fmt: skip
    is_demo = models.BooleanField("démonstration", default=False)
    created_at = models.DateTimeField("proposée le", default=timezone.now)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = "fiche action"
        verbose_name_plural = "fiches actions"
        ordering = ["-created_at", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultation:proposal", args=[self.pk])

    @property
    def is_visible(self):
        return self.status in VISIBLE_PROPOSAL_STATUSES and self.process.is_published

    @property
    def territory_label(self):
        return self.departement.name if self.departement_id else "Toute la région"


class ProposalTransition(TransitionLog):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "étape d'une fiche action"


class Support(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultation_supports"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="one_support")]

    def __str__(self):
        return f"{self.user_id} → {self.proposal_id}"


class Comment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="consultation_comments",
    )  # fmt: skip
    body = models.TextField("commentaire (Markdown)")
    hidden = models.BooleanField("masqué par la modération", default=False)
    is_demo = models.BooleanField("démonstration", default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "commentaire"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Commentaire {self.pk}"


class ContentReport(models.Model):
    """A report of a proposal or a comment, for the CRESS moderators."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField("motif", max_length=10, choices=ReportReason.choices)
    message = models.TextField("précisions", blank=True)
    resolved_at = models.DateTimeField("traité le", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "signalement"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Signalement {self.pk}"


class Follow(models.Model):
    """Someone follows a process, a proposal or an action: a digest of their changes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultation_follows"
    )
    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    # The digest covers what changed since then.
    last_sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "process"], name="one_process_follow"),
            models.UniqueConstraint(fields=["user", "proposal"], name="one_proposal_follow"),
            models.UniqueConstraint(fields=["user", "action"], name="one_action_follow"),
        ]

    def __str__(self):
        return f"{self.user_id} suit {self.process_id or self.proposal_id or self.action_id}"

    @property
    def target(self):
        return self.process or self.proposal or self.action
