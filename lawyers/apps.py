from django.apps import AppConfig


class LawyersConfig(AppConfig):
    name = "lawyers"
    verbose_name = "Lawyer network"
