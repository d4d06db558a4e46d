"""The operator's console (受理台, /console/): who may use it, taking a call, the caller's earlier
tickets, smart dispatch's reading of the text, duplicate candidates with their score and reason,
attaching a call to an open ticket or linking it to a related one, answering a
consultation on the spot (filed under a category and an area all the same), only the channels taken
at a desk, and bad input refused with nothing stored."""

import re
from typing import Any

import pytest

from hotline.core.enums import Channel, Kind, TicketStatus
from hotline.dedup.indexing import embed_missing
from hotline.feedback.models import Reply
from hotline.intake.models import Appeal
from hotline.tickets.actions import do_merge_ticket
from hotline.tickets.models import Ticket, linked_ids
from tests.factories import make_ticket
from tests.routing.conftest import (  # noqa: F401  (fixtures: a trained category model and its rules)
    active_model,
    bureaus,
    corpus_tree,
    rules_by_category,
    small_model,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PHONE_REFUSED = (
    "来电号码须为手机号码、固定电话（区号、分机号可带可不带）、以 + 开头的境外号码或 12345 这样的服务号码"
)


def call(**fields: Any) -> dict[str, Any]:
    """A call as the console's form posts it."""
    return {
        "channel": Channel.PHONE,
        "citizen_phone": "139 0000 5678",
        "citizen_name": "李女士",
        "kind": Kind.COMPLAINT,
        "urgency": "normal",
        "title": "小区垃圾没人清运",
        "content": "光明小区3号楼旁垃圾堆了一周，气味很大。",
        "address": "光明小区3号楼",
        "category": "",
        "area": "",
        "submit": "receive",
        **fields,
    }


def shown_number(page: str) -> str:
    found = re.search(r'<p class="number" id="console-number">([^<]+)</p>', page)
    assert found, page
    return found.group(1)


def test_the_console_is_for_the_roles_that_receive(client, staff) -> None:
    response = client.get("/console/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/console/")
    for role in ("operator", "dispatcher", "admin"):
        client.force_login(staff[role])
        response = client.get("/console/")
        assert response.status_code == 200, role
        page = response.content.decode()
        assert 'href="/console/"' in page  # the nav link
        assert 'id="id_citizen_phone"' in page and 'accesskey="n"' in page
    for role in ("housing", "district_head", "supervisor", "leader"):
        client.force_login(staff[role])
        for url in ("/console/", "/console/caller/?citizen_phone=1234", "/console/suggest/?content=路灯不亮"):
            response = client.get(url)
            assert response.status_code == 403, (role, url)
        assert "不能受理" in response.content.decode()
        assert 'href="/console/"' not in client.get("/").content.decode()


def test_every_field_has_a_label_in_the_order_of_the_call(client, staff) -> None:
    client.force_login(staff["operator"])
    page = client.get("/console/").content.decode()
    order = ["channel", "citizen_phone", "citizen_name", "kind", "urgency", "title", "content", "address"]
    order += ["category", "area", "answer"]
    positions = [page.index(f'id="id_{name}"') for name in order]
    assert positions == sorted(positions)
    for name in order:
        assert f'<label for="id_{name}"' in page, name
    # The first submit button (the one Enter uses) receives the call.
    assert page.index('value="receive"') < page.index('value="answer"')


def test_taking_a_call_creates_the_ticket_and_shows_its_number(
    client, staff, django_capture_on_commit_callbacks
) -> None:
    operator = staff["operator"]
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/console/", call())
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/?done={ticket.number}"
    assert len(callbacks) == 1  # routing runs once the ticket is stored

    appeal = ticket.appeals.get()
    assert (appeal.channel, appeal.citizen_phone, appeal.citizen_name) == ("phone", "139 0000 5678", "李女士")
    assert appeal.created_by == operator and appeal.external_id is None
    assert (ticket.title, ticket.address, ticket.status) == ("小区垃圾没人清运", "光明小区3号楼", "new")
    first = ticket.events.order_by("at", "pk").first()
    assert first is not None and first.action == "receive" and first.actor == operator

    page = client.get(response["Location"]).content.decode()
    assert shown_number(page) == ticket.number
    assert f'href="/tickets/{ticket.number}/"' in page
    # The form is empty again, ready for the next call.
    assert 'value="小区垃圾没人清运"' not in page and "139 0000 5678" not in page


def test_the_operators_choices_are_kept(client, staff, departments, waiting) -> None:
    sub = waiting[0].category
    client.force_login(staff["operator"])
    response = client.post(
        "/console/",
        call(
            kind=Kind.HELP,
            urgency="urgent",
            category=sub.pk,
            area=departments["street"].pk,
            channel="mailbox",
        ),
    )
    assert response.status_code == 302
    ticket = Ticket.objects.latest("pk")
    assert (ticket.kind, ticket.urgency, ticket.category, ticket.area) == (
        "help",
        "urgent",
        sub,
        departments["street"],
    )
    assert ticket.appeals.get().channel == "mailbox"


def test_only_the_channels_a_person_takes_are_offered(client, staff) -> None:
    client.force_login(staff["operator"])
    page = client.get("/console/").content.decode()
    select = page[page.index('<select name="channel"') :]
    select = select[: select.index("</select>")]
    offered = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', select)
    assert offered == [
        ("phone", "电话"),
        ("mailbox", "信箱"),
        ("leader_mailbox", "领导信箱"),
        ("media", "媒体"),
    ]
    assert 'value="phone" selected' in select


@pytest.mark.parametrize("channel", [Channel.OPEN311, Channel.IMPORT, Channel.GRID, Channel.WEB])
def test_a_channel_that_arrives_through_a_system_is_refused(client, staff, waiting, channel) -> None:
    client.force_login(staff["operator"])
    before = Ticket.objects.count()
    for url in ("/console/", f"/console/link/{waiting[0].pk}/"):
        response = client.post(url, call(channel=channel))
        assert response.status_code == 422
        page = response.content.decode()
        assert "受理台只录入人工受理的渠道：电话、信箱、领导信箱、媒体" in page
        assert re.search(
            r'id="id_channel"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_channel"', page
        )
    assert Ticket.objects.count() == before


def test_the_hint_for_enter_names_the_address_field(client, staff) -> None:
    client.force_login(staff["operator"])
    page = client.get("/console/").content.decode()
    assert "在地址框按 Enter 即受理" in page and "地址栏" not in page


def test_the_side_panels_follow_any_input_not_only_keys(client, staff) -> None:
    """Pasted, dictated, handwritten or IME-composed text fires `input` (and `compositionend`),
    not always a key release: the panels must follow those."""
    client.force_login(staff["operator"])
    page = client.get("/console/").content.decode()
    assert "keyup" not in page
    # The phone, the content and the address (their own lookups), the duplicates and the answers.
    triggers = re.findall(r'hx-trigger="([^"]+)"', page)
    assert len(triggers) == 5
    for trigger in triggers:
        assert "input delay:" in trigger and "compositionend delay:" in trigger, trigger
    similar = next(t for t in triggers if "from:#id_address" in t)
    for field in ("title", "content", "address"):
        assert f"input delay:500ms from:#id_{field}" in similar
        assert f"compositionend delay:500ms from:#id_{field}" in similar


@pytest.mark.parametrize("value", ["²", "①", "١٢", "99999999999999999999999", "-1"])
def test_a_category_or_area_that_is_no_id_is_ignored(client, staff, departments, value) -> None:
    client.force_login(staff["operator"])
    text = {"title": "燃气泄漏", "content": "和平街道燃气泄漏，闻到很大的煤气味"}
    for url in ("/console/suggest/", "/console/similar/"):
        for name in ("category", "area"):
            response = client.get(url, {**text, name: value}, **HTMX)
            assert response.status_code == 200, (url, name)
    page = client.get("/console/suggest/", {**text, "area": value}).content.decode()
    assert re.search(r'id="suggest-area">和平街道', page)  # found in the text, as with no area


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": " "}, "title", "这个字段是必填项"),
        ({"content": ""}, "content", "这个字段是必填项"),
        ({"citizen_phone": "12ab34"}, "citizen_phone", PHONE_REFUSED),
        ({"citizen_phone": "1234"}, "citizen_phone", PHONE_REFUSED),
        ({"citizen_phone": "2024-02-30"}, "citizen_phone", PHONE_REFUSED),
        ({"citizen_phone": "1391234567"}, "citizen_phone", PHONE_REFUSED),  # a mobile short of a digit
        ({"citizen_phone": "12912345678"}, "citizen_phone", PHONE_REFUSED),  # no such mobile prefix
        ({"citizen_phone": "abc"}, "citizen_phone", PHONE_REFUSED),
        ({"citizen_phone": "+1 234"}, "citizen_phone", PHONE_REFUSED),  # too short to be anyone's abroad
        ({"citizen_phone": "١٣٩٠٠٠٠٥٦٧٨"}, "citizen_phone", PHONE_REFUSED),  # digits no one dials as written
        ({"kind": "rumour"}, "kind", "选择一个有效的选项"),
        ({"submit": "answer", "answer": "可以办理。"}, "kind", "只有咨询类诉求可以直接答复"),
        ({"submit": "answer", "kind": Kind.CONSULTATION}, "answer", "请填写答复内容"),
    ],
)
def test_bad_input_comes_back_with_the_errors_and_stores_nothing(
    client, staff, change, field, message
) -> None:
    client.force_login(staff["operator"])
    response = client.post("/console/", call(**change))
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert re.search(
        rf'id="id_{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_{field}"', page
    )
    assert 'value="光明小区3号楼"' in page  # what was typed stays
    assert not Ticket.objects.exists() and not Appeal.objects.exists()


