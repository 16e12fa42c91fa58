from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "essor.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self):
        from .personal_data import DELETE, DETACH, UserLink, declare

        # Its own links, and those of the layers below it (core, Django's admin).
        declare(
            links=[
                UserLink(
                    "admin.LogEntry.user",
                    DELETE,
                    not_personal="journal technique de /gestion/, tenu par l'équipe CRESS",
                ),
                UserLink(
                    "core.ImportRun.launched_by",
                    DETACH,
                    not_personal="import lancé par l'équipe CRESS dans sa fonction",
                ),
                UserLink("core.Export.owner", DELETE, export="exports"),
                UserLink("accounts.Notification.recipient", DELETE, export="notifications"),
            ]
        )
