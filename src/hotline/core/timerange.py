"""The one range of moments Hotline takes in: from 2000-01-01 to 2100-12-31, in the city's zone.

Every timestamp that enters (the API's bodies and filters, the pages' forms, the commands) is
checked against it before anything is stored. Outside it a timestamp is a typo or an attack, never
a citizen's request, and a moment near Python's limits (year 1, year 9999) cannot even be converted
between zones: stored once, it broke every later read of the ticket.

The database holds the same range as CHECK constraints (`constraint`) on the main timestamp
columns. Those bounds are fixed in UTC and one day wider on each side, so that the migrations are
the same whatever zone a city runs in (settings.TIME_ZONE): the exact range is the application's,
the database's is the backstop that makes a far-out row impossible. A date column (a knowledge
article's validity) holds the exact range of days (`day_constraint`): a day is the same in every
zone. `hotline dates repair` mends rows stored before the constraints existed.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps as django_apps
from django.apps.registry import Apps
from django.conf import settings
from django.db.models import CheckConstraint, DateTimeField, Model, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.core.errors import InvalidInput

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)

# The database's bounds: [FIRST_DAY - 1 day, LAST_DAY + 2 days) in UTC covers the range in every
# zone (offsets run from -12:00 to +14:00).
DB_FLOOR = datetime(1999, 12, 31, tzinfo=UTC)
DB_CEILING = datetime(2101, 1, 2, tzinfo=UTC)


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def earliest() -> datetime:
    """The first moment taken in: 2000-01-01 00:00 in the city's zone."""
    return datetime.combine(FIRST_DAY, time.min, tzinfo=_zone())


def latest() -> datetime:
    """The last moment taken in: 2100-12-31 23:59:59.999999 in the city's zone."""
    return datetime.combine(LAST_DAY, time.max, tzinfo=_zone())


def in_range(moment: datetime) -> bool:
    """Whether `moment` lies in the range; a naive moment is read in the city's zone."""
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=_zone())
    # Comparing aware datetimes never converts them, so year 1 or 9999 with any offset is safe here.
    return earliest() <= moment <= latest()


def day_in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def range_text() -> str:
    """ "2000-01-01 至 2100-12-31（北京时间）"."""
    return _("%(first)s 至 %(last)s（%(zone)s）") % {
        "first": FIRST_DAY.isoformat(),
        "last": LAST_DAY.isoformat(),
        "zone": zone_name(),
    }


def range_message() -> str:
    """What a refusal says, without the field's name (the API puts it in front)."""
    return _("须在 %(first)s 至 %(last)s 之间（%(zone)s）") % {
        "first": FIRST_DAY.isoformat(),
        "last": LAST_DAY.isoformat(),
        "zone": zone_name(),
    }


# The zones that keep China Standard Time, which people call 北京时间 whatever the city.
_BEIJING_TIME = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"})


def zone_name() -> str:
    """The city's time zone as people name it: 北京时间, or the zone's name followed by 时间."""
    if settings.TIME_ZONE in _BEIJING_TIME:
        return _("北京时间")
    return _("%(zone)s 时间") % {"zone": settings.TIME_ZONE}


def out_of_range(field: str) -> InvalidInput:
    return InvalidInput(f"{field}: {range_message()}")


def check_moment[M: datetime | None](moment: M, field: str) -> M:
    """`moment` itself when it is in range (or None); InvalidInput (422) naming `field` otherwise."""
    if moment is not None and not in_range(moment):
        raise out_of_range(field)
    return moment


def check_day[D: date | None](day: D, field: str) -> D:
    if day is not None and not day_in_range(day):
        raise out_of_range(field)
    return day


def db_condition(field: str, *, null: bool = False) -> Q:
    """The CHECK condition of one column: within the database's bounds (or NULL when `null`)."""
    condition = Q(**{f"{field}__gte": DB_FLOOR, f"{field}__lt": DB_CEILING})
    return Q(**{f"{field}__isnull": True}) | condition if null else condition


def constraint(field: str, name: str, *, null: bool = False) -> CheckConstraint:
    return CheckConstraint(condition=db_condition(field, null=null), name=name)


