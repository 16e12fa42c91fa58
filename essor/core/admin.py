import json
import secrets
import shutil
from functools import partial
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import get_valid_filename

from .enums import ImportStatus
from .importing import IMPORTERS, format_report
from .models import DemoDataset, ImportRun
from .tasks import run_import


def is_staff_request(request):
    # Who is CRESS staff is the accounts app's rule (accounts.perms.is_cress_staff), a
    # layer above core: the user model answers it, as Django's admin asks it `is_staff`.
    return getattr(request.user, "is_cress_staff", False)


class StaffAdmin(admin.ModelAdmin):
    """The admin is the CRESS team's back office: staff may do everything there,
    nobody else anything (Django's per-model permissions are not used)."""

    def has_module_permission(self, request):
        return is_staff_request(request)

    def has_view_permission(self, request, obj=None):
        return is_staff_request(request)

    def has_add_permission(self, request, *args):
        return is_staff_request(request)

    def has_change_permission(self, request, obj=None):
        return is_staff_request(request)

    def has_delete_permission(self, request, obj=None):
        return is_staff_request(request)


class ReadOnlyAdmin(StaffAdmin):
    """Tables written by code (the geography's loader, the observatory's refresh):
    staff read them, nobody edits them by hand."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DemoDataset)
class DemoDatasetAdmin(StaffAdmin):
    list_display = ["name", "loaded_at"]


# Imports: one form for every importer registered (essor.core.importing), built from
# their declared files and options when the page is asked for.

# Larger files (the national SIRENE stock is several gigabytes) are copied to the
# server's imports folder and named by their path instead.
MAX_UPLOAD_BYTES = 500 * 1024 * 1024
PATH_HELP = "… ou chemin d'un fichier déjà déposé dans le dossier des imports du serveur."


def imports_dir():
    return Path(settings.DATA_DIR) / "imports"


FORMATS = {".csv": "CSV", ".zip": "zip", ".json": "JSON"}


def formats(extensions):
    return " ou ".join(FORMATS[e] for e in extensions if e in FORMATS)


class ImportRunForm(forms.ModelForm):
    """Staff upload the input files, or name files already in the server's imports
    folder; the run is then queued for the worker. The files and options fields of
    every importer are added by `import_run_form()`."""

    class Meta:
        model = ImportRun
        fields = ["kind", "dry_run"]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind not in IMPORTERS:
            return cleaned
        importer = IMPORTERS[kind]
        self.server_paths = {}
        for file in importer.files:
            name = file.name
            upload, path = cleaned.get(f"{name}_file"), cleaned.get(f"{name}_path", "").strip()
            if upload and path:
                self.add_error(
                    f"{name}_file", "Envoyez un fichier ou indiquez un chemin, pas les deux."
                )
            elif upload:
                self._check_upload(f"{name}_file", upload, file.extensions)
            elif path:
                self._check_server_path(name, path, file.extensions)
            else:
                self.add_error(
                    f"{name}_file",
                    f"{file.label} ({formats(file.extensions)}) manquant : envoyez-le ou indiquez "
                    "son chemin sur le serveur.",
                )
        if not self.errors:
            self._check_parameters(importer)
        return cleaned

    def _check_upload(self, field, upload, extensions):
        if not upload.name.lower().endswith(extensions):
            self.add_error(field, f"Format refusé : fichier {formats(extensions)} attendu.")
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
                f"{name}_path", f"Format refusé : fichier {formats(extensions)} attendu."
            )
        else:
            self.server_paths[name] = str(path)

    def _check_parameters(self, importer):
        """Store the uploads under DATA_DIR/imports, then let the importer check its
        parameters (an unknown encoding, an invalid mapping): the same check as the
        command's, on the same files. A refused form leaves no file behind."""
        folder = None
        parameters = dict(self.server_paths)
        for file in importer.files:
            if file.name in parameters:
                continue
            if folder is None:
                stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
                folder = imports_dir() / "uploads" / f"{stamp}-{secrets.token_hex(4)}"
                folder.mkdir(parents=True)
            upload = self.cleaned_data[f"{file.name}_file"]
            target = folder / get_valid_filename(Path(upload.name).name)
            with target.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            parameters[file.name] = str(target)
        for option in importer.options:
            value = self.cleaned_data.get(option.name)
            if value not in (None, ""):
                parameters[option.name] = value
        problems = importer(**parameters).check()
        for name, message in problems:
            field = f"{name}_file" if f"{name}_file" in self.fields else name
            self.add_error(field if field in self.fields else None, message)
        if problems and folder is not None:
            shutil.rmtree(folder)
        self.parameters = parameters


