from oauth2_provider.models import AbstractAccessToken, AbstractRefreshToken


class AccessToken(AbstractAccessToken):
    pass


class RefreshToken(AbstractRefreshToken):
    pass
