from django.db import models


class AbstractThing(models.Model):
    name = models.CharField(max_length=100)

    class Meta:
        abstract = True


class Thing(AbstractThing):
    class Meta(AbstractThing.Meta):
        swappable = "CATALOG_THING_MODEL"
