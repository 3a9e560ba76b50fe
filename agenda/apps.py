from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "agenda"
    verbose_name = "Agenda"

    def ready(self):
        from agenda import signals  # noqa: F401  (connects the occurrence rebuilds)
