"""The staff sign-in page (/login/) and the admin's (/admin/login/), with the brute-force throttle of
`accounts.throttle`.

Django's login views answer every wrong password with the form again, as often as anyone likes.
Here the failures of one username from one address are counted, on both pages together; after
settings.HOTLINE["LOGIN_THROTTLE"]["FAILURES"] of them the pages refuse that pair with 429 and
Retry-After, without checking the password, until the cool-off has passed. A success forgets them.
The failures of one address whatever the username are counted too, against a higher limit
(["LOGIN_ADDRESS_THROTTLE"]), so that trying a few common passwords on many usernames (password
spraying) is stopped as well; a success does not forget those. That count leaves out the usernames
that signed in from the address before (`throttle.known`), and its lock spares them, so that a call
centre behind one address is locked out neither by a spray from it nor by its own typos.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from hotline.accounts import throttle
from hotline.core.http import client_ip


def _minutes(seconds: int) -> int:
    return max(1, -(-seconds // 60))


def _keys(request: HttpRequest) -> tuple[tuple[str, str], tuple[str, str]]:
    """What a sign-in counts against: the username from this address, and the address alone."""
    ip = client_ip(request)
    return (throttle.LOGIN, throttle.login_key(request.POST.get("username", ""), ip)), (
        throttle.LOGIN_ADDRESS,
        ip,
    )


def _waits(request: HttpRequest, wait: Callable[[str, str], int]) -> int:
    """`wait` of the username from this address, and of the address unless the username signed in
    from it before (`throttle.known`: the address's lock spares it); the longer."""
    (kind, key), (address_kind, ip) = _keys(request)
    own = wait(kind, key)
    if throttle.known(request.POST.get("username", ""), ip):
        return own
    return max(own, wait(address_kind, ip))


def _locked_for(request: HttpRequest) -> int:
    """Seconds until this sign-in may be tried; 0 when no count locks it."""
    return _waits(request, throttle.retry_after)


def _failed(request: HttpRequest) -> int:
    """Count a failed sign-in against both keys; the seconds it is now locked out for (0: not yet)."""
    return _waits(request, throttle.fail)


def _succeeded(request: HttpRequest) -> None:
    (kind, key), (_address_kind, ip) = _keys(request)
    throttle.reset(kind, key)
    throttle.remember(request.POST.get("username", ""), ip)


def locked_page(request: HttpRequest, wait: int) -> HttpResponse:
    """The sign-in page with why it refuses, 429 and Retry-After."""
    message = _("登录失败次数过多，请 %(minutes)s 分钟后再试。") % {"minutes": _minutes(wait)}
    context = {"form": AuthenticationForm(request), "locked": message, "next": request.GET.get("next", "")}
    response = render(request, "web/login.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's own login page, counted with /login/: the admin answers a failure with its form
    again (200) and a success with a redirect."""
    if request.method != "POST":
        return admin.site.login(request)
    if wait := _locked_for(request):
        return locked_page(request, wait)
    response = admin.site.login(request)
    if response.status_code == 302:
        _succeeded(request)
    elif wait := _failed(request):
        return locked_page(request, wait)
    return response


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if wait := _locked_for(request):
            return locked_page(request, wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        _succeeded(self.request)
        return super().form_valid(form)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        if wait := _failed(self.request):
            return locked_page(self.request, wait)
        return super().form_invalid(form)
