import swapper
from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=100)
    review = models.ForeignKey("reviews.Review", null=True, blank=True, on_delete=models.SET_NULL)
