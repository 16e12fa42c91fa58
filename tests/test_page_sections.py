"""The registry through which apps add sections to organisation and territory pages."""

import pytest
from django.template import Context, Engine, Template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from essor.core import page_sections as registry
from essor.territories.models import Commune, Departement, Epci
from tests.factories.directory import EssOrganisationFactory

pytestmark = pytest.mark.django_db


def render(slot, subject, **context):
    template = Template("{% load page_sections %}{% page_sections slot subject %}")
    return template.render(Context({"slot": slot, "subject": subject, **context}))


def test_sections_are_rendered_in_their_order_and_only_with_content(page_sections):
    organisation = EssOrganisationFactory(name="Régie de quartier")
    seen = []

    def second(request, org):
        seen.append(org)
        return {"name": org.name}

    page_sections.register(
        page_sections.ORGANISATION,
        order=20,
        template=lambda values: format_html("<p>deux : {}</p>", values["name"]),
        context=second,
    )
    page_sections.register(
        page_sections.ORGANISATION,
        order=10,
        template=lambda values: mark_safe("<p>un</p>"),  # noqa: S308
        context=lambda request, org: {"any": True},
    )
    page_sections.register(
        page_sections.ORGANISATION,
        order=5,
        template=lambda values: "<p>rien</p>",
        context=lambda request, org: None,
    )
    html = render("organisation", organisation)
    assert html == "<p>un</p><p>deux : Régie de quartier</p>"
    assert seen == [organisation]
    assert render("territory", organisation) == ""


def test_a_callables_html_is_escaped_unless_marked_safe(page_sections):
    page_sections.register(
        page_sections.TERRITORY,
        order=1,
        template=lambda values: "<script>x</script>",
        context=lambda request, territory: {"x": 1},
    )
    assert render("territory", None) == "&lt;script&gt;x&lt;/script&gt;"


def test_a_template_section_sees_its_context_and_the_pages(page_sections):
    engine = Engine(
        loaders=[
            ("django.template.loaders.locmem.Loader", {"f.html": "<p>{{ n }} pour {{ title }}</p>"})
        ],
        libraries={"page_sections": "essor.core.templatetags.page_sections"},
    )
    page_sections.register(
        page_sections.TERRITORY,
        order=1,
        template="f.html",
        context=lambda request, territory: {"n": 3},
    )
    page = engine.from_string('{% load page_sections %}{% page_sections "territory" None %}')
    assert page.render(Context({"title": "Creuse"})) == "<p>3 pour Creuse</p>"


def test_registering_the_same_context_function_again_replaces_it(page_sections):
    def context(request, subject):
        return {"x": 1}

    page_sections.register(page_sections.TERRITORY, order=1, template="a.html", context=context)
    page_sections.register(page_sections.TERRITORY, order=2, template="b.html", context=context)
    assert [s.template for s in page_sections.sections(page_sections.TERRITORY)] == ["b.html"]


def test_an_unknown_slot_is_refused():
    with pytest.raises(ValueError, match="Unknown page slot"):
        registry.register("fiche", order=1, template="a.html", context=lambda r, s: None)


def test_the_apps_fill_the_organisation_and_territory_slots():
    def owners(slot):
        return [s.context.__module__ for s in registry.sections(slot)]

    assert owners(registry.ORGANISATION) == [
        "essor.support.sections",
        "essor.initiatives.sections",
        "essor.purchasing.sections",
        "essor.cooperation.sections",
        "essor.resources.sections",
        "essor.events.sections",
    ]
    assert owners(registry.TERRITORY) == [
        "essor.initiatives.sections",
        "essor.support.sections",
        "essor.cooperation.sections",
        "essor.events.sections",
    ]


@pytest.mark.parametrize(
    ("url_name", "subject"),
    [
        ("territories:departement", lambda: Departement.objects.get(code="23")),
        ("territories:epci", lambda: Epci.objects.filter(communes__departement_id="23").first()),
        ("territories:commune", lambda: Commune.objects.get(code="23096")),
    ],
)
def test_territory_pages_show_the_territory_slot(client, page_sections, url_name, subject):
    territory = subject()
    subjects = []
    page_sections.register(
        page_sections.TERRITORY,
        order=1,
        template=lambda values: format_html("<p>Section de {}</p>", values["name"]),
        context=lambda request, t: subjects.append(t) or {"name": t.name},
    )
    html = client.get(reverse(url_name, args=[territory.code])).content.decode()
    assert f"<p>Section de {escape(territory.name)}</p>" in html
    assert subjects == [territory]
