"""The seven kinds of offer and need, each a `KindSpec`: its categories and the form of
its own attributes. A listing is one common model (models.Listing) whose kind-specific
attributes live in `details`, validated by the kind's `DetailsForm` wherever a listing is
written (the web form, the demo loader, the admin): one place for each rule.

    spec = KINDS[Kind.PREMISES]
    spec.validate({"surface_m2": 30, "availability": ["lun-matin"], "free": True})
    # -> the cleaned details, or ValidationError with French messages
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from .enums import Direction, HalfDay, Kind, Weekday

MAX_DAYS_PER_WEEK = 5

# --- Availability by day or half-day ---------------------------------------------------

SLOTS = [
    (f"{day.value}-{half.value}", f"{day.label} {half.label}")
    for day in Weekday
    for half in HalfDay
]
SLOT_LABELS = dict(SLOTS)


def overlapping_slots(slots):
    """[(a, b)] of the slots that overlap one another: the same half-day twice, or a
    whole day with one of its halves."""
    by_day = {}
    for slot in slots:
        day, half = slot.split("-", 1)
        by_day.setdefault(day, []).append(slot)
    clashes = []
    for day_slots in by_day.values():
        halves = [s.split("-", 1)[1] for s in day_slots]
        if HalfDay.DAY in halves and len(halves) > 1:
            whole = day_slots[halves.index(HalfDay.DAY)]
            clashes += [(whole, s) for s in day_slots if s != whole]
        seen = set()
        for slot in day_slots:
            if slot in seen:
                clashes.append((slot, slot))
            seen.add(slot)
    return clashes


def days_of_slots(slots):
    return {slot.split("-", 1)[0] for slot in slots}


class DetailsForm(forms.Form):
    """The attributes of one kind. Subclasses declare fields; `details()` is the JSON
    stored on the listing (Decimals as numbers, nothing empty)."""

    def details(self):
        out = {}
        for name, value in self.cleaned_data.items():
            if value in (None, "", [], ()) or value is False:
                continue
            out[name] = float(value) if isinstance(value, Decimal) else value
        return out


class PremisesDetails(DetailsForm):
    surface_m2 = forms.IntegerField(
        label="Surface (m²)",
        min_value=1,
        max_value=100_000,
        error_messages={"min_value": "La surface est d'au moins 1 m²."},
    )
    equipment = forms.CharField(label="Équipement", max_length=500, required=False)
    accessible = forms.BooleanField(
        label="Accessible aux personnes à mobilité réduite", required=False
    )
    availability = forms.MultipleChoiceField(
        label="Disponibilité",
        choices=SLOTS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les jours ou demi-journées ; laissez vide si c'est à convenir.",
        error_messages={"invalid_choice": "Le créneau « %(value)s » n'existe pas."},
    )
    free = forms.BooleanField(label="Gratuit", required=False)
    price_eur = forms.DecimalField(
        label="Prix (€, par demi-journée ou par mois selon la description)",
        min_value=0,
        max_digits=9,
        decimal_places=2,
        required=False,
    )

    def clean_availability(self):
        slots = self.cleaned_data["availability"]
        clashes = overlapping_slots(slots)
        if clashes:
            a, b = clashes[0]
            raise ValidationError(
                f"La disponibilité se chevauche : « {SLOT_LABELS[a]} » et « {SLOT_LABELS[b]} »."
            )
        return slots

    def clean(self):
        data = super().clean()
        if not data.get("free") and data.get("price_eur") is None and not self.errors:
            self.add_error("price_eur", "Indiquez un prix, ou cochez « Gratuit ».")
        if data.get("free") and data.get("price_eur"):
            self.add_error("price_eur", "Un local gratuit n'a pas de prix.")
        return data


class EquipmentDetails(DetailsForm):
    mode = forms.ChoiceField(
        label="Mise à disposition",
        choices=[("pret", "prêt"), ("location", "location"), ("don", "don")],
    )
    description_short = forms.CharField(label="Quoi, précisément", max_length=300, required=False)


class SkillsDetails(DetailsForm):
    mode = forms.ChoiceField(
        label="Forme",
        choices=[("mecenat", "mécénat de compétences"), ("pro-bono", "pro bono (bénévolat)")],
    )
    amount = forms.DecimalField(
        label="Volume", min_value=Decimal("0.5"), max_digits=7, decimal_places=1
    )
    unit = forms.ChoiceField(label="Unité", choices=[("heures", "heures"), ("jours", "jours")])
    skill = forms.CharField(label="Compétence", max_length=200)


class MentoringDetails(DetailsForm):
    role = forms.ChoiceField(label="Rôle", choices=[("mentor", "mentor"), ("mentore", "mentoré")])
    sector = forms.CharField(label="Secteur", max_length=200, required=False)
    format = forms.ChoiceField(
        label="Format",
        choices=[("presentiel", "en présentiel"), ("distance", "à distance"), ("mixte", "mixte")],
    )
    hours = forms.DecimalField(
        label="Heures prévues",
        min_value=Decimal("0.5"),
        max_digits=6,
        decimal_places=1,
        required=False,
    )


class SharedJobDetails(DetailsForm):
    days_per_week = forms.DecimalField(
        label="Jours par semaine",
        min_value=Decimal("0.5"),
        max_digits=3,
        decimal_places=1,
        error_messages={"min_value": "Indiquez au moins une demi-journée par semaine."},
    )
    days = forms.MultipleChoiceField(
        label="Jours souhaités",
        choices=Weekday.choices[:5],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Laissez vide si les jours sont à convenir.",
        error_messages={"invalid_choice": "Le jour « %(value)s » n'est pas un jour ouvré."},
    )
    skills = forms.CharField(
        label="Compétences attendues", max_length=500, help_text="Séparées par des virgules."
    )

    def clean_days_per_week(self):
        days = self.cleaned_data["days_per_week"]
        if days > MAX_DAYS_PER_WEEK:
            raise ValidationError(
                f"Un emploi partagé compte au plus {MAX_DAYS_PER_WEEK} jours par semaine."
            )
        return days

    def clean_skills(self):
        skills = [s.strip() for s in self.cleaned_data["skills"].split(",") if s.strip()]
        if not skills:
            raise ValidationError("Indiquez au moins une compétence.")
        return ", ".join(skills)

    def clean(self):
        data = super().clean()
        days, per_week = data.get("days"), data.get("days_per_week")
        if days and per_week and Decimal(len(days)) < per_week:
            self.add_error("days", f"{len(days)} jour(s) cochés pour {per_week} jours par semaine.")
        return data


class PurchaseDetails(DetailsForm):
    volume = forms.CharField(label="Volume", max_length=200, help_text="Par exemple « 40 MWh/an ».")
    deadline = forms.DateField(label="Date limite", required=False)

    def details(self):
        out = super().details()
        if "deadline" in out:
            out["deadline"] = out["deadline"].isoformat()
        return out


class PartnersDetails(DetailsForm):
    project = forms.CharField(label="Le projet de coopération", max_length=500)


@dataclass(frozen=True)
class KindSpec:
    kind: str
    categories: tuple  # ((value, label), ...)
    form: type
    offer_hint: str
    need_hint: str

    @property
    def label(self):
        return Kind(self.kind).label

    def category_label(self, value):
        return dict(self.categories).get(value, value)

    def hint(self, direction):
        return self.offer_hint if direction == Direction.OFFER else self.need_hint

    def details_form(self, data=None, **kwargs):
        return self.form(data, prefix="details", **kwargs)

    def validate(self, details):
        """The cleaned details, or ValidationError (French messages)."""
        form = self.form(_as_form_data(details))
        if not form.is_valid():
            raise ValidationError(
                [
                    f"{form.fields[n].label if n in form.fields else ''} : {m}".lstrip(" :")
                    for n, errors in form.errors.items()
                    for m in errors
                ]
            )
        return form.details()


def _as_form_data(details):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in (details or {}).items():
        if isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif value is not None:
            data[key] = str(value)
    return data


KINDS = {
    spec.kind: spec
    for spec in [
        KindSpec(
            Kind.PREMISES,
            (
                ("bureau", "bureau"),
                ("salle-reunion", "salle de réunion"),
                ("atelier", "atelier"),
                ("stockage", "stockage"),
                ("coworking", "poste en coworking"),
            ),
            PremisesDetails,
            "Un bureau, une salle, un atelier que vous prêtez ou louez.",
            "Un lieu où travailler, se réunir, stocker.",
        ),
        KindSpec(
            Kind.EQUIPMENT,
            (
                ("vehicule", "véhicule"),
                ("outillage", "outillage"),
                ("informatique", "informatique"),
                ("cuisine", "cuisine"),
                ("autre", "autre matériel"),
            ),
            EquipmentDetails,
            "Du matériel à prêter, louer ou donner.",
            "Du matériel à emprunter, louer ou recevoir.",
        ),
        KindSpec(
            Kind.SKILLS,
            (
                ("gestion", "gestion et finances"),
                ("juridique", "droit"),
                ("communication", "communication"),
                ("numerique", "numérique"),
                ("rh", "ressources humaines"),
                ("strategie", "stratégie"),
                ("autre", "autre compétence"),
            ),
            SkillsDetails,
            "Des compétences en mécénat ou pro bono.",
            "Des compétences à recevoir (mécénat de compétences, pro bono).",
        ),
        KindSpec(
            Kind.MENTORING,
            (
                ("creation", "création"),
                ("developpement", "développement"),
                ("changement-echelle", "changement d'échelle"),
                ("transmission", "transmission, reprise"),
                ("difficulte", "passage difficile"),
            ),
            MentoringDetails,
            "Un dirigeant ou une dirigeante qui accompagne.",
            "Être accompagné par un ou une dirigeante expérimentée.",
        ),
        KindSpec(
            Kind.SHARED_JOB,
            (
                ("administratif", "administratif et comptabilité"),
                ("communication", "communication"),
                ("animation", "animation"),
                ("technique", "technique et entretien"),
                ("numerique", "numérique"),
                ("autre", "autre métier"),
            ),
            SharedJobDetails,
            "Un salarié à temps partiel à partager (groupement d'employeurs).",
            "Un besoin à temps partiel qu'un groupement d'employeurs pourrait porter.",
        ),
        KindSpec(
            Kind.PURCHASE,
            (
                ("energie", "énergie"),
                ("assurance", "assurance"),
                ("fournitures", "fournitures"),
                ("autre", "autre achat"),
            ),
            PurchaseDetails,
            "Un achat groupé que vous organisez.",
            "Un achat que vous voulez grouper.",
        ),
        KindSpec(
            Kind.PARTNERS,
            (
                ("ptce", "pôle territorial de coopération économique (PTCE)"),
                ("consortium", "consortium"),
                ("rapprochement", "rapprochement"),
                ("fusion", "fusion"),
            ),
            PartnersDetails,
            "Un projet de coopération qui cherche des partenaires.",
            "Des partenaires pour un projet de coopération.",
        ),
    ]
}
