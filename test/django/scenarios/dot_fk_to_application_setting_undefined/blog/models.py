from django.db import models
from oauth2_provider.settings import oauth2_settings


class Post(models.Model):
    title = models.CharField(max_length=200)
    client = models.ForeignKey(oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE)
