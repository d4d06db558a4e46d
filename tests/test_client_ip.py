"""Whose address a request comes from (core.http.client_ip): the connection's, unless a trusted
reverse proxy relays it; then the nearest address in X-Forwarded-For that is not a proxy."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory

from hotline.core.http import client_ip
from tests.factories import UserFactory


def ip(remote: str, forwarded: str | None = None) -> str:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_trusted_proxies_the_header_is_not_believed(settings) -> None:
    settings.HOTLINE_TRUSTED_PROXIES = []
    assert ip("203.0.113.9", "198.51.100.7") == "203.0.113.9"
    assert ip("") == "unknown"


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("10.0.0.5", "198.51.100.7", "198.51.100.7"),  # one proxy
        ("10.0.0.5", "198.51.100.7, 10.0.0.9", "198.51.100.7"),  # two proxies of ours
        ("10.0.0.5", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client's own entry is ignored
        ("10.0.0.5", "not-an-address, 198.51.100.7", "198.51.100.7"),
        ("10.0.0.5", "198.51.100.7, garbage", "10.0.0.5"),  # a malformed hop: believe no further
        ("10.0.0.5", "10.0.0.7", "10.0.0.7"),  # only proxies: the farthest one
        ("203.0.113.9", "198.51.100.7", "203.0.113.9"),  # not from a proxy: the header is a lie
        ("10.0.0.5", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_trusted_proxies(settings, remote, forwarded, expected) -> None:
    settings.HOTLINE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ip(remote, forwarded) == expected


def test_a_bad_network_is_a_configuration_error(settings) -> None:
    settings.HOTLINE_TRUSTED_PROXIES = ["10.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured, match="HOTLINE_TRUSTED_PROXIES"):
        ip("10.0.0.5", "198.51.100.7")


@pytest.mark.django_db
def test_two_people_behind_one_proxy_do_not_share_a_login_lock(settings) -> None:
    settings.HOTLINE_TRUSTED_PROXIES = ["10.0.0.1"]
    UserFactory(username="op1", password="correct-horse-battery")
    limit = settings.HOTLINE["LOGIN_THROTTLE"]["FAILURES"]

    def login(password: str, address: str):
        return Client().post(
            "/login/",
            {"username": "op1", "password": password},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=address,
        )

    for _attempt in range(limit):
        login("wrong", "198.51.100.7")
    assert login("correct-horse-battery", "198.51.100.7").status_code == 429
    assert login("correct-horse-battery", "198.51.100.8").status_code == 302
