"""Settings of the example: just enough Django to log in, out, and touch a patient record."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "example-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", "patients"]
MIDDLEWARE = [
    "audit_site.audit.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "audit_site.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, for the example only
TEMPLATES = []

# The audit trail: the "audit" logger writes one JSON event per line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "audit": {"()": "audit_site.audit.AuditJsonFormatter"},
        "json": {"()": "audit_site.audit.PlainJsonFormatter"},
    },
    "handlers": {
        "audit": {"class": "logging.FileHandler", "filename": os.environ["AUDIT_LOG_FILE"], "formatter": "audit"}
        if os.environ.get("AUDIT_LOG_FILE") else {"class": "logging.StreamHandler", "formatter": "audit"},
        "app": {"class": "logging.FileHandler", "filename": os.environ["AUDIT_LOG_FILE"], "formatter": "json"}
        if os.environ.get("AUDIT_LOG_FILE") else {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "loggers": {
        "audit": {"handlers": ["audit"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["app"], "level": "WARNING", "propagate": False},
    },
}
