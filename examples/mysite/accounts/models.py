from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """The project's user: swapped in through AUTH_USER_MODEL from the first migration."""

    display_name = models.CharField(max_length=150, blank=True)
    avatar_url = models.URLField(blank=True)

    def __str__(self):
        return self.display_name or self.username
