import io
import math
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from essor.directory.models import Label
from essor.purchasing.categories import read_tree
from essor.purchasing.enums import ProfileStatus, SupplierKind
from essor.purchasing.models import PurchaseCategory, SupplierArea, SupplierProfile
from essor.purchasing.sourcing import Criteria, search
from essor.search import index
from essor.search.platform import search_everything
from essor.search.registry import get as get_kind
from essor.territories.areas import EARTH_RADIUS_KM
from tests.factories.accounts import UserFactory
from tests.factories.directory import EssOrganisationFactory, MembershipFactory
from tests.factories.purchasing import ANGOULEME, CHARENTE, COGNAC, supplier
from tests.factories.territories import NIORT, commune

pytestmark = pytest.mark.django_db

LA_COURONNE = "16113"  # 7 km from Angoulême
MAREUIL = "24253"  # Mareuil en Périgord (Dordogne), 32 km from Angoulême
BEAUVAIS_SUR_MATHA = "17037"  # Charente-Maritime, 37 km from Angoulême
SOURCING = reverse("purchasing:sourcing")


# --- The category tree ---------------------------------------------------------------------


def test_the_shipped_tree_has_sixty_categories_in_twelve_families_with_cpv_divisions():
    families = PurchaseCategory.objects.filter(parent__isnull=True)
    categories = PurchaseCategory.objects.filter(parent__isnull=False)
    assert families.count() == 12
    assert categories.count() == 60 == sum(len(g["categories"]) for g in read_tree())
    green = PurchaseCategory.objects.get(code="entretien-espaces-verts")
    assert (green.parent.code, green.cpv_division) == ("espaces-verts-environnement", "77")
    assert all(
        len(c) == 2
        for c in categories.exclude(cpv_division="").values_list("cpv_division", flat=True)
    )


# --- Kinds and reserved contracts, derived from the directory ----------------------------------


def test_reserved_contract_eligibility_follows_the_labels_and_the_services_sold():
    ea = supplier(labels=["ea"])
    aci = supplier(labels=["aci"])
    eiti = supplier(labels=["eiti"])
    home_help = supplier(categories=["aide-domicile"])
    outside_ess = supplier(
        organisation=EssOrganisationFactory(outside_ess=True), categories=["aide-domicile"]
    )
    scop = supplier(organisation=EssOrganisationFactory(scop=True))

    assert [r.article for r in ea.reservations] == ["L2113-12"]
    assert ea.kinds == [SupplierKind.EA_ESAT, SupplierKind.ASSOCIATION]
    assert [r.article for r in aci.reservations] == ["L2113-13"]
    # The EITI is an SIAE, but not one of the four kinds article L5132-4 lists.
    assert SupplierKind.SIAE in eiti.kinds and eiti.reservations == []
    assert [r.article for r in home_help.reservations] == ["L2113-15"]
    assert outside_ess.reservations == []
    assert scop.kinds == [SupplierKind.SCOP_SCIC]


def test_a_label_added_later_reaches_the_profile_through_the_service():
    from essor.purchasing.services import refresh_profiles_of

    profile = supplier()
    assert not profile.reserved_disability
    profile.organisation.labels.add(*Label.objects.filter(code="esat"))
    refresh_profiles_of(profile.organisation)
    profile.refresh_from_db()
    assert profile.reserved_disability and profile.is_ea_esat


# --- Sourcing ------------------------------------------------------------------------------


@pytest.fixture
def angouleme_suppliers():
    return {
        # Near Angoulême, serving only its own commune: found by the radius.
        "ea_near": supplier(
            name="EA des Jardins",
            commune_code=LA_COURONNE,
            areas=[("commune", LA_COURONNE)],
            labels=["ea"],
        ),
        # 37 km away but serving the whole Charente: found by its perimeter.
        "aci_perimeter": supplier(
            name="Chantier Vert de Cognac", commune_code=COGNAC, areas=[CHARENTE], labels=["aci"]
        ),
        "aci_far": supplier(
            name="ACI loin", commune_code=COGNAC, areas=[("commune", COGNAC)], labels=["aci"]
        ),
        "plain_association": supplier(name="Association sans label", commune_code=LA_COURONNE),
        "ea_cleaning": supplier(
            name="EA Propreté",
            commune_code=LA_COURONNE,
            categories=["nettoyage-locaux"],
            labels=["ea"],
        ),
        "draft": supplier(
            name="ESAT brouillon",
            commune_code=LA_COURONNE,
            labels=["esat"],
            status=ProfileStatus.DRAFT,
        ),
    }


