from django.apps import AppConfig


class JurisdictionsConfig(AppConfig):
    name = "jurisdictions"
    verbose_name = "Jurisdictions and practice areas"

    def ready(self) -> None:
        from jurisdictions import signals  # noqa: F401 - connects the cache invalidation
