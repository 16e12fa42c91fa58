from functools import cache

from django.conf import settings

from .models import DemoDataset
from .sections import available_sections


@cache
def _sections():
    return available_sections()


def platform(request):
    return {
        "sections": _sections(),
        "demo_loaded": DemoDataset.objects.exists(),
        "essor_region": settings.ESSOR_REGION,
    }
