from catalog.models import AbstractWidget


class Widget(AbstractWidget):
    pass
