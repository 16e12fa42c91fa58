"""Follow-up of the actions (/concertation/suivi/): the 2016 report's pistes d'action
loaded as the actions of the « État des lieux 2016 » process, their journal, carriers and
links, the public dashboard and its export, and who may change what."""

import datetime
import html
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from essor.consultation import report
from essor.consultation.enums import ActionStatus, Axis
from essor.consultation.models import ActionLink, ActionUpdate, Process
from essor.consultation.services import ConsultationError, action_record_update, dashboard
from tests.factories.accounts import UserFactory
from tests.factories.consultation import ActionFactory, PhaseFactory, ProcessFactory
from tests.factories.directory import EssOrganisationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

REPORT = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_9478e8e6ea56f56e.txt"
if not REPORT.exists():  # the worktrees sit beside /work/shared
    REPORT = Path("/work/shared/seeds/000_9478e8e6ea56f56e.txt")


def report_lines():
    return REPORT.read_text(encoding="utf-8").splitlines()


def plain(text):
    return re.sub(r"\*+", "", text).strip()


def text(response):
    return html.unescape(response.content.decode())


def process_2016():
    return Process.objects.get(key=report.PROCESS_KEY)


# The 2016 report, loaded


def test_the_2016_process_holds_every_piste_of_the_report():
    lines = report_lines()
    # 37 « Pistes d'action » lists, and three themes of « Coopérer » whose list lost its
    # heading in the text (their pistes follow the example directly).
    assert sum(1 for line in lines if line.strip() == "Pistes d'action") == 37
    actions = list(process_2016().actions.order_by("number"))
    # Counted by hand in the report: Entreprendre 52, Coopérer 44, Innover 40.
    assert len(actions) == 136
    assert [sum(a.axis == axis for a in actions) for axis in Axis.values] == [52, 44, 40]
    assert len({(a.chapter, a.theme) for a in actions}) == 37 + 3
    # Every text is its line of the report, word for word (emphasis markers aside), and
    # every line the report files under « Pistes d'action » is one action.
    for action in actions:
        line = plain(lines[action.source_line - 1])
        assert action.text == line or action.text.startswith(line + " "), action.number


def test_a_sample_of_pistes_is_quoted_exactly_with_its_section():
    actions = {a.text: a for a in process_2016().actions.all()}
    sample = {
        "Mettre en place un dossier unique de demande de financement.": (
            Axis.ENTREPRENDRE,
            "ADAPTER LES OFFRES DE FINANCEMENTS AUX BESOINS DE L'ESS",
            "Simplifier l'accès au financement et la gestion administrative des financements publics",
        ),
        "Mettre en place des organes consultatifs d'habitants (exemple comité de quartier, conseil citoyen).": (
            Axis.COOPERER,
            "COOPÉRATION TERRITORIALE ET INTER-TERRITORIALE",
            "Encourager la coopération citoyenne",
        ),
        "Consulter les acteurs sur l'impact des politiques publiques et des règlements d'intervention, dans un processus d'amélioration permanente.": (
            Axis.COOPERER,
            "COOPÉRATION ENTRE COLLECTIVITÉS ET ESS",
            "Renforcer les liens entre les collectivités et les acteurs de l'ESS du territoire",
        ),
        "Développer une offre de formations courtes (conférence, séminaire...) sur les enjeux économiques. Il ne faut pas hésiter à expérimenter sur des nouvelles formes de formation sur des thématiques spécifiques.": (
            Axis.ENTREPRENDRE,
            "DÉVELOPPER LES COMPÉTENCES TECHNIQUES ET DE GOUVERNANCE",
            "Développer les compétences des dirigeants de l'ESS",
        ),
        "Réaliser une veille des besoins de financement des acteurs de l'ESS.": (
            Axis.INNOVER,
            "ÉQUITÉ ET MAILLAGE TERRITORIAL",
            "Renforcer les modèles économiques",
        ),
    }
    for text, (axis, chapter, theme) in sample.items():
        action = actions[text]
        assert (action.axis, action.chapter, action.theme) == (axis, chapter, theme)
        assert action.source_section == f"{action.get_axis_display()} › {chapter} › {theme}"
        assert action.status == ActionStatus.TO_START and action.progress == 0


def test_the_shipped_file_and_the_extraction_script_agree():
    import importlib.util

    script = Path(__file__).resolve().parents[1] / "scripts" / "extract_report_actions.py"
    spec = importlib.util.spec_from_file_location("extract_report_actions", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped = json.loads(report.DATA.read_text(encoding="utf-8"))["actions"]
    assert module.extract(REPORT.read_text(encoding="utf-8")) == shipped


def test_loading_the_report_twice_changes_nothing_and_keeps_the_follow_up():
    action = process_2016().actions.get(number=1)
    action.status, action.progress = ActionStatus.ONGOING, 40
    action.save()
    assert report.load_report_process() == {"created": 0, "existing": 136}
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.ONGOING, 40)
    assert Process.objects.filter(key=report.PROCESS_KEY).count() == 1


# Journal, progress, carriers and links


