from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "website.search"
    label = "relais_search"
    verbose_name = "Recherche"

    def ready(self):
        from . import signals  # noqa: F401
