from django.db import models


class Order(models.Model):
    widget = models.ForeignKey("catalog.Widget", on_delete=models.CASCADE)
