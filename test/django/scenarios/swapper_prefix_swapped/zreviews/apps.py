from django.apps import AppConfig


class ZreviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zreviews"
