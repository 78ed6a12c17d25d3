from django.conf import settings
from django.db import models


class Post(models.Model):
    slug = models.SlugField(blank=True)
    title = models.CharField(max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")

    def __str__(self):
        return self.title
