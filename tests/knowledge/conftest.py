from tests.tickets.conftest import api_as, flow, frozen_clock  # noqa: F401  (shared fixtures)
