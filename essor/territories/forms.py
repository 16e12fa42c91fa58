import re

from django import forms
from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from essor.core.text import fold

from .areas import MAX_RADIUS_KM, AreaLevel, spec_of
from .models import Commune, Departement, Epci, Region

CODE_IN_LABEL = re.compile(r"\((\d[0-9AB]\d{3})\)\s*$")
INSEE_CODE = re.compile(r"\d[0-9AB]\d{3}")


def resolve_commune(text):
    """Read what a person typed in a commune picker back into a commune.

    Accepts the picker's own label "Limoges (87085)", an INSEE code (before any postal
    code that reads the same), a postal code or a name; raises ValidationError with a French message when it is unknown or
    ambiguous (listing the candidates, so it works without JavaScript)."""
    text = (text or "").strip()
    if not text:
        raise forms.ValidationError("Indiquez une commune.", code="required")
    match = CODE_IN_LABEL.search(text)
    if match:
        commune = Commune.objects.filter(code=match.group(1)).first()
        if commune is None:
            raise forms.ValidationError(
                "Le code commune %(code)s est inconnu.", code="unknown", params={"code": match[1]}
            )
        return commune
    if INSEE_CODE.fullmatch(text):
        # A bare INSEE code — a shared URL, an export, the API — is that commune, even
        # when it is also other communes' postal code (16100: Chirac, and Cognac's postal
        # code). A postal code finds its communes when no commune has it as INSEE code.
        commune = Commune.objects.filter(code=text).first()
        if commune is not None:
            return commune
    candidates = list(Commune.objects.search(text)[:6])
    if not candidates:
        raise forms.ValidationError(
            "Aucune commune ne correspond à « %(text)s ».", code="unknown", params={"text": text}
        )
    if len(candidates) == 1 or candidates[0].code == text:
        return candidates[0]
    same_name = [c for c in candidates if c.search_name == fold(text)]
    if len(same_name) == 1:
        return same_name[0]
    names = ", ".join(c.label for c in candidates[:5])
    raise forms.ValidationError(
        "Plusieurs communes correspondent à « %(text)s » : %(names)s. Précisez laquelle.",
        code="ambiguous",
        params={"text": text, "names": names},
    )


class CommunePickerWidget(forms.TextInput):
    """A text input enhanced into an accessible combobox (see static/js/essor.js)."""

    template_name = "territories/widgets/commune_picker.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["suggestions_url"] = reverse("territories:commune_suggestions")
        return context

    def format_value(self, value):
        if isinstance(value, Commune):
            return value.label
        if isinstance(value, str) and len(value) == 5 and not CODE_IN_LABEL.search(value):
            commune = Commune.objects.filter(code=value).first()
            if commune:
                return commune.label
        return super().format_value(value)


class CommuneField(forms.Field):
    widget = CommunePickerWidget
    default_error_messages = {"required": "Indiquez une commune."}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Commune")
        kwargs.setdefault(
            "help_text", "Tapez le nom ou le code postal, puis choisissez dans la liste."
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Commune):
            return value
        return resolve_commune(str(value)[:120])


class CommuneLookupForm(forms.Form):
    commune = CommuneField(label="Aller à une commune")


AREA_FIELDS = [
    "national", "whole_region", "departements", "epcis", "communes", "radius_commune",
    "radius_km",
]  # fmt: skip


