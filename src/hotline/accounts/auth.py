"""How API requests say who they are: a bearer token (scripts, channels) or a staff browser session."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from hotline.accounts import throttle
from hotline.accounts.models import ApiToken, User, hash_token
from hotline.accounts.token_lookup import token_by_hash
from hotline.core import clock
from hotline.core.errors import TooManyRequests
from hotline.core.http import client_ip

# Writing last_used_at on every call would make each read a write; a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` with an `ApiToken` that is not revoked, of an active user."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        if not token:
            raise AuthenticationError(message=_("API 令牌为空"))
        api_token = token_by_hash(hash_token(token))
        # A token that is presented but not valid is refused outright, rather than falling back to a
        # session that the same client may also hold: the caller asked to be this token.
        if api_token is None or api_token.revoked or not api_token.user.is_active:
            self._refuse_flood(request)
            raise AuthenticationError(message=_("API 令牌无效、已吊销或账号已停用"))
        now = clock.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        return api_token.user

    @staticmethod
    def _refuse_flood(request: HttpRequest) -> None:
        """429 to an address that sent too many bad tokens. Only bad tokens are counted and checked, so
        a good token costs no query more: a token has 256 random bits, which no rate of guessing
        finds, so the throttle is there to stop the flood, not to hide a hit."""
        ip = client_ip(request)
        wait = throttle.retry_after(throttle.TOKEN, ip) or throttle.fail(throttle.TOKEN, ip)
        if wait:
            raise TooManyRequests(_("无效令牌过多，请 %(seconds)s 秒后再试") % {"seconds": wait}, wait)


class SessionAuth(APIKeyCookie):
    """A staff member logged in through the browser; unsafe methods must carry the CSRF token.

    Unlike ninja's `django_auth`, CSRF is checked only once a session user is found, so that a request
    with no credentials at all gets 401 rather than a CSRF 403.
    """

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        unsafe = request.method not in SAFE_METHODS and not getattr(request, "_ninja_csrf_exempt", False)
        if unsafe and check_csrf(request) is not None:
            raise HttpError(403, _("CSRF 校验失败：浏览器会话的写操作须带 X-CSRFToken 请求头"))
        return user


token_auth = TokenAuth()
session_auth = SessionAuth()
API_AUTH = [token_auth, session_auth]


def request_user(request: HttpRequest) -> User:
    """The user that authenticated this API request (set by ninja as `request.auth`)."""
    user: Any = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user
