# The user model moved to the users app.
