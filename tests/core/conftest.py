from tests.tickets.conftest import flow  # noqa: F401  (shared fixtures)
