"""Fixtures of the end-to-end tests that several modules share."""

from tests.e2e.dashboard_site import site  # noqa: F401  (the dashboard on loopback)
