from django.apps import AppConfig


class VeilleConfig(AppConfig):
    name = "veille"
    verbose_name = "Veille financements"
