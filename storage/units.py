"""Units (schools, offices, teams) and the models they register. Never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Member, ModelRegistration, Role, Team, Unit

KINDS = ("school", "office", "team", "other")
FIELDS = ("name", "content", "method", "participants", "results", "budget")  # the table's order


@dataclass(frozen=True)
class UnitRow:
    """A unit as the officer's list shows it."""

    unit: Unit
    representative: Member | None
    joined: bool
    models: int


def ward_team(session: Session, ward_id: int, *, name: str) -> Team:
    """The ward's own team (officers and unit representatives sit there), made if missing."""
    stmt = select(Team).where(
        Team.ward_id == ward_id, Team.name == name, col(Team.residential_group_id).is_(None)
    )
    team = session.exec(stmt).first()
    if team is None:
        team = Team(ward_id=ward_id, name=name)
        session.add(team)
        session.flush()
    return team


def unit_named(session: Session, ward_id: int, name: str) -> Unit | None:
    """The ward's unit of this name (names are compared as typed, spaces squeezed)."""
    stmt = select(Unit).where(Unit.ward_id == ward_id, Unit.name == " ".join(name.split()))
    return session.exec(stmt).first()


def add_unit(
    session: Session, *, ward_id: int, name: str, kind: str, representative: Member, now: datetime
) -> Unit:
    """A new unit with its representative (already on the roster with the role `unit`)."""
    assert kind in KINDS and representative.role == Role.UNIT
    unit = Unit(
        ward_id=ward_id,
        name=" ".join(name.split()),
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
    units = session.exec(select(Unit).where(Unit.ward_id == ward_id).order_by(col(Unit.name)))
    rows = []
    for unit in units:
        rep = session.get(Member, unit.representative_id) if unit.representative_id else None
        assert unit.id is not None
        rows.append(
            UnitRow(
                unit,
                rep,
                joined=bool(rep and rep.consent_at and not rep.erased_at),
                models=len(models_of_unit(session, unit.id)),
            )
        )
    return rows


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


def registered_units(session: Session) -> set[int]:
    """Ids of the units that have registered at least one model."""
    stmt = (
        select(ModelRegistration.unit_id)
        .where(col(ModelRegistration.deleted_at).is_(None))
        .distinct()
    )
    return set(session.exec(stmt))
