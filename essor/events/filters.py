"""The agenda's filters (territory, kind, theme, dates, words), shared by the list, the
month view, the iCal feed and the API."""

from django import forms
from django.conf import settings
from django.db.models import Q

from essor.territories.areas import AreaLevel, Place
from essor.territories.models import Departement

from .enums import EventKind, Theme
from .models import Event

LEVEL_FIELDS = {
    AreaLevel.COMMUNE: "commune",
    AreaLevel.EPCI: "commune__epci",
    AreaLevel.DEPARTEMENT: "commune__departement",
    AreaLevel.REGION: "commune__region",
}


def territory_choices():
    region = settings.ESSOR_REGION
    choices = [("", "Tous les territoires")]
    choices += [
        (f"departement:{d.code}", f"{d.name} ({d.code})")
        for d in Departement.objects.filter(region_id=region).order_by("code")
    ]
    return choices


class EventFilterForm(forms.Form):
    q = forms.CharField(label="Mots-clés", required=False, max_length=200)
    territoire = forms.CharField(label="Territoire", required=False, max_length=40)
    type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Tous les types"), *EventKind.choices]
    )
    theme = forms.ChoiceField(
        label="Thème", required=False, choices=[("", "Tous les thèmes"), *Theme.choices]
    )
    du = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    au = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    en_ligne = forms.BooleanField(label="En ligne seulement", required=False)

    def clean_territoire(self):
        value = self.cleaned_data["territoire"].strip()
        if not value:
            return None
        level, _, code = value.partition(":")
        if level not in LEVEL_FIELDS:
            raise forms.ValidationError(
                "Territoire inconnu : indiquez par exemple « departement:87 » ou « commune:87085 »."
            )
        place = Place.of(level, code)
        if not place.level:
            raise forms.ValidationError("Ce territoire n'existe pas.")
        return (AreaLevel(level), code)

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["au"] < data["du"]:
            self.add_error("au", "La date de fin doit suivre la date de début.")
        return data

    def territory_choices(self):
        return territory_choices()

    def active(self):
        return {k: v for k, v in self.data.items() if k in self.fields and v not in ("", None)}


def apply(events, data):
    """Filter a queryset of events with the cleaned data of EventFilterForm."""
    if territory := data.get("territoire"):
        level, code = territory
        events = events.filter(**{f"{LEVEL_FIELDS[level]}_id": code})
    if kind := data.get("type"):
        events = events.filter(kind=kind)
    if theme := data.get("theme"):
        events = events.filter(theme_links__theme=theme)
    if start := data.get("du"):
        events = events.filter(ends_at__date__gte=start)
    if end := data.get("au"):
        events = events.filter(starts_at__date__lte=end)
    if data.get("en_ligne"):
        events = events.filter(commune__isnull=True)
    if words := (data.get("q") or "").split():
        for word in words:
            events = events.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(organiser__name__icontains=word)
            )
    return events.distinct() if data.get("theme") else events


def filtered(params, base=None):
    """(form, queryset) for the GET parameters; an invalid form filters nothing and says why."""
    form = EventFilterForm(params)
    events = base if base is not None else Event.objects.published().for_listing()
    if form.is_valid():
        return form, apply(events, form.cleaned_data)
    return form, events
