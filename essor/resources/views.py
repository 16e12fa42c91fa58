from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essor.accounts.perms import is_cress_staff
from essor.core import report
from essor.core.csv import csv_response
from essor.core.storage import private_file_response
from essor.core.text import fold, render_markdown_with_toc
from essor.core.workflow import WorkflowError
from essor.directory.enums import EssFamily
from essor.events import services as events
from essor.purchasing import services as purchasing
from essor.search import index as search_index
from essor.search.registry import get as get_kind
from essor.territories.models import Departement

from . import guides, kits, legal_forms, pdf, purchasing_guide, services
from .enums import GuideVersionStatus, PdfStatus, PublicationStatus, StudyKind, StudyTheme
from .forms import (
    GuideForm,
    LegalFormChooserForm,
    StudyDecisionForm,
    StudyForm,
    StudySearchForm,
    TrainingForm,
    TrainingSearchForm,
)
from .models import AuthoredGuide, GuidePdf, GuideVersion, Page, Study, Training
from .perms import (
    can_edit_guide,
    can_edit_study,
    can_edit_training,
    can_follow_guide,
    can_moderate_resources,
    can_see_study,
    can_see_training,
    can_write_guides_for,
)
from .tasks import make_guide_pdf
from .workflow import GUIDE_VERSIONS, STUDIES, TRAININGS

PER_PAGE = 20


def _url(name, fallback):
    # Sections built by other apps may not be routed yet on this instance.
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


@require_GET
def index(request):
    context = {**_guide_lists(), "training_count": Training.objects.published().count()}
    return render(request, "resources/index.html", context)


@require_GET
def guides_index(request):
    return render(request, "resources/guides.html", _guide_lists())


def _guide_lists():
    return {
        "pages": Page.objects.filter(is_published=True),
        "guides": guides.GUIDES,
        "written_guides": AuthoredGuide.objects.published()
        .select_related("published_version", "organisation")
        .order_by("published_version__title"),
    }


# The ESS families of the law of 31 July 2014, article 1, in a sentence each.
FAMILIES = [
    (
        EssFamily.ASSOCIATION,
        "Les associations",
        "des personnes qui mettent en commun leurs connaissances ou leur activité dans un but autre que le partage des bénéfices (loi du 1er juillet 1901).",
    ),
    (
        EssFamily.COOPERATIVE,
        "Les coopératives",
        "des entreprises détenues et gouvernées par leurs membres (salariés, usagers, producteurs…), une personne = une voix, avec des réserves impartageables (loi du 10 septembre 1947).",
    ),
    (
        EssFamily.MUTUAL,
        "Les mutuelles",
        "des groupements de personnes qui s'assurent et s'entraident, sans actionnaires (code de la mutualité, code des assurances).",
    ),
    (
        EssFamily.FOUNDATION,
        "Les fondations",
        "des biens affectés de façon irrévocable à une œuvre d'intérêt général (loi du 23 juillet 1987).",
    ),
    (
        EssFamily.COMMERCIAL,
        "Les sociétés commerciales de l'ESS",
        "des sociétés qui respectent les principes de l'ESS dans leurs statuts et recherchent une utilité sociale (loi du 31 juillet 2014, article 1er, II).",
    ),
]


@require_GET
def what_is_ess(request):
    figures = report.key_figures()
    quotes = list(dict.fromkeys(f["quote"] for f in figures))
    return render(
        request,
        "resources/what_is_ess.html",
        {
            "families": [(label, text) for _, label, text in FAMILIES],
            "regional_figures": report.key_figures("région"),
            "national_figures": report.key_figures("France"),
            "quotes": quotes,
            "report_source": report.source(),
            "directory_url": _url("search:directory", "/annuaire/"),
            "initiatives_url": _url("initiatives:index", "/initiatives/"),
        },
    )


@require_GET
def purchasing_guide_page(request):
    return render(
        request,
        "resources/purchasing_guide.html",
        {
            "sections": purchasing_guide.SECTIONS,
            "clauses": purchasing_guide.MODEL_CLAUSES,
            "reservations": purchasing.reserved_contracts(),
            "legifrance": purchasing_guide.LEGIFRANCE_CCP,
        },
    )


