import gzip
import json

import pytest
from django import forms
from django.urls import reverse

from essor.core.text import fold
from essor.territories.enums import CoordinatePrecision
from essor.territories.forms import CommuneField, resolve_commune
from essor.territories.loader import DEFAULT_EXTRACT, load_territories, place_communes
from essor.territories.models import Commune, Departement, Epci, Region

pytestmark = pytest.mark.django_db


def test_limoges_resolves_to_haute_vienne_nouvelle_aquitaine_and_its_epci():
    limoges = Commune.objects.select_related("departement__region", "epci").get(code="87085")
    assert limoges.name == "Limoges"
    assert limoges.departement.name == "Haute-Vienne"
    assert limoges.departement.region.name == "Nouvelle-Aquitaine"
    assert limoges.epci.code == "248719312"
    assert limoges.epci.name == "CU Limoges Métropole"
    assert limoges.epci.kind == "CU"
    assert "87000" in limoges.postal_codes


def test_loading_the_shipped_extract_loads_every_row_and_a_second_run_changes_nothing():
    with gzip.open(DEFAULT_EXTRACT, "rt", encoding="utf-8") as f:
        extract = json.load(f)

    first = load_territories(DEFAULT_EXTRACT)
    assert Region.objects.count() == len(extract["regions"])
    assert Departement.objects.count() == len(extract["departements"])
    assert Epci.objects.count() == len(extract["epcis"])
    assert Commune.objects.count() == len(extract["communes"])
    assert first.changed()

    snapshot = list(Commune.objects.order_by("code").values_list())
    second = load_territories(DEFAULT_EXTRACT)
    assert not second.changed()
    assert second.unchanged["communes"] == len(extract["communes"])
    assert list(Commune.objects.order_by("code").values_list()) == snapshot


def test_an_unlocated_commune_takes_the_centre_of_its_epci_flagged_approximate():
    communes = [
        {"code": "1", "lat": 45.0, "lon": 1.0, "epci": "E"},
        {"code": "2", "lat": 47.0, "lon": 3.0, "epci": "E"},
        {"code": "3", "lat": None, "lon": None, "epci": "E"},
        {"code": "4", "lat": None, "lon": None, "epci": None},
    ]
    placed = place_communes(communes, lambda row: row["epci"])
    assert placed["1"] == (45.0, 1.0, CoordinatePrecision.COMMUNE_CENTRE)
    assert placed["3"] == (46.0, 2.0, CoordinatePrecision.APPROXIMATE)
    assert placed["4"] == (None, None, CoordinatePrecision.UNKNOWN)


def test_loaded_communes_without_a_source_point_are_approximate_not_missing():
    approximate = Commune.objects.filter(coordinate_precision=CoordinatePrecision.APPROXIMATE)
    assert approximate.exists()
    assert not approximate.filter(latitude__isnull=True).exists()


def test_paris_arrondissements_hang_on_paris():
    arrondissement = Commune.objects.get(code="75108")
    assert arrondissement.parent_id == "75056"
    assert arrondissement.kind == "arrondissement"


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [("limoges", "87085"), ("LIMOGES", "87085"), ("gueret", "23096"), ("87000", "87085")],
)
def test_commune_search_ignores_accents_and_case_and_takes_postal_codes(query, expected_first):
    assert Commune.objects.search(query).first().code == expected_first


def test_the_picker_reads_back_its_label_a_code_a_postal_code_or_a_unique_name():
    assert resolve_commune("Limoges (87085)").code == "87085"
    assert resolve_commune("87085").code == "87085"
    assert resolve_commune("87000").code == "87085"
    assert resolve_commune("Guéret").code == "23096"


def test_a_bare_insee_code_is_that_commune_even_when_it_is_another_communes_postal_code():
    # 16100 is Chirac's INSEE code and the postal code of Cognac and its neighbours.
    assert resolve_commune("16100").code == "16100"
    assert resolve_commune("Cognac (16102)").code == "16102"


def test_a_postal_code_shared_by_several_communes_asks_which_one():
    with pytest.raises(forms.ValidationError) as error:
        resolve_commune("23000")
    assert "Guéret (23096)" in str(error.value)


def test_the_picker_rejects_an_unknown_commune_code_with_a_french_message():
    with pytest.raises(forms.ValidationError) as error:
        resolve_commune("Nulle part (99999)")
    assert "99999 est inconnu" in str(error.value)


def test_the_picker_lists_candidates_when_a_name_is_ambiguous():
    # Several communes of the region are called Saint-Martin-*: the person must choose.
    with pytest.raises(forms.ValidationError) as error:
        resolve_commune("saint martin")
    assert "Plusieurs communes correspondent" in str(error.value)


def test_commune_field_in_a_form_reports_errors_and_accepts_a_commune():
    class WhereForm(forms.Form):
        commune = CommuneField()

    assert WhereForm({"commune": "Limoges (87085)"}).is_valid()
    form = WhereForm({"commune": "Atlantide"})
    assert not form.is_valid()
    assert "Aucune commune ne correspond" in form.errors["commune"][0]
    assert "Indiquez une commune" in WhereForm({"commune": ""}).errors["commune"][0]


