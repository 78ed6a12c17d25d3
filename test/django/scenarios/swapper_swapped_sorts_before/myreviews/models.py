from django.db import models
from reviews.models import AbstractReview


class Review(AbstractReview):
    title = models.CharField(max_length=100, blank=True)
