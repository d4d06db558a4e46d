from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "hotline.intake"
    label = "intake"
