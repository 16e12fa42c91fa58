from django.apps import AppConfig


class PurchasingConfig(AppConfig):
    name = "essor.purchasing"
    label = "purchasing"
    verbose_name = "Achats responsables"

    def ready(self):
        from essor.accounts.personal_data import declare
        from essor.core import moderation, page_sections
        from essor.search.registry import register

        # Registers the suppliers' importer: /gestion/ and ImportRun know it by its kind.
        from . import exports, importer, sections  # noqa: F401
        from .documents import NeedDocumentKind, SupplierDocumentKind

        page_sections.register(
            page_sections.ORGANISATION,
            order=30,
            template="purchasing/_organisation_supplier.html",
            context=sections.organisation_supplier,
        )
        page_sections.register(
            page_sections.OBSERVATORY,
            order=10,
            template="purchasing/_observatory.html",
            context=sections.observatory_purchasing,
        )
        from .services import USER_LINKS, personal_data

        declare(personal_data, links=USER_LINKS)
        register(SupplierDocumentKind())
        register(NeedDocumentKind())

        from .enums import NeedStatus
        from .models import PurchaseNeed

        moderation.register(
            "Achats : besoins d'achat à publier",
            "purchasing:moderation",
            lambda: PurchaseNeed.objects.filter(status=NeedStatus.PENDING),
            order=40,
        )
