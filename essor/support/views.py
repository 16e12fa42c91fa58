from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from essor.cooperation import services as cooperation
from essor.core.csv import csv_response
from essor.core.ratelimit import ratelimit
from essor.core.workflow import WorkflowError, held_changes_rows
from essor.directory.enums import Phase
from essor.directory.models import Organisation
from essor.events import services as agenda
from essor.territories.areas import Place
from essor.territories.forms import place_label

from . import coverage as coverage_domain
from . import parcours as parcours_domain
from . import services
from .enums import HelpKind, OfferStatus, Persona, SupportRequestStatus
from .forms import (
    CoverageFilterForm,
    CriteriaForm,
    FreeTextForm,
    OfferForm,
    RejectOfferForm,
    RequestForm,
    RequestStatusForm,
    regional_departements,
)
from .lexicon import interpret
from .matching import Criteria, orient, published_offers
from .models import Parcours, SupportOffer, SupportRequest
from .perms import (
    can_edit_offer,
    can_follow_request,
    can_handle_request,
    can_manage_support_offers,
    can_moderate_offers,
    can_see_coverage,
    can_see_offer,
)
from .related import related_for
from .tasks import make_parcours_pdf

CRITERIA_FIELDS = [
    "profil", "commune", "epci", "departement", "etape", "projet", "forme", "besoins", "secteur",
]  # fmt: skip


def criteria_query(criteria, **extra):
    params = criteria.to_params()
    params.update(extra)
    return urlencode(params, doseq=True)


@require_GET
def index(request):
    return render(
        request,
        "support/index.html",
        {
            "free_text_form": FreeTextForm(),
            "offer_count": SupportOffer.objects.published().count(),
            "provider_count": SupportOffer.objects.published()
            .values("provider_id")
            .distinct()
            .count(),
            "can_moderate": can_moderate_offers(request.user),
            "can_see_coverage": can_see_coverage(request.user),
        },
    )


# --- The orientation assistant -----------------------------------------------------------


class OrientationWizard(View):
    """« Vers qui me tourner ? », one question at a time.

    Stateless on purpose: the answers so far travel as hidden fields, so each step is a
    plain GET that works without JavaScript, survives the browser's back button and can
    be bookmarked; htmx only swaps the step in place (hx-select) and pushes the URL."""

    steps = [
        # (key, title, fields, required fields)
        ("profil", "Qui êtes-vous ?", ["profil"], ["profil"]),
        ("ou", "Où se trouve votre projet ?", ["commune"], ["commune"]),
        ("etape", "Où en êtes-vous ?", ["etape"], ["etape"]),
        ("projet", "Un projet individuel ou collectif ?", ["projet"], ["projet"]),
        ("forme", "Quelle forme juridique ?", ["forme"], []),
        ("besoins", "De quoi avez-vous besoin ?", ["besoins"], []),
        ("secteur", "Dans quel secteur ?", ["secteur"], []),
    ]
    template_name = "support/orientation.html"
    # The questions that do not concern a persona: a buyer has no project phase, a local
    # authority no legal form to choose, only a creator says alone or together.
    skipped = {
        "etape": {Persona.BUYER, Persona.LOCAL_AUTHORITY},
        "projet": {
            Persona.STRUCTURE,
            Persona.VOLUNTEER,
            Persona.BUYER,
            Persona.LOCAL_AUTHORITY,
            Persona.COMPANY,
        },
        "forme": {Persona.BUYER, Persona.LOCAL_AUTHORITY, Persona.COMPANY},
    }

    def active(self, carried):
        """The indexes of the steps this person answers."""
        persona = (carried.get("profil") or [""])[0]
        return [
            i for i, step in enumerate(self.steps) if persona not in self.skipped.get(step[0], ())
        ]

    def form_for(self, index, data=None):
        _, _, fields, required = self.steps[index]
        return CriteriaForm(data, only=fields, require=required, prefix=None)

    def get(self, request):
        data = request.GET
        try:
            index = int(data.get("pas", ""))
        except ValueError:
            index = None
        carried = {name: data.getlist(name) for name in CRITERIA_FIELDS if data.getlist(name)}
        if index is None or not 0 <= index < len(self.steps):
            return self.render_step(request, 0, carried)
        if data.get("aller") == "precedent":
            before = [i for i in self.active(carried) if i < index]
            return self.render_step(request, before[-1] if before else 0, carried)
        form = self.form_for(index, data)
        if not form.is_valid():
            return self.render_step(request, index, carried, form=form, status=400)
        if "commune" in form.cleaned_data and form.cleaned_data["commune"] is not None:
            # Carry the place by its unambiguous label once it is known for sure.
            carried["commune"] = [place_label(form.cleaned_data["commune"])]
        after = [i for i in self.active(carried) if i > index]
        if not after:
            url = reverse("support:results") + "?" + urlencode(carried, doseq=True)
            if request.htmx:
                return HttpResponseClientRedirect(url)
            return redirect(url)
        return self.render_step(request, after[0], carried)

    def render_step(self, request, index, carried, form=None, status=200):
        key, title, fields, _ = self.steps[index]
        active = self.active(carried)
        if form is None:
            initial = {
                name: (values if name == "besoins" else values[0])
                for name, values in carried.items()
            }
            form = CriteriaForm(initial=initial, only=fields, require=self.steps[index][3])
        hidden = [
            (name, value)
            for name, values in carried.items()
            if name not in fields
            for value in values
        ]
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "step_key": key,
                "step_title": title,
                "index": index,
                "number": active.index(index) + 1 if index in active else index + 1,
                "total": len(active),
                "is_last": index == active[-1],
                "steps": [
                    (n, self.steps[i][1], i == index, i < index) for n, i in enumerate(active, 1)
                ],
                "hidden": hidden,
                "legal_forms_url": parcours_domain.legal_forms_url() if key == "forme" else "",
                "free_text_form": FreeTextForm() if index == 0 else None,
            },
            status=status,
        )


