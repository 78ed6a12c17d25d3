from django.db import models
from oauth2_provider.models import AbstractApplication


class MyApplication(AbstractApplication):
    logo_url = models.URLField(blank=True, default="")
    agree = models.BooleanField(default=False)
