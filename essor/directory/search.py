from essor.core.text import fold

from .models import Organisation


def search_organisations(query):
    return Organisation.objects.filter(name__icontains=fold(query)[:100])
