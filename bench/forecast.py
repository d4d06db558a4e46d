"""Backtest of the volume forecasts (analytics.forecast) on real message times.

The messages of ../shared/data/raw/tipdm2020c_syucryingstar (fujian3 and fujian4: a provincial
message board, about 12 a day through 2019) become a daily series. From each of the last `--weeks`
Mondays of 2019 (rolling origin), the model is fitted on every day before it and forecasts the next
7 and the next 28 days; the same is done by the two forecasts a planner would otherwise use: the
last 7 (28) days again (seasonal naive at the weekly season: the same weekdays a week, or four
weeks, earlier; the same week last year needs a year of history before 2019 that the data does not
have), and the mean of the last four weeks scaled to the horizon (moving average). Printed:
the mean absolute percentage error (MAPE) of each on the week and the four-week totals, and how
often the real total fell inside the model's 80% interval (coverage; 80% is right, less is
over-confident), and how often a single day fell inside its own interval over the next 14 days (the
band the overview draws along the trend). The work calendar is China's (statutory holidays and
make-up days, `sla.calendar`).

    .venv/bin/python bench/forecast.py [--weeks 20]
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "raw" / "tipdm2020c_syucryingstar"
FILES = ("fujian3_messages_with_votes.csv", "fujian4_messages_with_replies.csv")
DAY = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")


def daily_counts() -> Counter[date]:
    counts: Counter[date] = Counter()
    for name in FILES:
        with open(DATA / name, encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                match = DAY.match(row["留言时间"].strip())
                if match:
                    counts[date(*map(int, match.groups()))] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--weeks", type=int, default=20, help="rolling origins, the last Mondays of 2019")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from hotline.analytics.forecast import daily, fit, predict
    from hotline.sla.calendar import Calendar

    calendar = Calendar()
    counts = daily_counts()
    # The series: 2019 (the years before hold a few messages a month: another regime).
    first, last = date(2019, 1, 1), date(2019, 12, 31)
    series = {
        first + timedelta(days=i): counts.get(first + timedelta(days=i), 0)
        for i in range((last - first).days + 1)
    }
    per_day = statistics.mean(series.values())
    print(f"{sum(series.values()):,} messages from {first} to {last}, {per_day:.1f} a day")

    origins = []
    monday = last - timedelta(days=last.weekday()) - timedelta(days=28)  # leave 28 days to check
    for _ in range(args.weeks):
        origins.append(monday)
        monday -= timedelta(days=7)
    errors: dict[tuple[str, int], list[float]] = {}
    absolute: dict[tuple[str, int], list[float]] = {}
    inside: dict[int, list[bool]] = {7: [], 28: []}
    # The overview's band: each of the next 14 days on its own, inside its day's 80% interval?
    days_inside: list[bool] = []
    for origin in sorted(origins):
        history = {d: n for d, n in series.items() if d < origin}
        model = fit(history, workday=lambda d: calendar.day(d).is_workday)
        assert model is not None
        for horizon in (7, 28):
            actual = sum(series[origin + timedelta(days=i)] for i in range(horizon))
            if not actual:
                continue
            outlook = predict(model, origin, horizon)
            recent = [series[origin - timedelta(days=i)] for i in range(1, 29)]
            guesses = {
                "model": outlook.expected,
                "seasonal naive": float(sum(recent[:horizon])),
                "moving average (4 weeks)": sum(recent) / 28 * horizon,
            }
            for name, guess in guesses.items():
                errors.setdefault((name, horizon), []).append(abs(guess - actual) / actual)
                absolute.setdefault((name, horizon), []).append(abs(guess - actual))
            inside[horizon].append(outlook.low <= actual <= outlook.high)
        for day in daily(model, origin, 14):
            days_inside.append(day.low <= series[day.start] <= day.high)
    print(f"{len(origins)} rolling origins (Mondays {min(origins)} .. {max(origins)}), errors of the totals:")
    print(f"  {'forecast':26} {'MAPE 7 d':>9} {'MAE 7 d':>8} {'MAPE 28 d':>10} {'MAE 28 d':>9}")
    for name in ("model", "seasonal naive", "moving average (4 weeks)"):
        week = 100 * statistics.mean(errors[(name, 7)])
        month = 100 * statistics.mean(errors[(name, 28)])
        mae_week, mae_month = statistics.mean(absolute[(name, 7)]), statistics.mean(absolute[(name, 28)])
        print(f"  {name:26} {week:8.1f}% {mae_week:8.1f} {month:9.1f}% {mae_month:9.1f}")
    for horizon in (7, 28):
        ours, naive = (
            statistics.mean(errors[("model", horizon)]),
            statistics.mean(errors[("seasonal naive", horizon)]),
        )
        print(f"  {horizon}-day MAPE {100 * (1 - ours / naive):.0f}% lower than seasonal naive (target: 15%)")
    for horizon, hits in inside.items():
        print(
            f"  80% interval held the real {horizon}-day total {sum(hits)} times of {len(hits)} "
            f"({100 * sum(hits) / len(hits):.0f}%)"
        )
    print(
        f"  the daily band (the overview's next 14 days) held the real day {sum(days_inside)} times of"
        f" {len(days_inside)} ({100 * sum(days_inside) / len(days_inside):.0f}%)"
    )


if __name__ == "__main__":
    main()
