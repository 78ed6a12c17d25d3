from oauth2_provider.models import AbstractAccessToken, AbstractApplication, AbstractIDToken, AbstractRefreshToken


class Application(AbstractApplication):
    pass


class AccessToken(AbstractAccessToken):
    pass


class RefreshToken(AbstractRefreshToken):
    pass


class IDToken(AbstractIDToken):
    pass
