import json
import secrets
from functools import partial
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models, transaction
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import get_valid_filename

from essor.accounts.admin import UserAdmin
from essor.accounts.models import User
from essor.accounts.perms import is_cress_staff
from essor.core.admin import StaffAdmin

from .enums import ImportKind, ImportStatus, Source
from .importers.base import format_report
from .importers.csv_import import MappingError, load_mapping
from .models import Establishment, ImportRun, Label, Membership, Organisation
from .tasks import run_import

# Larger files (the national SIRENE stock is several gigabytes) are copied to the
# server's imports folder and named by their path instead.
MAX_UPLOAD_BYTES = 500 * 1024 * 1024
DATA_EXTENSIONS = (".csv", ".zip", ".txt")


class StaffInlineMixin:
    """Inlines do not inherit StaffAdmin: give them the same rule."""

    def has_view_permission(self, request, obj=None):
        return is_cress_staff(request.user)

    def has_add_permission(self, request, obj=None):
        return is_cress_staff(request.user)

    def has_change_permission(self, request, obj=None):
        return is_cress_staff(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_cress_staff(request.user)


@admin.register(Label)
class LabelAdmin(StaffAdmin):
    list_display = ["name", "code", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


class EstablishmentInline(StaffInlineMixin, admin.TabularInline):
    model = Establishment
    fields = ["siret", "name", "address", "postal_code", "commune", "status", "is_head_office"]
    autocomplete_fields = ["commune"]
    extra = 0
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        # The establishments of a registry organisation are refreshed by the imports.
        return self.fields if obj is not None and obj.is_from_registry else []

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj and obj.is_from_registry)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.is_from_registry)


