from oauth2_provider.models import AbstractApplication, AbstractGrant


class Application(AbstractApplication):
    pass


class Grant(AbstractGrant):
    pass
