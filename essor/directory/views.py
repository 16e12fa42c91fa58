from django.shortcuts import get_object_or_404, render

from .models import Organisation


def organisation(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    return render(request, "directory/organisation.html", {"organisation": organisation})
