"""Server time and query count of the staff pages over a million tickets on PostgreSQL.

It creates a fresh database (`hotline_pages_<pid>`), migrates it, writes the demo city (departments,
categories, a login per role: `hotline.demo.generator.ensure_city`) and bulk-loads `--tickets`
tickets with plain SQL (`INSERT ... SELECT generate_series`, no ORM per row), spread over the last
365 days like a real backlog: ids grow with time; nearly all older tickets closed (a few answered on
the spot, merged or invalid), a few thousand open ones in the last days (to dispatch, to sign, in
hand, suspended, returned, replied and waiting for the callback), and a tail of old open ones that
are long overdue. Each ticket has one appeal (a mobile number), a lead assignment (a fifth also a
co-handler), the timeline events of its course (receive, dispatch, accept, answer, reply, callback,
close, ...), a reply and a callback when it got that far; overdue open assignments carry the sweep's
reminders and orders (some publicly listed), a few per cent of open ones an extension request, the
suspended ones their suspension. One open ticket gets a long timeline (~100 events).

Then, in this process with Django's test client, each page is asked for by the role that uses it:
one warm-up request, `--repeat` timed requests (p50 and p95 of the wall time of `client.get`),
and one more under `CaptureQueriesContext` for the query count. The count is printed again with
the pages' lists cut to 3 and to 30 rows (the page size patched), or for a ticket with a short
timeline, to show that it does not grow with the rows. Target: p95 under 100 ms.

    .venv/bin/python bench/pages.py                     # 1,000,000 tickets
    .venv/bin/python bench/pages.py --tickets 100000    # a quicker look
    .venv/bin/python bench/pages.py --keep              # leave the database for EXPLAIN
    .venv/bin/python bench/pages.py --keep --name hl_x  # ... under a name of your choosing
    .venv/bin/python bench/pages.py --reuse NAME --figures-only   # the recounts only
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 100.0
# Filled into the demo vocabulary's titles and details.
FILLERS = {
    "since": "好几天了",
    "time": "晚上",
    "building": "3号楼",
    "n": "5",
    "floor": "6楼",
    "shop": "一家餐馆",
    "company": "某公司",
    "gym": "健身房",
    "training": "培训机构",
    "dept": "承办单位",
    "amount": "3000元",
    "date": "上周",
}
RARE_WORD = "窨井盖被盗"  # in one ticket of 20,000: a search that has to read far down the list


def moment() -> datetime:
    """The 20th at 10:00 in the city, of this month or (before the 20th) of the last: the data is
    written up to it and the pages are asked for at it (`clock.frozen_at`), so the overview's month
    always holds 19 days and the figures do not depend on the day the benchmark runs."""
    from hotline.core import clock

    today = clock.localtime()
    at = today.replace(day=20, hour=10, minute=0, second=0, microsecond=0)
    if today.day < 20:
        at = (at.replace(day=1) - timedelta(days=1)).replace(day=20)
    return at


def pg_admin(base: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


TEXT_ARRAYS = frozenset({"titles", "details", "channels", "surnames"})


def pick(array: str, skew: str = "random()") -> str:
    """SQL for a draw from the array parameter `array`; `skew` in [0, 1) picks the element."""
    value = f"%({array})s::{'text' if array in TEXT_ARRAYS else 'bigint'}[]"
    return f"({value})[1 + floor({skew} * cardinality({value}))::int]"


class _Fill(dict[str, str]):
    def __init__(self, rnd: random.Random, roads: list[str], xiaoqu: list[str]) -> None:
        super().__init__(FILLERS)
        self.rnd, self.roads, self.xiaoqu = rnd, roads, xiaoqu

    def __missing__(self, key: str) -> str:
        if key == "road":
            return self.rnd.choice(self.roads)
        if key == "xiaoqu":
            return self.rnd.choice(self.xiaoqu)
        if key == "addr":
            return f"{self.rnd.choice(self.roads)}{self.rnd.randint(1, 300)}号"
        return "附近"


# --- loading ---------------------------------------------------------------------------------------


@dataclass
class Loaded:
    tickets: int
    seconds: dict[str, float]
    rows: dict[str, int]


def _texts(city: Any, rnd: random.Random) -> tuple[list[str], list[str], list[int]]:
    """A pool of titles and details (with their category) written from the demo's problems."""
    from hotline.demo import vocabulary as V

    roads = list(V.ROADS)
    xiaoqu = [p + s for p in V.XIAOQU_PREFIXES for s in V.XIAOQU_SUFFIXES]
    fill = _Fill(rnd, roads, xiaoqu)
    leaves = [c.pk for path, c in city.categories.items() if len(path) == 3]
    titles, details, categories = [], [], []
    weights = [p.weight for p in V.PROBLEMS]
    for _ in range(4000):
        problem = rnd.choices(V.PROBLEMS, weights)[0]
        titles.append(rnd.choice(problem.titles).format_map(fill)[:200])
        details.append(rnd.choice(problem.details).format_map(fill))
        found = city.categories.get(tuple(problem.category))
        categories.append(found.pk if found is not None else rnd.choice(leaves))
    return titles, details, categories


