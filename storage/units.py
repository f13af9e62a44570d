"""Units (schools, offices, teams) and the models they register. Never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Member, ModelRegistration, Role, Unit
from storage.personal import one_line

KINDS = ("school", "office", "team", "other")
FIELDS = ("name", "content", "method", "participants", "results", "budget")  # the table's order


@dataclass(frozen=True)
class UnitRow:
    """A unit as the officer's list shows it."""

    unit: Unit
    representative: Member | None
    joined: bool
    models: int


def unit_named(session: Session, ward_id: int, name: str) -> Unit | None:
    """The ward's unit of this name (names are compared as typed, spaces squeezed)."""
    stmt = select(Unit).where(Unit.ward_id == ward_id, Unit.name == one_line(name))
    return session.exec(stmt).first()


def add_unit(
    session: Session, *, ward_id: int, name: str, kind: str, representative: Member, now: datetime
) -> Unit:
    """A new unit with its representative (already on the roster with the role `unit`)."""
    assert kind in KINDS and representative.role == Role.UNIT
    unit = Unit(
        ward_id=ward_id,
        name=one_line(name),
        kind=kind,
        representative_id=representative.id,
        created_at=now,
    )
    session.add(unit)
    session.flush()
    return unit


def unit_of(session: Session, member_id: int) -> Unit | None:
    """The unit this member represents."""
    return session.exec(select(Unit).where(Unit.representative_id == member_id)).first()


def units_of_ward(session: Session, ward_id: int) -> list[UnitRow]:
    """The ward's units by name, with their representative and how many models they have."""
    counts = dict(
        session.exec(
            select(ModelRegistration.unit_id, func.count(col(ModelRegistration.id)))
            .where(col(ModelRegistration.deleted_at).is_(None))
            .group_by(col(ModelRegistration.unit_id))
        ).all()
    )
    stmt = (
        select(Unit, Member)
        .outerjoin(Member, col(Member.id) == col(Unit.representative_id))
        .where(Unit.ward_id == ward_id)
        .order_by(col(Unit.name))
    )
    return [
        UnitRow(
            unit,
            rep,
            joined=bool(rep and rep.consent_at and not rep.erased_at),
            models=counts.get(unit.id or 0, 0),
        )
        for unit, rep in session.exec(stmt)
    ]


def models_of_unit(session: Session, unit_id: int) -> list[ModelRegistration]:
    """A unit's registered models, oldest first."""
    stmt = (
        select(ModelRegistration)
        .where(ModelRegistration.unit_id == unit_id, col(ModelRegistration.deleted_at).is_(None))
        .order_by(col(ModelRegistration.id))
    )
    return list(session.exec(stmt))


def models_of_ward(session: Session, ward_id: int) -> list[tuple[Unit, ModelRegistration]]:
    """Every registered model of a ward, unit by unit (by name), each unit's oldest first."""
    stmt = (
        select(Unit, ModelRegistration)
        .join(ModelRegistration, col(ModelRegistration.unit_id) == col(Unit.id))
        .where(Unit.ward_id == ward_id, col(ModelRegistration.deleted_at).is_(None))
        .order_by(col(Unit.name), col(ModelRegistration.id))
    )
    return [(unit, model) for unit, model in session.exec(stmt)]


def save_model(
    session: Session,
    *,
    unit_id: int,
    values: dict[str, str],
    member_id: int,
    now: datetime,
    model_id: int | None = None,
) -> ModelRegistration:
    """Register a new model, or change one of the unit's own (None if it is not theirs)."""
    if model_id is None:
        model = ModelRegistration(
            unit_id=unit_id,
            name=values["name"],
            content=values["content"],
            method=values["method"],
            participants=values["participants"],
            results=values["results"],
            budget=values["budget"],
            registered_by=member_id,
            created_at=now,
        )
    else:
        found = session.get(ModelRegistration, model_id)
        if found is None or found.unit_id != unit_id or found.deleted_at is not None:
            raise LookupError(model_id)
        model, model.updated_at = found, now
        for field in FIELDS:
            setattr(model, field, values[field])
    session.add(model)
    session.flush()
    return model
