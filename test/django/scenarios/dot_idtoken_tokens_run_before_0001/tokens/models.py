from oauth2_provider.models import AbstractIDToken


class IDToken(AbstractIDToken):
    pass
