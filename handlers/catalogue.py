"""The service catalogue: what volunteers help citizens with, and how they type it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True)
class ServiceSpec:
    """One service: a short code, a Vietnamese display name and the ways people type it."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    active: bool = True


DEFAULT_SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec(
        "vneid",
        "Cài đặt VNeID",
        ("vneid", "cài vneid", "định danh", "định danh điện tử", "ddđt", "đdđt", "tkđdđt"),
    ),
    ServiceSpec(
        "muc2",
        "Kích hoạt định danh điện tử mức 2",
        ("mức 2", "mức độ 2", "muc2", "md2", "định danh mức 2", "kích hoạt mức 2", "lv2"),
    ),
    ServiceSpec(
        "sskdt",
        "Sổ sức khỏe điện tử",
        ("sskđt", "sskdt", "sổ sức khỏe", "sổ sức khoẻ", "ssk", "skđt", "sổ sk"),
    ),
    ServiceSpec(
        "smarthp",
        "Smart Hải Phòng",
        ("smart hp", "smarthp", "smart hải phòng", "hải phòng smart", "shp"),
    ),
    ServiceSpec("bc114", "Báo cháy 114", ("114", "báo cháy", "báo cháy 114", "bc114")),
    ServiceSpec(
        "dvc", "Dịch vụ công trực tuyến", ("dvc", "dvctt", "dịch vụ công", "nộp hồ sơ trực tuyến")
    ),
    ServiceSpec(
        "ttkdtm",
        "Thanh toán không dùng tiền mặt",
        (
            "ttkdtm",
            "thanh toán",
            "thanh toán số",
            "thanh toán trực tuyến",
            "không tiền mặt",
            "chuyển khoản",
            "ví điện tử",
            "qr",
        ),
    ),
    ServiceSpec("cks", "Chữ ký số", ("cks", "chữ ký số", "ký số")),
    ServiceSpec(
        "vssid", "VssID / an sinh xã hội", ("vssid", "bhxh", "an sinh", "lương hưu qua tài khoản")
    ),
    ServiceSpec("zalo", "Tham gia nhóm Zalo tổ dân phố", ("zalo", "nhóm zalo")),
    ServiceSpec("khac", "Hỗ trợ khác", ("khác", "khac")),
)


@dataclass(frozen=True)
class Catalogue:
    """The services a deployment offers; retired ones stay for old data but are not typed."""

    services: tuple[ServiceSpec, ...]
    _by_code: dict[str, ServiceSpec] = field(init=False, repr=False, compare=False)
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {s.code: s for s in self.services})
        object.__setattr__(self, "_hash", hash(self.services))

    def __hash__(self) -> int:  # worked out once: the parser looks its lexicon up by it
        return self._hash

    @property
    def active(self) -> tuple[ServiceSpec, ...]:
        """Services members can log today, in catalogue order."""
        return tuple(s for s in self.services if s.active)

    def get(self, code: str) -> ServiceSpec | None:
        """The service with this code, retired or not."""
        return self._by_code.get(code)

    def name(self, code: str) -> str:
        """The display name of a code (the code itself if unknown)."""
        spec = self._by_code.get(code)
        return spec.name if spec else code


DEFAULT_CATALOGUE = Catalogue(DEFAULT_SERVICES)


def load_catalogue(session: Session) -> Catalogue:
    """The catalogue as stored (the config's services, synced at start)."""
    from storage import queries  # here: the parser and the command line need no database

    return Catalogue(
        tuple(
            ServiceSpec(s.code, s.name, tuple(s.aliases), s.active)
            for s in queries.services(session)
        )
    )


def merge_services(
    base: tuple[ServiceSpec, ...], changes: tuple[ServiceSpec, ...]
) -> tuple[ServiceSpec, ...]:
    """The catalogue after a deployment's changes: same code replaces, a new code is added."""
    merged = {s.code: s for s in base}
    for change in changes:
        merged[change.code] = change
    return tuple(merged.values())