@admin.register(Organisation)
class OrganisationAdmin(StaffAdmin):
    list_display = ["name", "siren", "rna", "ess_family", "status", "source"]
    list_filter = ["ess_family", "status", "source", "is_esus", "is_synthetic", "labels"]
    search_fields = ["name", "acronym", "siren", "rna"]
    autocomplete_fields = ["networks"]
    filter_horizontal = ["labels"]
    inlines = [EstablishmentInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        ("Identité", {"fields": Organisation.REGISTRY_FIELDS + ["is_esus"]}),
        (
            "Profil",
            {
                "fields": [
                    "description",
                    "website",
                    "public_email",
                    "public_phone",
                    "logo",
                    "networks",
                    "labels",
                    "sectors",
                ]
            },
        ),
        (
            "Provenance",
            {"fields": ["source", "source_updated_at", "is_synthetic", "created_at", "updated_at"]},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = ["source", "source_updated_at", "created_at", "updated_at"]
        if obj is not None and obj.is_from_registry:
            # SIRENE or the RNA is the reference: the next import would undo an edit.
            fields += Organisation.REGISTRY_FIELDS
        return fields

    def save_model(self, request, obj, form, change):
        obj.refresh_search_text()
        super().save_model(request, obj, form, change)


SIRENE_ESTABLISHMENT_FIELDS = [
    "siret", "organisation", "name", "address", "postal_code", "commune", "latitude",
    "longitude", "coordinate_precision", "naf", "headcount_band", "is_employer",
    "is_head_office", "status", "diffusion", "created_on", "closed_on",
]  # fmt: skip


@admin.register(Establishment)
class EstablishmentAdmin(StaffAdmin):
    list_display = ["__str__", "siret", "organisation", "commune", "status", "source"]
    list_filter = ["status", "is_employer", "is_head_office", "coordinate_precision", "source"]
    list_select_related = ["organisation", "commune"]
    search_fields = ["siret", "name", "organisation__name", "organisation__siren"]
    autocomplete_fields = ["organisation", "commune"]

    def get_readonly_fields(self, request, obj=None):
        fields = ["source", "source_updated_at"]
        if obj is not None and obj.source in {Source.SIRENE, Source.RNA}:
            fields += SIRENE_ESTABLISHMENT_FIELDS
        return fields


# Imports


def imports_dir():
    return Path(settings.DATA_DIR) / "imports"


class ImportRunForm(forms.ModelForm):
    """Staff upload the input files, or name files already in the server's imports
    folder; the run is then queued for the worker."""

    FILES = {
        ImportKind.SIRENE: [
            ("unites_legales", "Fichier des unités légales (StockUniteLegale)", DATA_EXTENSIONS),
            ("etablissements", "Fichier des établissements (StockEtablissement)", DATA_EXTENSIONS),
        ],
        ImportKind.RNA: [("file", "Fichier du RNA", DATA_EXTENSIONS)],
        ImportKind.CSV: [
            ("file", "Fichier CSV de la CRESS", DATA_EXTENSIONS),
            ("mapping", "Fichier de correspondance", (".json",)),
        ],
    }
    path_help = "… ou chemin d'un fichier déjà déposé dans le dossier des imports du serveur."

    all_regions = forms.BooleanField(
        label="Toute la France",
        required=False,
        help_text="Sinon, seule la région de la plateforme est importée (SIRENE et RNA).",
    )
    unites_legales_file = forms.FileField(label="Unités légales (CSV ou zip)", required=False)
    unites_legales_path = forms.CharField(label="", required=False, help_text=path_help)
    etablissements_file = forms.FileField(label="Établissements (CSV ou zip)", required=False)
    etablissements_path = forms.CharField(label="", required=False, help_text=path_help)
    file_file = forms.FileField(label="Fichier RNA ou CSV", required=False)
    file_path = forms.CharField(label="", required=False, help_text=path_help)
    encoding = forms.CharField(
        label="Encodage du fichier RNA",
        initial="iso-8859-1",
        required=False,
        help_text="ISO-8859-1 pour l'export « waldec » du RNA.",
    )
    mapping_file = forms.FileField(label="Correspondance des colonnes (JSON)", required=False)
    mapping_path = forms.CharField(label="", required=False, help_text=path_help)

    class Meta:
        model = ImportRun
        fields = ["kind", "dry_run"]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        self.server_paths = {}
        for name, label, extensions in self.FILES.get(kind, []):
            upload, path = cleaned.get(f"{name}_file"), cleaned.get(f"{name}_path", "").strip()
            if upload and path:
                self.add_error(
                    f"{name}_file", "Envoyez un fichier ou indiquez un chemin, pas les deux."
                )
            elif upload:
                self._check_upload(f"{name}_file", upload, extensions)
            elif path:
                self._check_server_path(name, path, extensions)
            else:
                self.add_error(
                    f"{name}_file",
                    f"{label} manquant : envoyez-le ou indiquez son chemin sur le serveur.",
                )
        if kind == ImportKind.CSV and not self.errors:
            self._check_mapping(cleaned)
        return cleaned

    def _check_upload(self, field, upload, extensions):
        if not upload.name.lower().endswith(extensions):
            self.add_error(field, f"Format refusé : fichier {' ou '.join(extensions)} attendu.")
        elif upload.size > MAX_UPLOAD_BYTES:
            self.add_error(
                field,
                f"Fichier trop volumineux pour un envoi ({upload.size // 2**20} Mo, "
                f"{MAX_UPLOAD_BYTES // 2**20} Mo au plus) : déposez-le dans le dossier des "
                "imports du serveur et indiquez son chemin.",
            )

    def _check_server_path(self, name, value, extensions):
        base = imports_dir().resolve()
        path = (base / value).resolve()
        if not path.is_relative_to(base):
            self.add_error(f"{name}_path", f"Le fichier doit se trouver dans le dossier {base}.")
        elif not path.is_file():
            self.add_error(f"{name}_path", f"Fichier introuvable : {path}.")
        elif not path.name.lower().endswith(extensions):
            self.add_error(
                f"{name}_path", f"Format refusé : fichier {' ou '.join(extensions)} attendu."
            )
        else:
            self.server_paths[name] = str(path)

    def _check_mapping(self, cleaned):
        try:
            if cleaned.get("mapping_file"):
                upload = cleaned["mapping_file"]
                try:
                    load_mapping(json.loads(upload.read().decode("utf-8")))
                except (UnicodeDecodeError, json.JSONDecodeError) as error:
                    raise MappingError(f"fichier de correspondance illisible : {error}") from None
                finally:
                    upload.seek(0)
            else:
                load_mapping(self.server_paths["mapping"])
        except MappingError as error:
            self.add_error("mapping_file", str(error))

    def parameters(self):
        """Store the uploads under DATA_DIR/imports and give the importer's parameters."""
        kind = self.cleaned_data["kind"]
        folder = None
        parameters = {}
        for name, _, _ in self.FILES[kind]:
            if name in self.server_paths:
                parameters[name] = self.server_paths[name]
                continue
            if folder is None:
                stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
                folder = imports_dir() / "uploads" / f"{stamp}-{secrets.token_hex(4)}"
                folder.mkdir(parents=True)
            upload = self.cleaned_data[f"{name}_file"]
            target = folder / get_valid_filename(Path(upload.name).name)
            with target.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            parameters[name] = str(target)
        parameters = {
            ImportKind.SIRENE: lambda p: {**p},
            ImportKind.RNA: lambda p: {"path": p["file"]},
            ImportKind.CSV: lambda p: {"path": p["file"], "mapping": p["mapping"]},
        }[kind](parameters)
        if kind in (ImportKind.SIRENE, ImportKind.RNA):
            parameters["all_regions"] = self.cleaned_data["all_regions"]
        if kind == ImportKind.RNA:
            parameters["encoding"] = self.cleaned_data["encoding"] or "iso-8859-1"
        return parameters


@admin.register(ImportRun)
class ImportRunAdmin(StaffAdmin):
    form = ImportRunForm
    list_display = ["__str__", "kind", "status", "dry_run", "launched_by", "finished_at"]
    list_filter = ["kind", "status", "dry_run"]
    add_fieldsets = [
        (None, {"fields": ["kind", "dry_run", "all_regions"]}),
        (
            "SIRENE",
            {
                "fields": [
                    "unites_legales_file",
                    "unites_legales_path",
                    "etablissements_file",
                    "etablissements_path",
                ]
            },
        ),
        (
            "RNA ou liste CSV de la CRESS",
            {"fields": ["file_file", "file_path", "encoding", "mapping_file", "mapping_path"]},
        ),
    ]
    view_fields = [
        "kind", "status", "dry_run", "launched_by", "created_at", "started_at", "finished_at",
        "parameters_display", "report_display", "errors_display",
    ]  # fmt: skip

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else [(None, {"fields": self.view_fields})]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.view_fields

    # A run is a record: it is never edited or deleted.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.parameters = form.parameters()
        obj.launched_by = request.user
        obj.status = ImportStatus.QUEUED
        super().save_model(request, obj, form, change)
        transaction.on_commit(partial(run_import.enqueue, obj.pk))
        messages.info(
            request,
            "L'import est en file d'attente : son rapport s'affichera sur sa fiche une fois "
            "terminé.",
        )

    @admin.display(description="paramètres")
    def parameters_display(self, obj):
        return format_html(
            "<pre>{}</pre>", json.dumps(obj.parameters, ensure_ascii=False, indent=2)
        )

    @admin.display(description="rapport")
    def report_display(self, obj):
        return format_html("<pre>{}</pre>", format_report(obj.report)) if obj.report else "—"

    @admin.display(description="erreurs")
    def errors_display(self, obj):
        if not obj.errors:
            return "—"
        return format_html(
            "<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((e,) for e in obj.errors))
        )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_cress_staff

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


# The user page of the admin shows the person's memberships: the accounts app cannot
# know the directory (it sits below it), so the directory extends its admin.
admin.site.unregister(User)


@admin.register(User)
class UserWithMembershipsAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(StaffAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
