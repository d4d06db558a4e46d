from django.contrib import admin
from django.urls import include, path

from hotline.api import api
from hotline.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
