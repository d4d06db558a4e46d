import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
application = get_wsgi_application()

# Load the models and the OpenAPI document now, before the first request (and, under gunicorn's
# --preload, before the workers are forked: once for all of them). HOTLINE_WARM_UP=0 skips it.
if os.environ.get("HOTLINE_WARM_UP", "1") != "0":
    from hotline.web.warmup import warm_up

    warm_up()
