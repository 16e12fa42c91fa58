"""The kinds the search app registers itself: the directory's organisations (searched by
the directory engine, backends/) and the places (communes, EPCI, départements, in the
document index). The feature apps register theirs (registry.py)."""

from urllib.parse import urlencode

from django.urls import reverse

from essor.directory.models import Organisation
from essor.territories.enums import EpciKind
from essor.territories.models import Commune, Departement, Epci

from .backends import SearchFilters, get_backend
from .backends.text import holds_every_group, parse
from .index import SUMMARY_LENGTH, plain, shorten
from .registry import Document, Hit, IndexedKind, Kind, Results


class OrganisationKind(Kind):
    name = "structures"
    label = "Structures de l'ESS"
    singular, plural = "structure", "structures"
    order = 10

    def search(self, text, *, offset=0, limit=5, approximate=True):
        backend = get_backend()
        filters = SearchFilters(text=text, approximate=approximate)
        result = backend.search(filters, offset=offset, limit=limit, facets=False)
        organisations = Organisation.objects.in_bulk(result.ids)
        places = backend.summaries(filters, result.ids)
        communes = Commune.objects.select_related("departement").in_bulk(
            {place[1] for place in places.values() if place[1]}
        )
        groups = parse(text)
        hits = []
        for pk in result.ids:
            organisation = organisations.get(pk)
            if organisation is None:  # deleted between the two queries
                continue
            commune = communes.get(places.get(pk, (0, None, None))[1])
            hits.append(
                Hit(
                    title=organisation.display_name,
                    url=organisation.get_absolute_url(),
                    summary=shorten(plain(organisation.description, SUMMARY_LENGTH)),
                    context=organisation.get_ess_family_display(),
                    territory=f"{commune.name} ({commune.departement_id})" if commune else "",
                    in_title=not result.fuzzy
                    and holds_every_group(groups, organisation.display_name),
                )
            )
        return Results(self, result.total, hits, fuzzy=result.fuzzy)

    def search_url(self, query):
        return reverse("search:directory") + "?" + urlencode({"q": query})


# Among places of equal relevance: départements, then EPCI, then communes by population.
DEPARTEMENT_FIRST = 10**9
EPCI_NEXT = 10**8


class PlaceKind(IndexedKind):
    """The départements, EPCI and communes, by name, INSEE code or postal code. Loaded
    once by load_territories: indexed when the index does not hold them yet; after a new
    geography, `essor rebuild_search_index` (counting 35,000 communes before each search
    would cost more than the search)."""

    name = "territoires"
    label = "Territoires"
    singular, plural = "territoire", "territoires"
    order = 90
    version = "1"

    def documents(self, keys=None):
        departements = Departement.objects.all()
        epcis = Epci.objects.all()
        communes = Commune.objects.filter(parent__isnull=True)
        if keys is not None:
            codes = {}
            for key in map(str, keys):
                level, _, code = key.partition("-")
                codes.setdefault(level, []).append(code)
            departements = departements.filter(code__in=codes.get("departement", []))
            epcis = epcis.filter(code__in=codes.get("epci", []))
            communes = communes.filter(code__in=codes.get("commune", []))
        # Rows, not model instances, and each URL from one reversed pattern: 35,000
        # communes are written in seconds.
        url = {
            level: reverse(f"territories:{level}", args=["CODE"]).replace("CODE", "{}")
            for level in ("departement", "epci", "commune")
        }
        for code, name, region in departements.values_list("code", "name", "region__name"):
            yield Document(
                key=f"departement-{code}",
                title=name,
                keywords=code,
                url=url["departement"].format(code),
                context=f"Département ({code}) · {region}",
                priority=DEPARTEMENT_FIRST,
            )
        kinds = dict(EpciKind.choices)
        for code, name, kind in epcis.values_list("code", "name", "kind"):
            yield Document(
                key=f"epci-{code}",
                title=name,
                keywords=code,
                url=url["epci"].format(code),
                context=f"Intercommunalité · {kinds.get(kind, kind)}",
                priority=EPCI_NEXT,
            )
        rows = communes.values_list(
            "code", "name", "postal_codes", "population", "departement_id", "departement__name"
        )
        for code, name, postal_codes, population, departement, departement_name in rows:
            context = f"Commune · {departement_name} ({departement})"
            if postal_codes:
                context += " · " + ", ".join(postal_codes)
            yield Document(
                key=f"commune-{code}",
                title=name,
                keywords=" ".join([code, *postal_codes]),
                url=url["commune"].format(code),
                context=context,
                priority=population or 0,
            )