def load(n: int, seed: int, now: datetime) -> Loaded:
    from django.db import connection

    from hotline.core.enums import DepartmentLevel, Role
    from hotline.demo.generator import ensure_city

    rnd = random.Random(seed)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    city = ensure_city()
    depts = city.departments.values()
    # Who is given tickets: the bureaus and the streets (as the demo's routing does); the first in
    # this shuffled list get the most (a square of a uniform draw), so some departments are busy.
    units = [
        d.pk for d in depts if d.level in (DepartmentLevel.STREET,) or (d.level == "city" and not d.is_area)
    ]
    rnd.shuffle(units)
    areas = [
        d.pk for d in depts if d.is_area and d.level in (DepartmentLevel.STREET, DepartmentLevel.COMMUNITY)
    ]
    by_role: dict[str, list[int]] = {}
    for u in city.users.values():
        by_role.setdefault(u.role, []).append(u.pk)
    titles, details, categories = _texts(city, rnd)
    params: dict[str, Any] = {
        "n": n,
        "now": now,
        "units": units,
        "areas": areas,
        "titles": titles,
        "details": details,
        "cats": categories,
        "ops": by_role[Role.OPERATOR],
        "disp": by_role[Role.DISPATCHER],
        "hand": by_role[Role.HANDLER],
        "rare": RARE_WORD,
        "channels": ["phone"] * 6 + ["web", "app", "wechat", "mailbox"],
        "surnames": ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"],
    }
    seconds["city"] = time.perf_counter() - started

    steps: list[tuple[str, str]] = [
        # Tickets: ids grow with time over 365 days; the status by age (a backlog of recent ones).
        (
            "tickets",
            f"""
            INSERT INTO tickets_ticket (id, number, kind, urgency, is_complex, status, title, content,
                address, reopen_count, created_at, updated_at, closed_at, area_id, category_id,
                merged_into_id, callback_due_at)
            SELECT g.id,
                to_char(g.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-'
                    || lpad(g.id::text, 7, '0'),
                CASE WHEN g.r2 < 0.55 THEN 'complaint' WHEN g.r2 < 0.75 THEN 'help'
                     WHEN g.r2 < 0.90 THEN 'consultation' WHEN g.r2 < 0.97 THEN 'suggestion'
                     ELSE 'report' END,
                CASE WHEN random() < 0.05 THEN 'urgent' ELSE 'normal' END,
                random() < 0.03,
                g.status,
                CASE WHEN g.id %% 20000 = 7 THEN %(rare)s ELSE (%(titles)s::text[])[g.text] END,
                (%(details)s::text[])[g.text],
                '第' || (1 + floor(random() * 300))::int || '号',
                CASE WHEN g.status = 'closed' AND random() < 0.02 THEN 1 ELSE 0 END,
                g.created_at,
                g.created_at + interval '1 day',
                CASE WHEN g.status IN ('closed', 'answered', 'merged', 'invalid')
                     THEN g.created_at + interval '1 hour' * (2 + random() * 300) END,
                {pick("areas")},
                (%(cats)s::bigint[])[g.text],
                CASE WHEN g.status = 'merged' THEN g.id - 1 END,
                NULL
            FROM (
                SELECT s.id, s.created_at, s.r2, s.text,
                    CASE
                      WHEN s.age < interval '1 day' AND s.r < 0.60 OR s.age < interval '7 days' AND s.r < 0.25
                           OR s.r < 0.002 THEN
                        CASE WHEN s.r3 < 0.04 THEN 'new' WHEN s.r3 < 0.30 THEN 'dispatched'
                             WHEN s.r3 < 0.82 THEN 'accepted' WHEN s.r3 < 0.85 THEN 'returned'
                             WHEN s.r3 < 0.98 THEN 'replied' ELSE 'reopened' END
                      WHEN s.r3 < 0.05 THEN 'answered' WHEN s.r3 < 0.07 THEN 'merged'
                      WHEN s.r3 < 0.08 THEN 'invalid' ELSE 'closed'
                    END AS status
                FROM (
                    SELECT i AS id, c.created_at, %(now)s::timestamptz - c.created_at AS age,
                        random() AS r, random() AS r2, random() AS r3,
                        1 + floor(random() * cardinality(%(titles)s::text[]))::int AS text
                    FROM generate_series(1, %(n)s) i,
                         LATERAL (SELECT %(now)s::timestamptz
                                  - interval '365 days' * ((%(n)s - i + random()) / %(n)s)) c(created_at)
                ) s
            ) g
            """,
        ),
        (
            "appeals",
            f"""
            INSERT INTO intake_appeal (ticket_id, channel, external_id, citizen_name, citizen_phone,
                citizen_email, title, content, address, received_at, created_at, created_by_id, from_history)
            SELECT t.id, {pick("channels")}, NULL, {pick("surnames")} || '先生',
                '1' || (3 + floor(random() * 7))::int || lpad(floor(random() * 1e9)::bigint::text, 9, '0'),
                '', t.title, t.content, t.address, t.created_at, t.created_at, {pick("ops")}, false
            FROM tickets_ticket t
            """,
        ),
        # Lead assignments: every ticket that left the dispatch queue but the ones answered on the spot.
        (
            "leads",
            f"""
            INSERT INTO tickets_assignment (ticket_id, department_id, role, status, dispatched_at,
                dispatched_by_id, due_at, original_due_at, sign_due_at, response_due_at, deadline_assumed,
                paused_since, overdue_at, accepted_at, accepted_by_id, return_reason, returned_at, answer,
                answered_at, answered_by_id)
            SELECT a.ticket_id, a.dept, 'lead', a.status, a.dispatched, {pick("disp")}, a.due, a.due,
                a.dispatched + interval '4 hours',
                CASE WHEN a.urgency = 'urgent' THEN a.dispatched + interval '30 minutes' END, false,
                a.paused,
                CASE WHEN a.status IN ('pending', 'accepted') AND a.paused IS NULL AND a.due < %(now)s
                     THEN a.due END,
                CASE WHEN a.status <> 'pending' THEN a.dispatched + interval '1 hour' * random() * 4 END,
                CASE WHEN a.status <> 'pending' THEN {pick("hand")} END,
                CASE WHEN a.status = 'returned' THEN '不属于本单位职责，请改派' ELSE '' END,
                CASE WHEN a.status = 'returned' THEN a.dispatched + interval '2 hours' END,
                CASE WHEN a.status = 'answered' THEN '已现场处理完毕。' ELSE '' END,
                CASE WHEN a.status = 'answered'
                     THEN least(a.dispatched + (a.due - a.dispatched) * (0.2 + random() * 0.95), %(now)s) END,
                CASE WHEN a.status = 'answered' THEN {pick("hand")} END
            FROM (
                SELECT t.id AS ticket_id, t.urgency, {pick("units", "power(random(), 2)")} AS dept,
                    t.created_at + interval '20 minutes' AS dispatched,
                    t.created_at + interval '20 minutes'
                        + interval '1 day' * (3 + floor(random() * 3) * 4) AS due,
                    CASE t.status WHEN 'dispatched' THEN 'pending' WHEN 'accepted' THEN 'accepted'
                                  WHEN 'returned' THEN 'returned' WHEN 'reopened' THEN 'accepted'
                                  WHEN 'merged' THEN 'withdrawn' WHEN 'invalid' THEN 'withdrawn'
                                  ELSE 'answered' END AS status,
                    CASE WHEN t.status = 'accepted' AND random() < 0.06
                         THEN t.created_at + (%(now)s - t.created_at) * random() END AS paused
                FROM tickets_ticket t WHERE t.status NOT IN ('new', 'answered')
            ) a
            """,
        ),
        # A co-handler on a fifth of them.
        (
            "co-handlers",
            f"""
            INSERT INTO tickets_assignment (ticket_id, department_id, role, status, dispatched_at,
                dispatched_by_id, due_at, original_due_at, sign_due_at, response_due_at, deadline_assumed,
                paused_since, overdue_at, accepted_at, accepted_by_id, return_reason, returned_at, answer,
                answered_at, answered_by_id)
            SELECT l.ticket_id, {pick("units")}, 'co', c.status, l.dispatched_at, l.dispatched_by_id,
                l.due_at, l.due_at, l.sign_due_at, NULL, false, NULL,
                CASE WHEN c.status IN ('pending', 'accepted') AND l.due_at < %(now)s THEN l.due_at END,
                CASE WHEN c.status <> 'pending' THEN l.dispatched_at + interval '3 hours' END,
                CASE WHEN c.status <> 'pending' THEN {pick("hand")} END,
                '', NULL,
                CASE WHEN c.status = 'answered' THEN '协办部分已处理。' ELSE '' END,
                CASE WHEN c.status = 'answered'
                     THEN least(l.dispatched_at + (l.due_at - l.dispatched_at) * 0.5, %(now)s) END,
                CASE WHEN c.status = 'answered' THEN {pick("hand")} END
            FROM tickets_assignment l
            CROSS JOIN LATERAL (SELECT CASE WHEN l.status IN ('pending', 'returned') THEN 'pending'
                                            WHEN l.status = 'accepted' AND random() < 0.5 THEN 'accepted'
                                            WHEN l.status = 'withdrawn' THEN 'withdrawn'
                                            ELSE 'answered' END AS status) c
            WHERE l.role = 'lead' AND random() < 0.2
            """,
        ),
        (
            "replies",
            f"""
            INSERT INTO feedback_reply (ticket_id, text, replied_at, department_id, replied_by_id)
            SELECT l.ticket_id, '您反映的问题已收悉，经现场核实并处理，问题已解决。感谢您对我们工作的支持。',
                coalesce(l.answered_at, l.dispatched_at + interval '1 day'), l.department_id, {pick("hand")}
            FROM tickets_assignment l JOIN tickets_ticket t ON t.id = l.ticket_id
            WHERE l.role = 'lead' AND t.status IN ('replied', 'closed', 'reopened')
            """,
        ),
        # The reply-quality check of every reply (答复质量, feedback.quality), a tenth of them weak:
        # the departments' share of weak replies is kept with the figures and shown on the rankings.
        (
            "reply checks",
            """
            INSERT INTO feedback_replycheck (reply_id, relevance, completeness, interpretability, weak,
                reasons, checked_at, review_note, returned)
            SELECT r.id, 0.8, 0.7, 0.7, random() < 0.1, '{}'::jsonb, r.replied_at, '', false
            FROM feedback_reply r
            """,
        ),
        (
            "callbacks",
            f"""
            INSERT INTO feedback_callback (ticket_id, reply_id, resolution, satisfaction, note, reopened,
                called_at, called_by_id, counted)
            SELECT r.ticket_id, r.id,
                CASE WHEN x.r < 0.80 THEN 'resolved' WHEN x.r < 0.92 THEN 'partly' ELSE 'unresolved' END,
                CASE WHEN t.status = 'reopened' THEN 'unsatisfied' WHEN x.r < 0.75 THEN 'satisfied'
                     WHEN x.r < 0.93 THEN 'basically' ELSE 'unsatisfied' END,
                '', t.status = 'reopened', least(r.replied_at + interval '1 day', %(now)s), {pick("ops")},
                true
            FROM feedback_reply r JOIN tickets_ticket t ON t.id = r.ticket_id
            CROSS JOIN LATERAL (SELECT random() AS r) x
            WHERE t.status IN ('closed', 'reopened')
            """,
        ),
        (
            "callback due",
            """
            UPDATE tickets_ticket t SET callback_due_at = r.replied_at + interval '3 days'
            FROM feedback_reply r WHERE r.ticket_id = t.id AND t.status = 'replied'
            """,
        ),
        # The timeline: what each ticket went through, in order.
        (
            "events",
            f"""
            INSERT INTO tickets_ticketevent (ticket_id, action, actor_id, at, from_status, to_status, details)
            SELECT t.id, 'receive', {pick("ops")}, t.created_at, '', 'new', '{{}}'::jsonb
            FROM tickets_ticket t
            UNION ALL
            SELECT t.id, 'answer_on_spot', {pick("ops")}, t.closed_at, 'new', 'answered',
                jsonb_build_object('text', '已当场答复。') FROM tickets_ticket t WHERE t.status = 'answered'
            UNION ALL
            SELECT a.ticket_id, 'dispatch', a.dispatched_by_id, a.dispatched_at, 'new', 'dispatched',
                jsonb_build_object('lead', d.code, 'co', '[]'::jsonb)
            FROM tickets_assignment a JOIN directory_department d ON d.id = a.department_id
            WHERE a.role = 'lead'
            UNION ALL
            SELECT a.ticket_id, 'accept', a.accepted_by_id, a.accepted_at, 'dispatched', 'accepted',
                jsonb_build_object('department', d.code)
            FROM tickets_assignment a JOIN directory_department d ON d.id = a.department_id
            WHERE a.role = 'lead' AND a.accepted_at IS NOT NULL
            UNION ALL
            SELECT a.ticket_id, 'return', a.accepted_by_id, a.returned_at, 'dispatched', 'returned',
                jsonb_build_object('department', d.code, 'reason', a.return_reason)
            FROM tickets_assignment a JOIN directory_department d ON d.id = a.department_id
            WHERE a.status = 'returned'
            UNION ALL
            SELECT a.ticket_id, 'answer', a.answered_by_id, a.answered_at, 'accepted', 'accepted',
                jsonb_build_object('department', d.code, 'text', a.answer)
            FROM tickets_assignment a JOIN directory_department d ON d.id = a.department_id
            WHERE a.role = 'co' AND a.answered_at IS NOT NULL
            UNION ALL
            SELECT r.ticket_id, 'reply', r.replied_by_id, r.replied_at, 'accepted', 'replied',
                jsonb_build_object('text', r.text) FROM feedback_reply r
            UNION ALL
            SELECT c.ticket_id, 'callback', c.called_by_id, c.called_at, 'replied',
                CASE WHEN c.reopened THEN 'reopened' ELSE 'closed' END,
                jsonb_build_object('resolution', c.resolution, 'satisfaction', c.satisfaction)
            FROM feedback_callback c
            UNION ALL
            SELECT t.id, 'close', NULL, t.closed_at, 'replied', 'closed', '{{}}'::jsonb
            FROM tickets_ticket t WHERE t.status = 'closed'
            UNION ALL
            SELECT t.id, 'merge', {pick("disp")}, t.closed_at, 'dispatched', 'merged',
                jsonb_build_object('into_number', m.number)
            FROM tickets_ticket t JOIN tickets_ticket m ON m.id = t.merged_into_id
            """,
        ),
        # The sweep's work on overdue open assignments: a reminder each, an order on a third, a
        # public listing on a twentieth; and resolved reminders on 2% of the closed tickets.
        (
            "supervisions",
            """
            INSERT INTO supervision_supervision (ticket_id, assignment_id, department_id, kind, reason,
                reason_text, assignment_due_at, subject, created_at, deadline, is_public, resolved_at,
                resolution_note, dedupe_key, created_by_id, resolved_by_id, sweep_run)
            SELECT a.ticket_id, a.id, a.department_id, k.kind, 'overdue', '', a.due_at, '',
                a.due_at + k.after, NULL::timestamptz, k.kind = 'listing', NULL::timestamptz, '',
                'bench:' || k.kind || ':' || a.id, NULL::bigint, NULL::bigint, NULL::bigint
            FROM tickets_assignment a
            CROSS JOIN LATERAL (VALUES ('reminder', interval '5 minutes', 1.0),
                                       ('order', interval '1 day', 0.33),
                                       ('listing', interval '3 days', 0.05)) k(kind, after, share)
            WHERE a.status IN ('pending', 'accepted') AND a.overdue_at IS NOT NULL AND a.role = 'lead'
              AND random() < k.share
            UNION ALL
            SELECT a.ticket_id, a.id, a.department_id, 'reminder', 'overdue', '', a.due_at, '', a.due_at,
                NULL, false, a.answered_at, '已办结', 'bench:old:' || a.id, NULL, NULL, NULL
            FROM tickets_assignment a
            WHERE a.status = 'answered' AND a.role = 'lead' AND a.answered_at > a.due_at AND random() < 0.2
            """,
        ),
        (
            "extensions",
            f"""
            INSERT INTO sla_extension (assignment_id, reason, previous_due_at, requested_due_at, requested_at,
                approved, decided_at, decision_note, requested_by_id, decided_by_id, withdrawn)
            SELECT a.id, '需协调多个部门，申请延期', a.due_at, a.due_at + interval '5 days',
                least(a.accepted_at + interval '1 day', %(now)s),
                CASE WHEN a.status = 'answered' THEN random() < 0.8 END,
                CASE WHEN a.status = 'answered' THEN a.accepted_at + interval '2 days' END,
                '', {pick("hand")}, CASE WHEN a.status = 'answered' THEN {pick("disp")} END, false
            FROM tickets_assignment a
            WHERE a.role = 'lead' AND a.accepted_at IS NOT NULL AND a.paused_since IS NULL
              AND (a.status = 'accepted' AND random() < 0.05 OR a.status = 'answered' AND random() < 0.01)
            """,
        ),
        (
            "suspensions",
            f"""
            INSERT INTO sla_suspension (assignment_id, reason, note, started_at, ended_at, paused,
                started_by_id, ended_by_id)
            SELECT a.id, 'awaiting_material', '等待诉求人补充材料', a.paused_since, NULL, NULL,
                {pick("hand")}, NULL
            FROM tickets_assignment a WHERE a.paused_since IS NOT NULL
            """,
        ),
    ]
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [((seed % 1000) / 1000.0)])
        for name, sql in steps:
            t0 = time.perf_counter()
            cursor.execute(sql, params)
            counts[name] = cursor.rowcount
            seconds[name] = time.perf_counter() - t0
            print(f"  {name:13} {cursor.rowcount:>10,} rows  {seconds[name]:6.1f} s", flush=True)
        t0 = time.perf_counter()
        _long_timeline(cursor, params)
        for table in (
            "tickets_ticket",
            "intake_appeal",
            "tickets_assignment",
            "tickets_ticketevent",
            "feedback_reply",
            "feedback_callback",
            "supervision_supervision",
            "sla_extension",
            "sla_suspension",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        seconds["long timeline"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        seconds["vacuum analyze"] = time.perf_counter() - t0
        print(f"  vacuum analyze {seconds['vacuum analyze']:6.1f} s", flush=True)
    return Loaded(n, seconds, counts)


LONG_TICKET_NOTE = "bench: long timeline"


def _long_timeline(cursor: Any, params: dict[str, Any]) -> None:
    """The newest accepted ticket with a co-handler gets ~100 more events: suspensions and
    resumptions, extension requests and decisions, reminders, returns and reviews; and three
    tickets merged into it."""
    cursor.execute(
        "SELECT t.id FROM tickets_ticket t JOIN tickets_assignment a ON a.ticket_id = t.id AND a.role = 'co' "
        "WHERE t.status = 'accepted' ORDER BY t.id DESC LIMIT 1"
    )
    row = cursor.fetchone()
    if row is None:
        return
    tid = row[0]
    cursor.execute(
        f"""
        INSERT INTO tickets_ticketevent (ticket_id, action, actor_id, at, from_status, to_status, details)
        SELECT %(tid)s, (ARRAY['suspend', 'resume', 'request_extension', 'review_extension', 'supervise',
                               'return', 'review_return', 'dispatch', 'accept', 'answer'])[1 + i %% 10],
            (%(hand)s::bigint[])[1 + i %% cardinality(%(hand)s::bigint[])],
            t.created_at + interval '1 minute' * (30 + i), 'accepted', 'accepted',
            jsonb_build_object('department', d.code, 'note', '第' || i || '次',
                               'reason', '{LONG_TICKET_NOTE}')
        FROM generate_series(1, 100) i, tickets_ticket t, tickets_assignment a
        JOIN directory_department d ON d.id = a.department_id
        WHERE t.id = %(tid)s AND a.ticket_id = t.id AND a.role = 'lead'
        """,
        {**params, "tid": tid},
    )
    cursor.execute(
        "UPDATE tickets_ticket SET status = 'merged', merged_into_id = %s "
        "WHERE id IN (SELECT id FROM tickets_ticket WHERE status = 'closed' AND id < %s"
        " ORDER BY id DESC LIMIT 3)",
        [tid, tid],
    )


# --- measuring -------------------------------------------------------------------------------------


@dataclass
class Case:
    page: str
    role: str
    url: str
    user: Any
    small: str = ""  # the query counts at 3 and 30 rows, or of a small ticket


@dataclass
class Result:
    case: Case
    p50: float
    p95: float
    queries: int
    status: int


@contextmanager
def page_size(n: int) -> Iterator[None]:
    from hotline.web import dispatch, search

    kept = dispatch.PAGE_SIZE, search.PAGE_SIZE
    dispatch.PAGE_SIZE = search.PAGE_SIZE = n
    try:
        yield
    finally:
        dispatch.PAGE_SIZE, search.PAGE_SIZE = kept


def count_queries(client: Any, url: str) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return len(captured.captured_queries), response.status_code


def measure(case: Case, repeat: int) -> Result:
    from django.test import Client

    client = Client()
    client.force_login(case.user)
    client.get(case.url)  # warm-up
    times = []
    status = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(case.url)
        times.append((time.perf_counter() - t0) * 1000)
        status = response.status_code
    queries, _status = count_queries(client, case.url)
    return Result(case, statistics.median(times), percentile(times, 0.95), queries, status)


def rows_growth(case: Case) -> str:
    from django.test import Client

    client = Client()
    client.force_login(case.user)
    counts = []
    for n in (3, 30):
        with page_size(n):
            counts.append(count_queries(client, case.url)[0])
    return f"{counts[0]} / {counts[1]}"


def cases() -> tuple[list[Case], dict[str, Any]]:
    """The pages and the people who use them, picked from the loaded data."""
    from django.db import connection
    from django.db.models import Count

    from hotline.accounts.models import User
    from hotline.core import clock
    from hotline.core.enums import Role
    from hotline.tickets.models import Assignment, Ticket

    users = {u.username: u for u in User.objects.select_related("department")}
    open_by_dept = dict(
        Assignment.objects.filter(status__in=["pending", "accepted", "returned"])
        .exclude(ticket__status__in=["closed", "merged", "invalid"])
        .values_list("department_id")
        .annotate(n=Count("pk"))
        .values_list("department_id", "n")
    )

    def own(user: User) -> int:
        return open_by_dept.get(user.department_id or 0, 0)

    def under(user: User) -> int:
        assert user.department is not None
        return sum(open_by_dept.get(d, 0) for d in user.department.descendant_ids())

    def unit(user: User) -> str:
        return user.department.name if user.department is not None else ""

    handler = max((u for u in users.values() if u.role == Role.HANDLER and u.department_id), key=own)
    head = max((u for u in users.values() if u.role == Role.HEAD and u.department_id), key=under)
    operator = next(u for u in users.values() if u.role == Role.OPERATOR and u.username == "operator1")
    dispatcher = users["dispatcher1"]
    supervisor = users["supervisor1"]
    leader = users["leader1"]

    long_ticket = (
        Ticket.objects.filter(events__details__reason=LONG_TICKET_NOTE)
        .values_list("number", flat=True)
        .first()
    )
    short_ticket = (
        Ticket.objects.filter(status="accepted").order_by("-pk").values_list("number", flat=True)[5]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM tickets_ticketevent e JOIN tickets_ticket t ON t.id = e.ticket_id "
            "WHERE t.number = %s",
            [long_ticket],
        )
        long_events = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        total = cursor.fetchone()[0]
    deep = Ticket.objects.order_by("-created_at", "-pk")[total // 2]
    today = clock.localtime().date()
    from hotline.web.search import cursor_of

    found = [
        Case(
            "inbox",
            f"handler ({unit(handler)}, {own(handler)} open)",
            "/inbox/",
            handler,
            "rows",
        ),
        Case("inbox", "handler, 超期 filter", "/inbox/?status=overdue", handler, "rows"),
        Case("inbox", f"head ({unit(head)}, {under(head)} open)", "/inbox/", head, "rows"),
        Case("search", "operator, no filter", "/tickets/?q=", operator, "rows"),
        Case("search", "operator, text 路灯", "/tickets/?q=路灯", operator, "rows"),
        Case("search", f"operator, rare text ({RARE_WORD})", f"/tickets/?q={RARE_WORD}", operator, "rows"),
        Case(
            "search",
            "operator, keyset page at 50%",
            f"/tickets/?q=&after={cursor_of(deep)}",
            operator,
            "rows",
        ),
        Case("search", "operator, status 办理中", "/tickets/?status=accepted", operator, "rows"),
        Case("search", "operator, phone last 4", "/tickets/?phone=1234", operator, "rows"),
        Case(
            "ticket",
            f"dispatcher, open ticket, {long_events} events",
            f"/tickets/{long_ticket}/",
            dispatcher,
            f"/tickets/{short_ticket}/",
        ),
        *[
            Case("supervision", f"supervisor, {view}", f"/supervision/?view={view}", supervisor, "rows")
            for view in ("overdue", "due_today", "supervised", "extensions")
        ],
        Case("dispatch", "dispatcher, the queue", "/dispatch/", dispatcher, ""),
        Case("callbacks", "operator, the callback desk", "/callbacks/", operator, ""),
        Case("callbacks", "operator, 已超期", "/callbacks/?filter=overdue", operator, ""),
        Case("overview", "leader", "/overview/", leader, ""),
        *[
            Case("reports", f"leader, {kind}", f"/reports/?kind={kind}&date={today:%Y-%m-%d}", leader, "")
            for kind in ("daily", "weekly", "monthly", "quarterly")
        ],
        *[
            Case(
                "rankings",
                f"leader, {dimension} by {span}",
                f"/rankings/?period={token}&dimension={dimension}",
                leader,
                "",
            )
            for span, token, dimension in (
                ("month", f"{today:%Y-%m}", "department"),
                ("quarter", f"{today.year}-Q{(today.month - 1) // 3 + 1}", "department"),
                ("year", f"{today.year}", "department"),
                ("year", f"{today.year}", "area"),
            )
        ],
        Case("reports", "leader, the kept reports", "/reports/kept/", leader, ""),
    ]
    return found, {"handler": handler.username, "head": head.username}


def run_pages(repeat: int) -> list[tuple[Result, str]]:
    from django.test import Client

    results = []
    for case in cases()[0]:
        result = measure(case, repeat)
        if case.small == "rows":
            growth = rows_growth(case)
        elif case.small:
            client = Client()
            client.force_login(case.user)
            growth = f"short ticket {count_queries(client, case.small)[0]}"
        else:
            growth = "no rows"
        flag = "  OVER" if result.p95 > TARGET_MS else ""
        print(
            f"  {case.page:11} {case.role:48} p50 {result.p50:7.1f} ms  p95 {result.p95:7.1f} ms"
            f"  {result.queries:3} queries  (3 / 30 rows: {growth}) [{result.status}]{flag}",
            flush=True,
        )
        results.append((result, growth))
    return results


def keep_figures(at: datetime) -> None:
    """What the worker does before anyone asks for the overview: keep the daily figures (the first
    recount of a backlog counts every day; the next, every ten minutes, only the recent ones)."""
    from hotline.analytics.models import FigureDay
    from hotline.analytics.tasks import recount_due
    from hotline.core import clock

    FigureDay.objects.all().delete()
    for label in ("first recount (every day since the first ticket)", "a later one (the recent days)"):
        started = time.perf_counter()
        with clock.frozen_at(at):
            report = recount_due()
        print(
            f"  figures: {label}: {report['days']} days in {time.perf_counter() - started:.1f} s"
            f" (the leader lists of {report.get('leader_lists', 0)} report periods included)"
        )
    from hotline.analytics.leader_lists import refresh

    started = time.perf_counter()
    with clock.frozen_at(at):
        made = refresh()
    print(
        f"  of which the leader lists of the {made} running report periods:"
        f" {time.perf_counter() - started:.1f} s"
    )


def keep_reports(at: datetime) -> None:
    """What the worker does in the morning: make the reports due (the daily leader list of the day
    before, the last week's, month's and quarter's, for the city, each district and department)."""
    from hotline.core import clock
    from hotline.web.kept_reports import make_due
    from hotline.web.models import KeptReport

    KeptReport.objects.all().delete()
    started = time.perf_counter()
    with clock.frozen_at(at):
        result = make_due()
    made = sum(v["made"] for k, v in result.items() if isinstance(v, dict))
    print(f"  kept reports: {made} made (xlsx, PDF, HTML each) in {time.perf_counter() - started:.1f} s")
    for key, value in result.items():
        if isinstance(value, dict):
            print(f"    {key}: {value}")


def table_sizes() -> dict[str, int]:
    from django.db import connection

    sizes = {}
    with connection.cursor() as cursor:
        for table in (
            "tickets_ticket",
            "intake_appeal",
            "tickets_assignment",
            "tickets_ticketevent",
            "feedback_reply",
            "feedback_callback",
            "feedback_replycheck",
            "supervision_supervision",
            "sla_extension",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            sizes[table] = cursor.fetchone()[0]
        cursor.execute("SELECT status, count(*) FROM tickets_ticket GROUP BY status ORDER BY count(*) DESC")
        sizes.update({f"status {s}": n for s, n in cursor.fetchall()})
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server, without database")
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument(
        "--reuse", metavar="NAME", help="time the pages on a database an earlier --keep run loaded (kept)"
    )
    parser.add_argument(
        "--figures-only", action="store_true", help="time the recounts of the figures, then stop"
    )
    parser.add_argument("--name", help="the new database's name (default hotline_pages_<pid>)")
    args = parser.parse_args()

    name = args.reuse or args.name or f"hotline_pages_{os.getpid()}"
    url = f"{args.pg}/{name}"
    if args.reuse:
        args.keep = True
    else:
        pg_admin(args.pg, f"CREATE DATABASE {name}")
    os.environ.update(
        DATABASE_URL=url,
        HOTLINE_HOME=tempfile.mkdtemp(prefix="hotline-pages-"),
        DJANGO_SETTINGS_MODULE="hotline.settings",
        HOTLINE_LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT / "src"))
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from hotline.core import clock

        load1 = os.getloadavg()
        print(
            f"database {name}; {os.cpu_count()} CPUs;"
            f" load average {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}"
        )
        call_command("migrate", verbosity=0)
        at = moment()
        print(f"the data up to {at:%Y-%m-%d %H:%M %Z}, the pages asked for at that moment")
        if not args.reuse:
            started = time.perf_counter()
            load(args.tickets, args.seed, at)
            print(f"loaded {args.tickets:,} tickets in {time.perf_counter() - started:.1f} s")
        for key, value in table_sizes().items():
            print(f"  {key:28} {value:>10,}")
        keep_figures(at)
        if args.figures_only:
            load2 = os.getloadavg()
            print(f"load average {load2[0]:.2f} {load2[1]:.2f} {load2[2]:.2f} (cores: {os.cpu_count()})")
            return
        keep_reports(at)
        # As a served process is: warmed up once (web/warmup.py), its heap frozen for the collector.
        from hotline.web.warmup import warm_up

        warm_up()
        print(f"pages, {args.repeat} requests each after one warm-up:")
        with clock.frozen_at(at):
            run_pages(args.repeat)
        load2 = os.getloadavg()
        print(f"load average {load2[0]:.2f} {load2[1]:.2f} {load2[2]:.2f} (cores: {os.cpu_count()})")
        connections.close_all()
    finally:
        if not args.keep:
            pg_admin(args.pg, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        else:
            print(f"kept database {url}")


if __name__ == "__main__":
    main()
