from catalog.models import AbstractThing
from django.db import models


class CustomThing(AbstractThing):
    color = models.CharField(max_length=20, default="grey")
