"""`hotline import FILE`: CSV and Excel files become appeals through the same intake as live contacts,
in bulk; twice adds nothing; a broken file names every bad line and stores nothing."""

from datetime import datetime
from io import StringIO
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from hotline.core.enums import Channel, EventType, Kind, TicketStatus
from hotline.feedback.models import Reply
from hotline.intake import actions
from hotline.intake.models import Appeal
from hotline.tickets.models import Ticket, TicketEvent
from tests.factories import CategoryFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
RAW = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "raw"
FUJIAN2_XLSX = RAW / "tipdm2020c_official_testset" / "official_test_fujian2_2801_unlabelled.xlsx"
FUJIAN3 = RAW / "tipdm2020c_syucryingstar" / "fujian3_messages_with_votes.csv"
FUJIAN4 = RAW / "tipdm2020c_syucryingstar" / "fujian4_messages_with_replies.csv"

needs_data = pytest.mark.skipif(not RAW.is_dir(), reason=f"the shared data folder {RAW} is absent")

pytestmark = pytest.mark.django_db

TIPDM_HEADER = "留言编号,留言用户,留言主题,留言时间,留言详情,一级标签"


class Recorder:
    """A router that notes what it was asked to route (the tests' stand-in for ModelRouter)."""

    routed: list[int] = []

    def route(self, ticket_id: int) -> None:
        Recorder.routed.append(ticket_id)


@pytest.fixture
def recorded_routing(settings):
    Recorder.routed = []
    settings.HOTLINE = {**settings.HOTLINE, "ROUTING": {**settings.HOTLINE["ROUTING"]}}
    settings.HOTLINE["ROUTING"]["ROUTER"] = "tests.intake.test_imports.Recorder"
    return Recorder.routed


@pytest.fixture
def no_routing(settings):
    # Thousands of rows: routing each one is routing's own test, not the import's.
    settings.HOTLINE = {**settings.HOTLINE, "ROUTING": {**settings.HOTLINE["ROUTING"]}}
    settings.HOTLINE["ROUTING"]["ROUTER"] = "hotline.tickets.router.NullRouter"


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(path: Path, *args: str) -> tuple[str, str]:
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import", str(path), *args, stdout=StringIO(), stderr=err)
    return str(caught.value), err.getvalue()