def test_a_buyer_in_angouleme_finds_the_ea_esat_and_siae_for_green_spaces_within_30_km(
    client, angouleme_suppliers
):
    response = client.get(
        SOURCING,
        {
            "categorie": "entretien-espaces-verts",
            "commune": ANGOULEME,
            "rayon": 30,
            "type": [SupplierKind.EA_ESAT, SupplierKind.SIAE],
        },
    )

    assert response.status_code == 200
    found = [m.profile for m in response.context["results"].matches]
    assert found == [angouleme_suppliers["ea_near"], angouleme_suppliers["aci_perimeter"]]
    page = response.content.decode()
    # Which contracts can be reserved to them, and why.
    assert "Marché réservé EA / ESAT" in page and "Marché réservé SIAE" in page
    assert "article L2113-12" in page and "article L2113-13" in page
    assert "structures d&#x27;insertion par l&#x27;activité économique mentionnées" in page
    assert re.search(r"situé à environ [5-8] km", page)
    assert "intervient sur : Charente (16)" in page


def test_sourcing_filters_on_reserved_contracts_and_a_family_of_categories(angouleme_suppliers):
    family = PurchaseCategory.objects.get(code="espaces-verts-environnement")
    results = search(Criteria(category=family, reservations=["disability"]))
    assert [m.profile for m in results.matches] == [angouleme_suppliers["ea_near"]]


def test_sourcing_words_go_through_the_platform_search_engine(angouleme_suppliers):
    results = search(Criteria(text="jardins"))
    assert [m.profile for m in results.matches] == [angouleme_suppliers["ea_near"]]
    # A label's name is among the words a supplier is found by.
    found = {m.profile for m in search(Criteria(text="chantiers d'insertion")).matches}
    assert found == {angouleme_suppliers["aci_perimeter"], angouleme_suppliers["aci_far"]}
    # The same kind answers the platform search; the draft is in neither.
    groups = {r.kind.name: r for r in search_everything("jardins").groups}
    assert [h.title for h in groups["fournisseurs"].hits] == ["EA des Jardins"]
    assert search(Criteria(text="brouillon")).total == 0


def test_sourcing_words_narrow_the_other_filters_and_fall_back_to_approximate_matches(
    angouleme_suppliers,
):
    green = PurchaseCategory.objects.get(code="entretien-espaces-verts")
    around = Criteria(text="jardins", category=green, commune=commune(ANGOULEME), radius_km=30)
    assert [m.profile for m in search(around).matches] == [angouleme_suppliers["ea_near"]]
    # No document holds « jardinss »: the approximate matches answer, as on /recherche/.
    assert [m.profile for m in search(Criteria(text="jardinss")).matches] == [
        angouleme_suppliers["ea_near"]
    ]
    # The condition the sourcing filters on keeps the keys the engine gives, on SQLite
    # (the keys as one parameter) and PostgreSQL (each supplier's own document).
    kind = get_kind("fournisseurs")
    for text in ("jardins", "chantiers d'insertion", "jardinss", "brouillon", "zzqxw"):
        kept = SupplierProfile.objects.filter(index.matching(kind, text))
        assert set(kept.values_list("pk", flat=True)) == {
            int(key) for key in index.matching_keys(kind, text)
        }, text
    assert index.matching(kind, " ; ") is None


def _place(profile, latitude, longitude):
    SupplierProfile.objects.filter(pk=profile.pk).update(latitude=latitude, longitude=longitude)
    return profile


def test_the_radius_keeps_suppliers_at_its_edge_and_drops_those_just_outside_its_circle():
    """The box the radius is first narrowed to (an index range) must hold the whole
    circle: a supplier a metre inside 35 km is found, whatever the direction."""
    centre = commune(ANGOULEME)
    lat, lon = centre.latitude, centre.longitude
    far = [("commune", NIORT)]  # its perimeter does not reach Angoulême

    def north(km):
        return lat + math.degrees(km / EARTH_RADIUS_KM), lon

    def east(km):
        half = math.sin(km / (2 * EARTH_RADIUS_KM)) / math.cos(math.radians(lat))
        return lat, lon + math.degrees(2 * math.asin(half))

    inside = [
        _place(supplier(name=f"Au bord {n}", commune_code=NIORT, areas=far), *point)
        for n, point in enumerate([north(34.999), east(34.999)])
    ]
    for n, point in enumerate([north(35.001), east(35.001)]):
        _place(supplier(name=f"Juste dehors {n}", commune_code=NIORT, areas=far), *point)
    # The corner of the box around the circle is 49 km away.
    corner = (lat + math.degrees(34.9 / EARTH_RADIUS_KM), east(34.9)[1])
    _place(supplier(name="Dans le coin", commune_code=NIORT, areas=far), *corner)

    results = search(Criteria(commune=centre, radius_km=35))
    assert {m.profile for m in results.matches} == set(inside)
    assert all(34.99 < m.distance_km <= 35 for m in results.matches)
    assert all(not m.area for m in results.matches)