def test_a_journal_entry_sets_status_and_progress_and_done_means_100():
    staff = UserFactory(cress_staff=True)
    action = process_2016().actions.get(number=3)
    action_record_update(
        action=action, by=staff, date=datetime.date(2026, 3, 1), text="Convention signée.",
        status=ActionStatus.ONGOING, progress="35",
    )  # fmt: skip
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.ONGOING, 35)
    action_record_update(
        action=action, by=staff, date=datetime.date(2026, 6, 1), text="Fait.",
        status=ActionStatus.DONE, progress=60,
    )  # fmt: skip
    action.refresh_from_db()
    assert action.progress == 100
    assert [u.progress for u in action.updates.all()] == [100, 35]


@pytest.mark.parametrize(
    ("status", "progress", "text", "message"),
    [
        ("finie", 10, "x", "Cet état n'existe pas."),
        (ActionStatus.ONGOING, 101, "x", "entre 0 et 100"),
        (ActionStatus.ONGOING, "beaucoup", "x", "entre 0 et 100"),
        (ActionStatus.ONGOING, 10, "  ", "ce qui a avancé"),
    ],
)
def test_a_bad_journal_entry_is_refused_and_nothing_changes(status, progress, text, message):
    staff = UserFactory(cress_staff=True)
    action = ActionFactory()
    with pytest.raises(ConsultationError) as error:
        action_record_update(
            action=action, by=staff, date=datetime.date(2026, 1, 1), text=text,
            status=status, progress=progress,
        )  # fmt: skip
    assert message in error.value.message
    action.refresh_from_db()
    assert (action.status, action.progress, action.updates.count()) == (ActionStatus.TO_START, 0, 0)


def test_a_member_of_a_carrying_organisation_posts_news_another_organisation_cannot(client):
    carrier = EssOrganisationFactory()
    member = MembershipFactory(organisation=carrier).user
    outsider = MembershipFactory().user
    action = ActionFactory()
    action.carriers.add(carrier)
    url = reverse("consultation:action_update", args=[action.pk])
    data = {
        "date": "2026-04-02",
        "status": ActionStatus.ONGOING,
        "progress": "20",
        "text": "Lancée.",
    }
    client.force_login(outsider)
    assert client.post(url, data).status_code == 403
    assert ActionUpdate.objects.count() == 0
    client.force_login(member)
    assert client.post(url, data).status_code == 302
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.ONGOING, 20)


def test_staff_link_an_observatory_page_and_a_carrier_by_siren(client):
    staff = UserFactory(cress_staff=True)
    organisation = EssOrganisationFactory()
    action = ActionFactory()
    client.force_login(staff)
    response = client.post(
        reverse("consultation:action_carriers", args=[action.pk]), {"reference": organisation.siren}
    )
    assert response.status_code == 302
    assert list(action.carriers.all()) == [organisation]
    response = client.post(
        reverse("consultation:action_links", args=[action.pk]),
        {"url": "https://essor.example.org/observatoire/"},
    )
    assert response.status_code == 302
    assert ActionLink.objects.get(action=action).kind == "indicateur"
    response = client.post(
        reverse("consultation:action_links", args=[action.pk]), {"url": "/nulle-part/"}
    )
    assert response.status_code == 400
    assert "n'est pas celle d'une initiative" in text(response)
    assert ActionLink.objects.count() == 1
    response = client.post(
        reverse("consultation:action_carriers", args=[action.pk]), {"reference": "123"}
    )
    assert response.status_code == 400 and "Structure introuvable" in text(response)


def test_a_published_initiative_is_linked_by_its_address(client):
    from tests.factories.initiatives import InitiativeFactory

    initiative = InitiativeFactory(published=True)
    client.get(reverse("portal:search") + "?q=" + initiative.title.split()[0])  # fills the index
    staff = UserFactory(cress_staff=True)
    action = ActionFactory()
    client.force_login(staff)
    response = client.post(
        reverse("consultation:action_links", args=[action.pk]),
        {"url": "http://testserver" + initiative.get_absolute_url()},
    )
    assert response.status_code == 302
    link = ActionLink.objects.get(action=action)
    assert (link.kind, link.title) == ("initiatives", initiative.title)
    page = text(client.get(action.get_absolute_url()))
    assert initiative.get_absolute_url() in page


# Dashboard and export


def test_the_dashboard_counts_by_axis_chapter_and_territory():
    process = ProcessFactory()
    ActionFactory(
        process=process, axis=Axis.INNOVER, chapter="A", status=ActionStatus.DONE, progress=100
    )
    ActionFactory(
        process=process,
        axis=Axis.INNOVER,
        chapter="A",
        status=ActionStatus.ONGOING,
        progress=50,
        departement_id="87",
    )
    ActionFactory(process=process, axis=Axis.COOPERER, chapter="B")
    board = dashboard(process.actions.all())
    assert board["total"]["total"] == 3 and board["total"]["progress"] == 50
    innover = next(r for r in board["by_axis"] if r["key"] == Axis.INNOVER)
    assert (innover["total"], innover["progress"], innover["statuses"]) == (2, 75, [0, 1, 1, 0])
    assert {r["label"]: r["total"] for r in board["by_territory"]} == {
        "Toute la région": 2,
        "Haute-Vienne": 1,
    }


