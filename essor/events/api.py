"""Open-data API of the agenda: the published events (JSON and iCal), and — for a signed-in
person only — their own registrations and business meetings.

Only published events are listed; the link of an online event is for its registrants
and is not published."""

import calendar
from datetime import date, datetime
from typing import Annotated, Literal

from django.conf import settings
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from essor.api.endpoints import choices_doc, endpoint, found_or_404, id_param, page_schema
from essor.api.params import (
    DEFAULT_PAGE_SIZE,
    CommuneParam,
    DepartementParam,
    LimitParam,
    OffsetParam,
)
from essor.api.responses import page
from essor.territories.areas import AreaLevel

from . import ical
from .enums import EventKind, RegistrationStatus, Status, Theme
from .filters import apply
from .meetings import LIVE, agenda
from .models import Event

API_PREFIX = "/evenements/"
router = Router(tags=["Agenda"])


class Lieu(Schema):
    en_ligne: bool = Field(description="Événement en ligne (le lien est donné aux inscrits).")
    commune: str | None = Field(description="Code INSEE de la commune.")
    commune_nom: str | None = Field(description="Nom de la commune.")
    departement: str | None = Field(description="Code du département.")
    adresse: str | None = Field(description="Adresse.")
    latitude: float | None = Field(description="Latitude du centre de la commune.")
    longitude: float | None = Field(description="Longitude du centre de la commune.")


class Evenement(Schema):
    id: int = Field(description="Identifiant ESSor de l'événement.")
    titre: str = Field(description="Titre.")
    type: str = Field(description=f"Type : {choices_doc(EventKind.choices)}.")
    type_libelle: str = Field(description="Libellé du type.")
    debut: datetime = Field(description="Début (heure de Paris, ISO 8601).")
    fin: datetime = Field(description="Fin.")
    organisateur: str = Field(description="Structure organisatrice.")
    organisateur_id: int = Field(description="Identifiant ESSor de la structure organisatrice.")
    lieu: Lieu = Field(description="Où.")
    public: str = Field(description="Public visé.")
    themes: list[str] = Field(description=f"Thèmes : {choices_doc(Theme.choices)}.")
    prix: float = Field(description="Prix en euros (0 : gratuit).")
    places: int | None = Field(description="Nombre de places (vide : sans limite).")
    annule: bool = Field(description="L'événement est annulé.")
    demonstration: bool = Field(description="Événement fictif de la démonstration.")
    page: str = Field(description="Adresse de la page de l'événement sur ESSor.")


class EvenementDetaille(Evenement):
    description: str = Field(description="Description, au format Markdown.")


PageEvenements = page_schema(
    "PageEvenements",
    Evenement,
    total="Nombre d'événements qui répondent aux filtres.",
    items="Les événements de la page.",
)


class MonRendezVous(Schema):
    creneau: int = Field(description="Numéro du créneau.")
    debut: datetime = Field(description="Début du créneau.")
    fin: datetime = Field(description="Fin du créneau.")
    table: int = Field(description="Numéro de la table.")
    avec: str = Field(description="Structure rencontrée.")
    confirme: bool = Field(description="Le rendez-vous est confirmé (il ne bougera plus).")


class MonInscription(Schema):
    evenement: Evenement = Field(description="L'événement.")
    etat: str = Field(description="`confirmed` (inscrit) ou `waiting` (liste d'attente).")
    rendez_vous: list[MonRendezVous] = Field(
        description="Mes rendez-vous d'affaires à cet événement."
    )


def event_row(event, *, detailed=False):
    commune = event.commune
    row = {
        "id": event.pk,
        "titre": event.title,
        "type": event.kind,
        "type_libelle": event.get_kind_display(),
        "debut": event.starts_at,
        "fin": event.ends_at,
        "organisateur": event.organiser.display_name,
        "organisateur_id": event.organiser_id,
        "lieu": {
            "en_ligne": commune is None,
            "commune": commune.code if commune else None,
            "commune_nom": commune.name if commune else None,
            "departement": commune.departement_id if commune else None,
            "adresse": event.address or None,
            "latitude": commune.latitude if commune else None,
            "longitude": commune.longitude if commune else None,
        },
        "public": event.get_audience_display(),
        "themes": [t.value for t in event.themes],
        "prix": float(event.price),
        "places": event.capacity,
        "annule": event.status == Status.CANCELLED,
        "demonstration": event.is_demo,
        "page": settings.ESSOR_BASE_URL + event.get_absolute_url(),
    }
    if detailed:
        row["description"] = event.description
    return row


TypeParam = Annotated[
    Literal[tuple(EventKind.values)], Query(None, description="Type d'événement.")
]
ThemeParam = Annotated[Literal[tuple(Theme.values)], Query(None, description="Thème.")]
DATE_PATTERN = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
DuParam = Annotated[
    str,
    Query(
        None,
        pattern=DATE_PATTERN,
        examples=["2026-11-01"],
        description="Événements qui finissent ce jour ou après (AAAA-MM-JJ).",
    ),
]
AuParam = Annotated[
    str,
    Query(
        None,
        pattern=DATE_PATTERN,
        examples=["2026-11-30"],
        description="Événements qui commencent ce jour ou avant (AAAA-MM-JJ).",
    ),
]