def test_the_radius_crosses_departement_borders_and_perimeters_reach_beyond_it():
    # Mareuil en Périgord (Dordogne) is 32 km from Angoulême, Beauvais-sur-Matha
    # (Charente-Maritime) 37 km, Niort (Deux-Sèvres) 90 km.
    over_the_border = supplier(
        name="Périgord proche", commune_code=MAREUIL, areas=[("commune", MAREUIL)]
    )
    supplier(name="Saintonge", commune_code=BEAUVAIS_SUR_MATHA, areas=[("departement", "17")])
    serving_charente = supplier(name="Niort pour la Charente", commune_code=NIORT, areas=[CHARENTE])
    radius_over_angouleme = supplier(
        name="Rayon depuis Mareuil", commune_code=NIORT, areas=[("radius", MAREUIL, 40)]
    )
    supplier(name="Rayon trop court", commune_code=NIORT, areas=[("radius", MAREUIL, 30)])

    results = search(Criteria(commune=commune(ANGOULEME), radius_km=35))
    by_profile = {m.profile: m for m in results.matches}
    assert set(by_profile) == {over_the_border, serving_charente, radius_over_angouleme}
    # Nearest first; the perimeter says why a far supplier is there.
    assert [m.profile for m in results.matches][0] == over_the_border
    assert by_profile[serving_charente].area.label == "Charente (16)"
    assert by_profile[radius_over_angouleme].area.level == "radius"
    assert results.ids == [m.profile.pk for m in results.matches]


