"""`hotline dedup similar|scan|score|index`."""

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hotline.core.enums import Channel
from hotline.dedup.models import TicketVector
from hotline.intake.models import Appeal
from hotline.tickets.models import Ticket
from tests.factories import make_ticket

LAMP = ("幸福路12号小区门口路灯不亮", "幸福路12号小区门口的路灯坏了一周，晚上很黑，请尽快修理。")
LAMP_AGAIN = ("幸福路12号小区路灯坏了", "幸福路12号小区门口的路灯坏了，晚上很黑，一周了还没人修理。")
NOISE = ("工地夜间施工噪音", "凌晨两点还在打桩，严重影响休息，请城管查处。")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("dedup", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tickets(db, staff):
    made = {}
    for i, (name, (title, content)) in enumerate({"lamp": LAMP, "again": LAMP_AGAIN, "noise": NOISE}.items()):
        made[name] = make_ticket(
            actor=staff["operator"], title=title, content=content, external_id=f"ext-{i}", channel=Channel.WEB
        )
    Ticket.objects.update(created_at=datetime(2026, 3, 2, 1, tzinfo=UTC))
    return made


def test_similar_lists_the_closest_with_score_and_reason(tickets):
    assert run("similar", LAMP[0]) == ""  # nothing embedded yet: the worker (or `index`) does that
    run("index")
    lines = run("similar", LAMP[0] + " 晚上很黑", "--top", "2").splitlines()
    assert len(lines) == 2
    numbers = {tickets["lamp"].number, tickets["again"].number}
    assert {line.split("\t")[0].lstrip("* ") for line in lines} == numbers
    assert all(line.startswith("* ") and "文本相似" in line for line in lines)


def test_similar_refuses_an_empty_text_and_a_bad_top(tickets):
    with pytest.raises(CommandError, match="文本不能为空"):
        run("similar", "  ")
    with pytest.raises(CommandError, match="--top"):
        run("similar", "路灯", "--top", "0")


def test_scan_groups_the_period_into_clusters_as_csv(tickets):
    out = run("scan", "--since", "2026-03-01", "--until", "2026-03-03", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["cluster_id", "ticket_number", "external_id", "title"]
    assert {(r["cluster_id"], r["ticket_number"], r["external_id"], r["title"]) for r in rows} == {
        ("1", tickets["lamp"].number, "ext-0", LAMP[0]),
        ("1", tickets["again"].number, "ext-1", LAMP_AGAIN[0]),
    }
    # It embedded what it scanned.
    assert TicketVector.objects.count() == 3


def test_scan_csv_never_hands_a_spreadsheet_a_formula(tickets):
    """A title or a channel's id that begins like a formula is written with an apostrophe in front
    (OWASP), as the hot spots' CSV is: the file is opened in Excel or WPS."""
    Ticket.objects.filter(pk=tickets["lamp"].pk).update(title="=" + LAMP[0])
    Appeal.objects.filter(ticket=tickets["again"]).update(external_id="-ext-1")
    out = run("scan", "--since", "2026-03-01", "--until", "2026-03-03", "--format", "csv")
    rows = {r["ticket_number"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows[tickets["lamp"].number]["title"] == "'=" + LAMP[0]
    assert rows[tickets["again"].number]["external_id"] == "'-ext-1"


def test_scan_outside_the_period_finds_nothing(tickets):
    assert run("scan", "--since", "2026-03-03") == "共 0 组重复诉求\n"
    text = run("scan", "--since", "2026-03-01")
    assert text.startswith("第 1 组（2 件）") and text.endswith("共 1 组重复诉求\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-13-01"], "--since 2026-13-01: 日期格式应为 YYYY-MM-DD"),
        (["--since", "2026-03-02", "--until", "2026-03-01"], "--until 须晚于 --since"),
    ],
)
def test_scan_refuses_bad_dates(db, args, message):
    with pytest.raises(CommandError, match=message):
        run("scan", *args)


def test_score_prints_each_pair_and_the_decision(db, tmp_path):
    pairs = tmp_path / "pairs.csv"
    with pairs.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["pair_id", "title_a", "detail_a", "title_b", "detail_b"])
        writer.writerow(["p1", *LAMP, *LAMP_AGAIN])
        writer.writerow(["p2", *LAMP, *NOISE])
        writer.writerow(["p3", LAMP[0], "", "", LAMP[1] + "\n多行\n文本"])
    rows = list(csv.reader(io.StringIO(run("score", "--pairs", str(pairs)))))
    assert rows[0] == ["pair_id", "score", "same"]
    scores = {r[0]: (float(r[1]), r[2]) for r in rows[1:]}
    assert list(scores) == ["p1", "p2", "p3"]
    assert scores["p1"][1] == "1" and scores["p2"][1] == "0"
    assert scores["p1"][0] > 0.5 > scores["p2"][0]


HEADER = "pair_id,title_a,detail_a,title_b,detail_b\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "文件为空"),
        ("id,a,b\n", "第 1 行：表头应为 pair_id,title_a,detail_a,title_b,detail_b，实为 id,a,b"),
        (HEADER + "p1,路灯,坏了,路灯,坏了\np2,只有,三列\n", "第 3 行：应有 5 列，实有 3 列"),
        (HEADER + "p1,路灯,坏了,路灯,坏了\n,路灯,坏了,路灯,坏了\n", "第 3 行：pair_id 为空"),
        (HEADER + "p1,路灯,坏了,路灯,坏了\np1,路灯,坏了,路灯,坏了\n", "第 3 行：pair_id p1 重复"),
        # A record is named by the line it starts on, as `hotline import` names it.
        (HEADER + 'p1,路灯,"多行\n内容",,\n', "第 2 行：两条诉求都须有标题或内容"),
    ],
)
def test_score_names_the_bad_line(db, tmp_path, content, message):
    with pytest.raises(CommandError, match=message):
        run("score", "--pairs", str(write(tmp_path / "pairs.csv", content)))


def test_score_of_a_missing_or_binary_file(db, tmp_path):
    with pytest.raises(CommandError, match="无法读取"):
        run("score", "--pairs", str(tmp_path / "nowhere.csv"))
    (tmp_path / "binary.csv").write_bytes(HEADER.encode() + b"p1,\xff\xfe\x00,,,\n")
    with pytest.raises(CommandError, match="无法识别文件编码"):
        run("score", "--pairs", str(tmp_path / "binary.csv"))


def test_the_command_line_prints_errors_without_a_traceback(db, tmp_path, capsys):
    from hotline.dedup.management.commands.dedup import Command

    command = Command(stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(SystemExit) as exit_info:
        command.run_from_argv(["hotline", "dedup", "score", "--pairs", str(tmp_path / "nowhere.csv")])
    assert exit_info.value.code == 1


def test_index_embeds_the_backlog_and_saves(tickets, settings):
    assert "已生成 3 个向量；索引共 3 个（ngram1024）" in run("index")
    assert TicketVector.objects.count() == 3
    assert "已生成 0 个向量；索引共 3 个" in run("index", "--rebuild")
    assert list((Path(settings.HOTLINE_HOME) / "dedup").glob("*.usearch"))
