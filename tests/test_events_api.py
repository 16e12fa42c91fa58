"""The agenda's open-data API: public events in JSON and iCal, one's own agenda when signed in."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from essor.events import services
from essor.events.enums import EventKind, Theme
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory, business_meetings, participant
from tests.factories.territories import GUERET, commune

pytestmark = pytest.mark.django_db


def test_public_events_in_json_with_filters(client):
    EventFactory(title="Forum Limoges", kind=EventKind.FAIR, themes=[Theme.EMPLOYMENT])
    EventFactory(title="Atelier Guéret", commune=commune(GUERET))
    EventFactory(title="En attente", pending=True)
    online = EventFactory(
        title="Webinaire", online=True, online_url="https://visio.example.org/secret"
    )
    data = client.get("/api/evenements/").json()
    assert data["total"] == 3
    titles = {row["titre"] for row in data["resultats"]}
    assert titles == {"Forum Limoges", "Atelier Guéret", "Webinaire"}
    assert "secret" not in str(data)
    assert (
        client.get("/api/evenements/", {"departement": "23"}).json()["resultats"][0]["titre"]
        == "Atelier Guéret"
    )
    assert client.get("/api/evenements/", {"type": "salon"}).json()["total"] == 1
    assert client.get("/api/evenements/", {"theme": "emploi"}).json()["total"] == 1
    detail = client.get(f"/api/evenements/{online.pk}/").json()
    assert detail["lieu"]["en_ligne"] is True and "secret" not in str(detail)
    assert (
        client.get("/api/evenements/", {"du": "2030-01-02", "au": "2030-01-01"}).json()["total"]
        == 0
    )
    assert client.get("/api/evenements/", {"du": "pas une date"}).status_code == 400
    assert client.get("/api/evenements/999999/").status_code == 404


def test_public_events_in_ical(client):
    EventFactory(title="Salon de l'ESS", kind=EventKind.FAIR)
    EventFactory(title="Atelier", kind=EventKind.WORKSHOP)
    response = client.get("/api/evenements/agenda.ics", {"type": "salon"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    (entry,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(entry["summary"]) == "Salon de l'ESS"


def test_own_registrations_and_meetings_need_a_session(client):
    assert client.get("/api/evenements/mes-inscriptions/").status_code == 401
    event = EventFactory(title="Atelier", starts_at=timezone.now() + timedelta(days=3))
    user = UserFactory()
    services.register(event, user)
    meetings = business_meetings()
    me = participant(meetings, user=user, name="Ma régie")
    other = participant(meetings, name="Ville")
    from essor.events.models import Meeting

    Meeting.objects.create(
        meetings=meetings,
        first=min(me, other, key=lambda p: p.pk),
        second=max(me, other, key=lambda p: p.pk),
        slot=1,
        table=0,
    )
    client.force_login(user)
    rows = client.get("/api/evenements/mes-inscriptions/").json()
    assert {row["evenement"]["titre"] for row in rows} == {"Atelier", meetings.event.title}
    (espresso,) = [row for row in rows if row["rendez_vous"]]
    assert espresso["rendez_vous"][0] | {"debut": None, "fin": None} == {
        "creneau": 2, "debut": None, "fin": None, "table": 1, "avec": "Ville", "confirme": False
    }  # fmt: skip
