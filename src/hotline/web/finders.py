"""Single files of an npm package served as static files (settings.NODE_FILES).

htmx's `dist/` is small and is served whole through STATICFILES_DIRS. ECharts' `dist/` holds 50 MB
of builds, source maps and extensions of which the pages load one file; collecting all of it made
`hotline serve` (collectstatic with compression) seconds slower and STATIC_ROOT 75 MB larger. This
finder serves and collects only the files named in settings, each under its static path.
"""

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, overload

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage
from django.core.files.storage import FileSystemStorage


def _files() -> dict[str, Path]:
    return {path: Path(source) for path, source in getattr(settings, "NODE_FILES", {}).items()}


class NodeFileFinder(BaseFinder):
    """Finds `vendor/<name>/<file>` as the one file settings.NODE_FILES maps it to, if it exists."""

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        return []

    @overload
    def find(self, path: str, find_all: Literal[False] = False) -> str | None: ...
    @overload
    def find(self, path: str, find_all: Literal[True]) -> list[str]: ...
    def find(self, path: str, find_all: bool = False) -> str | list[str] | None:
        source = _files().get(path)
        if source is None or not source.is_file():
            return [] if find_all else None
        if str(source.parent) not in finders.searched_locations:
            finders.searched_locations.append(str(source.parent))
        return [str(source)] if find_all else str(source)

    def list(self, ignore_patterns: Iterable[str] | None) -> Iterator[tuple[str, FileSystemStorage]]:
        for path, source in _files().items():
            if source.is_file():
                storage = FileSystemStorage(location=source.parent)
                prefix, _slash, _name = path.rpartition("/")
                storage.prefix = prefix  # type: ignore[attr-defined]
                yield source.name, storage