@require_GET
def legal_forms_guide(request):
    return render(
        request,
        "resources/legal_forms.html",
        {"forms": legal_forms.LEGAL_FORMS, "criteria": legal_forms.CRITERIA},
    )


@require_GET
def legal_form(request, slug):
    form = legal_forms.BY_SLUG.get(slug)
    if form is None:
        return render(request, "core/errors/404.html", status=404)
    return render(request, "resources/legal_form.html", {"legal_form": form})


@require_GET
def legal_form_chooser(request):
    """GET form, so that the answers are in the URL: the orientation assistant and people
    can link to a result."""
    answered = any(name in request.GET for name, _, _ in legal_forms.QUESTIONS)
    form = LegalFormChooserForm(request.GET if answered else None)
    suggestions = warnings = None
    status = 200
    if answered:
        if form.is_valid():
            suggestions = legal_forms.suggest(form.cleaned_data)
            warnings = legal_forms.warnings(form.cleaned_data)
        else:
            status = 400
    return render(
        request,
        "resources/legal_form_chooser.html",
        {
            "form": form,
            "suggestions": suggestions,
            "warnings": warnings,
            "support_url": _url("support:index", ""),
        },
        status=status,
    )


@require_GET
def trainings(request):
    form = TrainingSearchForm(request.GET or None)
    results = Training.objects.published().select_related(
        "organiser", "region", "departement", "epci"
    )
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
        results = results.none()
    elif form.is_bound:
        data = form.cleaned_data
        for word in fold(data["q"]).split()[:10]:
            results = results.filter(search_text__contains=word)
        if data["public"]:
            results = results.for_audience(data["public"])
        if data["format"]:
            results = results.filter(format=data["format"])
        if data["departement"]:
            results = results.serving_departement(Departement.objects.get(code=data["departement"]))
        if data["opco"]:
            results = results.filter(opco_fundable=True)
        if data["gratuit"]:
            results = results.filter(is_free=True)
    page = Paginator(results.order_by("title", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    state = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "resources/trainings.html",
        {"form": form, "page": page, "query_string": urlencode(state), "filtered": bool(state)},
        status=status,
    )


def _training_context(request, training, **extra):
    return {
        "training": training,
        "can_edit": can_edit_training(request.user, training),
        "steps": TRAININGS.available(training, request.user),
        "agenda_event": events.published_event(training.event_id),
        **extra,
    }


@require_GET
def training(request, pk):
    training = get_object_or_404(
        Training.objects.select_related("organiser", "region", "departement", "epci"), pk=pk
    )
    if not can_see_training(request.user, training):
        raise Http404
    return render(request, "resources/training.html", _training_context(request, training))


@require_GET
def page(request, slug):
    guide = guides.BY_SLUG.get(slug)
    if guide is not None:
        return render(
            request, "resources/guide.html",
            {"guide": guide, "related": guide.related(),
             "catalogue": services.guide_catalogue(guide)},
        )  # fmt: skip
    written = _published_written_guide(slug)
    if written is not None:
        version = written.published_version
        body, toc = render_markdown_with_toc(version.body)
        return render(
            request, "resources/written_guide.html",
            {"guide": written, "version": version, "body": body, "toc": toc,
             "related": version.related(), "can_edit": can_edit_guide(request.user, written)},
        )  # fmt: skip
    page = get_object_or_404(Page, slug=slug, is_published=True)
    return render(request, "resources/page.html", {"page": page})


def _published_written_guide(slug):
    return (
        AuthoredGuide.objects.published()
        .select_related("published_version", "organisation")
        .filter(slug=slug)
        .first()
    )


@require_GET
def page_pdf(request, slug):
    """The guide's PDF as it reads now."""
    guide = guides.BY_SLUG.get(slug) or getattr(
        _published_written_guide(slug), "published_version", None
    )
    title = guide.title if guide else get_object_or_404(Page, slug=slug, is_published=True).title
    return _pdf(request, slug, title, reverse("resources:page", args=[slug]))


def _pdf(request, key, title, back):
    """A guide's or a kit's PDF (pdf.py): served when made from the same printable page,
    otherwise made in the background while this page says « en préparation »."""
    digest = pdf.fingerprint(key)  # cheap: the printable page is rendered by the task only
    if digest is None:
        raise Http404
    made = GuidePdf.objects.filter(slug=key).first()
    if made is None or made.digest != digest or made.status == PdfStatus.FAILED:
        GuidePdf.objects.update_or_create(
            slug=key, defaults={"digest": digest, "status": PdfStatus.PENDING, "pdf": None}
        )
        make_guide_pdf.enqueue(key)
        made = GuidePdf.objects.get(slug=key)  # an immediate backend has made it already
    if made.is_ready and made.digest == digest:
        if request.headers.get("HX-Request"):
            # The « en préparation » page polls: it leaves for the PDF itself.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = request.path
            return response
        response = HttpResponse(bytes(made.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{key}.pdf"'
        return response
    return render(
        request, "resources/guide_pdf_pending.html",
        {"title": title, "back": back, "failed": made.status == PdfStatus.FAILED},
    )  # fmt: skip


# --- awareness kits ----------------------------------------------------------------------


@require_GET
def kits_index(request):
    return render(request, "resources/kits.html", {"kits": kits.KITS})


@require_GET
def kit(request, slug):
    kit = kits.BY_SLUG.get(slug)
    if kit is None:
        raise Http404
    return render(
        request, "resources/kit.html",
        {"kit": kit, "figures": services.kit_figures(), "related": kit.related()},
    )  # fmt: skip


@require_GET
def kit_pdf(request, slug):
    kit = kits.BY_SLUG.get(slug)
    if kit is None:
        raise Http404
    return _pdf(request, pdf.KIT_PREFIX + slug, kit.title, reverse("resources:kit", args=[slug]))


@require_GET
def kit_figures_csv(request, slug):
    if slug not in kits.BY_SLUG:
        raise Http404
    rows = services.kit_figures_rows(services.kit_figures())
    return csv_response(
        ["indicateur", "valeur", "source", "date_des_chiffres"], rows, f"chiffres-cles-{slug}.csv"
    )


# --- the library of studies ---------------------------------------------------------------


def _study_facets(studies):
    """Counts of the studies found, by theme, kind, year and territory."""
    rows = list(
        studies.order_by().values_list("themes", "kind", "year", "region__name", "region_id",
                                       "departement__name", "departement_id")
    )  # fmt: skip
    themes, kinds, years, territories = Counter(), Counter(), Counter(), Counter()
    names = {}
    for theme_codes, kind, year, region_name, region, dep_name, dep in rows:
        themes.update(theme_codes)
        kinds[kind] += 1
        years[year] += 1
        if dep:
            territories[f"d-{dep}"] += 1
            names[f"d-{dep}"] = dep_name
        elif region:
            territories[f"r-{region}"] += 1
            names[f"r-{region}"] = region_name
    return {
        "theme": [(v, label, themes[v]) for v, label in StudyTheme.choices if themes[v]],
        "type": [(v, label, kinds[v]) for v, label in StudyKind.choices if kinds[v]],
        "annee": [(str(y), str(y), n) for y, n in sorted(years.items(), reverse=True)],
        "territoire": [(k, names[k], n) for k, n in sorted(territories.items())],
    }


@require_GET
def studies(request):
    form = StudySearchForm(request.GET or None)
    results = Study.objects.published()
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
        results = results.none()
    elif form.is_bound:
        data = form.cleaned_data
        if data["q"]:
            # The words go through the platform search engine (summary and full text).
            keys = search_index.matching_keys(get_kind("etudes"), data["q"])
            results = results.filter(pk__in=keys or [])
        if data["theme"]:
            results = results.with_theme(data["theme"])
        if data["type"]:
            results = results.filter(kind=data["type"])
        if data["annee"]:
            results = results.filter(year=data["annee"])
        territory = data["territoire"]
        if territory.startswith("r-"):
            # A region holds the studies of its départements too.
            results = results.filter(
                Q(region_id=territory[2:]) | Q(departement__region_id=territory[2:])
            )
        elif territory.startswith("d-"):
            results = results.filter(departement_id=territory[2:])
    facets = _study_facets(results)
    page = Paginator(
        results.select_related("region", "departement")
        .prefetch_related("author_organisations")
        .order_by("-year", "title", "pk"),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    state = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "resources/studies.html",
        {
            "form": form,
            "page": page,
            "facets": facets,
            "state": state,
            "query_string": urlencode(state),
            "filtered": bool(state),
            "can_file": request.user.is_authenticated,
        },
        status=status,
    )


def _study_or_404(request, slug):
    study = get_object_or_404(
        Study.objects.select_related("organisation", "region", "departement"), slug=slug
    )
    if not can_see_study(request.user, study):
        raise Http404
    return study


@require_GET
def study(request, slug):
    study = _study_or_404(request, slug)
    return render(request, "resources/study.html", _study_context(request, study))


@require_GET
def study_file(request, slug):
    """The study's PDF, to those who may see the study; checked to be a PDF again before
    it leaves (a file put there by other means is not served as a PDF)."""
    study = _study_or_404(request, slug)
    if not study.file or not study.file.storage.exists(study.file.name):
        raise Http404
    with study.file.open("rb") as handle:
        if handle.read(5) != b"%PDF-":
            raise Http404
    return private_file_response(
        study.file, filename=f"{study.slug}.pdf", as_attachment=False,
        content_type="application/pdf",
    )  # fmt: skip


def _my_organisations(user):
    return [m.organisation for m in user.memberships.select_related("organisation")]


# --- Studies and trainings, filed by an organisation and moderated alike ------------------


@dataclass(frozen=True)
class _Filed:
    """What a study and a training differ by, for the views that file, edit and moderate
    them: the pages, the owner's field, the form, the save and decide services, the
    messages."""

    model: type
    owner: str  # the field of the organisation that files it
    form: type
    template: str  # the object's page; the form's is "<name>_form.html"
    can_edit: Callable
    workflow: object
    save: Callable  # save(form, author) -> the saved object
    decide: Callable  # decide(obj, by=, transition=, comment=)
    context: Callable  # context(request, obj, **extra): the page's context
    created: str  # the message once filed and published
    pending: str  # ... once filed and waiting for moderation
    updated: str
    what: str = ""  # the « no organisation » page's wording

    @property
    def name(self):
        return self.model._meta.model_name


def _study_context(request, study, **extra):
    return {
        "study": study,
        "authors": study.authors_label(),
        "can_edit": can_edit_study(request.user, study),
        "steps": STUDIES.available(study, request.user),
        **extra,
    }


STUDY = _Filed(
    model=Study, owner="organisation", form=StudyForm, template="resources/study.html",
    can_edit=can_edit_study, workflow=STUDIES, context=_study_context,
    save=lambda form, author: services.study_save(
        study=form.save(), author=author, authors=form.authors(), new_file=form.has_new_file()
    ),
    decide=lambda study, **step: services.study_decide(study=study, **step),
    created="Document publié.",
    pending="Document enregistré : il sera publié après relecture par la CRESS.",
    updated="Document mis à jour.",
)  # fmt: skip
TRAINING = _Filed(
    model=Training, owner="organiser", form=TrainingForm, template="resources/training.html",
    can_edit=can_edit_training, workflow=TRAININGS, context=_training_context,
    save=lambda form, author: services.training_save(training=form.save(), author=author),
    decide=lambda training, **step: services.training_decide(training=training, **step),
    created="Formation publiée.",
    pending="Formation enregistrée : elle sera publiée après relecture par la CRESS.",
    updated="Formation mise à jour.",
    what="formation",
)  # fmt: skip


def _filed_or_404(request, kind, **lookup):
    """The study or training, for the views that change it: to whoever may neither edit
    nor moderate it, no such page."""
    obj = get_object_or_404(kind.model.objects.select_related(kind.owner), **lookup)
    if not (kind.can_edit(request.user, obj) or can_moderate_resources(request.user)):
        raise Http404
    return obj


def _filed_form(request, kind, obj):
    """File a new study or training (obj None) or edit one, in the name of one of the
    person's organisations."""
    if obj is not None and not kind.can_edit(request.user, obj):
        raise Http404  # a moderator moderates, and edits only as CRESS staff may
    organisations = _my_organisations(request.user)
    owner = getattr(obj, kind.owner) if obj is not None else None
    if owner and owner not in organisations:
        organisations.append(owner)  # CRESS staff editing another organisation's
    if not organisations:
        # Not a refusal: the page says how to link one's account to one's organisation.
        context = {"what": kind.what} if kind.what else {}
        return render(request, "resources/study_no_organisation.html", context)
    form = kind.form(
        request.POST or None, request.FILES or None, instance=obj, organisations=organisations
    )
    if request.method == "POST" and form.is_valid():
        saved = kind.save(form, request.user)
        if obj is not None:
            message = kind.updated
        else:
            message = kind.created if saved.is_published else kind.pending
        messages.success(request, message)
        return redirect(saved)
    return render(
        request, f"resources/{kind.name}_form.html", {"form": form, kind.name: obj},
        status=400 if form.errors else 200,
    )  # fmt: skip


def _filed_step(request, kind, obj):
    """A workflow step on a study or training. A forged step (no transition, an overlong
    comment) is refused as the workflow refuses an unknown one: the page, with the error."""
    form = StudyDecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise kind.workflow.unknown()
        kind.decide(
            obj, by=request.user, transition=form.cleaned_data["transition"],
            comment=form.cleaned_data["comment"],
        )  # fmt: skip
    except WorkflowError as error:
        context = kind.context(request, obj, error=error.message)
        return render(request, kind.template, context, status=error.status_code)
    messages.success(request, f"« {obj.title} » : {obj.get_status_display().lower()}.")
    return redirect(obj)


def _filed_views(kind):
    """The views that file, edit and moderate one kind: create, edit, step (the URL names
    the object by `pk` or `slug`)."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def create(request):
        return _filed_form(request, kind, None)

    @login_required
    @require_http_methods(["GET", "POST"])
    def edit(request, **lookup):
        return _filed_form(request, kind, _filed_or_404(request, kind, **lookup))

    @login_required
    @require_POST
    def step(request, **lookup):
        return _filed_step(request, kind, _filed_or_404(request, kind, **lookup))

    for view in (create, edit, step):
        view.__name__ = view.__qualname__ = f"{kind.name}_{view.__name__}"
    return create, edit, step


study_create, study_edit, study_step = _filed_views(STUDY)
training_create, training_edit, training_step = _filed_views(TRAINING)


@login_required
@require_GET
def moderation(request):
    if not can_moderate_resources(request.user):
        raise PermissionDenied
    pending = Study.objects.filter(status=PublicationStatus.PENDING).select_related("organisation")
    written = GuideVersion.objects.filter(status=GuideVersionStatus.SUBMITTED).select_related(
        "guide__organisation"
    )
    trainings = Training.objects.filter(status=PublicationStatus.PENDING).select_related(
        "organiser"
    )
    return render(
        request,
        "resources/moderation.html",
        {
            "studies": pending.order_by("created_at"),
            "trainings": trainings.order_by("created_at"),
            "guide_versions": written.order_by("updated_at"),
        },
    )


# --- guides written on the portal by support actors and the CRESS team --------------------


def _guide_organisations(user):
    """In whose name the person may write a guide: their organisations where they are a
    support actor; CRESS staff also for the CRESS team (None)."""
    mine = [o for o in _my_organisations(user) if can_write_guides_for(user, o)]
    return ([None] if is_cress_staff(user) else []) + mine


def _guide_or_404(request, pk):
    """The guide, to its writers and the moderators; to anyone else, no such page."""
    guide = get_object_or_404(AuthoredGuide.objects.select_related("organisation"), pk=pk)
    if not can_follow_guide(request.user, guide):
        raise Http404
    return guide


def _workspace(request, guide, *, error=None, status=200):
    versions = list(
        guide.versions.select_related("created_by", "decided_by").prefetch_related(
            "transitions__actor"
        )
    )
    open_version = next((v for v in versions if v.status in GUIDE_OPEN), None)
    return render(
        request,
        "resources/guide_workspace.html",
        {
            "guide": guide,
            "versions": versions,
            "published": next((v for v in versions if v.pk == guide.published_version_id), None),
            "open_version": open_version,
            "steps": GUIDE_VERSIONS.available(open_version, request.user) if open_version else [],
            "can_edit": can_edit_guide(request.user, guide),
            "error": error,
        },
        status=status,
    )


GUIDE_OPEN = {
    GuideVersionStatus.DRAFT,
    GuideVersionStatus.SUBMITTED,
    GuideVersionStatus.CHANGES_REQUESTED,
}


def _guide_form(request, guide):
    """Write a new guide (guide None) or its next version; « Enregistrer et soumettre »
    sends the version to the CRESS at once."""
    if guide is None:
        organisations = _guide_organisations(request.user)
        if not organisations:
            return render(request, "resources/study_no_organisation.html", {"what": "guide"})
        initial = {}
    else:
        organisations = None
        source = guide.open_version() or guide.published_version or guide.latest_version()
        initial = GuideForm.initial_from(source) if source else {}
    form = GuideForm(
        request.POST or None, initial=initial, organisations=organisations,
        link_choices=services.guide_link_choices(),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        submit = "submit" in request.POST
        try:
            version = services.guide_save(
                author=request.user, title=data["title"], summary=data["summary"],
                body=data["body"], links=form.links(), guide=guide,
                organisation=data.get("organisation"), submit=submit,
            )  # fmt: skip
        except WorkflowError as error:
            return _workspace(request, guide, error=error.message, status=error.status_code)
        if submit:
            message = "Guide soumis à la CRESS : il sera publié après sa relecture."
        else:
            message = "Brouillon enregistré."
        if version.guide.published_version_id:
            message += " La version publiée reste en ligne d'ici là."
        messages.success(request, message)
        return redirect(version.guide.workspace_url())
    return render(
        request, "resources/guide_form.html", {"form": form, "guide": guide},
        status=400 if form.errors else 200,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def guide_create(request):
    return _guide_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def guide_edit(request, pk):
    guide = _guide_or_404(request, pk)
    if not can_edit_guide(request.user, guide):
        raise Http404  # a moderator moderates; CRESS staff may edit any guide
    open_version = guide.open_version()
    if open_version is not None and not open_version.is_editable:
        error = services.GuideLocked(
            "Cette version est soumise à la CRESS : reprenez-la en brouillon pour la modifier."
        )
        return _workspace(request, guide, error=error.message, status=error.status_code)
    return _guide_form(request, guide)


@login_required
@require_GET
def my_guides(request):
    """The guides of the person's organisations (and the CRESS team's, for its staff)."""
    organisations = _guide_organisations(request.user)
    if not organisations:
        return render(request, "resources/study_no_organisation.html", {"what": "guide"})
    ids = [o.pk for o in organisations if o is not None]
    found = Q(organisation_id__in=ids)
    if None in organisations:
        found |= Q(organisation__isnull=True)
    written = (
        AuthoredGuide.objects.filter(found)
        .select_related("organisation", "published_version")
        .prefetch_related("versions")
        .order_by("slug")
    )
    return render(request, "resources/my_guides.html", {"written_guides": written})


@login_required
@require_GET
def guide_workspace(request, pk):
    return _workspace(request, _guide_or_404(request, pk))


@login_required
@require_POST
def guide_step(request, pk):
    """A step on the guide's open version. A forged step (no transition, an overlong
    comment) is refused as the workflow refuses an unknown one: the page, with the error."""
    guide = _guide_or_404(request, pk)
    form = StudyDecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise GUIDE_VERSIONS.unknown()
        version = services.guide_decide(
            guide=guide, by=request.user, transition=form.cleaned_data["transition"],
            comment=form.cleaned_data["comment"],
        )  # fmt: skip
    except WorkflowError as error:
        return _workspace(request, guide, error=error.message, status=error.status_code)
    messages.success(
        request, f"« {version.title} », version {version.number} : "
        f"{version.get_status_display().lower()}."
    )  # fmt: skip
    return redirect(guide.workspace_url())


@login_required
@require_GET
def guide_version(request, pk, number):
    """One version as it reads (the CRESS reads the submitted one here), with its history."""
    guide = _guide_or_404(request, pk)
    version = get_object_or_404(
        guide.versions.select_related("created_by").prefetch_related("links"), number=number
    )
    body, toc = render_markdown_with_toc(version.body)
    return render(
        request, "resources/guide_version.html",
        {"guide": guide, "version": version, "body": body, "toc": toc,
         "related": version.related(),
         "transitions": version.transitions.select_related("actor"),
         "steps": GUIDE_VERSIONS.available(version, request.user)
         if version.status in GUIDE_OPEN else []},
    )  # fmt: skip
