"""`queries.ward_by_name`, the one lookup of a ward by a typed name (storage.names.same_name),
and `handlers.admin.find_or_create_ward` on it, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from handlers.admin import find_or_create_ward
from storage import queries
from storage.names import same_name
from storage.roster import create_ward
from storage.uow import UnitOfWork

WARD = "Phường Lê Chân"
TYPED = ["phuong le chan", "PHƯỜNG  LÊ CHÂN", "Phuong Le-Chan", " phường lê chân "]
NOW = datetime(2026, 10, 5, 3, 0, tzinfo=UTC)


def test_find_or_create_ward_finds_the_ward_by_the_same_rule_as_ward_add(db: Engine):
    with UnitOfWork(db) as uow:
        ward = create_ward(uow.session, WARD, now=NOW)
        for typed in TYPED:
            assert same_name(typed, WARD)
            assert find_or_create_ward(uow.session, typed, now=NOW).id == ward.id
        other = find_or_create_ward(uow.session, "Phường Lê Chân Mới", now=NOW)
        assert other.id != ward.id and other.name == "Phường Lê Chân Mới"


def test_of_two_wards_kept_from_before_the_one_named_exactly_is_found(db: Engine):
    """Two wards of one name, typed differently, made before `ward add` refused the second."""
    with UnitOfWork(db) as uow:
        first = create_ward(uow.session, WARD, now=NOW)
        second = create_ward(uow.session, "phuong le chan", now=NOW)
        assert queries.ward_by_name(uow.session, "phuong le chan") == second
        assert queries.ward_by_name(uow.session, WARD) == first
        assert queries.ward_by_name(uow.session, "PHUONG LE CHAN") == first  # the older one
        assert queries.ward_by_name(uow.session, "Phường Lê") is None