@require_GET
def understand(request):
    """The free-text entry: read the sentence, then show the results for what was
    understood, or ask for what is missing."""
    form = FreeTextForm(request.GET or None)
    if not form.is_valid():
        return render(request, "support/understand.html", {"text_form": form}, status=400)
    text = form.cleaned_data["texte"]
    understanding = interpret(text)
    criteria = understanding.criteria
    if criteria.place:
        return redirect(
            reverse("support:results") + "?" + criteria_query(criteria, texte=text[:500])
        )
    correction = CriteriaForm(initial=_initial(criteria))
    return render(
        request,
        "support/understand.html",
        {"text_form": form, "understanding": understanding, "form": correction},
    )


def _initial(criteria):
    return criteria.to_params()


@require_GET
def results(request):
    form = CriteriaForm(request.GET)
    text = request.GET.get("texte", "")[:500]
    understanding = interpret(text) if text else None
    if not form.is_valid():
        return render(
            request,
            "support/results.html",
            {"form": form, "understanding": understanding, "result": None, "show_form": True},
            status=400,
        )
    criteria = form.to_criteria(text=text)
    result = orient(criteria)
    return render(
        request,
        "support/results.html",
        {
            "form": form,
            "criteria": criteria,
            "understanding": understanding,
            "corrections": corrections(criteria, text),
            "result": result,
            "related": related_for(criteria),
            "query": criteria_query(criteria),
            "hidden_criteria": list(_hidden_pairs(criteria)),
            "legal_forms_url": parcours_domain.legal_forms_url(),
            "financing_url": parcours_domain.financing_url(),
            "wizard_url": reverse("support:orientation") + "?" + criteria_query(criteria),
            "upcoming_events": agenda.upcoming_for(result.place, needs=criteria.effective_needs),
            "nearby_places": cooperation.nearby_places(result.place),
            # The one-page form, to correct a free text or on request: rendering its
            # options costs a third of the page, most people never open it.
            "show_form": bool(understanding) or "modifier" in request.GET,
        },
    )


def corrections(criteria, text=""):
    """{question: [(answer, url)]}: each other answer to « Vous êtes » and « Étape », one
    click away, the rest of the situation kept."""

    def link(**change):
        params = {**criteria.to_params(), **change}
        if text:
            params["texte"] = text
        return (
            reverse("support:results")
            + "?"
            + urlencode({k: v for k, v in params.items() if v}, doseq=True)
        )

    personas = [
        (label, link(profil=value)) for value, label in Persona.choices
        if value != criteria.persona
    ]  # fmt: skip
    phases = [
        (label, link(etape=value)) for value, label in Phase.choices
        if value != criteria.effective_phase
    ]  # fmt: skip
    return {"Vous êtes": personas, "Étape": phases if criteria.effective_phase else []}


def _hidden_pairs(criteria):
    for name, value in criteria.to_params().items():
        for item in value if isinstance(value, list) else [value]:
            yield name, item


# --- Parcours du créateur ----------------------------------------------------------------


