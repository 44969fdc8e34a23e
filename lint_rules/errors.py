"""Errors that end a run with exit code 2 and one line of explanation."""


class InputError(Exception):
    """Bad input: the message is one line naming what is wrong and where."""

    def __init__(self, message: str, where: str = ""):
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)
