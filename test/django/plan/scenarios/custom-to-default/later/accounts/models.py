# The project uses Django's own user model again.
