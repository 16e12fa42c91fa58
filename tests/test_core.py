import pytest
from django.core import mail
from django.urls import reverse

from essor.core import report
from essor.core.models import DemoDataset
from essor.core.ratelimit import hit
from essor.core.tasks import send_email
from essor.core.text import fold, render_markdown

from .utils import DB_TASKS, run_queued_tasks

pytestmark = pytest.mark.django_db


def test_home_says_what_the_ess_is_and_quotes_the_report_with_its_source(client):
    page = client.get(reverse("portal:home")).content.decode()
    assert "économie sociale et solidaire" in page
    assert "plus de 220 500 salariés" in page
    assert "22 200 établissements employeurs" in page
    assert "CRESS Limousin" in page
    assert "2016" in page
    assert "Haute-Vienne" in page  # the configured region's départements


def test_the_home_leads_to_the_assistant_and_each_persona_card_to_its_path(client):
    page = client.get(reverse("portal:home")).content.decode()
    orientation = reverse("support:orientation")
    assert f'<a class="button" href="{orientation}">' in page
    for persona in ["creator", "structure", "local_authority"]:
        link = f"{orientation}?pas=0&profil={persona}"
        assert f'href="{link.replace("&", "&amp;")}"' in page
        # The persona is already answered: the assistant asks the next question.
        step = client.get(link).content.decode()
        assert "Étape 2 sur" in step and "Où se trouve votre projet" in step
    assert f'href="{reverse("support:my_offers")}"' in page
    assert f'href="{reverse("purchasing:index")}"' in page


def test_report_quotes_are_the_report_s_own_words():
    seed = report.DATA.parents[4] / "shared" / "seeds"
    text = next(seed.glob("*.txt")).read_text() if seed.exists() else None
    if text is None:
        pytest.skip("the report is not beside this checkout")
    flat = " ".join(text.replace("*", "").split())
    for figure in report.key_figures():
        assert " ".join(figure["quote"].split()) in flat


def test_demo_banner_shows_only_while_demo_content_is_loaded(client):
    assert "Démonstration" not in client.get(reverse("portal:home")).content.decode()
    DemoDataset.objects.create(name="demo")
    assert "Démonstration" in client.get(reverse("portal:home")).content.decode()


def test_the_header_links_only_sections_that_answer(client):
    from django.apps import apps

    from essor.core.sections import SECTIONS, available_sections

    header = available_sections()
    for section in header:
        assert client.get(section["url"]).status_code == 200, section
    shown = {s["label"] for s in header}
    assert {"Annuaire", "Accompagnement", "Observatoire", "Territoires"} <= shown
    # A module not installed yet is left out rather than linked to a 404.
    for label, url_name in SECTIONS:
        if label not in shown:
            assert not apps.is_installed("essor." + url_name.split(":")[0]), label


@pytest.mark.parametrize("name", ["core:legal_notice", "core:privacy", "core:accessibility"])
def test_legal_pages_render(client, name):
    assert client.get(reverse(name)).status_code == 200


def test_global_search_finds_communes_and_epcis_without_accents(client):
    page = client.get(reverse("portal:search"), {"q": "limoges"}).content.decode()
    assert "CU Limoges Métropole" in page
    assert "87000" in page
    empty = client.get(reverse("portal:search"), {"q": "zzzzqqq"}).content.decode()
    assert "Aucun résultat" in empty


def test_pages_carry_security_headers(client):
    response = client.get(reverse("portal:home"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_markdown_is_rendered_and_scripts_are_neutralised():
    html = render_markdown(
        "**gras** <script>alert(1)</script> [lien](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    assert "<strong>gras</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_fold_removes_accents_case_and_hyphens():
    assert (
        fold("Économie  Sociale-et-Solidaire d'Aquitaine")
        == "economie sociale et solidaire d aquitaine"
    )


def test_rate_limit_window_counts_hits():
    assert [hit("k", 2, 60) for _ in range(3)][:2] == [0, 0]
    assert hit("k", 2, 60) > 0


def test_emails_leave_through_the_task_queue(settings):
    send_email.enqueue(subject="Objet", body="Corps", to=["a@exemple.fr"])
    assert mail.outbox[0].subject == "Objet"


def test_the_database_queue_keeps_an_email_until_a_worker_runs_it(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    send_email.enqueue(subject="Plus tard", body="Corps", to=["a@exemple.fr"])
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 1
    assert run_queued_tasks() == 1
    assert [m.subject for m in mail.outbox] == ["Plus tard"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_markdown_excerpts_read_as_plain_text():
    from essor.core.templatetags.essor_text import markdown_text

    assert markdown_text("Structure **fictive** <script>x</script>").strip() == "Structure fictive"


def test_markdown_excerpts_are_the_rendered_text_cut_and_escaped_once():
    from html import unescape

    from django.template import Context, Template
    from django.utils.html import escape, strip_tags
    from django.utils.text import Truncator

    from essor.core.text import render_markdown

    text = "Ateliers **vélo** & réparation : [venez](https://exemple.fr) <b>x</b>\n\n" + "mot " * 80
    shown = Template("{% load essor_text %}{{ t|markdown_text:220 }}").render(Context({"t": text}))
    plain = Truncator(unescape(strip_tags(render_markdown(text)))).chars(220)
    assert shown == escape(plain)
    assert shown.startswith("Ateliers vélo &amp; réparation : venez x")
    assert shown.endswith("…") and len(plain) == 220


def test_a_markdown_excerpt_follows_an_edited_text():
    """Excerpts are kept per process, keyed by the text: an edit is never shown stale."""
    from essor.core.text import markdown_excerpt

    assert markdown_excerpt("Jardins **partagés**", 220) == "Jardins partagés"
    assert markdown_excerpt("Jardins **partagés**", 220) == "Jardins partagés"
    assert markdown_excerpt("Jardins _familiaux_", 220) == "Jardins familiaux"


def test_a_fresh_checkout_gets_its_data_folder_for_the_embedded_database(tmp_path):
    """`make demo` on a new machine: no var/ yet, and SQLite cannot create a folder."""
    import os
    import subprocess
    import sys

    data_dir = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(ESSOR_DATA_DIR=str(data_dir), DEBUG="1", DJANGO_SETTINGS_MODULE="essor.settings")
    subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.db import connection; connection.ensure_connection()"],
        env=env, check=True, timeout=60,
    )  # fmt: skip
    assert (data_dir / "essor.sqlite3").exists()


def test_reverse_one_gives_what_reverse_gives_for_listed_links():
    from django.urls import set_script_prefix

    from essor.core.reversing import reverse_one

    for name, arg in [("territories:commune", "2A004"), ("territories:epci", "200054781"),
                      ("territories:departement", "2B"), ("directory:organisation", 42)]:  # fmt: skip
        assert reverse_one(name, arg) == reverse(name, args=[arg])
    set_script_prefix("/sous-dossier/")
    try:
        assert reverse_one("territories:commune", "87085") == reverse(
            "territories:commune", args=["87085"]
        )
        assert reverse_one("territories:commune", "87085").startswith("/sous-dossier/")
    finally:
        set_script_prefix("/")
