"""Migration analytics.0008: the citizens' numbers in what was kept of their titles before the
analytics masked them (a hot spot's description, an early warning's title and evidence, its joined
findings', the leaders' notices of it) are masked; the rest is kept as it was."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.migrations import migrate_to

BEFORE = [("analytics", "0007_admin_names_in_chinese"), ("notifications", "0007_grid_worker_role")]
AFTER = [("analytics", "0008_citizen_numbers_masked")]

TITLE = "回电13912345678 幸福小区垃圾站臭味严重"
MASKED = "回电*** 幸福小区垃圾站臭味严重"


@pytest.mark.django_db(transaction=True)
def test_the_numbers_kept_in_the_titles_are_masked() -> None:
    apps = migrate_to(BEFORE)
    now = timezone.now()
    HotspotSet = apps.get_model("analytics", "HotspotSet")
    Hotspot = apps.get_model("analytics", "Hotspot")
    EarlyWarning = apps.get_model("analytics", "EarlyWarning")
    Notification = apps.get_model("notifications", "Notification")
    kept = HotspotSet.objects.create(scope="monthly", since=now, until=now, made_at=now, model="ngram")

    def spot(rank: int, description: str) -> int:
        return Hotspot.objects.create(
            set=kept,
            rank=rank,
            heat=1.0,
            first_time=now,
            last_time=now,
            place="东城区幸福小区",
            people=3,
            description=description,
            n_appeals=3,
        ).pk

    numbered, plain = spot(1, TITLE), spot(2, "2025年6月3栋楼道灯不亮")
    spike_title = "城乡建设 · 东城区：1 日内 7 人反映（7 件诉求），基线 0.04 人"
    burst_title = f"东城区幸福小区：{TITLE}（24 小时内 3 件，2 人）"
    tickets = [{"ticket": "20250618-000001", "title": TITLE, "at": "2025-06-18T09:00+08:00"}]
    warning = EarlyWarning.objects.create(
        kind="spike",
        subject="spike:1:1",
        cell="1:1",
        title=spike_title,
        started_on=now.date(),
        raised_at=now,
        last_seen_at=now,
        observed=7,
        expected=0.04,
        evidence={
            "p": 1e-6,
            "tickets": tickets,
            "raised_by": [1, 2, 3],
            "joined": [
                {
                    "kind": "hotspot",
                    "title": burst_title,
                    "evidence": {"place": "东城区幸福小区", "description": TITLE, "appeals": [1, 2, 3]},
                }
            ],
        },
    )
    burst = EarlyWarning.objects.create(
        kind="hotspot",
        subject="hotspot:9",
        cell="1:1",
        title=burst_title,
        started_on=now.date(),
        raised_at=now,
        last_seen_at=now,
        observed=3,
        expected=0.04,
        evidence={"description": TITLE, "place": "东城区幸福小区", "appeals": [9]},
    )

    def notice(key: str, reason: str, message: str) -> int:
        return Notification.objects.create(
            role="leader", reason=reason, message=message, channel="in_app", created_at=now, dedupe_key=key
        ).pk

    told = notice("early-warning:2", "early_warning", f"预警：{burst_title}")
    other = notice("x:1", "supervision", f"工单 20250618-000001：{TITLE}")
    try:
        apps = migrate_to(AFTER)
        Hotspot = apps.get_model("analytics", "Hotspot")
        EarlyWarning = apps.get_model("analytics", "EarlyWarning")
        Notification = apps.get_model("notifications", "Notification")
        descriptions = dict(Hotspot.objects.values_list("pk", "description"))
        assert descriptions == {numbered: MASKED, plain: "2025年6月3栋楼道灯不亮"}
        masked_burst = f"东城区幸福小区：{MASKED}（24 小时内 3 件，2 人）"
        spike = EarlyWarning.objects.get(pk=warning.pk)
        assert spike.title == spike_title
        assert spike.evidence == {
            "p": 1e-6,
            "tickets": [{**tickets[0], "title": MASKED}],
            "raised_by": [1, 2, 3],
            "joined": [
                {
                    "kind": "hotspot",
                    "title": masked_burst,
                    "evidence": {"place": "东城区幸福小区", "description": MASKED, "appeals": [1, 2, 3]},
                }
            ],
        }
        burst = EarlyWarning.objects.get(pk=burst.pk)
        assert burst.title == masked_burst
        assert burst.evidence == {"description": MASKED, "place": "东城区幸福小区", "appeals": [9]}
        messages = dict(Notification.objects.values_list("pk", "message"))
        # Only the warnings' notices: the others are not made of the analytics' texts.
        assert messages == {told: f"预警：{masked_burst}", other: f"工单 20250618-000001：{TITLE}"}
    finally:
        # Every app back to its latest migration, which the tests after this one need.
        executor = MigrationExecutor(connection)
        migrate_to(executor.loader.graph.leaf_nodes())
