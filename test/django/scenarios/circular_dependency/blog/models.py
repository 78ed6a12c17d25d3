from django.conf import settings
from django.db import models


class Post(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")

    product = models.ForeignKey("shop.Product", null=True, blank=True, on_delete=models.SET_NULL)

    def __str__(self):
        return self.title
