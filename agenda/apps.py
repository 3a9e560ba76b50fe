from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "agenda"
    verbose_name = "Agenda"

    def ready(self):
        from agenda import signals  # connects the occurrence rebuilds

        signals.quiet_wagtail_notifications_for_events()
