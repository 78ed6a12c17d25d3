from django.apps import AppConfig


class AreviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "areviews"
