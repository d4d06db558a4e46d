"""Publishing a suggestion (建议公开): a refusal for personal data names the field it was found in
(the answer is drafted from the reply, which the editor did not type), and once published the editor
is back on the staff list, whose row links the public page."""

import html

import pytest

from hotline.core.errors import InvalidInput
from hotline.feedback.models import PublishedSuggestion
from hotline.feedback.publication import SuggestionText, do_publish_suggestion
from tests.web.test_public_suggestions import GOOD, answered  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_an_address_left_in_the_drafted_answer_is_named_as_the_answers(client, staff, answered) -> None:  # noqa: F811
    client.force_login(staff["supervisor"])
    fields = {"title": GOOD.title, "question": GOOD.question, "answer": GOOD.answer + "翠湖花园门口已施工。"}

    page = client.post(f"/tickets/{answered.number}/publish/", fields)

    assert page.status_code == 422
    said = html.unescape(page.content.decode())
    assert "答复：公开内容含有个人信息：具体地址“翠湖花园”" in said
    assert "标题：公开内容含有个人信息" not in said and "问题：公开内容含有个人信息" not in said
    assert not PublishedSuggestion.objects.exists()


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("title", "翠湖花园路口增设红绿灯"),
        ("question", "李建国建议增设红绿灯。"),
        ("answer", GOOD.answer + "13912345678"),
    ],
)
def test_each_field_is_named_where_personal_data_is_found(staff, answered, field, change) -> None:  # noqa: F811
    with pytest.raises(InvalidInput) as refused:
        do_publish_suggestion(
            answered, staff["supervisor"], SuggestionText(**{**GOOD.__dict__, field: change})
        )

    assert f"{field}: 公开内容含有个人信息" in refused.value.message
    assert [p for p in refused.value.message.split("; ") if "个人信息" in p and not p.startswith(field)] == []


def test_after_publishing_the_editor_is_back_on_the_list_with_a_link_to_the_public_page(
    client,
    staff,
    answered,  # noqa: F811
) -> None:
    client.force_login(staff["supervisor"])

    done = client.post(f"/tickets/{answered.number}/publish/", GOOD.__dict__, follow=True)

    published = PublishedSuggestion.objects.get()
    assert done.redirect_chain == [("/suggestions/", 302)]
    page = html.unescape(done.content.decode())
    assert f"“{GOOD.title}”已公开到百问百答" in page
    assert f'href="/qa/suggestions/{published.pk}/"' in page
