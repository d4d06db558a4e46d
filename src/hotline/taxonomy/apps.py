from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "hotline.taxonomy"
    label = "taxonomy"
