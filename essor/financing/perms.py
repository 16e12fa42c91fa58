"""Who may see and do what in financing. Funding requests are shared with their funder
only: not even CRESS staff read them outside the admin."""

from essor.accounts.enums import PlatformRole
from essor.accounts.perms import has_role, is_cress_staff
from essor.directory.perms import acts_as, can_act_for_organisation

from .enums import ToolStatus


def can_publish_financing_tools(user, organisation):
    """Publish the tools of a funding body: its members who are funders, CRESS staff."""
    return is_cress_staff(user) or acts_as(user, PlatformRole.FUNDER, organisation)


def can_instruct_funding_requests(user, organisation):
    # Not CRESS staff: a funding request is shared with its funders only.
    return acts_as(user, PlatformRole.FUNDER, organisation)


def can_see_tool(user, tool):
    if tool.is_published() or tool.status == ToolStatus.ARCHIVED:
        return True
    return any(can_publish_financing_tools(user, funder) for funder in tool.funders.all())


def can_edit_tool(user, tool):
    return any(can_publish_financing_tools(user, funder) for funder in tool.funders.all())


def can_see_dossier(user, dossier):
    return can_act_for_organisation(user, dossier.organisation)


def can_edit_dossier(user, dossier):
    return can_see_dossier(user, dossier) and dossier.is_editable()


def can_instruct(user, request):
    return can_instruct_funding_requests(user, request.funder)


def can_see_tour(user, request):
    """A funder sees the whole tour de table only with the applicant's consent."""
    return can_instruct(user, request) and request.dossier.share_tour_with_funders


def funder_organisations(user):
    """The organisations for which the user instructs requests."""
    from essor.directory.models import Organisation

    if not has_role(user, PlatformRole.FUNDER):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user)