def test_progress_shows_on_the_public_dashboard_and_in_its_csv(
    client, django_assert_max_num_queries
):
    action = process_2016().actions.get(number=10)
    action_record_update(
        action=action, by=UserFactory(cress_staff=True), date=datetime.date(2026, 2, 1),
        text="En route.", status=ActionStatus.ONGOING, progress=45,
    )  # fmt: skip
    url = reverse("consultation:dashboard")
    with django_assert_max_num_queries(20):
        response = client.get(url, {"concertation": report.SLUG, "etat": ActionStatus.ONGOING})
    page = text(response)
    assert response.status_code == 200
    assert "1 action" in page and action.short_text in page and "45 %" in page
    csv = client.get(url, {"concertation": report.SLUG, "format": "csv"})
    body = b"".join(csv.streaming_content if csv.streaming else [csv.content]).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert len(lines) == 137
    assert "En cours;45;" in next(line for line in lines if line.split(";")[1] == "10")


def test_the_open_api_lists_actions_with_status_and_exact_text(client):
    response = client.get("/api/concertation/actions/", {"concertation": report.SLUG, "limit": 5})
    data = response.json()
    assert data["total"] == 136
    first = data["resultats"][0]
    assert first["texte"] == process_2016().actions.get(number=1).text
    assert first["etat"] == "a_lancer"
    assert client.get("/api/concertation/actions/", {"format": "csv"}).status_code == 200
    assert client.get("/api/concertation/").json()["total"] >= 1


# Who sees and changes what


def test_a_process_in_preparation_exists_only_for_its_team(client):
    process = ProcessFactory(draft=True)
    action = ActionFactory(process=process)
    member = UserFactory()
    process.team.add(member)
    for url in [process.get_absolute_url(), action.get_absolute_url()]:
        assert client.get(url).status_code == 404
        client.force_login(UserFactory(funder=True))
        assert client.get(url).status_code == 404
        client.force_login(member)
        assert client.get(url).status_code == 200
        client.logout()
    assert client.get(f"/api/concertation/actions/{action.pk}/").status_code == 404


ROLES = ["anonymous", "cress", "accompagnement", "financeur", "acheteur", "porteur"]


def _login(client, role):
    if role == "anonymous":
        return None
    traits = {
        "cress": {"cress_staff": True},
        "accompagnement": {"support_actor": True},
        "financeur": {"funder": True},
        "acheteur": {"buyer": True},
        "porteur": {},
    }[role]
    user = UserFactory(**traits)
    if role == "porteur":
        MembershipFactory(user=user)
    client.force_login(user)
    return user


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_public_pages(client, role):
    _login(client, role)
    action = process_2016().actions.get(number=1)
    PhaseFactory(process=process_2016())
    for url in [
        reverse("consultation:index"),
        reverse("consultation:dashboard"),
        process_2016().get_absolute_url(),
        action.get_absolute_url(),
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ROLES)
def test_only_the_cress_team_changes_an_action(client, role):
    _login(client, role)
    action = ActionFactory()
    organisation = EssOrganisationFactory()
    posts = [
        (reverse("consultation:action_update", args=[action.pk]),
         {"date": "2026-01-05", "status": ActionStatus.ONGOING, "progress": "10", "text": "x"}),
        (reverse("consultation:action_links", args=[action.pk]), {"url": "/observatoire/"}),
        (reverse("consultation:action_carriers", args=[action.pk]), {"reference": organisation.siren}),
    ]  # fmt: skip
    for url, data in posts:
        status = client.post(url, data).status_code
        if role == "cress":
            assert status == 302
        elif role == "anonymous":
            assert status == 302  # to the login page
        else:
            assert status == 403
    action.refresh_from_db()
    changed = (action.updates.count(), action.links.count(), action.carriers.count())
    assert changed == ((1, 1, 1) if role == "cress" else (0, 0, 0))


def test_an_unknown_action_or_process_is_a_404(client):
    client.force_login(UserFactory(cress_staff=True))
    assert client.get(reverse("consultation:action", args=[999999])).status_code == 404
    assert client.post(reverse("consultation:action_update", args=[999999]), {}).status_code == 404
    assert client.get(reverse("consultation:process", args=["nulle-part"])).status_code == 404


def test_the_current_phase_is_highlighted(client):
    process = ProcessFactory()
    today = datetime.date.today()
    PhaseFactory(
        process=process,
        title="Passée",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today - datetime.timedelta(days=20),
    )
    PhaseFactory(
        process=process,
        title="Celle-ci",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=1),
    )
    page = client.get(process.get_absolute_url()).content.decode()
    current = re.search(
        r'<li class="phase phase-current" aria-current="step">\s*<strong>([^<]+)</strong>', page
    )
    assert current and current.group(1) == "Celle-ci"
