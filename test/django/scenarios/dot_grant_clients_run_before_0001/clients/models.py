from oauth2_provider.models import AbstractGrant


class Grant(AbstractGrant):
    pass
