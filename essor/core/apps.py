from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "essor.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self):
        from django.core import checks

        from .storage import check_private_root

        checks.register(check_private_root, checks.Tags.security, deploy=False)
