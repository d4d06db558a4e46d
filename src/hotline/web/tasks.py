"""Background work of the staff pages (django.tasks; run by `hotline worker`)."""

from django.tasks import task

from hotline.web import exports


@task()
def build_export(export_id: str) -> None:
    """Write one export of a search to its file (web.exports.build)."""
    exports.build(export_id)