@require_POST
@ratelimit("support-parcours", 20, 3600)
def parcours_create(request):
    form = CriteriaForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "support/results.html",
            {"form": form, "understanding": None, "result": None, "show_form": True},
            status=400,
        )
    criteria = form.to_criteria()
    parcours = Parcours.objects.create(
        criteria=criteria.to_params(),
        place_label=criteria.place.label,
        owner=request.user if request.user.is_authenticated else None,
    )
    make_parcours_pdf.enqueue(parcours.pk)
    messages.success(
        request,
        "Votre parcours est enregistré. Gardez bien l'adresse de cette page : c'est votre lien "
        "personnel, sans lui personne (pas même vous) ne peut retrouver ce parcours.",
    )
    return redirect(parcours)


def _private(response):
    # The link is the secret: keep it out of search engines and shared caches.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def parcours(request, token):
    parcours = get_object_or_404(Parcours, token=token)
    criteria = Criteria.from_params(parcours.criteria)
    context = parcours_domain.context(parcours, criteria)
    context["query"] = criteria_query(criteria)
    return _private(render(request, "support/parcours.html", context))


@require_GET
def parcours_pdf(request, token):
    parcours = get_object_or_404(Parcours, token=token)
    if not parcours.is_ready:
        # The page says « en préparation » and shows the link when it is there.
        return redirect(parcours)
    response = HttpResponse(bytes(parcours.pdf), content_type="application/pdf")
    filename = f"parcours-du-createur-{parcours.created_at:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


# --- Offers ------------------------------------------------------------------------------


@require_GET
def offers(request):
    """The catalogue of published offers, filtered by département, phase and kind."""
    filters = CoverageFilterForm(request.GET or None)
    departement = regional_departements().filter(code=request.GET.get("departement")).first()
    queryset = published_offers().order_by("provider__name", "title")
    if departement:
        queryset = queryset.covering(Place(departement=departement))
    phase = kind = ""
    if filters.is_valid():
        phase, kind = filters.cleaned_data["etape"], filters.cleaned_data["aide"]
    # Phases and kinds are JSON lists: filtered here, on a region's few hundred offers.
    items = [
        o
        for o in queryset
        if (not phase or not o.phases or phase in o.phases) and (not kind or kind in o.help_kinds)
    ]
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "support/offers.html",
        {
            "page": page,
            "filters": filters,
            "departements": regional_departements(),
            "departement": departement,
            "params": params.urlencode(),
        },
    )


@require_GET
def offer(request, pk):
    offer = get_object_or_404(SupportOffer.objects.select_related("provider"), pk=pk)
    if not can_see_offer(request.user, offer):
        raise Http404
    return render(
        request,
        "support/offer.html",
        {
            "offer": offer,
            "areas": offer.areas.all(),
            "can_edit": can_edit_offer(request.user, offer),
            "can_moderate": can_moderate_offers(request.user),
            "events": offer.transitions.select_related("actor")
            if can_edit_offer(request.user, offer)
            else [],
        },
    )


def _manageable_organisations(user):
    organisations = Organisation.objects.filter(memberships__user=user).distinct()
    return [o for o in organisations if can_manage_support_offers(user, o)]


