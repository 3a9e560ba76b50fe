from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    name = "website"
    verbose_name = "Site"

    def ready(self):
        from website import page_cache, renditions

        # Here rather than in the middleware: management commands (imports) write content too.
        page_cache.connect()
        renditions.connect()
