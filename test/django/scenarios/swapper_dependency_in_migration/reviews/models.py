import swapper
from django.db import models


class AbstractReview(models.Model):
    stars = models.IntegerField(default=5)

    class Meta:
        abstract = True


class Review(AbstractReview):
    class Meta:
        swappable = swapper.swappable_setting("reviews", "Review")
