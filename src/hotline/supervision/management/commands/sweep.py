"""`hotline sweep`: run the supervision sweep once, now, and print what it did.

    hotline sweep            counts per rule, one per line
    hotline sweep --json     the same as one JSON object
    hotline sweep --at 2026-03-02T10:00+08:00   as of another moment (replaying, checking rules)

As the worker's sweep task (`supervision.sweep.run_counted_sweep`): the repetition counters first
(supervision.repetition), whose repetitions the sweep's repetition rule reads, then the sweep. It
runs in this process, not through the task queue; both are idempotent, so running it while
`hotline worker` also sweeps does no harm.
"""

import json
from contextlib import nullcontext
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from hotline.core import clock, timerange
from hotline.supervision.sweep import run_counted_sweep


class Command(BaseCommand):
    help = "Run the supervision sweep (reminders, overdue marking, escalation) once and print its report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--at", help="sweep as of this moment (ISO 8601 with zone) instead of now")

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options["at"]:
            try:
                now = parse_datetime(options["at"])
            except ValueError:
                now = None
            if now is None or now.utcoffset() is None:
                raise CommandError(
                    _("--at %(value)s: 须为带时区的 ISO 8601 时间，如 2026-03-02T10:00+08:00")
                    % {"value": options["at"]}
                )
            if not timerange.in_range(now):
                raise CommandError(timerange.out_of_range("--at").message)
        with clock.frozen_at(now) if now else nullcontext():
            repetitions, report = run_counted_sweep(now)
        if options["json"]:
            self.stdout.write(
                json.dumps({**report.as_dict(), "repetitions": repetitions.as_dict()}, ensure_ascii=False)
            )
        else:
            counted = ", ".join(f"{k} {n}" for k, n in repetitions.as_dict().items())
            self.stdout.write("\n".join([*report.lines(), f"repetitions  {counted}"]))