class AreaPickerForm(forms.Form):
    """The fields that describe a served territory — all of France, the platform's
    région, départements, EPCI, communes, or a radius around a commune — and `areas()`,
    the [AreaSpec] they describe (see essor/territories/areas.py). Mix it into a form:
    `class OfferForm(AreaPickerForm, forms.ModelForm)`. A model form's instance with
    `areas` fills the fields."""

    area_error = (
        "Indiquez le territoire servi : la région, des départements, des intercommunalités, "
        "des communes, un rayon autour d'une commune (ou toute la France)."
    )

    national = forms.BooleanField(label="Toute la France", required=False)
    whole_region = forms.BooleanField(label="Toute la région", required=False)
    departements = forms.ModelMultipleChoiceField(
        label="Départements",
        queryset=Departement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Aucun département n'a le code %(value)s."},
    )
    epcis = forms.ModelMultipleChoiceField(
        label="Intercommunalités (EPCI)",
        queryset=Epci.objects.none(),
        required=False,
        help_text="Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
        error_messages={"invalid_choice": "Aucune intercommunalité n'a le SIREN %(value)s."},
    )
    communes = forms.CharField(
        label="Communes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Une commune par ligne : son nom, son code postal ou son code INSEE.",
    )
    radius_commune = CommuneField(
        label="Ou un rayon autour d'une commune : la commune au centre",
        required=False,
    )
    radius_km = forms.IntegerField(
        label="Rayon (km)",
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_KM,
        error_messages={
            "min_value": "Le rayon est d'au moins 1 km.",
            "max_value": f"Le rayon est de {MAX_RADIUS_KM} km au plus.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region = Region.objects.filter(code=settings.ESSOR_REGION).first()
        if region:
            self.fields["whole_region"].label = f"Toute la région {region.name}"
        # The région's territories are offered; one from elsewhere, already chosen or
        # sent (an import), stays valid.
        chosen = [str(v) for v in self._chosen("departements")]
        self.fields["departements"].queryset = Departement.objects.filter(
            Q(region_id=settings.ESSOR_REGION) | Q(code__in=chosen)
        )
        chosen = [str(v) for v in self._chosen("epcis")]
        self.fields["epcis"].queryset = Epci.objects.filter(
            Q(code__in=Commune.objects.filter(region_id=settings.ESSOR_REGION).values("epci_id"))
            | Q(code__in=chosen)
        ).order_by("name")
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and hasattr(instance, "areas"):
            self.initial.update(area_picker_data(a.spec for a in instance.areas.all()))

    def _chosen(self, name):
        if self.is_bound and hasattr(self.data, "getlist"):
            return self.data.getlist(name)
        values = self.data.get(name) if self.is_bound else self.initial.get(name)
        return values or []

    def clean_communes(self):
        communes, errors = [], []
        for line in (self.cleaned_data.get("communes") or "").splitlines()[:200]:
            if not line.strip():
                continue
            try:
                communes.append(resolve_commune(line))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return communes

    def clean(self):
        data = super().clean()
        centre, km = data.get("radius_commune"), data.get("radius_km")
        if centre and not km and "radius_km" not in self.errors:
            self.add_error("radius_km", "Indiquez le rayon en kilomètres.")
        elif km and not centre and "radius_commune" not in self.errors:
            self.add_error("radius_commune", "Indiquez la commune au centre du rayon.")
        elif centre and centre.latitude is None:
            self.add_error(
                "radius_commune",
                "La position de cette commune est inconnue : choisissez une commune voisine.",
            )
        if not any(name in self.errors for name in AREA_FIELDS) and not self.areas():
            self.add_error(None, forms.ValidationError(self.area_error, code="no_area"))
        return data

    def areas(self):
        """[AreaSpec] of the territory the fields describe."""
        data = self.cleaned_data
        specs = []
        if data.get("national"):
            specs.append(spec_of(AreaLevel.NATIONAL, None))
        region = Region.objects.filter(code=settings.ESSOR_REGION).first()
        if data.get("whole_region") and region:
            specs.append(spec_of(AreaLevel.REGION, region))
        specs += [spec_of(AreaLevel.DEPARTEMENT, d) for d in data.get("departements") or []]
        specs += [spec_of(AreaLevel.EPCI, e) for e in data.get("epcis") or []]
        specs += [spec_of(AreaLevel.COMMUNE, c) for c in data.get("communes") or []]
        if data.get("radius_commune") and data.get("radius_km"):
            specs.append(spec_of(AreaLevel.RADIUS, data["radius_commune"], data["radius_km"]))
        return specs


def area_picker_data(specs):
    """The AreaPickerForm values that describe [AreaSpec]: a form's initial values, or
    the data an importer binds. A région other than the platform's cannot be picked:
    its départements stand for it."""
    data = {"departements": [], "epcis": [], "communes": []}
    for spec in specs:
        if spec.level == AreaLevel.NATIONAL:
            data["national"] = True
        elif spec.level == AreaLevel.REGION:
            if spec.code == settings.ESSOR_REGION:
                data["whole_region"] = True
            else:
                data["departements"] += list(
                    Departement.objects.filter(region_id=spec.code).values_list("code", flat=True)
                )
        elif spec.level == AreaLevel.DEPARTEMENT:
            data["departements"].append(spec.code)
        elif spec.level == AreaLevel.EPCI:
            data["epcis"].append(spec.code)
        elif spec.level == AreaLevel.COMMUNE:
            data["communes"].append(spec.code)
        elif spec.level == AreaLevel.RADIUS:
            data["radius_commune"], data["radius_km"] = spec.code, spec.radius_km
    data["communes"] = "\n".join(data["communes"])
    return data


# --- A place: a commune, an intercommunality or a département --------------------------

DEPARTEMENT_IN_LABEL = re.compile(r"\(département (\d[0-9AB]\d?)\)\s*$")
EPCI_IN_LABEL = re.compile(r"\(EPCI (\d{9})\)\s*$")
DEPARTEMENT_CODE = re.compile(r"^(?:\d{2}|2[AB]|97\d)$")
# How people name an intercommunality, and how the official names begin.
EPCI_WORDS = re.compile(
    r"^(?:cc|ca|cu|communaute (?:de communes|d agglomeration|urbaine)|agglomeration|"
    r"agglo|metropole|intercommunalite|interco)\b\s*(?:(?:du|de la|de l|des|de|d)\b\s*)?"
)


def place_label(place):
    """The label a place field shows and reads back: « Corrèze (département 19) »."""
    if isinstance(place, Departement):
        return f"{place.name} (département {place.code})"
    if isinstance(place, Epci):
        return f"{place.name} (EPCI {place.code})"
    return place.label if isinstance(place, Commune) else str(place or "")


def epci_core(folded):
    """« cc haute correze communaute » → « haute correze communaute »."""
    return EPCI_WORDS.sub("", folded).strip()


def epcis_named(text):
    """The EPCI whose name, without « CC », « communauté de communes du »…, is the text's
    (or contains it when no name is exactly it)."""
    core = epci_core(fold(text))
    if len(core) < 3:
        return []
    found = list(Epci.objects.filter(search_name__contains=core).order_by("name")[:20])
    exact = [e for e in found if epci_core(e.search_name) == core]
    return exact or found


def _labelled_place(text):
    """The place a label of place_label (or a bare département code) names, or None."""
    if found := DEPARTEMENT_IN_LABEL.search(text):
        return Departement.objects.filter(code=found[1]).first()
    if found := EPCI_IN_LABEL.search(text):
        return Epci.objects.filter(code=found[1]).first()
    if DEPARTEMENT_CODE.match(text):
        return Departement.objects.filter(code=text).first()
    return None


def resolve_place(text):
    """Read a commune, an EPCI or a département from what a person typed: the labels of
    place_label, a département's name or code, an intercommunality's name (« communauté
    de communes Haute-Corrèze »), or anything resolve_commune reads. A name shared by
    several places raises the French choice among them."""
    text = (text or "").strip()[:120]
    if not text:
        raise forms.ValidationError("Indiquez une commune, une intercommunalité ou un département.")
    labelled = _labelled_place(text)
    if labelled is not None:
        return labelled
    folded = fold(text)
    candidates = list(Departement.objects.filter(search_name=folded))
    if EPCI_WORDS.match(folded) and epci_core(folded) != folded:
        candidates += epcis_named(text)  # « CC … », « communauté de communes … »
    if len(candidates) == 1 and not Commune.objects.filter(search_name=folded).exists():
        return candidates[0]
    try:
        commune = resolve_commune(text)
    except forms.ValidationError as error:
        if not candidates and error.code == "unknown":
            candidates = epcis_named(text)
        if not candidates:
            raise
        if error.code == "ambiguous":
            candidates += list(Commune.objects.filter(search_name=folded)[:5])
    else:
        if not candidates:
            return commune
        if commune.search_name == folded:
            candidates.append(commune)
    if len(candidates) == 1:
        return candidates[0]
    names = " ; ".join(place_label(c) for c in candidates[:6])
    raise forms.ValidationError(
        "Plusieurs lieux correspondent à « %(text)s » : %(names)s. Précisez lequel.",
        code="ambiguous",
        params={"text": text, "names": names},
    )


class PlacePickerWidget(CommunePickerWidget):
    def format_value(self, value):
        if isinstance(value, Departement | Epci):
            return place_label(value)
        return super().format_value(value)


class PlaceField(CommuneField):
    """A commune, an intercommunality or a département (see resolve_place)."""

    widget = PlacePickerWidget
    default_error_messages = {
        "required": "Indiquez une commune, une intercommunalité ou un département."
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Commune | Epci | Departement):
            return value
        return resolve_place(str(value))
