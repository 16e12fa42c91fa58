"""Purchasing on other apps' pages (essor/core/page_sections.py)."""

from .models import SupplierProfile
from .perms import can_edit_supplier_profile


def organisation_supplier(request, organisation):
    """The organisation's supplier profile (categories, reserved contracts), or the
    invitation to publish one for its members."""
    profile = (
        SupplierProfile.objects.filter(organisation=organisation)
        .prefetch_related("categories")
        .first()
    )
    can_edit = request is not None and can_edit_supplier_profile(request.user, organisation)
    if (profile is None or not profile.is_published) and not can_edit:
        return None
    return {"organisation": organisation, "profile": profile, "can_edit": can_edit}
