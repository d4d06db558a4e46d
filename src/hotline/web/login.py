"""The staff sign-in page (/login/), with the brute-force throttle of `accounts.throttle`.

Django's LoginView answers every wrong password with the form again, as often as anyone likes.
Here the failures of one username from one address are counted; after
settings.HOTLINE["LOGIN_THROTTLE"]["FAILURES"] of them the page refuses that pair with 429 and
Retry-After, without checking the password, until the cool-off has passed. A success forgets them.
"""

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from hotline.accounts import throttle


def _minutes(seconds: int) -> int:
    return max(1, -(-seconds // 60))


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = throttle.login_key(request.POST.get("username", ""), throttle.client_ip(request))
        if wait := throttle.retry_after(throttle.LOGIN, key):
            return self._locked(wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        key = throttle.login_key(form.cleaned_data["username"], throttle.client_ip(self.request))
        throttle.reset(throttle.LOGIN, key)
        return super().form_valid(form)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        key = throttle.login_key(self.request.POST.get("username", ""), throttle.client_ip(self.request))
        if wait := throttle.fail(throttle.LOGIN, key):
            return self._locked(wait)
        return super().form_invalid(form)

    def _locked(self, wait: int) -> HttpResponse:
        message = _("登录失败次数过多，请 %(minutes)s 分钟后再试。") % {"minutes": _minutes(wait)}
        response = self.render_to_response(
            self.get_context_data(form=self.get_form_class()(self.request), locked=message), status=429
        )
        response["Retry-After"] = str(wait)
        return response