@pytest.mark.parametrize(
    "phone",
    [
        "13900005678",
        "139 0000 5678",
        "139-0000-5678",
        "+86 139 0000 5678",
        "0571-88880000",
        "057188880000",
        "(0571)88880000",
        "010-6552 8888",
        "0571-88880000-8021",
        "0571-88880000转8021",
        "12345",
        "110",
        "95598",
        # Without the area code: the city's own, which the callback dials as it is.
        "88880000",
        "8888 0000",
        "8880000",
        # Abroad, Hong Kong, Macao and Taiwan: the hotline takes foreigners' calls too.
        "+1 415 555 1234",
        "+852 2345 6789",
        "+853 2888 1234",
        "+886 2 2345 6789",
    ],
)
def test_a_callers_number_in_any_usual_form_is_taken(client, staff, phone) -> None:
    client.force_login(staff["operator"])
    assert client.post("/console/", call(citizen_phone=phone)).status_code == 302
    assert Appeal.objects.get().citizen_phone == phone


def test_a_number_typed_in_full_width_digits_is_kept_in_ascii(client, staff) -> None:
    """A Chinese input method types full-width digits: the number is the same, kept as it is dialled."""
    client.force_login(staff["operator"])
    assert client.post("/console/", call(citizen_phone="１３９ ００００ ５６７８")).status_code == 302
    assert Appeal.objects.get().citizen_phone == "139 0000 5678"


