"""The errors an admin's command can meet, in plain Python: the command line names them in
its error handling before it loads what raises them (`handlers.admin`, `handlers.demo`,
which give the same names)."""

from __future__ import annotations


class RosterError(ValueError):
    """A roster change that cannot be made; the message says why, in Vietnamese."""


class NotEmpty(RuntimeError):
    """The demo only goes into an empty database."""
