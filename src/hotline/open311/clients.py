"""Who is asking: a client system by its api_key, and how often it may ask.

A missing or wrong key is refused (403) where one is needed; a wrong key counts against the address
it came from in the throttle of bad API tokens (accounts.throttle, TOKEN), as a bad bearer token
does. Every request counts against its client, the key when one came and the address otherwise,
in the same throttle's rule "OPEN311" (settings.HOTLINE["OPEN311_THROTTLE"]): after FAILURES
requests within WINDOW seconds, the client waits COOL_OFF seconds after its last (429)."""

from django.http import HttpRequest
from django.utils.translation import gettext as _

from hotline.accounts import throttle
from hotline.core.api import control_character_refusal
from hotline.core.errors import TooManyRequests
from hotline.core.http import client_ip
from hotline.open311 import keys
from hotline.open311.formats import Open311Error
from hotline.open311.models import ApiKey

RATE = "open311"


def _raw_key(request: HttpRequest) -> str:
    return str(request.POST.get("api_key") or request.GET.get("api_key") or "").strip()


def client(request: HttpRequest, *, required: bool) -> ApiKey | None:
    """The client system whose api_key the request carries; 403 when it carries a wrong one, or none
    and `required`."""
    raw = _raw_key(request)
    if not raw:
        if required:
            raise Open311Error(403, _("缺少 api_key：提交诉求须使用接入系统的密钥"))
        return None
    # A key with a control character is no key (and a NUL must not reach the database's lookup).
    key = keys.active(raw) if control_character_refusal(raw) is None else None
    if key is None:
        ip = client_ip(request)
        wait = throttle.retry_after(throttle.TOKEN, ip) or throttle.fail(throttle.TOKEN, ip)
        if wait:
            raise TooManyRequests(_("无效密钥过多，请 %(seconds)s 秒后再试") % {"seconds": wait}, wait)
        raise Open311Error(403, _("api_key 无效或已吊销"))
    return key


def admit(request: HttpRequest, key: ApiKey | None) -> None:
    """Count this request against its client, or 429 when the client is over its rate."""
    who = f"key:{key.pk}" if key is not None else f"ip:{client_ip(request)}"
    wait = throttle.retry_after(RATE, who)
    if wait:
        raise TooManyRequests(_("请求过于频繁，请 %(seconds)s 秒后再试") % {"seconds": wait}, wait)
    # The throttle counts "failures"; here every request is one step toward the client's limit.
    throttle.fail(RATE, who)
