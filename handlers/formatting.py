"""How days, counts and logs read in Vietnamese."""

from __future__ import annotations

from datetime import date

from handlers import texts
from handlers.catalogue import Catalogue
from storage.membership import Activity


def day_text(day: date) -> str:
    """dd/mm/yyyy."""
    return day.strftime("%d/%m/%Y")


def day_label(day: date, today: date) -> str:
    """dd/mm/yyyy, with "hôm nay" / "hôm qua" when it is."""
    name = texts.DAY_NAMES.get((today - day).days)
    return f"{day_text(day)} ({name})" if name else day_text(day)


def items_lines(items: dict[str, int], catalogue: Catalogue) -> list[str]:
    """One bullet per service: "• Cài đặt VNeID: 3"."""
    return [f"• {catalogue.name(code)}: {count}" for code, count in items.items()]


def outside_line(activity: Activity) -> str | None:
    """ "• Trong đó 15 lượt của người đã rời tổ hoặc đã xoá dữ liệu": the logs of people the
    team does not count as members, or None when there are none."""
    parts = [
        text.format(n=n)
        for text, n in ((texts.LOGS_LEFT, activity.left), (texts.LOGS_OFFICERS, activity.officers))
        if n
    ]
    return texts.LOGS_OUTSIDE.format(parts=", ".join(parts)) if parts else None


def items_inline(items: dict[str, int], catalogue: Catalogue) -> str:
    """All services on one line: "Cài đặt VNeID: 3; Sổ sức khỏe điện tử: 2"."""
    return "; ".join(f"{catalogue.name(code)}: {count}" for code, count in items.items())


def detail_lines(
    catalogue: Catalogue,
    items: dict[str, int],
    *,
    households: int | None = None,
    people: int | None = None,
    place: str | None = None,
    note: str | None = None,
    photo: bool = False,
) -> list[str]:
    """What one log holds, a bullet per fact, as every summary shows it."""
    lines = items_lines(items, catalogue)
    if households:
        lines.append(texts.ENTRY_HOUSEHOLDS.format(households))
    if people:
        lines.append(texts.ENTRY_PEOPLE.format(people))
    if place:
        lines.append(texts.ENTRY_PLACE.format(place))
    if note:
        lines.append(texts.ENTRY_NOTE.format(note))
    if photo:
        lines.append(texts.ENTRY_PHOTO)
    return lines


def service_list(catalogue: Catalogue) -> str:
    """The services and how to type them, for help and for "I did not understand"."""
    lines = []
    for spec in catalogue.active:
        typed = [spec.code, *[a for a in spec.aliases if a != spec.code][:2]]
        lines.append(f"• {spec.name}: {', '.join(typed)}")
    return "\n".join(lines)
