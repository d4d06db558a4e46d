"""Hot spots (analytics.hotspots, hotspot_sets, `hotline hotspots`) on a small hand-built month:
which appeals group, how hot each group is, what is kept, and the command's CSV."""

import csv
import io
from datetime import datetime, timedelta

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from hotline.analytics import hotspot_sets, hotspots
from hotline.analytics.hotspots import AppealRow, heat_of
from hotline.analytics.models import Hotspot, HotspotSet
from hotline.analytics.periods import Period
from hotline.core import clock
from hotline.core.enums import Channel
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.intake.models import Appeal
from hotline.tickets import actions
from hotline.tickets.models import Ticket
from tests.analytics.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ngram(settings, tmp_path):
    """Character n-grams (no model needed) and a HOTLINE_HOME of the test's own."""
    from hotline.dedup import embedders
    from hotline.dedup import index as vector_index

    settings.HOTLINE_HOME = tmp_path
    settings.HOTLINE = {**settings.HOTLINE, "DEDUP": {**settings.HOTLINE["DEDUP"], "EMBEDDER": "ngram"}}
    embedders._embedder.cache_clear()
    vector_index.forget()
    yield
    embedders._embedder.cache_clear()
    vector_index.forget()


def receive(when: datetime, title: str, content: str = "", *, person: str = "", votes=(None, None), **fields):
    """One appeal through intake at `when` (the ticket is created then too)."""
    with clock.frozen_at(when):
        ticket, _created = do_receive_appeal(
            AppealData(
                channel=Channel.WEB,
                title=title,
                content=content or title,
                received_at=when,
                external_id=f"m{Appeal.objects.count() + 1}",
                citizen_name=person,
                **fields,
            ),
            None,
            route=False,
        )
    likes, dislikes = votes
    if likes is not None:
        Appeal.objects.filter(ticket=ticket).update(likes=likes, dislikes=dislikes)
    return ticket


# --- heat ---------------------------------------------------------------------------------------


def row(n: int, when: datetime, person: str, likes: int = 0, dislikes: int = 0) -> AppealRow:
    return AppealRow(n, f"m{n}", when, person, likes, dislikes, None, None)


def test_heat_counts_people_then_half_of_each_repeat_then_support_duration_and_growth() -> None:
    until = at(6, 30)
    # Three people on one day, one of them twice: volume 3 + 0.5.
    same_day = [
        row(1, at(6, 1), "a"),
        row(2, at(6, 1, 11), "b"),
        row(3, at(6, 1, 12), "c"),
        row(4, at(6, 1, 13), "a"),
    ]
    heat, parts, recent, growth = heat_of(same_day, until, 7)
    assert parts == {"volume": 3.5, "support": 0.0, "lasting": 1.004, "rising": 1.0}
    assert (heat, recent, growth) == (3.52, 0, 0.0)
    # Likes less dislikes, on a log scale: 20 net likes add ln(21).
    liked = [row(1, at(6, 1), "a", likes=25, dislikes=5), *same_day[1:3]]
    assert heat_of(liked, until, 7)[1]["support"] == pytest.approx(3.04, abs=0.01)
    # Four weeks between the first and the last appeal: lasting 1 + ln(5)/4.
    lasting = [row(1, at(6, 1), "a"), row(2, at(6, 15), "b"), row(3, at(6, 29), "c")]
    assert heat_of(lasting, until + timedelta(days=30), 7)[1]["lasting"] == pytest.approx(1.402, abs=0.001)
    # Growing: 6 in the last week after 1 a week before; the surge is (6 - 1) / 2.
    growing = [row(n, at(6, 2 + 7 * n), f"p{n}") for n in range(3)]
    growing += [row(10 + n, at(6, 24 + n), f"q{n}") for n in range(6)]
    _heat, parts, recent, growth = heat_of(growing, at(6, 30), 7)
    assert (recent, growth) == (6, 2.5) and parts["rising"] == pytest.approx(2.253, abs=0.001)


# --- finding ------------------------------------------------------------------------------------


