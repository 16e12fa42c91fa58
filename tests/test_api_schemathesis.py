"""Property-based run of schemathesis over the API's own OpenAPI schema.

The schema is loaded from the Django application through WSGI; every operation is
called with generated parameters, valid and invalid, against a small directory, and every
built-in check runs on the answers: no server error; status code, content type, headers
and body as documented; invalid input rejected and valid input accepted; no method
accepted beyond GET."""

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from essor.directory.enums import AdministrativeStatus, Diffusion
from essor.territories.models import Commune
from tests.factories.directory import EssOrganisationFactory, EstablishmentFactory, LabelFactory

app = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
schema.config.generation.update(modes=["positive", "negative"])


@pytest.fixture
def directory(db):
    """A few organisations and establishments, for the generated requests to find."""
    aci = LabelFactory(code="aci", name="Atelier et chantier d'insertion")
    association = EssOrganisationFactory(name="Régie de quartier", labels=[aci], is_esus=True)
    EstablishmentFactory(organisation=association, is_head_office=True)
    EstablishmentFactory(organisation=association, diffusion=Diffusion.PARTIAL)
    scop = EssOrganisationFactory(name="SCOP du bâtiment", scop=True, synthetic=True)
    EstablishmentFactory(organisation=scop, commune=Commune.objects.get(code="33063"), naf="43.32A")
    EstablishmentFactory(organisation=scop, status=AdministrativeStatus.CLOSED, commune=None)
    EssOrganisationFactory(name="Société ordinaire", outside_ess=True)


@pytest.fixture
def wsgi_requests(settings):
    """Let requests sent straight to the WSGI app run inside the test's transaction.

    Django's test client does the same: the handler would otherwise close the database
    connection that holds the test's data at the start and end of every request."""
    settings.ESSOR_API_RATE_LIMIT = None  # thousands of requests from one address
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis.settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        hypothesis.HealthCheck.function_scoped_fixture,
        hypothesis.HealthCheck.too_slow,
    ],
)
def test_api_conforms_to_its_schema_without_server_errors(case, directory, wsgi_requests):
    case.call_and_validate()
