"""The team's pages: create a process, date its phases, open and close them, publish it,
write its questionnaires and their questions — from the portal, without /gestion/.

Creating is for the CRESS staff; everything else for the process's team
(perms.can_manage_process). Anyone else gets a 404, as if the process or the question did
not exist: a draft process is not known outside its team."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essor.events import services as events_services
from essor.search.registry import reindex

from . import perms, services
from .enums import ProcessStatus
from .forms import PhaseForm, ProcessForm, QuestionForm, QuestionnaireForm, SectionForm
from .models import Phase, Process, Question, Questionnaire, Section


def _managed_process(request, slug):
    process = get_object_or_404(Process, slug=slug)
    if not perms.can_manage_process(request.user, process):
        raise Http404("Concertation introuvable.")
    return process


def _manage_url(process, anchor=""):
    return reverse("consultation:manage", args=[process.slug]) + anchor


def _refused(request, message, back, status):
    """The team's page for a refused step: the French reason and the way back."""
    return render(
        request, "consultation/refused.html", {"message": message, "back": back}, status=status
    )


def _form_page(request, template, context):
    return render(request, template, context, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@login_required
def process_create(request):
    if not perms.can_create_process(request.user):
        raise PermissionDenied("Seule l'équipe de la CRESS crée une concertation.")
    form = ProcessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        process = form.save()
        messages.success(
            request,
            "La concertation est créée, en préparation : datez ses étapes, puis publiez-la.",
        )
        return redirect(_manage_url(process))
    return _form_page(request, "consultation/team/process_form.html", {"form": form})


@require_GET
@login_required
def manage(request, slug):
    process = _managed_process(request, slug)
    today = timezone.localdate()
    phases = list(process.phases.all())
    for phase in phases:
        phase.open_now = phase.is_open(today)
    return render(
        request,
        "consultation/team/manage.html",
        {
            "process": process,
            "phases": phases,
            "questionnaires": process.questionnaires.select_related("phase"),
            "published": process.is_published,
            "team": process.team.order_by("last_name", "first_name", "pk"),
            "can_edit_team": services.can_edit_team(request.user),
            "workshops": events_services.workshop_rows(
                process.workshops.all(), request.user, unpublished=True
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def process_edit(request, slug):
    process = _managed_process(request, slug)
    form = ProcessForm(request.POST or None, instance=process)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            process = form.save()
            reindex(Process, [process.pk])
        messages.success(request, "La concertation est modifiée.")
        return redirect(_manage_url(process))
    return _form_page(
        request, "consultation/team/process_form.html", {"form": form, "process": process}
    )


@require_POST
@login_required
def process_publish(request, slug):
    process = _managed_process(request, slug)
    wanted = request.POST.get("status")
    if wanted not in ProcessStatus.values:
        return _refused(request, "Cet état n'existe pas.", _manage_url(process), 400)
    if wanted == ProcessStatus.PUBLISHED and not process.phases.exists():
        return _refused(
            request, "Datez au moins une étape avant de publier.", _manage_url(process), 409
        )
    with transaction.atomic():
        Process.objects.filter(pk=process.pk).update(status=wanted, updated_at=timezone.now())
        # The process enters or leaves the platform search (its actions and proposals
        # follow at the next search: their kinds' fingerprints move).
        reindex(Process, [process.pk])
    if wanted == ProcessStatus.PUBLISHED:
        messages.success(request, "La concertation est publiée : tout le monde la voit.")
    else:
        messages.success(request, "La concertation est retirée : seule son équipe la voit.")
    return redirect(_manage_url(process))


@require_http_methods(["GET", "POST"])
@login_required
def phase_edit(request, slug, pk=None):
    process = _managed_process(request, slug)
    phase = get_object_or_404(Phase, pk=pk, process=process) if pk else Phase(process=process)
    form = PhaseForm(request.POST or None, instance=phase)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"L'étape « {phase.label} » est enregistrée.")
        return redirect(_manage_url(process, "#etapes"))
    return _form_page(
        request,
        "consultation/team/phase_form.html",
        {"form": form, "process": process, "phase": phase if pk else None},
    )


@require_POST
@login_required
def phase_toggle(request, slug, pk):
    """Open a phase today, or close it today: what opens and closes its questionnaires and
    the proposals of a « fiches actions » phase."""
    process = _managed_process(request, slug)
    phase = get_object_or_404(Phase, pk=pk, process=process)
    today = timezone.localdate()
    action = request.POST.get("action")
    if action == "open":
        if phase.starts_on > today:
            phase.starts_on = today
        if phase.ends_on is not None and phase.ends_on < today:
            phase.ends_on = None
        done = "ouverte"
    elif action == "close":
        if not phase.is_open(today):
            return _refused(request, "Cette étape n'est pas ouverte.", _manage_url(process), 409)
        # Closed from tomorrow on: today's answers still count.
        phase.ends_on = today
        if phase.starts_on > today:
            phase.starts_on = today
        done = "close ce soir"
    else:
        return _refused(request, "Action inconnue.", _manage_url(process), 400)
    phase.save(update_fields=["starts_on", "ends_on"])
    messages.success(request, f"L'étape « {phase.label} » est {done}.")
    return redirect(_manage_url(process, "#etapes"))


def _managed_questionnaire(request, slug, pk):
    process = _managed_process(request, slug)
    return get_object_or_404(
        Questionnaire.objects.select_related("process"), pk=pk, process=process
    )


@require_http_methods(["GET", "POST"])
@login_required
def questionnaire_edit(request, slug, pk=None):
    process = _managed_process(request, slug)
    questionnaire = (
        get_object_or_404(Questionnaire, pk=pk, process=process)
        if pk
        else Questionnaire(process=process)
    )
    if pk is None and not process.phases.exists():
        messages.error(request, "Datez d'abord l'étape pendant laquelle on pourra répondre.")
        return redirect(_manage_url(process, "#etapes"))
    form = QuestionnaireForm(request.POST or None, instance=questionnaire, process=process)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            questionnaire = form.save()
            if pk is None:
                questionnaire.sections.create(title="Questions", order=1)
        messages.success(request, "Le questionnaire est enregistré.")
        return redirect("consultation:questionnaire_manage", process.slug, questionnaire.pk)
    return _form_page(
        request,
        "consultation/team/questionnaire_form.html",
        {"form": form, "process": process, "questionnaire": questionnaire if pk else None},
    )


@require_GET
@login_required
def questionnaire_manage(request, slug, pk):
    questionnaire = _managed_questionnaire(request, slug, pk)
    return render(
        request,
        "consultation/team/questionnaire.html",
        {
            "process": questionnaire.process,
            "questionnaire": questionnaire,
            "questionnaire_sections": questionnaire.sections.prefetch_related("questions"),
            "section_form": SectionForm(initial={"order": questionnaire.sections.count() + 1}),
            "n_responses": questionnaire.responses.count(),
        },
    )


@require_POST
@login_required
def section_create(request, slug, pk):
    questionnaire = _managed_questionnaire(request, slug, pk)
    form = SectionForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "consultation/team/questionnaire.html",
            {
                "process": questionnaire.process,
                "questionnaire": questionnaire,
                "questionnaire_sections": questionnaire.sections.prefetch_related("questions"),
                "section_form": form,
                "n_responses": questionnaire.responses.count(),
            },
            status=400,
        )
    section = form.save(commit=False)
    section.questionnaire = questionnaire
    section.save()
    messages.success(request, f"La section « {section.title} » est ajoutée.")
    return redirect("consultation:questionnaire_manage", slug, questionnaire.pk)


@require_http_methods(["GET", "POST"])
@login_required
def section_edit(request, slug, pk, section_pk):
    """Rename or move a section."""
    questionnaire = _managed_questionnaire(request, slug, pk)
    section = get_object_or_404(Section, pk=section_pk, questionnaire=questionnaire)
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "La section est enregistrée.")
        return redirect(
            reverse("consultation:questionnaire_manage", args=[slug, questionnaire.pk])
            + f"#section-{section.pk}"
        )
    return _form_page(
        request,
        "consultation/team/section_form.html",
        {
            "form": form,
            "process": questionnaire.process,
            "questionnaire": questionnaire,
            "section": section,
        },
    )


@require_POST
@login_required
def section_delete(request, slug, pk, section_pk):
    questionnaire = _managed_questionnaire(request, slug, pk)
    section = get_object_or_404(Section, pk=section_pk, questionnaire=questionnaire)
    back = reverse("consultation:questionnaire_manage", args=[slug, questionnaire.pk])
    try:
        services.section_delete(section)
    except services.ConsultationError as error:
        return _refused(request, error.message, back, error.status_code)
    messages.success(request, f"La section « {section.title} » est supprimée.")
    return redirect(back)


@require_http_methods(["GET", "POST"])
@login_required
def question_edit(request, slug, pk, question_pk=None):
    questionnaire = _managed_questionnaire(request, slug, pk)
    question = (
        get_object_or_404(Question, pk=question_pk, section__questionnaire=questionnaire)
        if question_pk
        else Question()
    )
    form = QuestionForm(request.POST or None, instance=question, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        question = form.save()
        messages.success(request, "La question est enregistrée.")
        return redirect(
            reverse("consultation:questionnaire_manage", args=[slug, questionnaire.pk])
            + f"#question-{question.pk}"
        )
    return _form_page(
        request,
        "consultation/team/question_form.html",
        {
            "form": form,
            "process": questionnaire.process,
            "questionnaire": questionnaire,
            "question": question if question_pk else None,
        },
    )


@require_POST
@login_required
def question_delete(request, slug, pk, question_pk):
    questionnaire = _managed_questionnaire(request, slug, pk)
    question = get_object_or_404(Question, pk=question_pk, section__questionnaire=questionnaire)
    back = reverse("consultation:questionnaire_manage", args=[slug, questionnaire.pk])
    if question.answers.exists():
        return _refused(
            request,
            "Des réponses ont déjà été données à cette question : "
            "elle ne peut plus être supprimée.",
            back,
            409,
        )
    question.delete()
    messages.success(request, "La question est supprimée.")
    return redirect(back)


@require_POST
@login_required
def workshop_link(request, slug):
    """Add an event of the agenda as a workshop, by the address of its page."""
    process = _managed_process(request, slug)
    try:
        event = services.workshop_link(
            process=process, by=request.user, reference=request.POST.get("evenement", "")
        )
    except services.ConsultationError as error:
        return _refused(
            request, error.message, _manage_url(process, "#ateliers"), error.status_code
        )
    messages.success(request, f"« {event.title} » est un atelier de la concertation.")
    return redirect(_manage_url(process, "#ateliers"))


@require_POST
@login_required
def workshop_unlink(request, slug, event_pk):
    process = _managed_process(request, slug)
    try:
        services.workshop_unlink(process=process, by=request.user, event_id=event_pk)
    except services.ConsultationError as error:
        return _refused(
            request, error.message, _manage_url(process, "#ateliers"), error.status_code
        )
    messages.success(
        request, "L'événement n'est plus un atelier de la concertation (il reste dans l'agenda)."
    )
    return redirect(_manage_url(process, "#ateliers"))


@require_POST
@login_required
def team_add(request, slug):
    process = _managed_process(request, slug)
    try:
        person = services.team_add(
            process=process, by=request.user, email=request.POST.get("email")
        )
    except services.ConsultationError as error:
        return _refused(request, error.message, _manage_url(process, "#equipe"), error.status_code)
    messages.success(request, f"{person} fait partie de l'équipe de la concertation.")
    return redirect(_manage_url(process, "#equipe"))


@require_POST
@login_required
def team_remove(request, slug, user_pk):
    process = _managed_process(request, slug)
    try:
        services.team_remove(process=process, by=request.user, user_id=user_pk)
    except services.ConsultationError as error:
        return _refused(request, error.message, _manage_url(process, "#equipe"), error.status_code)
    messages.success(request, "La personne ne fait plus partie de l'équipe de la concertation.")
    return redirect(_manage_url(process, "#equipe"))