@pytest.fixture
def month(db, staff):
    """June 2025: a smell at 幸福小区's refuse station (five appeals, four people, one twice, one
    merged into another's ticket, one liked); a parking problem at 幸福小区 (three); the same smell
    at 阳光花园 (three); an invalid appeal about 幸福小区's refuse station; scattered others."""
    smell = "幸福小区垃圾站臭味严重，夏天气味熏人，请尽快清运处理垃圾站。"
    t = {}
    t["s1"] = receive(at(6, 3), "东城区幸福小区垃圾站臭味扰民", smell, person="王", votes=(12, 2))
    t["s2"] = receive(at(6, 5), "幸福小区垃圾站臭味严重", smell, person="李")
    t["s3"] = receive(at(6, 9), "投诉幸福小区垃圾站臭味", smell, person="赵")
    t["s4"] = receive(at(6, 12), "幸福小区垃圾站气味熏人", smell, person="王")
    t["s5"] = receive(at(6, 20), "幸福小区垃圾站臭味还是没处理", smell, person="孙")
    with clock.frozen_at(at(6, 21)):
        actions.do_merge_ticket(t["s5"], staff["operator"], into_ticket_id=t["s2"].pk)
    bad = receive(at(6, 21), "幸福小区垃圾站臭味严重", smell, person="钱")
    with clock.frozen_at(at(6, 21)):
        bad = actions.do_request_invalidation(bad, staff["operator"], reason="重复骚扰")
        actions.do_confirm_invalidation(bad, staff["supervisor"], confirm=True)
    parking = "幸福小区停车位太少，车辆乱停堵塞消防通道，业主出行困难。"
    for n, day in enumerate((4, 10, 16)):
        t[f"p{n}"] = receive(at(6, day), "幸福小区停车难，车辆乱停", parking, person=f"车主{n}")
    other = "阳光花园垃圾站臭味严重，夏天气味熏人，请尽快清运处理垃圾站。"
    for n, day in enumerate((6, 13, 27)):
        t[f"o{n}"] = receive(at(6, day), "阳光花园垃圾站臭味扰民", other, person=f"居民{n}")
    receive(at(6, 8), "咨询社保卡办理流程", "社保卡丢了怎么补办？", person="周")
    receive(at(6, 18), "A市人民路路灯不亮", "人民路路灯坏了一周。", person="吴")
    return t


def test_appeals_about_one_problem_at_one_place_are_one_hot_spot(month) -> None:
    found = hotspots.find(at(6, 1, 0), at(7, 1, 0))
    assert [(f.place, f.n_appeals) for f in found] == [
        ("东城区幸福小区", 5),
        ("阳光花园", 3),
        ("幸福小区", 3),
    ]
    smell = found[0]
    # Four people, 王 twice; the merged appeal counts (its appellant called), the invalid one not.
    assert (smell.people, smell.likes, smell.dislikes) == (4, 12, 2)
    assert smell.external_ids == ["m1", "m2", "m3", "m4", "m5"]
    assert (smell.first_time, smell.last_time) == (at(6, 3), at(6, 20))
    # The title nearest the group's mean, without the verbs of complaint; the crowd its words name.
    assert [f.description for f in found] == [
        "幸福小区垃圾站臭味严重",
        "阳光花园垃圾站臭味扰民",
        "幸福小区停车难，车辆乱停",
    ]
    assert [f.crowd for f in found] == ["", "", "业主"]
    # 4 people + 0.5 for 王's second appeal, ln(1 + 12 - 2) for the votes, 17 days: 1 + ln(1 + 17/7)/4.
    assert smell.parts == {"volume": 4.5, "support": 2.4, "lasting": 1.308, "rising": 1.0}
    assert smell.heat == 9.02
    # 阳光花园's last appeal came in the last week of June, after none the week before: it rises.
    assert found[1].recent == 1 and found[1].parts["rising"] > 1


