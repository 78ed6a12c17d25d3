from oauth2_provider.models import AbstractApplication, AbstractIDToken


class Application(AbstractApplication):
    pass


class IDToken(AbstractIDToken):
    pass
