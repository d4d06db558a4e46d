from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "hotline.routing"
    label = "routing"

    def ready(self) -> None:
        from hotline.routing import reference

        reference.watch()