def test_a_period_shows_only_its_appeals_and_too_few_are_no_hot_spot(month) -> None:
    found = hotspots.find(at(6, 1, 0), at(6, 10, 0))
    # 3 smells by 3 people by 9 June (s1 s2 s3); parking has two, 阳光花园 one.
    assert [(f.place, f.n_appeals) for f in found] == [("东城区幸福小区", 3)]
    assert hotspots.find(at(5, 1, 0), at(6, 1, 0)) == []


def test_the_kept_sets_replace_their_older_selves(month) -> None:
    with clock.frozen_at(at(6, 30, 12)):
        first = hotspot_sets.make_recent()
        second = hotspot_sets.make_recent()
    assert not HotspotSet.objects.filter(pk=first.pk).exists()
    kept = hotspot_sets.recent_set()
    assert kept is not None and kept.set == second
    assert [h.rank for h in kept.hotspots] == [1, 2, 3]
    assert kept.hotspots[0].external_ids == ["m1", "m2", "m3", "m4", "m5"]
    assert Hotspot.objects.count() == 3
    # A report period's set is kept beside the recent one and found by its exact period.
    from hotline.analytics.reports import period_of

    june = period_of("monthly", at(6, 15).date())
    hotspot_sets.make_set("monthly", june.start, june.end)
    assert hotspot_sets.set_for("monthly", june) is not None
    assert hotspot_sets.set_for("weekly", june) is None


def test_the_command_writes_the_csv_checkable_message_by_message(month) -> None:
    out = io.StringIO()
    call_command(
        "hotspots",
        "--since",
        "2025-06-01",
        "--until",
        "2025-06-30",
        "--top",
        "2",
        "--format",
        "csv",
        stdout=out,
    )
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == [
        "rank",
        "heat",
        "first_time",
        "last_time",
        "place",
        "description",
        "n_appeals",
        "external_ids",
    ]
    assert len(rows) == 3
    assert rows[1][0] == "1" and rows[1][2] == "2025-06-03 10:00:00" and rows[1][4] == "东城区幸福小区"
    assert rows[1][6] == "5" and rows[1][7] == "m1 m2 m3 m4 m5"
    text = io.StringIO()
    call_command("hotspots", "--since", "2025-06-01", "--until", "2025-06-30", stdout=text)
    assert "东城区幸福小区" in text.getvalue() and "阳光花园" in text.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2025-13-01"], "--since 须为 YYYY-MM-DD"),
        (["--since", "2025-06-30", "--until", "2025-06-01"], "--since 不能晚于 --until"),
        (["--format", "xml"], "--format 须为 text 或 csv"),
        (["--top", "0"], "--top 须为正整数"),
    ],
)
def test_the_command_refuses_what_it_cannot_read(db, args, message) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("hotspots", *args)


def test_stored_vectors_are_reused_and_missing_ones_stored(month) -> None:
    from hotline.dedup.embedders import configured_embedder
    from hotline.dedup.models import TicketVector

    embedder = configured_embedder()
    texts = {t.pk: (t.title, t.content) for t in Ticket.objects.all()}
    assert TicketVector.objects.count() == 0
    limited = hotspots.vectors_of(texts, embedder, embed_limit=3)
    assert len(limited) == 3 and TicketVector.objects.count() == 3
    every = hotspots.vectors_of(texts, embedder)
    assert len(every) == len(texts) == TicketVector.objects.count()