def test_a_forged_post_by_a_handler_is_refused(client, staff, waiting) -> None:
    client.force_login(staff["housing"])
    before = Ticket.objects.count()
    assert client.post("/console/", call()).status_code == 403
    assert client.post(f"/console/attach/{waiting[0].pk}/", call()).status_code == 403
    assert Ticket.objects.count() == before
    waiting[0].refresh_from_db()
    assert waiting[0].status == TicketStatus.NEW


def test_the_callers_earlier_tickets_newest_first_masked(client, staff, departments) -> None:
    older = make_ticket(actor=staff["operator"], title="第一次来电", phone="13812341234")
    newer = make_ticket(actor=staff["operator"], title="第二次来电", phone="13812341234")
    other = make_ticket(actor=staff["operator"], title="别人的来电", phone="13900001111")
    client.force_login(staff["operator"])

    page = client.get("/console/caller/", {"citizen_phone": "1234"}, **HTMX).content.decode()
    numbers = re.findall(r'class="caller-ticket" data-number="([^"]+)"', page)
    assert numbers == [newer.number, older.number]
    assert other.number not in page
    assert "138****1234" in page and "13812341234" not in page
    assert f'href="/tickets/{newer.number}/"' in page

    whole = client.get("/console/caller/", {"citizen_phone": "138-1234-1234"}).content.decode()
    assert re.findall(r'data-number="([^"]+)"', whole) == [newer.number, older.number]
    # Fewer than four digits match nobody (not everybody).
    short = client.get("/console/caller/", {"citizen_phone": "234"}).content.decode()
    assert "data-number" not in short
    assert "没有历史工单" in client.get("/console/caller/", {"citizen_phone": "55556666"}).content.decode()


