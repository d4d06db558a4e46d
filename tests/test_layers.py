"""The folder tree's layers (docs/adr/0007-layers.md): a module imports only from its own layer or
the layers below it, and within a layer only from its own app. Every import counts, including
those inside functions, which is where a cycle would otherwise hide."""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

import hotline

SRC = Path(hotline.__file__).parent

# Lowest first. A module belongs to the layer of the longest prefix that names it; the prefixes
# below the app ("sla.actions") split an app whose parts sit at different heights.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("kit", ("core",)),
    ("people", ("accounts",)),
    ("reference", ("taxonomy", "directory")),
    ("clock", ("sla",)),
    # An extension request withdrawn when the action that made it moot runs (`sla.withdrawals`,
    # called by `tickets.transitions` after each action): written with the ticket's record.
    ("record", ("tickets", "intake", "feedback", "sla.withdrawals")),
    # What citizens are told (告知): written by the loop's actions with the change, read from the record.
    ("citizen_messages", ("citizen_messages",)),
    ("loop", ("intake.actions", "intake.channels", "tickets.actions", "sla.actions", "feedback.actions")),
    # Above the ticket's record, which it reads and embeds; below routing, which may one day ask it.
    ("dedup", ("dedup",)),
    ("routing", ("routing",)),
    ("notifications", ("notifications",)),
    ("supervision", ("supervision",)),
    # The answers people are given (knowledge base): reads the ticket's record, answers through the
    # loop's actions and segments with routing's text tools; analytics may count its use.
    ("knowledge", ("knowledge",)),
    ("analytics", ("analytics",)),
    # GeoReport v2 (its api, schemas, presenter and command are interface): keys, services from the
    # category tree, the query over tickets, and the one action that hands a request to intake.
    ("open311", ("open311",)),
    ("interface", ("web", "demo", "worker", "api", "urls", "settings", "cli", "wsgi", "__init__")),
]

# Whatever an app's module is called, these parts face people and other systems: they may use
# every layer (an admin page, an API endpoint, a command, the JSON a ticket is shown as). The kit's
# own `core.api` (the API's shared field types) is the kit's: it knows no app.
INTERFACE_PARTS = frozenset({"api", "admin", "schemas", "presenter", "management", "templatetags"})

# The ticket's record is one unit though three apps hold its models: a query over a ticket may read
# its appeals and replies. Elsewhere two apps of one layer (the loop's stages above all) stay apart.
ONE_UNIT = frozenset({"record", "interface"})


@dataclass(frozen=True)
class Placed:
    module: str  # without the leading "hotline."
    layer: int
    app: str


def place(module: str) -> Placed:
    """The layer of `module` (dotted, without "hotline.")."""
    parts = module.split(".") if module else ["__init__"]  # the package itself: hotline/__init__.py
    app = parts[0]
    if app != "core" and INTERFACE_PARTS & set(parts[1:]):
        return Placed(module, len(LAYERS) - 1, "interface")
    best: tuple[int, int] | None = None  # (prefix length, layer)
    for rank, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            p = prefix.split(".") if prefix else []
            if parts[: len(p)] == p and (best is None or len(p) > best[0]):
                best = (len(p), rank)
    if best is None:
        raise LookupError(f"hotline.{module} is in no layer: add its app to LAYERS")
    layer = LAYERS[best[1]][0]
    return Placed(module, best[1], layer if layer in ONE_UNIT else app)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(dotted: str) -> bool:
    base = SRC.joinpath(*dotted.split(".")) if dotted else SRC
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports(source: str, package: str) -> set[str]:
    """Every hotline module `source` imports (without "hotline."), wherever the import stands."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(
                    ["hotline", *[p for p in base if p], *([node.module] if node.module else [])]
                )
            else:
                module = node.module or ""
            # `from hotline.tickets import events` imports the module tickets.events.
            names = [module] + [f"{module}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            if name == "hotline" or name.startswith("hotline."):
                inner = name.removeprefix("hotline").removeprefix(".")
                if _is_module(inner):
                    found.add(inner)
    return found


def violations(module: str, targets: set[str]) -> list[str]:
    here = place(module)
    found = []
    for target in sorted(targets):
        there = place(target)
        upward = there.layer > here.layer
        sideways = there.layer == here.layer and there.app != here.app
        if upward or sideways:
            found.append(
                f"hotline.{module} ({LAYERS[here.layer][0]}) imports hotline.{target} "
                f"({LAYERS[there.layer][0]}{', another app of the same layer' if sideways else ''})"
            )
    return found


def _sources() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def test_no_module_imports_a_higher_layer() -> None:
    found: list[str] = []
    for path in _sources():
        module = _module_name(path)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        found += violations(module, imports(path.read_text(encoding="utf-8"), package))
    assert found == []


def test_every_module_has_a_layer() -> None:
    unplaced = []
    for path in _sources():
        try:
            place(_module_name(path))
        except LookupError as error:
            unplaced.append(str(error))
    assert unplaced == []
    with pytest.raises(LookupError):
        place("newapp.models")


@pytest.mark.parametrize(
    ("module", "source", "complaint"),
    [
        # The cycles this table was drawn to break: each would be reported.
        ("intake.actions", "from hotline.routing.actions import do_route_ticket", "(routing)"),
        ("sla.selectors", "from hotline.tickets.models import Ticket", "(record)"),
        ("tickets.transitions", "def f():\n    from hotline.sla import actions", "(loop)"),
        ("directory.models", "import hotline.routing.decision", "(routing)"),
        ("routing.actions", "from hotline.supervision import actions", "(supervision)"),
        ("tickets.actions", "from hotline.feedback.actions import do_reply_ticket", "same layer"),
        ("directory.models", "from hotline.taxonomy.models import Category", "same layer"),
        ("tickets.events", "from hotline.tickets.api import router", "(interface)"),
        ("core.api", "from hotline.tickets.models import Ticket", "(record)"),
        ("intake.mail", "from hotline.routing.actions import do_route_ticket", "(routing)"),
        ("feedback.templates", "from hotline.supervision import actions", "(supervision)"),
    ],
)
def test_the_check_reports_an_upward_import(module: str, source: str, complaint: str) -> None:
    package = module.rpartition(".")[0]
    found = violations(module, imports(source, package))
    assert found and all(complaint in line for line in found), found


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("routing.actions", "from hotline.tickets.actions import do_dispatch_ticket"),
        ("feedback.actions", "from hotline.sla.selectors import callback_due_for"),
        ("tickets.api", "from hotline.feedback import actions"),
        ("tickets.selectors", "from hotline.intake.models import Appeal"),
        ("tickets.selectors", "from hotline.intake import models"),
        ("supervision.sweep", "from hotline.notifications.actions import Draft"),
        ("worker.management.commands.worker", "from hotline.routing.tasks import enqueue_retrain_if_due"),
    ],
)
def test_the_check_allows_a_downward_import(module: str, source: str) -> None:
    assert violations(module, imports(source, module.rpartition(".")[0])) == []
