"""Brute force on the staff login and on API tokens (issue 20): refused with 429 for a while."""

from datetime import timedelta

import pytest
from django.test import Client

from hotline.accounts.models import ApiToken
from hotline.core import clock
from hotline.core.enums import Role
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture
def operator(db):
    return UserFactory(username="op1", role=Role.OPERATOR, password=PASSWORD)


def login(client: Client, password: str, *, username: str = "op1", ip: str = "10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_wrong_passwords_lock_the_login_for_that_username_and_address(operator, settings):
    limit = settings.HOTLINE["LOGIN_THROTTLE"]["FAILURES"]
    client = Client()
    for _attempt in range(limit - 1):
        assert login(client, "wrong").status_code == 200
    # The last failure allowed already says so; then even the right password is refused.
    assert login(client, "wrong").status_code == 429
    refused = login(client, PASSWORD)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "登录失败次数过多" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address, or another username from the same address, is not locked out.
    assert login(Client(), PASSWORD, ip="10.0.0.2").status_code == 302
    assert login(Client(), "wrong", username="someone").status_code == 200


def test_the_lock_ends_after_the_cool_off_and_a_success_resets_the_count(operator, settings):
    conf = settings.HOTLINE["LOGIN_THROTTLE"]
    client = Client()
    start = clock.now()
    with clock.frozen_at(start):
        for _attempt in range(conf["FAILURES"]):
            login(client, "wrong")
        assert login(client, PASSWORD).status_code == 429
    with clock.frozen_at(start + timedelta(seconds=conf["COOL_OFF"] + 1)):
        assert login(client, PASSWORD).status_code == 302
        # The success forgot the failures: the full allowance again.
        client = Client()
        for _attempt in range(conf["FAILURES"] - 1):
            assert login(client, "wrong").status_code == 200
        assert login(client, PASSWORD).status_code == 302


def test_the_lockout_message_is_translated(operator, settings):
    client = Client()
    for _attempt in range(settings.HOTLINE["LOGIN_THROTTLE"]["FAILURES"]):
        login(client, "wrong")
    client.cookies["django_language"] = "en"
    refused = login(client, PASSWORD)
    assert refused.status_code == 429 and "Too many failed sign-ins" in refused.content.decode()


def bearer(client: Client, token: str, *, ip: str = "10.0.0.9"):
    return client.get("/api/v1/tickets", HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=ip)


def test_bad_bearer_tokens_from_one_address_get_429_with_retry_after(operator, settings):
    conf = settings.HOTLINE["TOKEN_THROTTLE"]
    limit = conf["FAILURES"]
    _token, good = ApiToken.issue(operator)
    client = Client()
    for attempt in range(limit - 1):
        assert bearer(client, f"hl_guess{attempt}").status_code == 401
    for attempt in range(3):
        refused = bearer(client, f"hl_guess-again{attempt}")
        assert refused.status_code == 429
        assert 0 < int(refused["Retry-After"]) <= conf["COOL_OFF"]
        assert "无效令牌过多" in refused.json()["detail"]
    # Another address is not refused.
    assert bearer(client, "hl_elsewhere", ip="10.0.0.10").status_code == 401
    # A good token still works: only bad ones are counted and refused (a 256-bit token cannot be
    # guessed; the throttle stops the flood, and checking it costs a good request nothing).
    assert bearer(client, good).status_code == 200


def test_the_token_lock_ends_after_its_cool_off(operator, settings):
    conf = settings.HOTLINE["TOKEN_THROTTLE"]
    _token, good = ApiToken.issue(operator)
    client = Client()
    start = clock.now()
    with clock.frozen_at(start):
        for attempt in range(conf["FAILURES"]):
            bearer(client, f"hl_guess{attempt}")
        assert bearer(client, "hl_guess").status_code == 429
    with clock.frozen_at(start + timedelta(seconds=conf["COOL_OFF"] + 1)):
        assert bearer(client, "hl_guess").status_code == 401
        assert bearer(client, good).status_code == 200


def test_the_admin_login_is_throttled_with_the_same_count(operator, settings):
    operator.is_staff = True
    operator.save()
    limit = settings.HOTLINE["LOGIN_THROTTLE"]["FAILURES"]
    client = Client()

    def admin_login(password: str):
        return client.post(
            "/admin/login/?next=/admin/", {"username": "op1", "password": password}, REMOTE_ADDR="10.0.0.1"
        )

    assert client.get("/admin/login/").status_code == 200
    for _attempt in range(limit - 2):
        assert admin_login("wrong").status_code == 200
    # One more on the staff page: the same username from the same address.
    assert login(client, "wrong").status_code == 200
    locked = admin_login("wrong")
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert admin_login(PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_password_spraying_from_one_address_is_stopped_whatever_the_usernames(operator, settings):
    """A few common passwords tried on many usernames: no username reaches its own limit, but the
    address's failures together do; other addresses are not affected."""
    limit = settings.HOTLINE["LOGIN_ADDRESS_THROTTLE"]["FAILURES"]
    per_user = settings.HOTLINE["LOGIN_THROTTLE"]["FAILURES"]
    assert limit > per_user
    for n in range(limit - 1):
        assert login(Client(), "123456", username=f"user{n}", ip="10.9.9.9").status_code == 200
    assert login(Client(), "123456", username="one-more", ip="10.9.9.9").status_code == 429
    # Now even a real user with the right password waits, from that address only.
    refused = login(Client(), PASSWORD, ip="10.9.9.9")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert login(Client(), PASSWORD, ip="10.9.9.10").status_code == 302


def test_the_admin_login_counts_against_the_same_address_limit(operator, settings):
    limit = settings.HOTLINE["LOGIN_ADDRESS_THROTTLE"]["FAILURES"]
    client = Client()
    for n in range(limit):
        client.post("/admin/login/", {"username": f"admin{n}", "password": "x"}, REMOTE_ADDR="10.8.8.8")
    assert login(Client(), PASSWORD, ip="10.8.8.8").status_code == 429


def spray(ip: str, settings) -> None:
    """Common passwords on made-up usernames from `ip`, until the address is locked."""
    for n in range(settings.HOTLINE["LOGIN_ADDRESS_THROTTLE"]["FAILURES"]):
        login(Client(), "123456", username=f"sprayed{n}", ip=ip)
    assert login(Client(), "123456", username="one-more", ip=ip).status_code == 429


def test_staff_who_signed_in_from_the_address_before_are_not_locked_out_by_a_spray(operator, settings):
    """A call centre behind one NAT address: a spray from inside it (or everyone's typos at the
    change of shift) locks the address for usernames new to it, not for the operators who sign in
    there every day; their own per-username lock still holds."""
    colleague = UserFactory(username="op2", role=Role.OPERATOR, password=PASSWORD)
    assert login(Client(), PASSWORD, ip="10.7.7.7").status_code == 302  # op1, yesterday
    spray("10.7.7.7", settings)

    assert login(Client(), PASSWORD, ip="10.7.7.7").status_code == 302
    assert login(Client(), "123456", ip="10.7.7.7").status_code == 200  # a typo: the form again
    # op2 never signed in from here: waits like the sprayed usernames.
    assert login(Client(), PASSWORD, username=colleague.username, ip="10.7.7.7").status_code == 429
    # A known username's own failures still lock it.
    for _attempt in range(settings.HOTLINE["LOGIN_THROTTLE"]["FAILURES"] - 1):
        login(Client(), "wrong", ip="10.7.7.7")
    assert login(Client(), PASSWORD, ip="10.7.7.7").status_code == 429


def test_a_sign_in_is_known_only_from_its_address_and_for_a_while(operator, settings):
    known_days = settings.HOTLINE["LOGIN_ADDRESS_THROTTLE"]["KNOWN_DAYS"]
    start = clock.now()
    with clock.frozen_at(start):
        assert login(Client(), PASSWORD, ip="10.6.6.6").status_code == 302
        spray("10.6.6.7", settings)
        assert login(Client(), PASSWORD, ip="10.6.6.7").status_code == 429  # another address
    with clock.frozen_at(start + timedelta(days=known_days, minutes=1)):
        spray("10.6.6.6", settings)
        assert login(Client(), PASSWORD, ip="10.6.6.6").status_code == 429  # forgotten since


def test_the_admin_login_knows_the_same_sign_ins(operator, settings):
    operator.is_staff = True
    operator.save()
    admin = Client()
    response = admin.post("/admin/login/", {"username": "op1", "password": PASSWORD}, REMOTE_ADDR="10.5.5.5")
    assert response.status_code == 302
    spray("10.5.5.5", settings)
    assert login(Client(), PASSWORD, ip="10.5.5.5").status_code == 302


def test_a_known_usernames_typos_do_not_count_against_its_address(operator, settings):
    address = {**settings.HOTLINE["LOGIN_ADDRESS_THROTTLE"], "FAILURES": 3}
    settings.HOTLINE = {**settings.HOTLINE, "LOGIN_ADDRESS_THROTTLE": address}
    assert login(Client(), PASSWORD, ip="10.4.4.4").status_code == 302
    for _attempt in range(settings.HOTLINE["LOGIN_THROTTLE"]["FAILURES"] - 1):
        assert login(Client(), "wrong", ip="10.4.4.4").status_code == 200
    # A new hire's first sign-in from the same address is not refused.
    UserFactory(username="new-hire", role=Role.OPERATOR, password=PASSWORD)
    assert login(Client(), PASSWORD, username="new-hire", ip="10.4.4.4").status_code == 302
