"""deploy/Containerfile, built and run for real, with no registry and no container runtime.

Containers cannot start on this machine (no cgroups), so the image is proven this way:
1. a minimal Debian 12 base is made with debootstrap (cached under build/image-base/, so
   it is made once per machine and package list) and imported into podman;
2. the image is built from it with `podman build --isolation chroot --pull=never`;
3. its filesystem is exported, and its entrypoint is run under chroot, as its user, in its
   working folder, with its environment: `db upgrade` and `demo` against a fresh
   PostgreSQL database, then `run` against the fake Telegram server, where a person joins
   with an invite code the demo printed and logs a quick entry that is answered.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import tarfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_SERVER
from tests.e2e.running import TOKEN, free_port
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "build" / "image-base"
# what the image needs from Debian: the Containerfile then installs nothing with apt
PACKAGES = "python3,python3-venv,ca-certificates,postgresql-client,tzdata"
MIRROR = "http://deb.debian.org/debian"
IMAGE = "localhost/gotungnha:test"
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")  # a proxy in between signs with it
BUDGET = 300  # seconds: the whole test


def sh(*args: str | Path, timeout: float = 600) -> str:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{args[:3]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def base_image() -> str:
    """The debootstrap base as a podman image, made and cached when missing."""
    key = hashlib.sha256(f"bookworm minbase {PACKAGES}".encode()).hexdigest()[:12]
    name = f"localhost/gotungnha-base:{key}"
    if subprocess.run(["podman", "image", "exists", name], check=False).returncode == 0:
        return name
    archive = CACHE / f"bookworm-{key}.tar"
    if not archive.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        folder = CACHE / f"root-{uuid.uuid4().hex[:8]}"
        try:
            sh(
                "debootstrap",
                "--variant=minbase",
                f"--include={PACKAGES}",
                "bookworm",
                folder,
                MIRROR,
            )
            partial = archive.with_suffix(".part")
            with tarfile.open(partial, "w") as tar:
                tar.add(folder, arcname=".")
            partial.rename(archive)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    sh("podman", "import", archive, name)
    return name


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    """An empty, unmigrated PostgreSQL database."""
    server = make_url(PG_SERVER)
    name = f"gotungnha_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class Exported:
    """The image's filesystem, and its entrypoint run under chroot as the image says."""

    def __init__(self, folder: Path, config: dict) -> None:  # type: ignore[type-arg]
        self.folder, self.config = folder, config

    def command(self, args: list[str], env: dict[str, str]) -> list[str]:
        environment = [*self.config["Env"], *(f"{k}={v}" for k, v in env.items())]
        entry = [*self.config["Entrypoint"], *(args or self.config["Cmd"])]
        user = self.config["User"]
        inner = f'cd {self.config["WorkingDir"]} && exec "$@"'
        return [
            "chroot",
            f"--userspec={user}:{user}",
            str(self.folder),
            "/usr/bin/env",
            "-i",
            *environment,
            f"HOME={self.config['WorkingDir']}",
            "/bin/sh",
            "-c",
            inner,
            "entrypoint",
            *entry,
        ]

    def run(self, args: list[str], env: dict[str, str]) -> str:
        return sh(*self.command(args, env), timeout=120)


@pytest.mark.slow
def test_the_image_builds_and_its_entrypoint_answers_a_quick_entry(
    fresh_postgres: str, tmp_path: Path
):
    for tool in ("podman", "debootstrap", "chroot"):
        assert shutil.which(tool), f"{tool} is needed (apt install podman debootstrap)"
    started = time.monotonic()
    build = [
        "podman", "build", "--isolation", "chroot", "--pull=never", "--format", "docker",
        "--build-arg", f"BASE={base_image()}", "-f", ROOT / "deploy" / "Containerfile",
        "-t", IMAGE,
    ]  # fmt: skip
    if HOST_CA.exists():
        build += ["--volume", f"{HOST_CA}:/run/host-ca.crt:ro", "--build-arg"]
        build += ["PIP_CERT=/run/host-ca.crt"]
    sh(*build, ROOT)
    config = json.loads(sh("podman", "image", "inspect", IMAGE, "--format", "{{json .Config}}"))
    assert config["User"] == "gotungnha" and config["Cmd"] == ["run"]
    health = json.loads(
        sh("podman", "image", "inspect", IMAGE, "--format", "{{json .HealthCheck}}")
    )
    assert health["Test"][-1].endswith("/readyz', timeout=4)")
    container = sh("podman", "create", IMAGE).strip()
    folder = tmp_path / "image"
    folder.mkdir()
    try:
        export = subprocess.Popen(["podman", "export", container], stdout=subprocess.PIPE)
        with tarfile.open(fileobj=export.stdout, mode="r|") as tar:
            tar.extractall(folder, filter="fully_trusted")
        assert export.wait(timeout=120) == 0
    finally:
        sh("podman", "rm", container)
        sh("podman", "image", "prune", "--force")  # the image built by the run before
    image = Exported(folder, config)
    database = {"GOTUNGNHA_DATABASE_URL": fresh_postgres}

    head = ScriptDirectory(str(ROOT / "storage" / "migrations")).get_current_head()
    assert f"(phiên bản {head})" in image.run(["db", "upgrade"], database)
    demo = image.run(["demo"], database)
    code = next(line.split()[0] for line in demo.splitlines() if "Đỗ Thị Hoa" in line)

    with FakeTelegram(token=TOKEN, bot_username="gotungnha_test_bot") as tg:
        env = {
            **database,
            "GOTUNGNHA_TELEGRAM_TOKEN": tg.token,
            "GOTUNGNHA_TELEGRAM_BASE_URL": tg.base_url,
            "GOTUNGNHA_TELEGRAM_BASE_FILE_URL": tg.base_file_url,
            "GOTUNGNHA_SERVER_PORT": str(free_port()),
            "GOTUNGNHA_BACKUP_TIME": "",
        }
        log = (tmp_path / "run.log").open("w")
        bot = subprocess.Popen(image.command([], env), stdout=log, stderr=subprocess.STDOUT)
        try:
            hoa = tg.user(8101, "Hoa")
            tg.send_text(hoa, f"/start {code}")
            question = tg.wait_sent(hoa["id"], 1, timeout=60)[-1]
            tg.press(hoa, question, "consent:yes")
            tg.wait_for(lambda: "Chào mừng" in (tg.sent(hoa["id"])[-1]["text"] or ""), 30)
            tg.send_text(hoa, "vneid 3 sskdt 2")
            count = len(tg.sent(hoa["id"]))
            tg.wait_for(lambda: len(tg.sent(hoa["id"])) > count, 30)
            answer = tg.sent(hoa["id"])[-1]["text"]
        finally:
            bot.send_signal(signal.SIGTERM)
            code_at_exit = bot.wait(timeout=60)
            log.close()
    output = (tmp_path / "run.log").read_text()
    assert answer.startswith("✅ Đã ghi lượt hỗ trợ:"), output[-2000:]
    assert "• Cài đặt VNeID: 3" in answer and "• Sổ sức khỏe điện tử: 2" in answer
    assert code_at_exit == 0, output[-2000:]
    assert "Traceback" not in output
    took = time.monotonic() - started
    assert took < BUDGET, f"the image test took {took:.0f} s"
