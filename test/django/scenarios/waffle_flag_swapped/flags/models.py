from waffle.models import AbstractUserFlag


class Flag(AbstractUserFlag):
    pass
