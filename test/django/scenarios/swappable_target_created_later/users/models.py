from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    bio = models.TextField(blank=True)


class Team(models.Model):
    name = models.CharField(max_length=100)