def caller_row(page: str, number: str) -> str:
    row = page[page.index(f'data-number="{number}"') :]
    return row[: row.index("</li>")]


def test_a_merged_ticket_in_the_callers_history_names_the_ticket_handling_it(client, staff, waiting) -> None:
    """The caller's earlier call was merged: the row says into which ticket (through a chain of
    merges, the one handling it now), that ticket's state, and links to it."""
    lamp, road = waiting
    call_ = make_ticket(actor=staff["operator"], title="路灯又坏了", phone="13900001111")
    do_merge_ticket(call_, staff["dispatcher"], into_ticket_id=lamp.pk)
    client.force_login(staff["operator"])
    page = client.get("/console/caller/", {"citizen_phone": "13900001111"}, **HTMX).content.decode()
    row = caller_row(page, call_.number)
    assert "已合并" in row
    assert f'<a href="/tickets/{lamp.number}/"' in row and "待派单" in row
    assert "已并入" in row

    # The ticket it joined was merged in its turn: the row names the one handling the issue now.
    do_merge_ticket(lamp, staff["dispatcher"], into_ticket_id=road.pk)
    Ticket.objects.filter(pk=road.pk).update(status=TicketStatus.ACCEPTED)
    row = caller_row(client.get("/console/caller/", {"citizen_phone": "1111"}).content.decode(), call_.number)
    assert f'<a href="/tickets/{road.number}/"' in row and "办理中" in row
    assert f'href="/tickets/{lamp.number}/"' not in row
    # A ticket of its own says nothing of the kind.
    own = make_ticket(actor=staff["operator"], title="另一件事", phone="13900001111")
    row = caller_row(client.get("/console/caller/", {"citizen_phone": "1111"}).content.decode(), own.number)
    assert "已并入" not in row


def test_the_caller_list_shows_only_the_newest_five(client, staff) -> None:
    for i in range(7):
        make_ticket(actor=staff["operator"], title=f"来电{i}", phone="13812341234")
    client.force_login(staff["dispatcher"])
    page = client.get("/console/caller/", {"citizen_phone": "13812341234"}).content.decode()
    assert len(re.findall(r'class="caller-ticket"', page)) == 5
    assert "共 7 件历史工单" in page and "来电6" in page and "来电1" not in page


def test_the_suggestions_name_the_rule(client, staff, departments, waiting) -> None:
    sub = waiting[0].category
    client.force_login(staff["operator"])
    page = client.get(
        "/console/suggest/",
        {
            "title": "路灯不亮",
            "content": "幸福路12号门口路灯坏了",
            "address": "幸福路15号",
            "category": sub.pk,
        },
        **HTMX,
    ).content.decode()
    assert "城乡建设 / 市政设施" in page and "（话务员选定）" in page
    assert "住建局" in page and "水务局" in page  # lead and co-handler from the rule
    assert "权责清单“市政设施归口”" in page  # the reason


def candidates(page: str) -> list[str]:
    return re.findall(r'class="similar-ticket[^"]*" data-number="([^"]+)"', page)


def test_duplicate_candidates_with_score_and_reason_as_the_operator_types(
    client, staff, departments, waiting
) -> None:
    lamp, road = waiting
    noise = make_ticket(
        actor=staff["operator"], title="工地夜间施工噪音", content="凌晨两点还在打桩，吵得睡不着"
    )
    embed_missing()
    client.force_login(staff["operator"])
    query = {
        "title": "小区门口路灯不亮",
        "content": "幸福路12号小区门口路灯不亮，请尽快处理。",
        "address": "",
    }
    page = client.get("/console/similar/", query, **HTMX).content.decode()
    found = candidates(page)
    assert found[0] == lamp.number and noise.number not in found  # best first; an unrelated one not at all
    first = page[page.index(f'data-number="{lamp.number}"') :]
    first = first[: first.index("</li>")]
    assert "疑似重复" in first and "得分" in first and "文本相似" in first and "天内" in first
    assert f'formaction="/console/attach/{lamp.pk}/"' in first
    assert f'formaction="/console/link/{lamp.pk}/"' in first

    # The area the operator chose moves the score, and says so.
    page = client.get("/console/similar/", {**query, "area": departments["street"].pk}).content.decode()
    assert candidates(page)[0] == lamp.number

    # A merged ticket is not offered (its issue lives on in the ticket it joined); a closed one
    # can only be linked to.
    do_merge_ticket(road, staff["dispatcher"], into_ticket_id=lamp.pk)
    Ticket.objects.filter(pk=lamp.pk).update(status=TicketStatus.CLOSED)
    page = client.get("/console/similar/", query).content.decode()
    assert road.number not in candidates(page)
    assert f'formaction="/console/attach/{lamp.pk}/"' not in page
    assert f'formaction="/console/link/{lamp.pk}/"' in page

    # Too little text: nothing to search yet.
    assert candidates(client.get("/console/similar/", {"content": "路"}).content.decode()) == []


