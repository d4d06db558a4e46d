"""Intake tests share the ticket tests' movable clock."""

from tests.tickets.conftest import frozen_clock

__all__ = ["frozen_clock"]
