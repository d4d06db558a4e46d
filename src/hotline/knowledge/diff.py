"""What changed from one version of an article to the next, for people: each field that changed,
its text as runs kept, taken out and put in (difflib: lines first, then the characters of the
lines that changed, since a Chinese paragraph is one long line). The runs are plain text; the page
escapes them as any other text (web/knowledge_version.html)."""

from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.translation import gettext as _

from hotline.knowledge.models import ArticleVersion

# A changed block longer than this (characters, both sides) is shown taken out and put in whole:
# comparing characters is quadratic at worst.
MAX_CHARACTERS = 4000


@dataclass(frozen=True)
class Run:
    op: str  # "same", "del" (taken out) or "ins" (put in)
    text: str


@dataclass(frozen=True)
class Change:
    label: str
    runs: list[Run]


def runs(old: str, new: str) -> list[Run]:
    """`new` against `old` as runs of kept, taken-out and put-in text."""
    found: list[Run] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if found and found[-1].op == op:
            found[-1] = Run(op, found[-1].text + text)
        else:
            found.append(Run(op, text))

    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            add("same", before)
        elif tag == "replace" and len(before) + len(after) <= MAX_CHARACTERS:
            chars = SequenceMatcher(None, before, after, autojunk=False)
            for op, k1, k2, m1, m2 in chars.get_opcodes():
                if op == "equal":
                    add("same", before[k1:k2])
                else:
                    add("del", before[k1:k2])
                    add("ins", after[m1:m2])
        else:
            add("del", before)
            add("ins", after)
    return found


def _shown(version: ArticleVersion | None, name: str) -> str:
    if version is None:
        return ""
    value = getattr(version, name)
    if name == "public":
        return _("对外公开") if value else _("仅供内部使用")
    if name in ("category", "area", "owner"):
        if value is None:
            return "—"
        return str(value.path) if name == "category" else str(value.name)
    if name in ("valid_from", "valid_until"):
        return value.isoformat() if value else "—"
    return str(value or "")


def changes(before: ArticleVersion | None, after: ArticleVersion) -> list[Change]:
    """The fields of `after` that differ from `before` (None: the first version, all of it new)."""
    fields = (
        ("title", _("标题")),
        ("question", _("常见问法")),
        ("body", _("答复口径")),
        ("category", _("分类")),
        ("area", _("适用属地")),
        ("owner", _("责任单位")),
        ("valid_from", _("生效日期")),
        ("valid_until", _("失效日期")),
        ("public", _("百问百答")),
    )
    found = []
    for name, label in fields:
        old, new = _shown(before, name), _shown(after, name)
        if before is None and new == "—":  # the first version: only what it says
            continue
        if old != new:
            found.append(Change(label, runs(old, new)))
    return found
