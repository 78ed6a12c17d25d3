from oauth2_provider.models import AbstractAccessToken


class AccessToken(AbstractAccessToken):
    pass
