"""Gongzhi settings: one module, configured by environment variables (see README)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import embedded_database, env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("GONGZHI_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0")
    SECRET_KEY = "django-insecure-gongzhi-development-only"  # noqa: S105 - development default

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG=0")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Gongzhi's own apps, in the order of their dependencies (the message catalogue reads them too).
PROJECT_APPS = ["accounts", "property", "volunteers", "grid", "renovation", "governance", "reports"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_celery_results",
    *PROJECT_APPS,
]

# Pages carry no inline script or style: everything comes from our own static files (site.js, site.css).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The camera is opened by the file picker (capture), which needs no permission; nothing else is used.
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.LanguageMiddleware",
    "core.middleware.ApiBodyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.BusyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "libraries": {
                "form_alert": "core.templatetags.form_alert",
                "bounds": "core.templatetags.bounds",
            },
        },
    },
]

# --- database -------------------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", {"postgres", "postgresql", "sqlite"})
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": embedded_database(VAR_DIR / "gongzhi.sqlite3")}
DB_IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- redis, cache and celery ------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", {"redis", "rediss"})
# A task a killed worker left unacknowledged goes back to the queue after this long (Redis's own
# default is an hour). Longer than any task here takes; the beat's sweep (property.tasks.stuck_sweep)
# sends again, sooner, the runs and imports left waiting.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 15 * 60)
# A billing run or an import still waiting after this long is sent to the worker again (both are
# safe to run twice: a done one is left alone, and their writes are one transaction).
STUCK_AFTER_SECONDS = env_int("STUCK_AFTER_SECONDS", 3 * 60)
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    BROKER_DIR = VAR_DIR / "broker"
    for sub in ("queue", "processed"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),  # kombu's default is ./control
        "store_processed": False,
    }
BROKER_IS_EMBEDDED = not REDIS_URL
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "api-tokens-prune": {"task": "accounts.tasks.api_tokens_prune", "schedule": 24 * 3600},
    "volunteer-reminders": {"task": "volunteers.tasks.shift_reminders_send", "schedule": 5 * 60},
    "volunteer-no-shows": {"task": "volunteers.tasks.shifts_mark_no_shows", "schedule": 15 * 60},
    "volunteer-repeating-shifts": {
        "task": "volunteers.tasks.shift_templates_materialise",
        "schedule": 6 * 3600,
    },
    "governance-votes": {"task": "governance.tasks.votes_advance", "schedule": 60},
    "governance-actions-due": {
        "task": "governance.tasks.actions_remind",
        "schedule": crontab(minute=0, hour=8),
    },
    "governance-terms-ending": {
        "task": "governance.tasks.terms_warn",
        "schedule": crontab(minute=30, hour=8),
    },
    "grid-roster": {"task": "grid.tasks.roster_generate", "schedule": 6 * 3600},
    "grid-duty-flags": {"task": "grid.tasks.duty_flag", "schedule": 15 * 60},
    "grid-escalation": {"task": "grid.tasks.incidents_escalate", "schedule": 15 * 60},
    "grid-daily-report": {"task": "grid.tasks.daily_reports", "schedule": crontab(minute=0, hour=21)},
    "renovation-blacklist": {
        "task": "renovation.tasks.blacklist_update",
        "schedule": crontab(minute=0, hour=6),
    },
    "stuck-sweep": {"task": "property.tasks.stuck_sweep", "schedule": 60},
    "imports-redact": {"task": "property.tasks.imports_redact", "schedule": 3600},
    "billing-runs-monthly": {
        "task": "property.tasks.billing_runs_monthly",
        "schedule": crontab(minute=0, hour=1, day_of_month=1),
    },
    # After the monthly billing run (01:00 on the 1st); daily, so that an interrupted fill resumes.
    "five-co-snapshots": {"task": "reports.tasks.snapshots_fill_due", "schedule": crontab(minute=0, hour=3)},
    # 街道每周情况通报: Mondays, for the ISO week that ended on Sunday.
    "weekly-bulletins": {
        "task": "reports.tasks.bulletins_publish_weekly",
        "schedule": crontab(minute=0, hour=7, day_of_week=1),
    },
}

# --- auth -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failed logins: 5 wrong passwords for one account within 15 minutes lock it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locking by IP as well (axes.W006) would lock out a whole community office or a mobile carrier's
# NAT after five typos by anyone there; the rule here is per account.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# While an account is locked, refused attempts do not restart the cool-off: the lock ends 15 minutes
# after the failure that set it, however many tries come in between.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_SENSITIVE_PARAMETERS = ["password", "new_password1", "new_password2"]

API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 90)
# How long a token, with its user and that user's posts and homes, may be served from the cache.
# Changes made through the app clear the entry at once; this bounds what a change made
# elsewhere waits.
AUTH_CACHE_SECONDS = env_int("AUTH_CACHE_SECONDS", 60)

# --- i18n and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
FORMAT_MODULE_PATH = ["core.formats"]  # the short date forms the pages use, in each language
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# --- security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "INFO"}},
}

# --- API --------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"

# Dates people and clients enter may reach at most this many years from today (core/bounds.py holds
# the floors and the largest amounts and areas).
DATE_HORIZON_YEARS = env_int("DATE_HORIZON_YEARS", 10)

# Fee collection: how many reminders come before escalating a debt to the community.
FEE_REMINDERS_BEFORE_ESCALATION = env_int("FEE_REMINDERS_BEFORE_ESCALATION", 3)

# Keyed hash of ID numbers (only the masked form and this hash are stored).
ID_NUMBER_KEY = env_str("ID_NUMBER_KEY", SECRET_KEY)
NINJA_PAGINATION_CLASS = "core.pagination.WindowCountPagination"

# --- hooks: where an app calls code of an app above it (core.hooks reads them) ------------------
# The kinds of ledger property's imports bring in (each a property.imports.runs.Kind, carrying its
# columns), by their name.
IMPORT_KINDS = {
    "households": "property.imports.households.KIND",
    "opening_arrears": "property.imports.opening_arrears.KIND",
    "volunteers": "volunteers.imports.KIND",
}
# The roles a user holds besides official posts (GET /me, the home page), in this order.
ROLE_PROVIDERS = [
    "property.roles.resident_roles",
    "volunteers.roles.volunteer_roles",
    "renovation.roles.contract_roles",
    "governance.roles.seat_roles",
]
# What is loaded into a user's scope, besides their posts, before the user is cached with a token.
SCOPE_LOADERS = ["property.register.permissions.own_households"]
# Panels of figures on the home page: fn(user) -> [{"template", ...context}].
HOME_PANELS = ["reports.home.home_panel"]
# Who acts on incidents besides the grid's staff: fn(user) -> {"unit": Q, "runner": Q} over Incident.
INCIDENT_DELEGATIONS = ["renovation.permissions.incident_delegation"]
# Sections of the community's daily report: fn(community, day, start, end) -> a table or None.
DAILY_REPORT_SECTIONS = ["renovation.selectors.daily_construction"]
# A compound's renovation records for its page and API: fn(compound_ids) -> {compound_id: [record]}
# (a record has id, name, year, handed_over_on, items, investment, funding_* and compound_count).
COMPOUND_RENOVATIONS = ["renovation.selectors.records_by_compound"]
# Conditions of a renovation project's stages that apps above renovation know:
# fn(project) -> [Missing], by the stage moved to (or "plan:<basis>" for adopting the plan).
RENOVATION_CONDITIONS = {
    "feasibility": ["governance.project_conditions.consulted"],
    "plan:consultation": ["governance.project_conditions.consulted"],
    "plan:vote": ["governance.project_conditions.voted"],
    "handed_over": ["governance.project_conditions.governed"],
}

# Where notifications go besides the site (a class with send(notification)).
NOTIFICATION_SENDER = env_str("NOTIFICATION_SENDER", "accounts.notify.LogSender")
# Volunteers: points per hour served.
VOLUNTEER_POINTS_PER_HOUR = env_int("VOLUNTEER_POINTS_PER_HOUR", 1)
# Owners' committees: local rules differ, so size and term bounds are settings.
COMMITTEE_MIN_MEMBERS = env_int("COMMITTEE_MIN_MEMBERS", 5)
COMMITTEE_MAX_MEMBERS = env_int("COMMITTEE_MAX_MEMBERS", 11)
COMMITTEE_MAX_TERM_YEARS = env_int("COMMITTEE_MAX_TERM_YEARS", 5)
COMMITTEE_TERM_WARNING_DAYS = env_int("COMMITTEE_TERM_WARNING_DAYS", 90)
# Grid management: rectification deadlines by category severity (days; 0 is the same day).
GRID_DEADLINE_DAYS = {
    "on_the_spot": env_int("GRID_DEADLINE_ON_THE_SPOT_DAYS", 0),
    "ordinary": env_int("GRID_DEADLINE_ORDINARY_DAYS", 3),
    "hard": env_int("GRID_DEADLINE_HARD_DAYS", 7),
}
GRID_LATE_MINUTES = env_int("GRID_LATE_MINUTES", 10)  # a duty started later than this is late
# A duty ended more than this many minutes before its planned end left early (早退), not done.
GRID_LEFT_EARLY_MINUTES = env_int("GRID_LEFT_EARLY_MINUTES", 10)
GRID_ESCALATE_TO_SUBDISTRICT_HOURS = env_int("GRID_ESCALATE_TO_SUBDISTRICT_HOURS", 24)
GRID_OVERDUE_LIST_THRESHOLD = env_int("GRID_OVERDUE_LIST_THRESHOLD", 3)  # overdue incidents in 90 days
# No API request body is read beyond this (a photo with its form, later an imported ledger).
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 20 * 1024 * 1024)
# Photos (incidents, duty findings, renovation progress; core.files.photo_checked): at most this many
# bytes; re-encoded when stored (EXIF and GPS removed) with the longest side at most PHOTO_MAX_SIDE
# pixels; one declaring more pixels than PHOTO_MAX_PIXELS is refused before it is decoded. (The names
# they had as GRID_PHOTO_* are still read.)
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", env_int("GRID_PHOTO_MAX_BYTES", 5 * 1024 * 1024))
PHOTO_MAX_SIDE = env_int("PHOTO_MAX_SIDE", env_int("GRID_PHOTO_MAX_SIDE", 2048))
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", env_int("GRID_PHOTO_MAX_PIXELS", 40_000_000))
GRID_ROSTER_DAYS_AHEAD = env_int("GRID_ROSTER_DAYS_AHEAD", 14)
# Five-co index: compounds written per transaction when a month is filled (a fill killed between two
# chunks resumes after the last one written); the collection rate under which a compound is an alert.
FIVE_CO_FILL_CHUNK = env_int("FIVE_CO_FILL_CHUNK", 200)
ALERT_COLLECTION_RATE_PERCENT = env_int("ALERT_COLLECTION_RATE_PERCENT", 80)
# A transaction rolled back for a deadlock is run again this many times (core.locks.retried), after a
# jittered pause starting at this many milliseconds and doubling; then it is refused as busy (503).
LOCK_RETRIES = env_int("LOCK_RETRIES", 4)
LOCK_RETRY_PAUSE_MS = env_int("LOCK_RETRY_PAUSE_MS", 50)
# How long a person's single edit waits for rows a long writer (an import) holds, then 409 busy.
LOCK_WAIT_SECONDS = env_int("LOCK_WAIT_SECONDS", 5)
# Imported ledgers (台账): the largest file and the most rows one import takes.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000)
# What an .xlsx may unpack to (all its parts together: each part's real size is checked against the
# size it declares as it is unpacked), and the most characters one cell may hold, in .xlsx and .csv
# (Excel's own limit): a larger one is refused before it is held whole.
IMPORT_UNPACKED_MAX_BYTES = env_int("IMPORT_UNPACKED_MAX_BYTES", 20 * IMPORT_MAX_BYTES)
IMPORT_CELL_MAX_CHARS = env_int("IMPORT_CELL_MAX_CHARS", 32767)
# A sheet's cells lie in at most this many columns (a reader fills each row up to its last cell).
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 256)
# How long an uploaded ledger keeps its ID numbers in full (to be fixed and sent again), in hours.
IMPORT_KEEP_HOURS = env_int("IMPORT_KEEP_HOURS", 24)
# Renovation projects: the share of households the door-to-door consultation must reach before the
# feasibility study (percent).
RENOVATION_CONSULTATION_COVERAGE_PERCENT = env_int("RENOVATION_CONSULTATION_COVERAGE_PERCENT", 80)
RENOVATION_PHOTOS_MAX = env_int("RENOVATION_PHOTOS_MAX", 6)  # photos with one progress update
# The blacklist of responsible units (黑名单): a unit comes on when a works contract of theirs is this
# many days past its end with items unfinished, or with this many rectifications overdue in the window
# (days); it comes off once neither holds.
RENOVATION_BLACKLIST_LATE_DAYS = env_int("RENOVATION_BLACKLIST_LATE_DAYS", 14)
RENOVATION_BLACKLIST_RECTIFICATIONS = env_int("RENOVATION_BLACKLIST_RECTIFICATIONS", 3)
RENOVATION_BLACKLIST_WINDOW_DAYS = env_int("RENOVATION_BLACKLIST_WINDOW_DAYS", 90)
# At least this many residents (living in the project's compounds) take part in the acceptance.
RENOVATION_ACCEPTANCE_REPRESENTATIVES = env_int("RENOVATION_ACCEPTANCE_REPRESENTATIVES", 3)
