"""Unit of work: one transaction; leaving without commit rolls back."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy import Engine
from sqlmodel import Session


class UnitOfWork:
    """`with uow:` … `uow.commit()`; repositories and queries never commit."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
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


UowFactory = Callable[[], UnitOfWork]


def uow_factory(engine: Engine) -> UowFactory:
    """A factory of units of work on one engine."""
    return lambda: UnitOfWork(engine)
