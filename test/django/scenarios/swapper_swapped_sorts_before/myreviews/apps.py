from django.apps import AppConfig


class MyreviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "myreviews"
