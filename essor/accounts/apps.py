from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "essor.accounts"
    label = "accounts"
    verbose_name = "Comptes"
