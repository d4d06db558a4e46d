"""Hotline's URLs plus two views that fail, one under /api/ and one among the pages (test_errors.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from hotline.urls import urlpatterns as hotline_urlpatterns


class Boom(RuntimeError):
    pass


def boom(request: HttpRequest) -> HttpResponse:
    raise Boom("the view fell over")


urlpatterns = [path("api/boom/", boom), path("boom/", boom), *hotline_urlpatterns]
