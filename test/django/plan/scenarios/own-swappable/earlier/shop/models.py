from django.conf import settings
from django.db import models


class Order(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="orders")
    thing = models.ForeignKey(settings.CATALOG_THING_MODEL, on_delete=models.PROTECT, related_name="orders")
    note = models.CharField(max_length=100)