def write(tmp_path: Path, text: str, name: str = "messages.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def stored() -> tuple[int, int, int]:
    return Ticket.objects.count(), Appeal.objects.count(), TicketEvent.objects.count()


# --- the real files --------------------------------------------------------------------------------


@needs_data
def test_the_official_test_set_imports_once_with_its_times(no_routing) -> None:
    out, err = run(FUJIAN2_XLSX, "--preset", "tipdm")
    assert "读取 2801 行，新建 2801，已存在 0，拒绝 0" in out
    assert err == ""
    assert Appeal.objects.filter(channel=Channel.IMPORT).count() == 2801
    first = Appeal.objects.select_related("ticket").get(channel=Channel.IMPORT, external_id="1")
    # 留言编号 1: U0001196, 2019/12/30 17:06:14, in the city's zone; the ticket keeps that day.
    assert first.citizen_name == "U0001196"
    assert first.received_at == datetime(2019, 12, 30, 17, 6, 14, tzinfo=SHANGHAI)
    assert first.ticket.created_at == first.received_at
    assert first.ticket.number.startswith("20191230-")
    assert first.title == "投诉A市A1区苑物业违规收停车费"
    assert first.content.startswith("尊敬的领导：A1区苑小区位于A1区火炬路")  # the cell's indentation is gone
    assert TicketEvent.objects.filter(action=EventType.RECEIVE).count() == 2801
    # Numbers are unique per day although many messages share a day.
    assert Ticket.objects.values("number").distinct().count() == 2801

    out, _err = run(FUJIAN2_XLSX, "--preset", "tipdm")
    assert "读取 2801 行，新建 0，已存在 2801，拒绝 0" in out
    assert Appeal.objects.count() == 2801


@needs_data
def test_the_board_with_votes_keeps_likes_and_dislikes(no_routing) -> None:
    out, _err = run(FUJIAN3, "--preset", "tipdm")
    assert "读取 4326 行，新建 4326，已存在 0，拒绝 0" in out
    appeal = Appeal.objects.get(external_id="188007")  # 2019/2/14 20:00:00, 0 against, 1 for
    assert (appeal.likes, appeal.dislikes) == (1, 0)
    assert appeal.received_at == datetime(2019, 2, 14, 20, 0, tzinfo=SHANGHAI)
    assert not Appeal.objects.filter(likes__isnull=True).exists()


@needs_data
def test_the_board_with_replies_stores_the_answers_with_their_times(no_routing) -> None:
    out, _err = run(FUJIAN4, "--preset", "tipdm")
    assert "读取 2816 行，新建 2816，已存在 0，拒绝 0" in out
    appeal = Appeal.objects.select_related("ticket").get(external_id="2549")
    ticket = appeal.ticket
    assert appeal.received_at == datetime(2019, 4, 25, 9, 32, 9, tzinfo=SHANGHAI)
    assert ticket.status == TicketStatus.ANSWERED
    reply = Reply.objects.get(ticket=ticket)
    assert reply.text.startswith("现将网友在平台《问政西地省》栏目向胡华衡书记留言反映")
    assert reply.department is None and reply.replied_at > appeal.received_at
    timeline = list(ticket.events.values_list("action", "at", "details"))
    assert timeline == [
        (EventType.RECEIVE, appeal.received_at, {"channel": "import", "external_id": "2549"}),
        (EventType.ANSWER_ON_SPOT, reply.replied_at, {"reply": reply.pk, "imported": True}),
    ]
    assert Reply.objects.count() == 2816


# --- a broken file ---------------------------------------------------------------------------------


BROKEN = f"""{TIPDM_HEADER}
101,U1,路灯不亮,2019/12/30 17:06:14,"幸福路路灯
坏了一周",
102,U2,,2019/12/30 17:07:00,标题是空的,
103,U3,噪音扰民,2019/13/45 25:00:00,时间不对,
104,U4,井盖缺失,2019/12/31 08:00:00,分类不存在,不存在的分类
105,U5,来自未来,2099/01/01 08:00:00,时间在将来,
106,U6,{"长" * 201},2019/12/31 09:00:00,标题太长,
107,U7,漏水,1999/01/01 08:00:00,时间早于 2000 年,
108,U8,路面坑洼,2020-01-02 10:11:12,这一行是好的,城乡建设
"""


def test_control_characters_in_a_table_are_left_out_of_what_is_stored(
    tmp_path, frozen_clock, no_routing
) -> None:
    """A table pasted from Word or an old system brings vertical tabs, bells and escapes, which the
    API refuses and no page or export should meet: the row is kept (an archive is imported whole),
    the characters are not; tabs and line breaks stay."""
    path = write(
        tmp_path,
        TIPDM_HEADER + "\n"
        '7001,市民甲,幸福路\x0b路灯不亮\x07,2020/1/2 8:00:00,"晚上\x1b[31m很黑\t请修\n谢谢",\n',
    )
    run(path, "--preset", "tipdm")
    ticket = Ticket.objects.get()
    assert (ticket.title, ticket.content) == ("幸福路路灯不亮", "晚上[31m很黑\t请修\n谢谢")
    assert Appeal.objects.get().content == ticket.content


def test_bidirectional_overrides_and_del_are_left_out_as_the_other_control_characters(
    tmp_path, frozen_clock, no_routing
) -> None:
    """An override (U+202E) shows the text after it reversed, an isolate (U+2066-U+2069) hides
    where a name ends, DEL is a control character: the same rule as the API's takes them out."""
    path = write(
        tmp_path,
        TIPDM_HEADER + "\n"
        "7002,市民\u202e乙,幸福路\u2066路灯\u2069不亮\x7f,2020/1/2 8:00:00,"
        '"晚上\u202a很黑\u202c 😀\t请修\n谢谢",\n',
    )
    run(path, "--preset", "tipdm")
    appeal = Appeal.objects.select_related("ticket").get()
    assert (appeal.citizen_name, appeal.ticket.title, appeal.ticket.content) == (
        "市民乙",
        "幸福路路灯不亮",
        "晚上很黑 😀\t请修\n谢谢",
    )


def test_a_broken_file_names_every_bad_line_and_stores_nothing(tmp_path, frozen_clock) -> None:
    CategoryFactory(name="城乡建设", level=1, parent=None)
    path = write(tmp_path, BROKEN)
    message, err = refused(path, "--preset", "tipdm")
    assert "6 行被拒绝，未导入任何数据" in message
    lines = err.strip().splitlines()
    # The first record spans lines 2-3, so the next ones start on lines 4, 5, ...
    assert [line.split("：", 1)[0] for line in lines] == [
        f"messages.csv 第 {n} 行" for n in (4, 5, 6, 7, 8, 9)
    ]
    assert "留言主题: 不能为空" in lines[0]
    assert "留言时间: 无法识别的时间“2019/13/45 25:00:00”" in lines[1]
    assert "一级标签: 分类“不存在的分类”不存在或已停用" in lines[2]
    assert "留言时间: 2099-01-01 08:00 晚于当前时间" in lines[3]
    assert "留言主题: 超过 200 个字符" in lines[4]
    assert "留言时间: 须在 2000-01-01 至 2100-12-31 之间" in lines[5]
    assert stored() == (0, 0, 0)


def test_skip_invalid_stores_the_good_rows_and_still_names_the_bad(tmp_path, frozen_clock) -> None:
    CategoryFactory(name="城乡建设", level=1, parent=None)
    path = write(tmp_path, BROKEN)
    out, err = run(path, "--preset", "tipdm", "--skip-invalid")
    assert "读取 8 行，新建 2，已存在 0，拒绝 6" in out
    assert len(err.strip().splitlines()) == 6
    assert sorted(Appeal.objects.values_list("external_id", flat=True)) == ["101", "108"]
    assert Appeal.objects.get(external_id="101").content == "幸福路路灯\n坏了一周"
    assert Ticket.objects.get(appeals__external_id="108").category.name == "城乡建设"


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_skip_invalid_with_every_row_rejected_is_an_error(tmp_path, frozen_clock, dry_run) -> None:
    path = write(tmp_path, "title,content,received_at\n路灯不亮,,\n,井盖缺失,\n噪音,凌晨施工,2019/13/45\n")
    message, err = refused(path, "--skip-invalid", *dry_run)
    assert "3 行全部被拒绝，未导入任何数据" in message
    assert len(err.strip().splitlines()) == 3
    assert stored() == (0, 0, 0)


def test_skip_invalid_with_the_other_rows_already_present_is_no_error(tmp_path, frozen_clock) -> None:
    # Run again on the same file: nothing new, the good row is there, the bad one named again.
    path = write(tmp_path, "external_id,title,content\nA-1,路灯不亮,幸福路\nA-2,井盖缺失,\n")
    run(path, "--skip-invalid")
    out, _err = run(path, "--skip-invalid")
    assert "读取 2 行，新建 0，已存在 1，拒绝 1" in out
    assert Appeal.objects.count() == 1


def test_every_fault_of_a_line_is_named_at_once_by_the_files_own_headers(tmp_path, frozen_clock) -> None:
    CategoryFactory(name="城乡建设", level=1, parent=None)
    text = f"{TIPDM_HEADER}\n1,U1,路灯不亮,2026-13-45 25:00,,不存在的分类\n2,U2,{'长' * 201},,,\n"
    _message, err = refused(write(tmp_path, text), "--preset", "tipdm")
    first, second = err.strip().splitlines()
    # In the order of the file's columns, each under its own header, on one line.
    assert first == (
        "messages.csv 第 2 行：留言时间: 无法识别的时间“2026-13-45 25:00”；留言详情: 不能为空；"
        "一级标签: 分类“不存在的分类”不存在或已停用"
    )
    assert second == "messages.csv 第 3 行：留言主题: 超过 200 个字符（201 个）；留言详情: 不能为空"


def test_a_mappings_faults_are_named_by_its_columns(tmp_path, frozen_clock) -> None:
    mapping = write(
        tmp_path,
        'optional = ["kind", "latitude", "reply", "replied_at"]\n'
        '[columns]\ntitle = "标题"\ncontent = ["正文", "内容"]\nreceived_at = "来信时间"\nkind = "类型"\n'
        'latitude = "纬度"\nreply = "回复"\nreplied_at = "回复时间"\n',
        "map.toml",
    )
    text = (
        "标题,内容,来信时间,类型,纬度,回复,回复时间\n"
        ",,2099-01-01 08:00,闲聊,95,,2025-01-01 08:00\n"
        "好,好,2025-06-09 10:00,咨询,30,已处理,2025-06-08 10:00\n"
    )
    _message, err = refused(write(tmp_path, text, "letters.csv"), "--mapping", str(mapping))
    first, second = err.strip().splitlines()
    for name in ("title", "content", "received_at", "kind", "latitude", "reply", "replied_at"):
        assert f"{name}:" not in first + second
    assert first.startswith(
        "letters.csv 第 2 行：标题: 不能为空；内容: 不能为空；来信时间: 2099-01-01 08:00 晚于当前时间"
    )
    assert "类型: 未知诉求类型“闲聊”" in first and "纬度: 应为 -90 到 90 之间的数" in first
    assert "回复: 有答复时间却没有答复内容" in first
    assert second == "letters.csv 第 3 行：回复时间: 答复时间早于受理时间"


def test_a_dry_run_checks_everything_and_writes_nothing(tmp_path, frozen_clock) -> None:
    path = write(tmp_path, f"{TIPDM_HEADER}\n1,U1,路灯不亮,2019/12/30 17:06:14,坏了一周,\n")
    out, _err = run(path, "--preset", "tipdm", "--dry-run")
    assert out.startswith("【试运行，未写入任何数据】messages.csv：读取 1 行，将新建 1，已存在 0，拒绝 0")
    assert "hotline worker" not in out
    assert stored() == (0, 0, 0)
    run(path, "--preset", "tipdm")
    out, _err = run(path, "--preset", "tipdm", "--dry-run")
    assert "读取 1 行，将新建 0，已存在 1，拒绝 0" in out


def test_a_dry_run_refuses_what_the_real_run_refuses(tmp_path, frozen_clock) -> None:
    """The same checks, the same rejected lines and the same exit status as the real run: only
    nothing is written."""
    CategoryFactory(name="城乡建设", level=1, parent=None)
    path = write(tmp_path, BROKEN)
    dry_message, dry_err = refused(path, "--preset", "tipdm", "--dry-run")
    real_message, real_err = refused(path, "--preset", "tipdm")
    assert dry_err == real_err and len(dry_err.strip().splitlines()) == 6
    assert dry_message == "【试运行，未写入任何数据】" + real_message
    assert "6 行被拒绝，未导入任何数据" in real_message and "试运行" not in real_message
    assert stored() == (0, 0, 0)
    # With --skip-invalid both go ahead with the good rows (exit status 0); the dry run writes none.
    out, err = run(path, "--preset", "tipdm", "--skip-invalid", "--dry-run")
    assert "读取 8 行，将新建 2，已存在 0，拒绝 6" in out and err == real_err
    assert stored() == (0, 0, 0)


def test_a_failure_while_writing_leaves_nothing_half_written(tmp_path, frozen_clock) -> None:
    rows = "\n".join(f"{n},U{n},路灯不亮{n},2019/12/30 17:06:14,坏了一周,中" for n in range(1, 1201))
    path = write(tmp_path, f"{TIPDM_HEADER}\n{rows}\n".replace(",中", ","))
    real = Appeal.objects.bulk_create
    calls = []

    def fail_on_the_third_chunk(objs, *args, **kwargs):
        calls.append(len(objs))
        if len(calls) == 3:
            raise RuntimeError("the disk is full")
        return real(objs, *args, **kwargs)

    with (
        mock.patch.object(Appeal.objects, "bulk_create", fail_on_the_third_chunk),
        pytest.raises(RuntimeError),
    ):
        run(path, "--preset", "tipdm")
    assert calls == [actions.BULK_CHUNK, actions.BULK_CHUNK, 1200 - 2 * actions.BULK_CHUNK]
    assert stored() == (0, 0, 0)
    out, _err = run(path, "--preset", "tipdm")
    assert "新建 1200" in out


def test_an_id_already_used_for_another_message_is_refused(tmp_path, frozen_clock) -> None:
    run(
        write(tmp_path, f"{TIPDM_HEADER}\n7,U1,路灯不亮,2019/12/30 17:06:14,坏了一周,\n"), "--preset", "tipdm"
    )
    number = Ticket.objects.get().number
    rows = "7,U9,别的事情,2019/12/31 10:00:00,另一条留言,\n8,U8,新的,2019/12/31 11:00:00,新的,\n"
    text = f"{TIPDM_HEADER}\n{rows}"
    _message, err = refused(write(tmp_path, text, "other.csv"), "--preset", "tipdm")
    assert f"other.csv 第 2 行：留言编号: 7 已是工单 {number} 的诉求，但主题不同（“路灯不亮”）" in err
    assert Appeal.objects.count() == 1


def test_the_same_message_twice_in_one_file_is_one_appeal(tmp_path, frozen_clock) -> None:
    row = "9,U1,路灯不亮,2019/12/30 17:06:14,坏了一周,"
    out, _err = run(write(tmp_path, f"{TIPDM_HEADER}\n{row}\n{row}\n"), "--preset", "tipdm")
    assert "读取 2 行，新建 1，已存在 1，拒绝 0" in out
    assert Appeal.objects.count() == 1


# --- formats and mappings --------------------------------------------------------------------------


def test_an_excel_file_with_real_dates_and_a_blank_row(tmp_path, frozen_clock) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["留言编号", "留言用户", "留言主题", "留言时间", "留言详情"])
    sheet.append([1001, "U1", "路灯不亮", datetime(2020, 1, 5, 8, 30), "坏了一周"])  # noqa: DTZ001
    sheet.append([None, None, None, None, None])
    sheet.append([1002.0, "U2", "", "2020/1/6 9:00:00", "标题为空"])
    path = tmp_path / "board.xlsx"
    book.save(path)
    _message, err = refused(path, "--preset", "tipdm")
    assert err.strip() == "board.xlsx 第 4 行：留言主题: 不能为空"
    run(path, "--preset", "tipdm", "--skip-invalid")
    appeal = Appeal.objects.get()
    assert (appeal.external_id, appeal.received_at) == ("1001", datetime(2020, 1, 5, 8, 30, tzinfo=SHANGHAI))


