"""Read queries of the model registry."""

from hotline.routing.models import ModelTarget, ModelVersion


def active_model_version(target: str = ModelTarget.CATEGORY) -> ModelVersion | None:
    """The version in use for `target`, if any."""
    return ModelVersion.objects.filter(target=target, is_active=True).first()
