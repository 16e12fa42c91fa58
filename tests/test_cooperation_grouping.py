"""The GE helper: shared-job needs grouped into one job a groupement d'employeurs could
carry (same trade, days that do not overlap and add up to 5 at most, workplaces within
the travel limit), sent to the GE and CRGE covering the place; the others refused with
why."""

import pytest
from django.core import mail
from django.urls import reverse

from essor.accounts.enums import PlatformRole
from essor.cooperation import services
from essor.cooperation.enums import Direction, Kind
from essor.cooperation.grouping import JobNeed, greedy_grouping, group_needs
from essor.cooperation.models import EmployerGroup, GroupingRun, JobProposal
from essor.territories.areas import replace_areas, spec_of
from tests.factories.accounts import UserFactory
from tests.factories.cooperation import ListingFactory
from tests.factories.directory import EssOrganisationFactory, MembershipFactory
from tests.factories.territories import BORDEAUX, BRIVE, TULLE, USSEL, commune

pytestmark = pytest.mark.django_db

NAVES = "19146"


def job_need(code, days_per_week, days, title, **kwargs):
    return ListingFactory(
        direction=Direction.NEED,
        kind=Kind.SHARED_JOB,
        category=kwargs.pop("category", "administratif"),
        title=title,
        commune=commune(code),
        details={"days_per_week": days_per_week, "days": days, "skills": "comptabilité"},
        **kwargs,
    )


def employer_group(kind, level, territory, email):
    group = EmployerGroup.objects.create(
        organisation=MembershipFactory(user__email=email).organisation, kind=kind
    )
    replace_areas(group, [spec_of(level, territory)])
    return group


@pytest.fixture
def correze():
    return [
        job_need(TULLE, 2, ["lun", "mar"], "Tulle"),
        job_need(BRIVE, 1.5, ["mer", "jeu"], "Brive"),
        job_need(NAVES, 1, ["ven"], "Naves"),
        job_need(USSEL, 2, ["lun", "mar"], "Ussel"),
    ]


def test_three_compatible_needs_in_correze_make_one_job_and_the_fourth_is_refused_with_why(correze):
    tulle, brive, naves, ussel = correze
    ge = employer_group("ge", "departement", commune(TULLE).departement, "ge19@exemple.fr")
    crge = employer_group("crge", "region", commune(TULLE).region, "crge@exemple.fr")
    employer_group("ge", "departement", commune(BORDEAUX).departement, "ge33@exemple.fr")
    mail.outbox.clear()
    grouping, created = services.propose_groupings()
    assert len(created) == 1
    proposal = created[0]
    assert set(proposal.needs.all()) == {tulle, brive, naves}
    assert proposal.days_per_week == 4.5
    assert set(proposal.recipients.all()) == {ge, crge}
    assert sorted(m.to for m in mail.outbox if "Emploi partagé" in m.subject) == [
        ["crge@exemple.fr", "ge19@exemple.fr"]
    ]
    why = grouping.refused[ussel.pk]
    assert "plus proche est à" in why and "au-delà de la limite de 40 km" in why
    run = GroupingRun.objects.get()
    assert run.refusals == {str(ussel.pk): why}
    # Run again: the same job is not proposed twice.
    assert services.propose_groupings()[1] == []
    assert JobProposal.objects.count() == 1


def test_overlapping_days_and_more_than_five_days_are_refused_with_why():
    a = JobNeed(1, "animation", 6, frozenset({"lun", "mar", "mer"}), 45.2658, 1.7723)
    b = JobNeed(2, "animation", 4, frozenset({"lun"}), 45.2658, 1.7723)  # Monday twice
    c = JobNeed(3, "animation", 10, frozenset(), 45.2658, 1.7723)  # five days alone
    d = JobNeed(4, "communication", 2, frozenset(), 45.2658, 1.7723)  # no other such trade
    grouping = group_needs([a, b, c, d], travel_km=40)
    assert grouping.jobs == []
    assert "mêmes jours (lundi)" in grouping.refused[1]
    assert "5 jours par semaine" in grouping.refused[3]
    assert grouping.refused[4] == "Aucun autre besoin ouvert ne demande ce métier."


def test_the_solver_covers_more_days_than_the_greedy_grouping_when_greedy_strands_one():
    # Half-days 5, 4, 3, 3, 3, 2: greedy fills 5+4 then 3+3+3 and strands the 2; the
    # solver forms 5+3+2 and 4+3+3, two full jobs.
    needs = [
        JobNeed(i, "technique", half_days, frozenset(), 45.27, 1.77)
        for i, half_days in enumerate([5, 4, 3, 3, 3, 2])
    ]
    solved, greedy = group_needs(needs), greedy_grouping(needs)
    assert solved.optimal
    assert all(sum(n.half_days for n in job) <= 10 for job in solved.jobs)
    assert (solved.half_days_covered, greedy.half_days_covered) == (20, 18)


@pytest.mark.parametrize("role", [r.value for r in PlatformRole])
def test_only_the_cress_and_the_recipients_see_the_proposals(client, role, correze):
    ge = employer_group("ge", "departement", commune(TULLE).departement, "ge19@exemple.fr")
    services.propose_groupings()
    url = reverse("cooperation:job_proposals")
    client.force_login(UserFactory(platform_role=role))
    staff = role == PlatformRole.CRESS_STAFF
    assert client.get(url).status_code == (200 if staff else 403)
    assert client.post(url).status_code == (302 if staff else 403)
    client.force_login(MembershipFactory(organisation=EssOrganisationFactory()).user)
    assert client.get(url).status_code == 403
    client.force_login(ge.organisation.memberships.get().user)
    page = client.get(url).content.decode()
    assert "Un poste de 4,5 jours par semaine" in page
    assert client.post(url).status_code == 403