def test_suggestions_answer_htmx_with_options_and_others_with_json(client):
    url = reverse("territories:commune_suggestions")
    html = client.get(url, {"commune": "limo", "field": "id_commune"}, HTTP_HX_REQUEST="true")
    assert html.status_code == 200
    assert 'role="option"' in html.content.decode()
    assert 'data-value="Limoges (87085)"' in html.content.decode()

    data = client.get(url, {"q": "87000"}).json()
    assert data["results"][0]["code"] == "87085"
    assert data["results"][0]["label"] == "Limoges (87085)"


def test_suggestions_sanitise_the_field_id(client):
    url = reverse("territories:commune_suggestions")
    response = client.get(url, {"q": "limo", "field": '"><script>'}, HTTP_HX_REQUEST="true")
    assert "<script>" not in response.content.decode()


def test_departement_page_lists_its_communes_and_epcis(client):
    response = client.get(reverse("territories:departement", args=["23"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Creuse" in page
    assert "Guéret" in page
    assert "CA du Grand Guéret" in page


def test_epci_page_lists_member_communes(client):
    response = client.get(reverse("territories:epci", args=["248719312"]))
    assert response.status_code == 200
    assert "Limoges" in response.content.decode()
    assert "Communauté urbaine" in response.content.decode()


def test_unknown_territory_codes_are_404_in_french(client):
    for url in [
        reverse("territories:departement", args=["00"]),
        reverse("territories:epci", args=["000000000"]),
        reverse("territories:commune", args=["99999"]),
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Page introuvable" in response.content.decode()


def test_suggestions_list_the_communes_of_the_served_region_first(client):
    """« Guér » is Guéret (23) before Guer (56), an exact name match but in Brittany, and
    Guérande (44), more populated but in the Pays de la Loire."""
    for region, departement, code, name, population in [
        ("53", "56", "56075", "Guer", 6300),
        ("52", "44", "44069", "Guérande", 16000),
    ]:
        Region.objects.get_or_create(code=region, defaults={"name": f"Région {region}"})
        Departement.objects.get_or_create(
            code=departement, defaults={"name": f"Département {departement}", "region_id": region}
        )
        Commune.objects.create(
            code=code, name=name, search_name=fold(name), kind="COM", departement_id=departement,
            region_id=region, population=population,
        )  # fmt: skip

    data = client.get(reverse("territories:commune_suggestions"), {"q": "Guér"}).json()

    labels = [result["label"] for result in data["results"]]
    assert labels[0] == "Guéret (23096)"
    # Outside the region, still found when nothing of the region matches better.
    found = client.get(reverse("territories:commune_suggestions"), {"q": "Guera"}).json()
    assert [result["label"] for result in found["results"]] == ["Guérande (44069)"]


def test_the_table_of_communes_of_a_departement_reads_as_its_template_loop_did():
    from django.template import Context, Template

    from essor.territories.templatetags.territories import commune_rows

    communes = list(Commune.objects.filter(departement_id="23").select_related("epci")[:50])
    communes[0].population, communes[1].epci, communes[2].population = None, None, 1234567
    loop = Template(
        '{% load humanize %}{% for commune in communes %}<tr><th scope="row"><a href="{{ commune.get_absolute_url }}">'
        '{{ commune.name }}</a></th><td>{{ commune.code }}</td><td>{{ commune.postal_codes|join:", " }}</td>'
        '<td>{{ commune.population|default_if_none:"—"|intcomma }}</td><td>{% if commune.epci %}<a href="'
        '{{ commune.epci.get_absolute_url }}">{{ commune.epci.name }}</a>{% else %}—{% endif %}</td></tr>\n'
        "{% endfor %}"
    ).render(Context({"communes": communes}))
    rows = [
        (
            c.code,
            c.name,
            c.postal_codes,
            c.population,
            c.epci and c.epci.code,
            c.epci and c.epci.name,
        )
        for c in communes
    ]
    assert commune_rows(rows) + "\n" == loop
    assert "1\xa0234\xa0567" in loop


def test_the_table_of_member_communes_of_an_epci_reads_as_its_template_loop_did():
    from django.template import Context, Template

    from essor.territories.templatetags.territories import member_rows

    communes = list(Commune.objects.filter(epci_id="248719312").select_related("departement"))
    communes[0].population, communes[1].population = None, 25000
    loop = Template(
        '{% load humanize %}{% for commune in communes %}<tr><th scope="row"><a href="'
        '{{ commune.get_absolute_url }}">{{ commune.name }}</a></th><td>{{ commune.code }}</td>'
        "<td>{{ commune.departement.name }}</td><td>"
        '{{ commune.population|default_if_none:"—"|intcomma }}</td></tr>\n{% endfor %}'
    ).render(Context({"communes": communes}))
    assert member_rows(communes) + "\n" == loop
