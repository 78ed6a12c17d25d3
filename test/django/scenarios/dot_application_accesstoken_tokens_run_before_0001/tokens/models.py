from oauth2_provider.models import AbstractAccessToken, AbstractApplication


class Application(AbstractApplication):
    pass


class AccessToken(AbstractAccessToken):
    pass