def test_the_worker_refreshes_the_hot_spots_and_warnings_after_a_recount(
    month, settings, django_capture_on_commit_callbacks
) -> None:
    from hotline.analytics import tasks
    from hotline.analytics.models import HotspotState

    settings.HOTLINE_HOTSPOT_INTERVAL = 1800
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with clock.frozen_at(at(6, 30, 12)), django_capture_on_commit_callbacks(execute=True):
        tasks.recount_figures.enqueue()
    report = HotspotState.objects.get().last_report
    # The recent 30 days, and the current and last period of the four reports (8 sets).
    assert (report["recent"], report["periods"]) == (3, 8)
    assert report["warnings"] == {"raised": 0, "updated": 0}
    kept = hotspot_sets.recent_set()
    assert kept is not None and kept.hotspots[0].place == "东城区幸福小区"
    assert hotspot_sets.set_for("monthly", Period.month(2025, 6)) is not None
    # Within the interval, another recount does not refresh them again; the next day's does.
    with clock.frozen_at(at(6, 30, 12, 20)), django_capture_on_commit_callbacks(execute=True):
        tasks.recount_figures.enqueue()
    assert HotspotSet.objects.filter(scope="recent").get() == kept.set
    with clock.frozen_at(at(7, 1, 9)), django_capture_on_commit_callbacks(execute=True):
        tasks.recount_figures.enqueue()
    assert HotspotSet.objects.filter(scope="recent").get() != kept.set
    assert HotspotState.objects.get().periods_on == at(7, 1).date()


def test_appeals_filed_under_other_first_level_categories_are_not_one_problem(db) -> None:
    """Short texts at one place read alike to an embedder ("咨询…" at one school's address): the
    ticket's first-level category keeps two problems apart; a subcategory counts as its root."""
    from tests.factories import CategoryFactory

    education = CategoryFactory(name="教育文体")
    enrolment = CategoryFactory(name="入学", level=2, parent=education)
    insurance = CategoryFactory(name="劳动和社会保障")
    for n, category in enumerate([education, enrolment, education, insurance, insurance, insurance]):
        receive(at(6, 3 + n), "阳光花园旁第3小学咨询", person=f"p{n}", category_id=category.pk)
    found = hotspots.find(at(6, 1, 0), at(7, 1, 0))
    assert sorted(f.n_appeals for f in found) == [3, 3]
    # Without categories (the TipDM board), the same six are one group.
    Ticket.objects.update(category=None)
    assert [f.n_appeals for f in hotspots.find(at(6, 1, 0), at(7, 1, 0))] == [6]


def test_unrelated_appeals_of_a_small_month_are_no_hot_spot(db) -> None:
    """An audit of the demo city found "东湖区第3小学 · 社保关系转移 · 4 人": four callers asking four
    things (社保转移, 异地就医, 慢特病, 入学划片), grouped because a small month's own mean (shrunk to 4/54
    of itself for four texts) left what all of an embedder's texts share, so that unrelated
    questions read as one problem. The city's earlier appeals show that direction. The vectors are
    stored by hand to be such texts: a direction all share, and a topic of their own each."""
    from hotline.dedup.embedders import configured_embedder
    from hotline.dedup.models import TicketVector

    embedder = configured_embedder()
    rng = np.random.default_rng(0)
    shared = rng.normal(size=embedder.dim)
    shared /= np.linalg.norm(shared)

    def text_of(topic: np.ndarray) -> np.ndarray:
        vector = 1.5 * shared + topic / np.linalg.norm(topic)
        return (vector / np.linalg.norm(vector)).astype(np.float32)

    topics = {}
    for n in range(120):  # the city's earlier appeals, each about something else
        topics[receive(at(4, 1) + timedelta(hours=n), f"诉求{n}", person=f"h{n}").pk] = rng.normal(
            size=embedder.dim
        )
    for n, title in enumerate(
        ["咨询社保关系转移", "咨询异地就医医保报销", "咨询门诊慢特病报销", "咨询第3小学入学划片"]
    ):
        topics[receive(at(6, 3 + 5 * n), title, person=f"p{n}").pk] = rng.normal(size=embedder.dim)
    school = rng.normal(size=embedder.dim)
    for n in range(3):  # the same question about the school, asked by three
        ticket = receive(at(6, 22 + n), "咨询第3小学入学划片", person=f"q{n}")
        topics[ticket.pk] = school + 0.3 * rng.normal(size=embedder.dim)
    TicketVector.objects.bulk_create(
        TicketVector(
            ticket_id=pk, model=embedder.name, vector=text_of(topic).tobytes(), embedded_at=at(6, 30)
        )
        for pk, topic in topics.items()
    )
    found = hotspots.find(at(6, 1, 0), at(7, 1, 0))
    assert [(f.place, f.n_appeals, f.first_time) for f in found] == [("第3小学", 3, at(6, 22))]


