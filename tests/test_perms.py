"""Every permission function, for every platform role, denials included."""

import pytest
from django.contrib.auth.models import AnonymousUser

from essor.accounts import perms
from essor.accounts.enums import PlatformRole
from essor.directory import perms as organisation_perms
from essor.financing.perms import can_instruct_funding_requests, can_publish_financing_tools
from essor.support.perms import can_manage_support_offers
from tests.factories.accounts import UserFactory
from tests.factories.directory import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in PlatformRole]
ORG_SCOPED = {
    # function: the platform role it needs besides membership
    can_manage_support_offers: PlatformRole.SUPPORT_ACTOR,
    can_publish_financing_tools: PlatformRole.FUNDER,
    can_instruct_funding_requests: PlatformRole.FUNDER,
}


@pytest.fixture
def org():
    return OrganisationFactory()


@pytest.mark.parametrize("role", ROLES)
def test_only_cress_staff_moderate_import_and_reach_the_admin(role):
    user = UserFactory(platform_role=role)
    expected = role == PlatformRole.CRESS_STAFF
    assert perms.can_moderate(user) is expected
    # The admin (imports included) asks the user model, which reads the same rule.
    assert perms.is_cress_staff(user) is expected and user.is_cress_staff is expected


def test_anonymous_and_inactive_users_may_do_nothing(org):
    inactive = UserFactory(platform_role=PlatformRole.CRESS_STAFF, is_active=False)
    MembershipFactory(user=inactive, organisation=org, admin=True)
    for user in (AnonymousUser(), inactive):
        assert not perms.can_moderate(user)
        assert not organisation_perms.can_edit_organisation(user, org)
        assert not organisation_perms.is_member(user, org)
        for check in ORG_SCOPED:
            assert not check(user, org)


@pytest.mark.parametrize("role", ROLES)
def test_organisation_admins_edit_and_manage_members_plain_members_do_not(role, org):
    admin = MembershipFactory(organisation=org, admin=True, user__platform_role=role).user
    member = MembershipFactory(organisation=org, user__platform_role=role).user
    outsider = UserFactory(platform_role=role)
    staff = role == PlatformRole.CRESS_STAFF
    assert organisation_perms.can_edit_organisation(admin, org)
    assert organisation_perms.can_manage_members(admin, org)
    assert organisation_perms.can_edit_organisation(member, org) is staff
    assert organisation_perms.can_manage_members(member, org) is staff
    assert organisation_perms.can_edit_organisation(outsider, org) is staff
    assert organisation_perms.can_act_for_organisation(member, org)
    assert not organisation_perms.can_act_for_organisation(outsider, org)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("check", list(ORG_SCOPED), ids=lambda f: f.__name__)
def test_role_powers_need_the_role_and_a_membership_of_that_organisation(check, role, org):
    member = MembershipFactory(organisation=org, user__platform_role=role).user
    member_elsewhere = MembershipFactory(user__platform_role=role).user
    needed = ORG_SCOPED[check]
    staff_allowed = check is not can_instruct_funding_requests
    is_staff = role == PlatformRole.CRESS_STAFF
    assert check(member, org) is (role == needed or (is_staff and staff_allowed))
    assert check(member_elsewhere, org) is (is_staff and staff_allowed)


def test_funding_requests_stay_with_funders_even_for_cress_staff(org):
    staff = MembershipFactory(organisation=org, user__cress_staff=True).user
    assert not can_instruct_funding_requests(staff, org)


def test_personal_data_is_visible_to_its_owner_only():
    owner, other = UserFactory(), UserFactory(cress_staff=True)
    assert perms.can_see_personal_data(owner, owner)
    assert not perms.can_see_personal_data(other, owner)
    assert not perms.can_see_personal_data(AnonymousUser(), owner)
