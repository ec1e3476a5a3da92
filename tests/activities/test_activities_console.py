"""In the console a newcomer finds an online activity that starts soon, joins it and sees its
link (issue 19's "done when")."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from youthbot.config import Settings
from youthbot.console import run_console
from youthbot.db.engine import Database
from youthbot.db.models import Activity

ONBOARD = {"es": "1\n1\n2\n", "en": "2\n1\n2\n"}  # language, I agree, 14 to 17
WALK = {
    "es": ["/menu", "📅 Actividades", "🔎 Ver próximas actividades", "💻 En línea (1)", "1",
           "✅ Unirme"],
    "en": ["/menu", "📅 Activities", "🔎 Browse upcoming activities", "💻 Online (1)", "1",
           "✅ Join"],
}
LINK = "https://meet.example.org/charla"


async def console(settings: Settings, lang: str, lines: str) -> str:
    out = io.StringIO()
    await run_console(settings, user_id=10001, language_code=lang, stdin=io.StringIO(lines),
                      out=out)
    return out.getvalue()


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_a_newcomer_joins_an_online_activity_and_sees_its_link(tmp_path, lang):
    url = f"sqlite+aiosqlite:///{tmp_path}/console.sqlite3"
    settings = Settings(_env_file=None, database_url=url)
    await console(settings, lang, ONBOARD[lang])
    db = Database(url)
    now = datetime.now(UTC)  # the console runs on the real clock
    try:
        async with db.session() as session:
            session.add(Activity(
                status="approved", title="Charla en línea", kind="school_talk",
                pathway="children", starts_at=now + timedelta(minutes=30),
                ends_at=now + timedelta(hours=2), country="PE", online=True, online_link=LINK,
                description="Hablamos de cómo cuidarnos en internet.", group_name="Red Joven",
                expected=30, created_at=now, updated_at=now,
            ))
            await session.commit()
    finally:
        await db.dispose()
    shown = await console(settings, lang, "\n".join(WALK[lang]) + "\n")
    before, after = shown.split(f"> {WALK[lang][-1]}\n")
    assert LINK not in before  # not before joining
    join_first = {"es": "🔗 Únete para recibir el enlace", "en": "🔗 Join to get the link"}
    assert join_first[lang] in before
    link_line = {"es": "🔗 Enlace para participar: ", "en": "🔗 Link to take part: "}[lang] + LINK
    assert after.count(link_line) == 2  # on the activity, and in the reminder sent at once
    assert {"es": "Organiza: Red Joven", "en": "Organised by: Red Joven"}[lang] in after