def test_a_call_about_a_related_problem_is_received_and_linked(client, staff, waiting) -> None:
    target = waiting[0]
    client.force_login(staff["operator"])
    response = client.post(f"/console/link/{target.pk}/", call())
    assert response.status_code == 302
    new = Ticket.objects.latest("pk")
    assert new.status in (TicketStatus.NEW, TicketStatus.DISPATCHED) and new.merged_into is None
    assert linked_ids(new.pk) == {target.pk}
    assert [e.action for e in target.events.order_by("pk")][-1] == "link"
    assert shown_number(client.get(response["Location"]).content.decode()) == new.number
    assert client.post("/console/link/999999/", call()).status_code == 404


@pytest.mark.usefixtures("active_model", "rules_by_category")
def test_the_suggestions_predict_the_category_and_say_why(client, staff) -> None:
    client.force_login(staff["operator"])
    page = client.get(
        "/console/suggest/", {"content": "公司拖欠工资三个月，希望有关部门管一管！", "title": ""}, **HTMX
    ).content.decode()
    assert 'id="suggest-category">劳动和社会保障' in page
    assert "分类模型，概率" in page
    assert "人社局" in page
    assert "分类模型预测“劳动和社会保障”" in page and "权责清单“劳动和社会保障归口”" in page
    assert 'data-set-field="id_category"' in page  # one key to take the suggestion
    # Too little text: nothing to read yet.
    assert "suggest-category" not in client.get("/console/suggest/", {"content": "路"}).content.decode()


def test_the_suggestions_find_the_area_and_the_urgency(client, staff, departments) -> None:
    client.force_login(staff["operator"])
    page = client.get(
        "/console/suggest/", {"content": "和平街道燃气泄漏，闻到很大的煤气味", "title": "燃气泄漏"}
    ).content.decode()
    assert re.search(r'id="suggest-area">和平街道', page)
    assert 'data-set-field="id_urgency" data-value="urgent"' in page


