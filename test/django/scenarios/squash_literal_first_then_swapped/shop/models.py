from django.conf import settings
from django.db import models


class Order(models.Model):
    quantity = models.PositiveIntegerField(default=1)
    widget = models.ForeignKey(settings.CATALOG_WIDGET_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=100, blank=True)
