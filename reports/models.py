"""The ward directive's model-registration table, as the officer sends it on.

Sheet `Đăng ký mô hình`: exactly the directive's seven columns (Stt, Tên mô hình, Nội dung
hoạt động, Cách thức hoạt động, Thành viên tham gia, Hiệu quả mang lại, Kinh phí hoạt động),
one numbered row per model, unit by unit. Sheet `Theo đơn vị`: every unit with its
representative and how many models it registered, so the officer sees who has not.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from sqlmodel import Session

from reports import labels as L
from reports.handouts import table
from reports.layout import MODEL_WIDTHS, NAME_MOST
from storage import units
from storage.models import Ward


def write_models(session: Session, ward: Ward, path: Path) -> int:
    """Write the ward's registered models to `path`; how many there are."""
    assert ward.id is not None
    registered = units.models_of_ward(session, ward.id)
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = L.SHEET_MODELS
    rows = [
        [n, *(getattr(model, field) for field in units.FIELDS)]
        for n, (_unit, model) in enumerate(registered, start=1)
    ]
    table(sheet, L.MODEL_HEADS, rows, most=MODEL_WIDTHS, key_columns=2)
    summary = wb.create_sheet(L.SHEET_UNITS)
    listed = units.units_of_ward(session, ward.id)
    table(
        summary,
        L.UNIT_HEADS,
        [
            [
                n,
                row.unit.name,
                L.UNIT_KINDS.get(row.unit.kind, row.unit.kind),
                row.representative.name if row.representative else "",
                L.YES if row.joined else L.NO,
                row.models,
            ]
            for n, row in enumerate(listed, start=1)
        ],
        most=[None, NAME_MOST, None, NAME_MOST],
        key_columns=2,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return len(registered)