@login_required
@require_GET
def my_offers(request):
    organisations = _manageable_organisations(request.user)
    offers = (
        SupportOffer.objects.filter(provider__in=organisations)
        .select_related("provider")
        .order_by("provider__name", "title")
    )
    return render(
        request,
        "support/my_offers.html",
        {"organisations": organisations, "offers": offers},
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request, organisation_pk):
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    if not can_manage_support_offers(request.user, organisation):
        raise PermissionDenied
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        offer = form.save(commit=False)
        offer.provider = organisation
        services.offer_save(offer=offer, author=request.user, areas=form.areas())
        messages.success(
            request,
            "Offre publiée."
            if offer.is_published
            else "Offre enregistrée : elle sera publiée après relecture par la CRESS.",
        )
        return redirect(offer)
    return render(
        request,
        "support/offer_form.html",
        {"form": form, "organisation": organisation, "offer": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request, pk):
    offer = get_object_or_404(SupportOffer.objects.select_related("provider"), pk=pk)
    if not can_edit_offer(request.user, offer):
        raise Http404
    form = OfferForm(request.POST or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        offer = services.offer_save(
            offer=form.save(commit=False), author=request.user, areas=form.areas()
        )
        if offer.held_changes:
            messages.success(
                request,
                "Offre mise à jour. Les nouveaux liens et coordonnées seront publiés après "
                "relecture par l'équipe de la CRESS ; d'ici là, l'offre garde les anciens.",
            )
        else:
            messages.success(request, "Offre mise à jour.")
        return redirect(offer)
    return render(
        request,
        "support/offer_form.html",
        {"form": form, "organisation": offer.provider, "offer": offer},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def offer_archive(request, pk):
    offer = get_object_or_404(SupportOffer, pk=pk)
    if not can_edit_offer(request.user, offer):
        raise Http404
    try:
        services.offer_archive(offer=offer, author=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Offre archivée : elle n'apparaît plus dans les résultats.")
    return redirect("support:my_offers")


@login_required
@require_GET
def moderation(request):
    if not can_moderate_offers(request.user):
        raise PermissionDenied
    pending = (
        SupportOffer.objects.filter(status=OfferStatus.PENDING)
        .select_related("provider")
        .order_by("created_at")
    )
    held = (
        SupportOffer.objects.filter(status=OfferStatus.PUBLISHED)
        .exclude(held_changes={})
        .select_related("provider")
        .order_by("updated_at")
    )
    return render(
        request,
        "support/moderation.html",
        {"pending": pending, "held": [(offer, held_changes_rows(offer)) for offer in held]},
    )


def _moderation_step(request, step, done):
    """Take a moderation step and say how it went; back to the queue."""
    try:
        step()
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("support:moderation")


def _moderated_offer(request, pk):
    if not can_moderate_offers(request.user):
        raise PermissionDenied
    return get_object_or_404(SupportOffer.objects.select_related("provider"), pk=pk)


def _refusal(request, offer, step, done, template, **context):
    """A refusal needs its reason: the form, then the step."""
    form = RejectOfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        return _moderation_step(request, lambda: step(reason), done)
    return render(
        request,
        template,
        {"form": form, "offer": offer, **context},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def offer_publish(request, pk):
    offer = _moderated_offer(request, pk)
    return _moderation_step(
        request,
        lambda: services.offer_publish(offer=offer, moderator=request.user),
        f"« {offer.title} » est publiée.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_reject(request, pk):
    offer = _moderated_offer(request, pk)
    return _refusal(
        request,
        offer,
        lambda reason: services.offer_reject(offer=offer, moderator=request.user, reason=reason),
        f"« {offer.title} » est refusée ; la structure est prévenue.",
        "support/offer_reject.html",
    )


@login_required
@require_POST
def offer_accept_changes(request, pk):
    offer = _moderated_offer(request, pk)
    return _moderation_step(
        request,
        lambda: services.offer_accept_changes(offer=offer, moderator=request.user),
        f"Les modifications de « {offer.title} » sont publiées.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_refuse_changes(request, pk):
    offer = _moderated_offer(request, pk)
    return _refusal(
        request,
        offer,
        lambda reason: services.offer_refuse_changes(
            offer=offer, moderator=request.user, reason=reason
        ),
        f"Les modifications de « {offer.title} » sont refusées.",
        "support/offer_refuse_changes.html",
        rows=held_changes_rows(offer),
    )


# --- Requests ----------------------------------------------------------------------------


def _chosen_offers(data):
    ids = []
    for value in data.getlist("offre")[:20]:
        if value.isdigit():
            ids.append(int(value))
    return [o for o in published_offers().filter(pk__in=ids) if o.can_receive_requests()]


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit("support-request", 10, 3600)
def request_new(request):
    data = request.POST if request.method == "POST" else request.GET
    offers = _chosen_offers(data)
    situation = CriteriaForm(data)
    criteria = situation.to_criteria() if situation.is_valid() else Criteria()
    providers = list({o.provider_id: o.provider for o in offers}.values())
    form = RequestForm(
        request.POST or None,
        providers=providers,
        initial={
            "contact_name": request.user.get_full_name(),
            "contact_email": request.user.email,
        },
    )
    status = 200
    if not form.is_bound:
        # add_error() needs cleaned_data, which only a bound form has: a GET is unbound.
        form.cleaned_data = {}
    if not offers:
        form.add_error(
            None,
            "Choisissez au moins un acteur qui reçoit les demandes (case « Écrire à cet acteur » "
            "dans les résultats).",
        )
        status = 400
    elif len(providers) > services.MAX_ACTORS_PER_REQUEST:
        form.add_error(
            None,
            f"Vous pouvez écrire à {services.MAX_ACTORS_PER_REQUEST} acteurs au plus à la fois.",
        )
        status = 400
    elif request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            services.request_send(
                requester=request.user,
                offers=offers,
                criteria=criteria,
                message=data["message"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
                consent_text=form.consent_text,
            )
            messages.success(
                request,
                f"Votre demande est envoyée à {len(providers)} acteur(s). Vous suivez ici leurs "
                "réponses ; vous serez aussi prévenu par e-mail.",
            )
            return redirect("support:my_requests")
        status = 400
    return render(
        request,
        "support/request_form.html",
        {
            "form": form,
            "offers": offers,
            "providers": providers,
            "criteria": criteria,
            "situation": criteria.describe() if criteria.place else [],
            "hidden_criteria": list(_hidden_pairs(criteria)),
        },
        status=status,
    )


@login_required
@require_GET
def my_requests(request):
    sent = (
        SupportRequest.objects.sent_by(request.user)
        .select_related("provider", "redirected_to")
        .order_by("-created_at")
    )
    return render(request, "support/my_requests.html", {"requests": sent})


@login_required
@require_GET
def my_request(request, pk):
    support_request = get_object_or_404(
        SupportRequest.objects.sent_by(request.user).select_related("provider", "redirected_to"),
        pk=pk,
    )
    if not can_follow_request(request.user, support_request):
        raise Http404
    return render(
        request,
        "support/my_request.html",
        {
            "support_request": support_request,
            "events": support_request.transitions.all(),
            "offers": support_request.offers.all(),
        },
    )


@login_required
@require_GET
def inbox(request):
    received = (
        SupportRequest.objects.addressed_to_member(request.user)
        .select_related("provider", "redirected_to")
        .order_by("-created_at")
    )
    status = request.GET.get("etat", "")
    if status in SupportRequestStatus.values:
        received = received.filter(status=status)
    return render(
        request,
        "support/inbox.html",
        {
            "requests": received,
            "status": status,
            "statuses": SupportRequestStatus.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inbox_detail(request, pk):
    # Looked up among the requests addressed to the user's organisations only: any other
    # request is "not found", whether it exists or not.
    support_request = get_object_or_404(
        SupportRequest.objects.addressed_to_member(request.user).select_related(
            "provider", "requester", "redirected_to"
        ),
        pk=pk,
    )
    if not can_handle_request(request.user, support_request):
        raise Http404
    form = RequestStatusForm(request.POST or None, support_request=support_request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.request_move(
                support_request=support_request,
                actor=request.user,
                status=data["status"],
                note=data["note"],
                redirected_to=data["redirected_to"],
                redirected_to_text=data["redirected_to_text"],
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "La demande est mise à jour ; la personne est prévenue.")
            return redirect("support:inbox_detail", pk=support_request.pk)
    return render(
        request,
        "support/inbox_detail.html",
        {
            "support_request": support_request,
            "form": form,
            "events": support_request.transitions.select_related("actor"),
            "offers": support_request.offers.all(),
        },
        status=400 if form.errors else 200,
    )


# --- Coverage ----------------------------------------------------------------------------


def _coverage_rows(request):
    if not can_see_coverage(request.user):
        raise PermissionDenied
    filters = CoverageFilterForm(request.GET or None)
    phase = kind = ""
    if filters.is_valid():
        phase, kind = filters.cleaned_data["etape"], filters.cleaned_data["aide"]
    return filters, phase, kind, coverage_domain.coverage()


@login_required
@require_GET
def coverage(request):
    filters, phase, kind, rows = _coverage_rows(request)
    zones = coverage_domain.white_zones(rows, phase, kind)
    return render(
        request,
        "support/coverage.html",
        {
            "filters": filters,
            "phase_label": Phase(phase).label if phase else "",
            "kind_label": HelpKind(kind).label if kind else "",
            "phase": phase,
            "kind": kind,
            "zones": [(row, row.count(phase, kind)) for row in zones],
            "map": coverage_domain.svg_map(rows, phase, kind),
            "legend": [(level, style[1]) for level, style in coverage_domain.LEVEL_STYLE.items()],
            "epci_count": len(rows),
            "uncovered_count": sum(1 for row in rows if row.count(phase, kind) == 0),
            "no_entry_point": [row for row in rows if not row.has_entry_point],
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def coverage_csv(request):
    _, _, _, rows = _coverage_rows(request)
    phases = dict(Phase.choices)
    kinds = dict(HelpKind.choices)
    lines = (
        [
            row.code,
            row.name,
            " ".join(row.departements),
            row.population,
            phases[phase],
            kinds[kind],
            row.counts.get((phase, kind), 0),
        ]
        for row in sorted(rows, key=lambda r: r.name)
        for phase in Phase.values
        for kind in HelpKind.values
    )
    return csv_response(
        ["epci_siren", "epci", "departements", "population", "etape", "type_aide", "offres"],
        lines,
        f"couverture-accompagnement-{timezone.localdate():%Y-%m-%d}.csv",
    )
