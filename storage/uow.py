"""Unit of work: one transaction; leaving without commit rolls back."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol

from sqlalchemy import Engine
from sqlmodel import Session

from storage import guard  # noqa: F401  (registers the scrub of typed text at every flush)
from storage.db import READ_ONLY


class UnitOfWork:
    """`with uow:` … `uow.commit()`; repositories and queries never commit."""

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        # read-only: on SQLite it does not take the write lock, so members can log meanwhile
        self._engine = engine.execution_options(**{READ_ONLY: True}) if read_only else engine
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside `with`")
        return self._session

    def __enter__(self) -> UnitOfWork:
        self._session = Session(self._engine, expire_on_commit=False)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back what was not committed; loaded objects stay readable, detached
        self.session.close()
        self._session = None

    def commit(self) -> None:
        """Make the work of this unit permanent."""
        self.session.commit()

    def rollback(self) -> None:
        """Forget the work of this unit so far."""
        self.session.rollback()


class UowFactory(Protocol):
    """Makes units of work on one database."""

    def __call__(self, *, read_only: bool = False) -> UnitOfWork: ...


def uow_factory(engine: Engine) -> UowFactory:
    """A factory of units of work on one engine."""

    def make(*, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(engine, read_only=read_only)

    return make
