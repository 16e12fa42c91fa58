"""ESSor's open-data API (django-ninja), mounted at /api/.

Every installed ESSor app that has an `api` module is mounted here: its `router` at its
API_PREFIX, in the order of INSTALLED_APPS (see essor/api/__init__.py). The schema is
served at /api/openapi.json and described at /api/docs, a page of our own: ninja's
Swagger UI would load its scripts from a CDN, which the content security policy forbids
and an offline instance cannot reach.

Imported by essor/urls.py only, once the apps are loaded."""

from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule
from ninja import NinjaAPI

from .docs import EndpointList
from .errors import install_handlers
from .throttle import RATE_LIMIT_PERIOD, ClientIpThrottle

DESCRIPTION = """
L'API ouverte d'ESSor publie, en lecture seule et sans authentification, l'annuaire
des structures de l'économie sociale et solidaire (ESS) et de leurs établissements, les
indicateurs de l'observatoire, le catalogue des outils de financement, et la recherche
dans toute la plateforme.

- **Périmètre** : les structures de l'ESS en activité publiées dans l'annuaire, et leurs
  établissements. Aucune donnée sur des personnes (comptes, membres, demandes) n'est
  publiée, ni les e-mails et téléphones de contact. L'adresse et la position d'un
  établissement en diffusion partielle (statut de diffusion SIRENE « P ») ne sont pas
  publiées. Seuls les outils de financement publiés sont listés, sans leur ligne de
  contact.
- **Données de démonstration** : les lignes fictives portent `"fictif": true` (les
  outils de financement aux montants et dates illustratifs, `"illustratif": true`).
- **Pagination** : `limit` (au plus 100) et `offset` ; la réponse donne le `total`.
- **CSV** : les listes acceptent `format=csv` (ou l'en-tête `Accept: text/csv`) ; le
  fichier, séparé par des points-virgules, encodé en UTF-8 avec BOM, contient toutes les
  lignes qui répondent aux filtres, avec les mêmes noms de colonnes que le JSON.
- **Limites** : par défaut, 60 requêtes JSON et 10 exports CSV par minute et par adresse IP ;
  au-delà, la réponse 429 dit dans combien de secondes réessayer (en-tête `Retry-After`).
- **Erreurs** : un paramètre invalide reçoit une réponse 400 qui explique, en français,
  ce qui est attendu.
"""


def app_routers():
    """(prefix, router) of every installed ESSor app with an `api` module."""
    routers = []
    for config in apps.get_app_configs():
        # Django's own apps may have an `api` module too (django.contrib.messages does).
        if config.name.startswith("essor.") and module_has_submodule(config.module, "api"):
            module = import_module(f"{config.name}.api")
            routers.append((module.API_PREFIX, module.router))
    return routers


api = NinjaAPI(
    title="API ouverte d'ESSor",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=EndpointList(),
    throttle=ClientIpThrottle(),
)
install_handlers(api, retry_period=RATE_LIMIT_PERIOD)
for prefix, router in app_routers():
    api.add_router(prefix, router)
