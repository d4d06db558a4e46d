from django.apps import AppConfig


class DedupConfig(AppConfig):
    name = "hotline.dedup"
    label = "dedup"