def import_run_form():
    """ImportRunForm with the fields of every registered importer: files shared by
    several importers (the one file of most of them) get one pair of fields."""
    fields = {}
    for cls in IMPORTERS.values():
        for file in cls.files:
            if f"{file.name}_file" not in fields:
                label = file.label if _users(file.name) == [cls] else "Fichier à importer"
                fields[f"{file.name}_file"] = forms.FileField(
                    label=f"{label} ({formats(file.extensions)})", required=False
                )
                fields[f"{file.name}_path"] = forms.CharField(
                    label="", required=False, help_text=PATH_HELP
                )
        for option in cls.options:
            if option.name not in fields:
                kind = forms.BooleanField if option.boolean else forms.CharField
                fields[option.name] = kind(
                    label=option.label, required=False, help_text=option.help
                )
    return type("ImportRunForm", (ImportRunForm,), fields)


def _users(name):
    """The importers that read a file or take an option of this name."""
    return [
        cls
        for cls in IMPORTERS.values()
        if name in [f.name for f in cls.files] + [o.name for o in cls.options]
    ]


def import_fieldsets():
    """One fieldset per group of importers sharing fields, titled with their names."""
    groups = {}
    for cls in IMPORTERS.values():
        names = [f for file in cls.files for f in (f"{file.name}_file", f"{file.name}_path")]
        names += [option.name for option in cls.options]
        for name in names:
            users = tuple(_users(name.removesuffix("_file").removesuffix("_path")))
            if name not in groups.setdefault(users, []):
                groups[users].append(name)
    placed = set()
    fieldsets = [(None, {"fields": ["kind", "dry_run"]})]
    for users, names in groups.items():
        names = [n for n in names if n not in placed]
        placed.update(names)
        if names:
            fieldsets.append((", ".join(cls.label for cls in users), {"fields": names}))
    return fieldsets


@admin.register(ImportRun)
class ImportRunAdmin(StaffAdmin):
    # Its page says « en cours » and follows the run (htmx) until the report is there.
    change_form_template = "admin/core/importrun/change_form.html"
    list_display = ["__str__", "kind", "status", "dry_run", "launched_by", "finished_at"]
    list_filter = ["kind", "status", "dry_run"]
    view_fields = [
        "kind", "status", "dry_run", "launched_by", "created_at", "started_at", "finished_at",
        "parameters_display", "report_display", "errors_display",
    ]  # fmt: skip

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = import_run_form()
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return import_fieldsets() if obj is None else [(None, {"fields": self.view_fields})]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.view_fields

    # A run is a record: it is never edited or deleted.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.parameters = form.parameters
        obj.launched_by = request.user
        obj.status = ImportStatus.QUEUED
        super().save_model(request, obj, form, change)
        transaction.on_commit(partial(run_import.enqueue, obj.pk))

    def response_add(self, request, obj, post_url_continue=None):
        # Straight to the run's page, which follows it until its report is there.
        return redirect("admin:core_importrun_change", obj.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id)
        in_progress = run is not None and run.status in (
            ImportStatus.QUEUED,
            ImportStatus.RUNNING,
        )
        extra_context = {**(extra_context or {}), "import_in_progress": in_progress}
        return super().change_view(request, object_id, form_url, extra_context)

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
