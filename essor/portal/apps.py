from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top of the platform: the home page, the search over every kind of content,
    the demo loader. It may use every other app; no app uses it."""

    name = "essor.portal"
    label = "portal"
    verbose_name = "Portail"