def _date(value):
    """A date of the pattern; a day beyond the month's end is its last day (2026-02-31)."""
    if not value:
        return None
    year, month, day = (int(part) for part in value.split("-"))
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


QParam = Annotated[
    str,
    Query(None, max_length=100, description="Mots du titre, de la description, de l'organisateur."),
]


def _events(type, theme, departement, commune, du, au, q):
    """The filters of the agenda page; the territory ones add up (a commune outside the
    département asked for gives nothing), as do the dates (« au » before « du »: nothing)."""
    data = {
        "type": type,
        "theme": theme,
        "du": _date(du),
        "au": _date(au),
        "q": (q or "").replace("\x00", ""),
    }
    events = Event.objects.filter(status__in=[Status.PUBLISHED, Status.CANCELLED]).for_listing()
    if departement:
        events = apply(events, {"territoire": (AreaLevel.DEPARTEMENT, departement.upper())})
    if commune:
        events = apply(events, {"territoire": (AreaLevel.COMMUNE, commune.upper())})
    return apply(events, data).order_by("starts_at", "pk")


@endpoint(
    router,
    "/",
    PageEvenements,
    summary="Lister les événements de l'agenda",
    description="Les événements publiés (et ceux annulés, marqués `annule`), du plus proche au plus lointain.",
    operation_id="lister_evenements",
)
def list_events(
    request,
    type: TypeParam = None,
    theme: ThemeParam = None,
    departement: DepartementParam = None,
    commune: CommuneParam = None,
    du: DuParam = None,
    au: AuParam = None,
    q: QParam = None,
    limit: LimitParam = DEFAULT_PAGE_SIZE,
    offset: OffsetParam = 0,
):
    return page(_events(type, theme, departement, commune, du, au, q), event_row, limit, offset)


ICAL_DOC = {
    "content": {"text/calendar": {"schema": {"type": "string"}, "example": "BEGIN:VCALENDAR…"}}
}


@endpoint(
    router,
    "/agenda.ics",
    str,
    alternate=ICAL_DOC,
    summary="Les événements au format iCalendar",
    description="Les mêmes filtres que la liste, au format iCalendar (RFC 5545), à importer ou à "
    "suivre dans un agenda (au plus 1 000 événements).",
    operation_id="evenements_ical",
)
def events_ical(
    request,
    type: TypeParam = None,
    theme: ThemeParam = None,
    departement: DepartementParam = None,
    commune: CommuneParam = None,
    du: DuParam = None,
    au: AuParam = None,
    q: QParam = None,
):
    events = _events(type, theme, departement, commune, du, au, q)[:1000]
    return HttpResponse(ical.events_calendar(events), content_type=ical.CONTENT_TYPE)


@endpoint(
    router,
    "/mes-inscriptions/",
    list[MonInscription],
    errors=(401,),
    auth=django_auth,
    summary="Mes inscriptions et mes rendez-vous d'affaires",
    description="Pour la personne connectée (session ESSor) : ses inscriptions en cours et, pour "
    "les rendez-vous d'affaires, son agenda (créneau, heure, table, structure rencontrée).",
    operation_id="mes_inscriptions",
)
def my_registrations(request):
    user = request.auth
    rows = []
    registrations = user.event_registrations.filter(
        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
    ).select_related("event", "event__organiser", "event__commune")
    participants = {
        p.meetings.event_id: p
        for p in user.meeting_participations.filter(is_cancelled=False).select_related("meetings")
    }
    for registration in registrations.order_by("event__starts_at"):
        participant = participants.get(registration.event_id)
        meetings = []
        if participant:
            for row in agenda(participant, statuses=LIVE):
                if row["meeting"]:
                    meetings.append(
                        {
                            "creneau": row["number"],
                            "debut": row["start"],
                            "fin": row["end"],
                            "table": row["table"],
                            "avec": row["other"].organisation_name,
                            "confirme": row["meeting"].status == "confirmed",
                        }
                    )
        rows.append(
            {
                "evenement": event_row(registration.event),
                "etat": registration.status,
                "rendez_vous": meetings,
            }
        )
    return rows


@endpoint(
    router,
    "/{id}/",
    EvenementDetaille,
    errors=(404,),
    summary="Un événement",
    description="Un événement publié (ou annulé), avec sa description.",
    operation_id="voir_evenement",
)
def event_detail(request, id: id_param("Identifiant de l'événement.")):
    event = found_or_404(
        Event.objects.filter(pk=id, status__in=[Status.PUBLISHED, Status.CANCELLED]).for_listing(),
        "Aucun événement publié n'a cet identifiant.",
    )
    return event_row(event, detailed=True)
