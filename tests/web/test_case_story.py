"""The handling story drafted when a closed ticket is marked as a typical case (/tickets/<n>/case/):
each text of the record once. The lead's answer is the reply the citizen got; the draft said it
twice (主办…办理情况 and 答复), and the duplicate stayed in the saved case."""

from hotline.core import clock
from hotline.knowledge.models import Case
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)

NOW = at(7, 1, 10)


def test_the_drafted_story_says_the_answer_once(client, staff, june) -> None:  # noqa: F811
    ticket = june.tickets["t1"]  # closed: 住建局 answered "已修复。", called back satisfied
    client.force_login(staff["supervisor"])
    path = f"/tickets/{ticket.number}/case/"
    with clock.frozen_at(NOW):
        page = client.get(path)
    assert page.status_code == 200
    story = page.context["form"].initial["story"]
    assert story.count("已修复") == 1, story
    assert "主办：住建局" in story and "答复：已修复。" in story and "满意" in story
    with clock.frozen_at(NOW):
        saved = client.post(path, {"title": "路灯当天修复", "story": story, "lesson": ""})
    assert saved.status_code == 302
    assert Case.objects.get(ticket=ticket).story.count("已修复") == 1
