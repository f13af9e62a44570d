"""/readyz: ready when the database answers and its schema is the code's, 503 with a short
reason otherwise (never the driver's words, which may name the host); /healthz stays a
liveness check. On SQLite and PostgreSQL."""

from __future__ import annotations

import functools

from alembic import command
from sqlalchemy import Engine
from starlette.testclient import TestClient

from bot.app import App
from bot.web.server import create_web_app
from storage.db import make_engine
from storage.migrate import alembic_config, not_ready


def client(db: Engine) -> TestClient:
    return TestClient(create_web_app(not_ready=functools.partial(not_ready, db)))


def test_ready_when_the_database_answers_at_the_codes_schema(app: App):
    answer = client(app.db).get("/readyz")
    assert (answer.status_code, answer.json()) == (200, {"ok": True})


def test_not_ready_while_the_schema_is_behind_the_code(app: App):
    command.downgrade(alembic_config(app.db), "0010")
    web = client(app.db)
    answer = web.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["reason"].startswith("schema behind the code")
    assert web.get("/healthz").status_code == 200  # alive all the same
    command.upgrade(alembic_config(app.db), "head")
    assert web.get("/readyz").status_code == 200


def test_not_ready_when_the_database_cannot_be_reached():
    gone = make_engine("postgresql://gtn_user:s3cret@127.0.0.1:1/gotungnha")
    answer = client(gone).get("/readyz")
    assert answer.status_code == 503
    assert answer.json() == {"ok": False, "reason": "database unreachable"}
    assert "127.0.0.1" not in answer.text and "s3cret" not in answer.text
    gone.dispose()
