"""Errors that actions raise; the API maps each to one HTTP status."""


class HotlineError(Exception):
    """Base of the domain errors; `message` is shown to the user as it is."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ActionNotAllowed(HotlineError):
    """The action does not fit the current state (HTTP 409)."""

    status_code = 409


class Forbidden(HotlineError):
    """The actor's role or department may not do this (HTTP 403)."""

    status_code = 403


class NotFound(HotlineError):
    """The object does not exist or the actor may not see it (HTTP 404)."""

    status_code = 404


class InvalidInput(HotlineError):
    """A field is missing or malformed (HTTP 422)."""

    status_code = 422


class TooManyRequests(HotlineError):
    """Too many attempts of one caller; `retry_after` seconds until the next may come (HTTP 429)."""

    status_code = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
