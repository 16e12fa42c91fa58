from django.apps import AppConfig


class CooperationConfig(AppConfig):
    name = "essor.cooperation"
    label = "cooperation"
    verbose_name = "Coopération"