def test_attaching_a_call_merges_a_new_appeal_into_the_chosen_ticket(
    client, staff, waiting, django_capture_on_commit_callbacks
) -> None:
    target = waiting[0]
    client.force_login(staff["operator"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"/console/attach/{target.pk}/", call(citizen_phone="13700007777"))
    assert response.status_code == 302
    assert callbacks == []  # merged at once: nothing to route
    new = Ticket.objects.latest("pk")
    assert new.pk != target.pk
    assert (new.status, new.merged_into) == (TicketStatus.MERGED, target)
    assert new.appeals.get().citizen_phone == "13700007777"
    assert [e.action for e in new.events.order_by("at", "pk")] == ["receive", "merge"]
    target.refresh_from_db()
    assert target.status == TicketStatus.NEW

    page = client.get(response["Location"]).content.decode()
    # The number the caller's messages name (the accepted, dispatched and replied SMS all carry the
    # call's own ticket), and the ticket it joined, which the portal tracks with the same digits.
    assert shown_number(page) == new.number
    assert f"来电已并入工单 {target.number} 统一办理" in page
    assert f"您的工单号 {new.number}，已并入 {target.number} 统一办理" in page
    assert f'href="/tickets/{target.number}/"' in page
    # The ticket's page lists the caller among the merged appeals.
    assert "137****7777" in client.get(f"/tickets/{target.number}/").content.decode()


def test_attaching_to_a_closed_ticket_is_refused_and_stores_nothing(client, staff, waiting) -> None:
    do_merge_ticket(waiting[1], staff["dispatcher"], into_ticket_id=waiting[0].pk)
    before = (Ticket.objects.count(), Appeal.objects.count())
    client.force_login(staff["operator"])
    response = client.post(f"/console/attach/{waiting[1].pk}/", call())
    assert response.status_code == 409
    assert "不能并入" in response.content.decode()
    assert (Ticket.objects.count(), Appeal.objects.count()) == before
    assert client.post("/console/attach/999999/", call()).status_code == 404
    response = client.post(f"/console/attach/{waiting[0].pk}/", call(title=""))
    assert response.status_code == 422
    assert (Ticket.objects.count(), Appeal.objects.count()) == before


@pytest.mark.parametrize(("action", "button"), [("attach", "并入工单"), ("link", "受理并关联工单")])
def test_a_call_refused_on_its_way_to_a_ticket_keeps_that_ticket_chosen(
    client, staff, waiting, action, button
):
    """A title left empty when the operator chose 并入此工单 (or 受理并关联): the form comes back with
    the ticket still chosen, its button the form's default (Enter in the address finishes the choice,
    not a new ticket), and the side's panels load again for what was typed."""
    target = waiting[0]
    client.force_login(staff["operator"])
    url = f"/console/{action}/{target.pk}/"
    response = client.post(url, call(title="", citizen_phone="13812341234"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "这个字段是必填项" in page and 'value="光明小区3号楼"' in page
    opening = re.search(r'<div [^>]*id="console-chosen"[^>]*>', page)
    assert opening and 'role="alert"' in opening[0]
    chosen = page[opening.start() :]
    chosen = chosen[: chosen.index("</div>")]
    assert target.number in chosen and f"{button} {target.number}" in chosen
    assert f'formaction="{url}"' in chosen
    # The first submit button of the form is the one Enter presses.
    assert page.index(f'formaction="{url}"') < page.index('value="receive"')
    # The panels ask again for what the form holds.
    caller = re.search(r'<div id="console-caller"([^>]*)>', page)
    assert caller and 'hx-get="/console/caller/"' in caller[1] and 'hx-trigger="load"' in caller[1]
    assert 'hx-include="#id_citizen_phone"' in caller[1]
    similar = re.search(r'<div id="console-similar"[^>]* hx-trigger="([^"]+)"', page)
    assert similar and similar[1].startswith("load, ")
    suggest = re.search(r'<div id="console-suggest"([^>]*)>', page)
    assert suggest and 'hx-get="/console/suggest/"' in suggest[1] and 'hx-trigger="load"' in suggest[1]
    assert not Ticket.objects.exclude(pk__in=[t.pk for t in waiting]).exists()

    # A plain call with an error has no ticket chosen; its panels load again all the same.
    page = client.post("/console/", call(title="")).content.decode()
    assert 'id="console-chosen"' not in page and re.search(
        r'<div id="console-caller"[^>]*hx-trigger="load"', page
    )
    # Nothing typed in the phone: nothing to look up.
    page = client.post(url, call(title="", citizen_phone="")).content.decode()
    assert not re.search(r'<div id="console-caller"[^>]*hx-trigger="load"', page)


def test_no_merge_is_offered_again_into_a_ticket_answered_meanwhile(client, staff, waiting) -> None:
    target = waiting[0]
    Ticket.objects.filter(pk=target.pk).update(status=TicketStatus.REPLIED)
    client.force_login(staff["operator"])
    page = client.post(f"/console/attach/{target.pk}/", call(title="")).content.decode()
    assert f'formaction="/console/attach/{target.pk}/"' not in page
    page = client.post(f"/console/link/{target.pk}/", call(title="")).content.decode()
    assert f'formaction="/console/link/{target.pk}/"' in page


def notice(page: str) -> str:
    found = re.search(r'<p id="similar-notice"([^>]*)>(.*?)</p>', page, re.S)
    assert found, page
    return found[0]


def test_the_candidates_found_are_told_next_to_the_receive_button(client, staff, waiting) -> None:
    """On a narrow screen the side is below the form: a live line beside 受理 says how many similar
    tickets were found, with a link to them, so that Enter does not take the call unseen."""
    embed_missing()
    client.force_login(staff["operator"])
    page = client.get("/console/").content.decode()
    line = notice(page)
    assert 'role="status"' in line
    buttons = page.index('id="console-submit"')
    assert page.index('id="id_area"') < page.index('id="similar-notice"') < buttons

    query = {
        "title": "小区门口路灯不亮",
        "content": "幸福路12号小区门口路灯不亮，请尽快处理。",
        "address": "",
    }
    found = client.get("/console/similar/", query, **HTMX).content.decode()
    line = notice(found)
    assert 'hx-swap-oob="innerHTML"' in line
    count = len(candidates(found))
    assert count >= 1 and f"发现 {count} 件相似工单" in line
    assert 'href="#similar-list"' in line and "Alt+D" in line
    none = client.get(
        "/console/similar/", {"title": "天上的星星不亮了", "content": "一颗都看不见"}
    ).content.decode()
    assert "相似工单" not in notice(none) and 'hx-swap-oob="innerHTML"' in notice(none)
    short = client.get("/console/similar/", {"content": "路"}).content.decode()
    assert "相似工单" not in notice(short)


def test_a_consultation_is_answered_on_the_spot(client, staff, django_capture_on_commit_callbacks) -> None:
    operator = staff["operator"]
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/console/",
            call(
                kind=Kind.CONSULTATION,
                title="居住证怎么办",
                content="请问外地人办居住证需要什么材料？",
                submit="answer",
                answer="携带身份证、租房合同到社区服务中心办理。",
            ),
        )
    assert response.status_code == 302
    assert callbacks == []  # answered: not for routing
    ticket = Ticket.objects.get()
    assert ticket.status == TicketStatus.ANSWERED and ticket.kind == Kind.CONSULTATION
    reply = Reply.objects.get(ticket=ticket)
    assert reply.text == "携带身份证、租房合同到社区服务中心办理。" and reply.replied_by == operator
    assert [e.action for e in ticket.events.order_by("at", "pk")] == ["receive", "answer_on_spot"]
    page = client.get(response["Location"]).content.decode()
    assert shown_number(page) == ticket.number
    assert "已直接答复；待回访工作台回访后办结" in page


def answered() -> Ticket:
    """The one ticket answered on the spot."""
    return Ticket.objects.get(status=TicketStatus.ANSWERED)


def test_a_consultation_answered_on_the_spot_keeps_the_operators_category_and_area(
    client, staff, departments, waiting
) -> None:
    sub = waiting[0].category
    client.force_login(staff["operator"])
    response = client.post(
        "/console/",
        call(
            kind=Kind.CONSULTATION,
            submit="answer",
            answer="请联系物业。",
            category=sub.pk,
            area=departments["district"].pk,
            address="和平街道光明小区",  # names another area: the operator's stays
        ),
    )
    assert response.status_code == 302
    ticket = answered()
    assert (ticket.category, ticket.area) == (sub, departments["district"])


@pytest.mark.usefixtures("active_model", "rules_by_category")
def test_a_consultation_answered_on_the_spot_is_filed_as_routing_reads_it(
    client, staff, departments, django_capture_on_commit_callbacks
) -> None:
    """Not routed (it is answered), yet counted: the category model's category and the area the
    text names, as the side showed them; nothing dispatched, no routing decision stored."""
    client.force_login(staff["operator"])
    content = "和平街道的公司拖欠工资三个月，请问去哪里投诉？"
    suggested = client.get("/console/suggest/", {"title": "", "content": content}).content.decode()
    assert 'id="suggest-category">劳动和社会保障' in suggested
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/console/",
            call(
                kind=Kind.CONSULTATION,
                title="拖欠工资",
                content=content,
                address="",
                submit="answer",
                answer="可向劳动保障监察大队投诉。",
            ),
        )
    assert response.status_code == 302 and callbacks == []
    ticket = answered()
    assert ticket.category is not None and ticket.category.name == "劳动和社会保障"
    assert ticket.area == departments["street"]
    assert not ticket.assignments.exists() and not ticket.routing_decisions.exists()
    assert [e.action for e in ticket.events.order_by("at", "pk")] == ["receive", "answer_on_spot"]