def test_a_gb18030_csv_from_excel_on_chinese_windows(tmp_path, frozen_clock) -> None:
    text = f"{TIPDM_HEADER}\r\n31,U1,噪音扰民,2019/12/30 22:06:14,楼下烧烤店每晚营业到凌晨两点,\r\n"
    out, _err = run(write(tmp_path, text, encoding="gb18030"), "--preset", "tipdm")
    assert "新建 1" in out
    assert Appeal.objects.get().content == "楼下烧烤店每晚营业到凌晨两点"


def test_a_file_that_cannot_be_read_is_an_error_naming_it(tmp_path) -> None:
    message, _err = refused(write(tmp_path, "not a workbook", "board.xlsx"), "--preset", "tipdm")
    assert "board.xlsx: 不是可读的 Excel（.xlsx）文件" in message
    message, _err = refused(write(tmp_path, "a,b\n1,2\n", "plain.csv"), "--preset", "tipdm")
    assert (
        "plain.csv: 缺少列“留言编号”、“留言用户”、“留言主题”、“留言时间”、“留言详情”（表头为：a,b）"
        in message
    )
    message, _err = refused(tmp_path / "missing.csv", "--preset", "tipdm")
    assert "无法读取文件" in message
    message, _err = refused(write(tmp_path, "x", "notes.txt"))
    assert "notes.txt: 只能导入 .csv 或 .xlsx 文件" in message


