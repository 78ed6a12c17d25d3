from django.db import models


class AbstractWidget(models.Model):
    name = models.CharField(max_length=100)

    class Meta:
        abstract = True


class Widget(AbstractWidget):
    class Meta(AbstractWidget.Meta):
        swappable = "CATALOG_WIDGET_MODEL"