def day_condition(field: str, *, null: bool = False) -> Q:
    """The CHECK condition of one date column: a day from FIRST_DAY to LAST_DAY (or NULL when `null`)."""
    condition = Q(**{f"{field}__gte": FIRST_DAY, f"{field}__lte": LAST_DAY})
    return Q(**{f"{field}__isnull": True}) | condition if null else condition


def day_constraint(field: str, name: str, *, null: bool = False) -> CheckConstraint:
    return CheckConstraint(condition=day_condition(field, null=null), name=name)


# --- repairing rows stored before the range was enforced --------------------------------------------


@dataclass(frozen=True)
class Column:
    """A timestamp or date column that `repair` mends. A row out of range is clamped to the nearest
    end of the range (its first or last moment, or day for a date column), unless `fallback` names
    a timestamp of a related row (through the foreign key `via`) that stands in for it: an appeal's
    received time becomes its ticket's creation time, the moment the server took it in, since a
    far-out time the channel claimed carries nothing."""

    model: str  # "app_label.Model"
    field: str
    fallback: tuple[str, str, str] | None = None  # (foreign key attname, "app_label.Model", field)


# In the order they are mended: a fallback is read after its own column was mended.
COLUMNS: tuple[Column, ...] = (
    Column("tickets.Ticket", "created_at"),
    Column("intake.Appeal", "received_at", fallback=("ticket_id", "tickets.Ticket", "created_at")),
    Column("tickets.Assignment", "due_at"),
    Column("tickets.Assignment", "original_due_at"),
    Column("sla.Extension", "requested_due_at"),
    Column("sla.Extension", "previous_due_at"),
    Column("supervision.Supervision", "deadline"),
    Column("supervision.Supervision", "assignment_due_at"),
    Column("notifications.Notification", "deadline"),
    # A validity from long ago means valid since the start; one into the far future, valid for good.
    Column("knowledge.Article", "valid_from"),
    Column("knowledge.Article", "valid_until"),
    Column("knowledge.ArticleVersion", "valid_from"),
    Column("knowledge.ArticleVersion", "valid_until"),
)


def _ends(model: type[Model], field: str) -> tuple[date, date]:
    """The range's ends as `field` holds them: the first and last moment, or day for a date column."""
    if isinstance(model._meta.get_field(field), DateTimeField):
        return earliest(), latest()
    return FIRST_DAY, LAST_DAY


def out_of_range_rows(model: type[Model], field: str) -> QuerySet[Any]:
    # Compared in SQL only: a far-out value may not even load into Python (year 10000 on PostgreSQL).
    first, last = _ends(model, field)
    return model._default_manager.filter(Q(**{f"{field}__lt": first}) | Q(**{f"{field}__gt": last}))


def repair(column: Column, models: Apps | None = None, *, dry_run: bool = False) -> list[int]:
    """Mend `column`'s rows out of range; returns their ids (sorted). `models`: the app registry,
    a migration's historical one included; `dry_run` only finds them."""
    registry = models or django_apps
    model = registry.get_model(column.model)
    ids = sorted(out_of_range_rows(model, column.field).values_list("pk", flat=True))
    if dry_run or not ids:
        return ids
    rows = model._default_manager.filter(pk__in=ids)
    if column.fallback is not None:
        via, other, other_field = column.fallback
        source = registry.get_model(other)._default_manager.filter(pk=OuterRef(via)).values(other_field)[:1]
        rows.update(**{column.field: Subquery(source)})
    # Whatever is still out (no fallback, or a fallback that is out itself) goes to the nearest end.
    first, last = _ends(model, column.field)
    rows.filter(**{f"{column.field}__lt": first}).update(**{column.field: first})
    mended = last.replace(microsecond=0) if isinstance(last, datetime) else last
    rows.filter(**{f"{column.field}__gt": last}).update(**{column.field: mended})
    return ids


def repair_app(app_label: str, models: Apps) -> None:
    """A migration's step before its CHECK constraints: mend the app's columns (RunPython)."""
    for column in COLUMNS:
        if column.model.split(".")[0] == app_label:
            repair(column, models)
