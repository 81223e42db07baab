"""Errors a user can fix (credentials, an account list, a log): the CLI prints them in one
line and exits 2, wherever they are raised."""


class UserError(Exception):
    pass