def test_two_questions_that_read_alike_are_not_one_problem(db) -> None:
    """An audit of the demo city found a hot spot joining "咨询公租房申请条件" with "咨询社保关系转移":
    "我在A2区上班，是外地户口，请问能不能申请公租房？需要准备哪些材料？" and "我从外地来A2区工作，想
    把原来的社保转过来，请问需要什么材料？" stood at 0.62 of each other with e5 once the period's
    mean was taken off (repeats of one question: 0.74 or more). The mean is mostly complaints';
    questions share a direction of their own, which it leaves in. The vectors are stored by hand to
    be such texts: a direction all share, one the questions share, and a topic of their own each."""
    from hotline.core.enums import Kind
    from hotline.dedup.embedders import configured_embedder
    from hotline.dedup.models import TicketVector

    embedder = configured_embedder()
    rng = np.random.default_rng(0)

    def unit(vector: np.ndarray) -> np.ndarray:
        return vector / np.linalg.norm(vector)

    shared, asking = unit(rng.normal(size=embedder.dim)), unit(rng.normal(size=embedder.dim))

    def text_of(topic: np.ndarray, kind: str) -> np.ndarray:
        vector = 1.5 * shared + (asking if kind == Kind.CONSULTATION else 0.0) + unit(topic)
        return unit(vector).astype(np.float32)

    vectors = {}
    earlier = [Kind.COMPLAINT] * 100 + [Kind.CONSULTATION] * 60
    for n, kind in enumerate(earlier):  # the city's earlier appeals and questions, each about something else
        ticket = receive(at(4, 1) + timedelta(hours=n), f"诉求{n}", person=f"h{n}", kind=kind)
        vectors[ticket.pk] = text_of(rng.normal(size=embedder.dim), kind)
    for n in range(8):
        ticket = receive(at(6, 2, 9 + n), f"投诉{n}", person=f"c{n}")
        vectors[ticket.pk] = text_of(rng.normal(size=embedder.dim), Kind.COMPLAINT)
    transfer = rng.normal(size=embedder.dim)
    for n in range(3):  # one question, asked by three
        ticket = receive(
            at(6, 3 + n),
            "咨询社保关系转移",
            "我从外地来A2区工作，想把原来的社保转过来，请问需要什么材料？",
            person=f"q{n}",
            kind=Kind.CONSULTATION,
        )
        vectors[ticket.pk] = text_of(
            unit(transfer) + 0.3 * unit(rng.normal(size=embedder.dim)), Kind.CONSULTATION
        )
    ticket = receive(
        at(6, 10),
        "咨询公租房申请条件",
        "我在A2区上班，是外地户口，请问能不能申请公租房？需要准备哪些材料？",
        person="r",
        kind=Kind.CONSULTATION,
    )
    vectors[ticket.pk] = text_of(rng.normal(size=embedder.dim), Kind.CONSULTATION)
    TicketVector.objects.bulk_create(
        TicketVector(ticket_id=pk, model=embedder.name, vector=vector.tobytes(), embedded_at=at(6, 30))
        for pk, vector in vectors.items()
    )
    found = hotspots.find(at(6, 1, 0), at(7, 1, 0))
    assert [(f.description, f.n_appeals) for f in found] == [("社保关系转移", 3)]


def test_texts_of_one_kind_are_centred_as_before() -> None:
    """A message board's import is all of one kind: taking off what each kind shares changes
    nothing there (bench/hotspots.py keeps its figures)."""
    rng = np.random.default_rng(1)
    matrix = rng.normal(size=(40, 16)).astype(np.float32)
    reference = rng.normal(size=(30, 16)).astype(np.float32)
    kinds = ["complaint"] * 40
    assert np.array_equal(
        hotspots.centred(matrix, reference=reference, kinds=kinds, reference_kinds=["complaint"] * 30),
        hotspots.centred(matrix, reference=reference),
    )
