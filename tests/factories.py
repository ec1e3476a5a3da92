"""Test data that several test modules build: directory services."""

from __future__ import annotations

from datetime import date

from youthbot.core.help.directory import Channel, Service


def make_service(id: str = "pe-test", **changes: object) -> Service:
    """A visible, vetted national Peruvian service; `changes` override any field."""
    fields: dict[str, object] = dict(
        id=id,
        name={"es": id, "en": id},
        description={"es": "Ayuda.", "en": "Help."},
        topics=("sexual_exploitation",),
        countries=("PE",),
        regions=(),
        channels=(Channel("phone", "100"),),
        hours={"es": "24 horas", "en": "24 hours"},
        free=True,
        confidential=True,
        emergency=False,
        age_min=0,
        age_max=99,
        languages=("es",),
        vetted_by="tester",
        vetted_on=date(2026, 11, 1),
        review_due=date(2027, 5, 1),
        status="active",
        source="test",
    )
    fields.update(changes)
    return Service(**fields)  # type: ignore[arg-type]