def test_a_mapping_file_names_the_columns_kinds_and_channel(
    tmp_path, frozen_clock, recorded_routing, django_capture_on_commit_callbacks
) -> None:
    mapping = write(
        tmp_path,
        """
channel = "leader_mailbox"
id_prefix = "ldxx-"
backdate = false
optional = ["kind"]

[columns]
external_id = "信件编号"
citizen_name = "来信人"
citizen_phone = "电话"
title = "标题"
content = ["正文", "内容"]
received_at = "来信时间"
kind = "类型"
address = "地址"
""",
        "map.toml",
    )
    text = (
        "信件编号,来信人,电话,标题,内容,来信时间,类型,地址\n"
        "A-1,王女士,13800001111,孩子入学问题,咨询外地户籍子女入学条件,2025-06-09 10:00,咨询,幸福路1号\n"
        "A-2,李先生,,路灯不亮,幸福路路灯坏了,2025-06-09T11:00:00+08:00,complaint,\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        out, _err = run(write(tmp_path, text, "letters.csv"), "--mapping", str(mapping))
    assert "新建 2" in out
    first = Appeal.objects.select_related("ticket").get(external_id="ldxx-A-1")
    assert (first.channel, first.citizen_phone, first.ticket.kind, first.ticket.address) == (
        Channel.LEADER_MAILBOX,
        "13800001111",
        Kind.CONSULTATION,
        "幸福路1号",
    )
    # backdate = false: the tickets are created now; the appeal keeps the letter's time.
    assert first.ticket.created_at == frozen_clock.value
    assert first.received_at == datetime(2025, 6, 9, 10, 0, tzinfo=SHANGHAI)
    # The same intake as live contacts: every new ticket is routed by the worker's router.
    assert sorted(recorded_routing) == sorted(Ticket.objects.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("toml", "complaint"),
    [
        ('[columns]\ntitle = "a"\n', "缺少必需字段“content”"),
        ('channel = "fax"\n[columns]\ntitle = "a"\ncontent = "b"\n', "未知渠道“fax”"),
        ('[columns]\ntitle = "a"\ncontent = "b"\nsubject = "c"\n', "未知字段“subject”"),
        ("colums = 1\n", "未知的设置“colums”"),
        ("[columns\n", "不是有效的 TOML"),
        ('optional = [[1]]\n[columns]\ntitle = "a"\ncontent = "b"\n', "optional 应为 [columns] 中字段的列表"),
        # Put before every external id as it is: a NUL would fail on PostgreSQL halfway through.
        ('id_prefix = "x\\u0000"\n[columns]\ntitle = "a"\ncontent = "b"\n', "id_prefix 不能包含 NUL 字符"),
        # A directive strptime does not know would fail every time in the file, said as "无法识别".
        (
            'time_formats = ["%Y/%m/%d %Q"]\n[columns]\ntitle = "a"\ncontent = "b"\n',
            "“%Y/%m/%d %Q”不是有效的时间格式",
        ),
        (
            'time_formats = ["%Y-%m-%d %"]\n[columns]\ntitle = "a"\ncontent = "b"\n',
            "“%Y-%m-%d %”不是有效的时间格式",
        ),
        # Formats strptime reads without a fault, but that read no date: every time in the file would
        # be 1 January 1900 (or a day of it), each refused as out of range.
        ('time_formats = ["%%"]\n[columns]\ntitle = "a"\ncontent = "b"\n', "“%%”读不出日期"),
        ('time_formats = ["%H:%M"]\n[columns]\ntitle = "a"\ncontent = "b"\n', "“%H:%M”读不出日期"),
        ('time_formats = ["%m-%d"]\n[columns]\ntitle = "a"\ncontent = "b"\n', "“%m-%d”读不出日期"),
        # A 12-hour clock without its AM/PM reads every afternoon time as the morning's.
        (
            'time_formats = ["%Y-%m-%d %I:%M"]\n[columns]\ntitle = "a"\ncontent = "b"\n',
            "“%Y-%m-%d %I:%M”用 12 小时制（%I）却没有上午/下午（%p）",
        ),
    ],
)
def test_a_bad_mapping_is_an_error_saying_what_is_wrong(tmp_path, toml: str, complaint: str) -> None:
    mapping = write(tmp_path, toml, "map.toml")
    message, _err = refused(write(tmp_path, "a,b\n1,2\n"), "--mapping", str(mapping))
    assert complaint in message


def test_a_mappings_own_time_formats_are_taken(tmp_path, frozen_clock) -> None:
    mapping = write(
        tmp_path,
        'time_formats = ["%Y年%m月%d日 %H时%M分", "%d.%m.%Y %H:%M %z"]\n[columns]\ntitle = "标题"\n'
        'content = "内容"\nreceived_at = "时间"\n',
        "map.toml",
    )
    path = write(
        tmp_path,
        "标题,内容,时间\n路灯不亮,幸福路,2025年6月9日 10时05分\n井盖,人民路,09.06.2025 11:00 +0800\n",
    )
    out, _err = run(path, "--mapping", str(mapping))
    assert "新建 2" in out
    assert sorted(Appeal.objects.values_list("received_at", flat=True)) == [
        datetime(2025, 6, 9, 10, 5, tzinfo=SHANGHAI),
        datetime(2025, 6, 9, 11, 0, tzinfo=SHANGHAI),
    ]


def test_a_mapping_may_write_its_times_by_iso_week(tmp_path, frozen_clock) -> None:
    """strptime reads an ISO year and week (%G, %V) when a weekday comes with them (%u, %a...)."""
    mapping = write(
        tmp_path,
        'time_formats = ["%G-W%V-%u %H:%M", "%G %V %a"]\n[columns]\ntitle = "标题"\n'
        'content = "内容"\nreceived_at = "时间"\n',
        "map.toml",
    )
    path = write(tmp_path, "标题,内容,时间\n路灯不亮,幸福路,2025-W24-1 10:05\n井盖,人民路,2025 24 Tue\n")
    out, _err = run(path, "--mapping", str(mapping))
    assert "新建 2" in out
    assert sorted(Appeal.objects.values_list("received_at", flat=True)) == [
        datetime(2025, 6, 9, 10, 5, tzinfo=SHANGHAI),
        datetime(2025, 6, 10, tzinfo=SHANGHAI),
    ]


def test_imported_tickets_go_to_the_router_in_batches(
    tmp_path, frozen_clock, recorded_routing, django_capture_on_commit_callbacks
) -> None:
    rows = "\n".join(f"{n},U{n},路灯不亮{n},2019/12/30 17:06:14,坏了一周," for n in range(1, 121))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run(write(tmp_path, f"{TIPDM_HEADER}\n{rows}\n"), "--preset", "tipdm")
    assert len(callbacks) == 3  # 50 + 50 + 20 tickets a task
    assert sorted(recorded_routing) == sorted(Ticket.objects.values_list("pk", flat=True))
    assert len(recorded_routing) == 120


def test_with_the_database_queue_the_routing_tasks_are_stored_with_the_tickets(
    tmp_path, frozen_clock, database_tasks
) -> None:
    from django_tasks_db.models import DBTaskResult

    rows = "\n".join(f"{n},U{n},路灯不亮{n},2019/12/30 17:06:14,坏了一周," for n in range(1, 121))
    run(write(tmp_path, f"{TIPDM_HEADER}\n{rows}\n"), "--preset", "tipdm")
    tasks = DBTaskResult.objects.filter(task_path="hotline.tickets.router.route_tickets")
    batches = [task.args_kwargs["args"][0] for task in tasks.order_by("enqueued_at", "id")]
    assert [len(ids) for ids in batches] == [50, 50, 20]
    assert sorted(pk for ids in batches for pk in ids) == sorted(Ticket.objects.values_list("pk", flat=True))
