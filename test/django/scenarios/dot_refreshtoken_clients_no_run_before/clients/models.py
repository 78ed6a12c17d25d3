from oauth2_provider.models import AbstractRefreshToken


class RefreshToken(AbstractRefreshToken):
    pass
