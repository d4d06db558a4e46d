"""How the channels' commands report a run (`hotline import`, `hotline mail fetch`): a dry run
(`--dry-run`) makes every check of the real run and decides as it would, the same rejections and
the same exit status, but writes nothing; each line of its report says so first."""

from django.utils.translation import gettext as _


def dry_run(line: str) -> str:
    """A line of a dry run's report (its summary, its refusal), marked as such."""
    # Translators: put before each line that a dry run (--dry-run) reports; nothing was stored.
    return _("【试运行，未写入任何数据】%(line)s") % {"line": line}
