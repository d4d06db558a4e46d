"""Where the administrator learns how an Open311 key or an API token is made: the admin only lists
and revokes them (the secret is shown once, on the command line), and its list had no 增加 button
and no word of the command, so a key looked impossible to make."""

import html

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "command"),
    [
        ("/admin/open311/apikey/", "hotline open311 key create"),
        ("/admin/accounts/apitoken/", "hotline token create"),
    ],
)
def test_the_list_names_the_command_that_issues_a_secret(root, url, command) -> None:
    page = html.unescape(root.get(url).content.decode())
    assert command in page
    assert "只显示一次" in page
