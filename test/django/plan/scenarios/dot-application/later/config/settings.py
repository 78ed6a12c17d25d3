from .base import *  # noqa: F401,F403

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oauth2_provider",
    "clients",
    "shop",
]

OAUTH2_PROVIDER_APPLICATION_MODEL = "clients.MyApplication"