def test_sourcing_exports_csv_and_xlsx_with_the_same_filters(client, angouleme_suppliers):
    params = {"categorie": "entretien-espaces-verts", "reserve": "insertion"}
    csv = client.get(SOURCING, {**params, "format": "csv"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    lines = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("structure;siren;commune")
    assert sorted(line.split(";")[0] for line in lines[1:]) == [
        "ACI loin",
        "Chantier Vert de Cognac",
    ]

    xlsx = client.get(SOURCING, {**params, "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert rows[0][0] == "structure" and len(rows) == 3


def test_the_sourcing_url_is_the_search_to_share_and_the_page_keeps_its_filters(
    client, angouleme_suppliers
):
    response = client.get(SOURCING, {"commune": ANGOULEME, "rayon": "30", "reserve": "disability"})
    page = response.content.decode()
    assert 'value="30"' in page
    assert "format=csv" in page and "rayon=30" in page
    assert '<option value="" selected>Toutes les catégories</option>' in page
    assert {m.profile for m in response.context["results"].matches} == {
        angouleme_suppliers["ea_near"],
        angouleme_suppliers["ea_cleaning"],
    }


def test_the_category_select_groups_the_tree_and_keeps_the_chosen_category(client):
    response = client.get(SOURCING, {"categorie": "entretien-espaces-verts"})
    page = response.content.decode()
    select = page[page.index('<select name="categorie"') : page.index("</select>")]
    assert select.count("<optgroup ") == 12 and select.count("<option ") == 1 + 12 + 60
    assert '<optgroup label="Espaces verts et environnement">' in select
    assert (
        '<option value="espaces-verts-environnement">Espaces verts et environnement '
        "(toute la famille)</option>"
    ) in select
    # Chosen, and escaped as Django's own templates write it.
    assert (
        '<option value="entretien-espaces-verts" selected>Entretien d&#x27;espaces verts<' in select
    )
    assert 'id="id_categorie"' in select and select.count(" selected") == 1


def test_a_shared_sourcing_url_with_a_bare_insee_code_searches_around_that_commune(client):
    # 16100 is Chirac's INSEE code and also Cognac's postal code: not ambiguous in a URL.
    response = client.get(SOURCING, {"commune": "16100", "rayon": "10"})
    assert response.status_code == 200
    assert response.context["criteria"].commune.name == "Chirac"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"rayon": "-3", "commune": ANGOULEME}, "Le rayon ne peut pas être négatif."),
        ({"rayon": "500", "commune": ANGOULEME}, "Le rayon est de 200 km au plus."),
        ({"rayon": "30"}, "Indiquez la commune au centre du rayon."),
        ({"categorie": "inconnue"}, "Cette catégorie d&#x27;achat n&#x27;existe pas."),
        ({"type": "multinationale"}, "Type de fournisseur inconnu"),
        ({"commune": "Nulle-Part-sur-Mer"}, "Aucune commune ne correspond"),
        ({"format": "pdf"}, "Format d&#x27;export inconnu"),
    ],
)
def test_bad_sourcing_parameters_get_a_400_with_a_french_message(client, params, message):
    response = client.get(SOURCING, params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_sourcing_page_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for n in range(6):
        supplier(name=f"Fournisseur {n}", labels=["ea"])
    with django_assert_max_num_queries(20):
        response = client.get(
            SOURCING, {"commune": ANGOULEME, "rayon": 30, "categorie": "entretien-espaces-verts"}
        )
    assert response.context["results"].total == 6


# --- Supplier profile: page and form, permissions -------------------------------------------------


def _roles():
    return {
        "cress": UserFactory(cress_staff=True),
        "accompagnement": UserFactory(support_actor=True),
        "financeur": UserFactory(funder=True),
        "acheteur": UserFactory(buyer=True),
        "porteur": UserFactory(),
    }


def _profile_post(**extra):
    green = PurchaseCategory.objects.get(code="entretien-espaces-verts")
    return {
        "summary": "Entretien de parcs",
        "categories": [green.pk],
        "departements": ["16"],
        "publish": "on",
        "headcount_band": "10-49",
        **extra,
    }


def test_only_members_and_cress_staff_edit_a_supplier_profile(client):
    organisation = EssOrganisationFactory()
    url = reverse("purchasing:supplier_edit", args=[organisation.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    roles = _roles()
    for name, user in roles.items():
        client.force_login(user)
        expected = 200 if name == "cress" else 403
        assert client.get(url).status_code == expected, name
        assert client.post(url, _profile_post()).status_code in {expected, 302}, name
    assert SupplierProfile.objects.filter(organisation=organisation).count() == 1  # cress's

    member = MembershipFactory(organisation=organisation).user
    client.force_login(member)
    response = client.post(url, _profile_post(summary="Tonte et taille"))
    profile = SupplierProfile.objects.get(organisation=organisation)
    assert response.status_code == 302 and profile.summary == "Tonte et taille"
    assert profile.is_published
    assert list(SupplierArea.objects.filter(supplier=profile).values_list("code", flat=True)) == [
        "16"
    ]


def test_another_organisations_profile_cannot_be_written_by_a_forged_id(client):
    mine = MembershipFactory().organisation
    theirs = supplier(summary="Leur texte")
    client.force_login(mine.memberships.get().user)
    url = reverse("purchasing:supplier_edit", args=[theirs.organisation.pk])
    assert client.post(url, _profile_post(summary="Piraté")).status_code == 403
    theirs.refresh_from_db()
    assert theirs.summary == "Leur texte"
    assert client.get(reverse("purchasing:supplier_edit", args=[999999])).status_code == 404


def test_a_profile_without_category_or_perimeter_is_refused_and_nothing_is_saved(client):
    organisation = MembershipFactory().organisation
    client.force_login(organisation.memberships.get().user)
    url = reverse("purchasing:supplier_edit", args=[organisation.pk])
    response = client.post(url, _profile_post(categories=[], departements=[]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choisissez au moins une catégorie d&#x27;achat." in page
    assert "Indiquez votre périmètre d&#x27;intervention" in page
    response = client.post(url, _profile_post(categories=["999999"]))
    assert response.status_code == 400
    assert not SupplierProfile.objects.exists()


def test_a_draft_profile_is_seen_only_by_its_members_and_the_cress(client):
    draft = supplier(status=ProfileStatus.DRAFT)
    url = reverse("purchasing:supplier", args=[draft.pk])
    assert client.get(url).status_code == 404
    for name, user in _roles().items():
        client.force_login(user)
        assert client.get(url).status_code == (200 if name == "cress" else 404), name
    member = MembershipFactory(organisation=draft.organisation).user
    client.force_login(member)
    assert client.get(url).status_code == 200
    assert client.get(reverse("purchasing:supplier", args=[999999])).status_code == 404


def test_a_published_profile_is_public_with_its_reserved_contracts_explained(client):
    profile = supplier(name="ESAT du Val", labels=["esat"])
    response = client.get(reverse("purchasing:supplier", args=[profile.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Marché réservé EA / ESAT" in page
    assert (
        "établissements et services d&#x27;aide par le travail mentionnés à l&#x27;article L. 344-2"
        in page
    )
    assert "Entretien d&#x27;espaces verts" in page and "Charente (16)" in page


def test_the_organisation_page_shows_its_supplier_profile(client):
    profile = supplier(name="Chantier Bleu", labels=["aci"])
    response = client.get(profile.organisation.get_absolute_url())
    page = response.content.decode()
    assert "Achats responsables" in page
    assert "Marché réservé SIAE (art. L2113-13)" in page
    assert profile.get_absolute_url() in page


def test_the_purchasing_pages_answer_every_role(client):
    supplier()
    urls = [reverse("purchasing:index"), SOURCING]
    for user in [None, *_roles().values()]:
        if user:
            client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 200
