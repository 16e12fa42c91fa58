from django.apps import AppConfig


class FinancingConfig(AppConfig):
    name = "essor.financing"
    verbose_name = "Financement"
