from django.db import models
from oauth2_provider.models import AbstractApplication


class Application(AbstractApplication):
    """An OAuth client, with the logo and terms-of-use flag the consent screen shows."""

    logo = models.URLField(blank=True)
    agreed_to_terms = models.BooleanField(default=False)
