"""Campaigns from the shell and the console: `youthbot campaign create NAME --qr out.png`
writes a PNG QR code that decodes to the printed link; `youthbot console --start c_CODE` opens
the bot as the link would; `stats campaigns` and `export campaigns` keep the small-cell rule."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from pathlib import Path

import zxingcpp
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select, update

from youthbot.config import Settings
from youthbot.console import run_console
from youthbot.db.engine import Database
from youthbot.db.models import Campaign

ENV_KEYS = ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "BOT_USERNAME", "TELEGRAM_API_BASE_URL")


def youthbot(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    clean.update(env)
    return subprocess.run([sys.executable, "-m", "youthbot", *args], cwd=cwd, env=clean,
                          capture_output=True, text=True, timeout=120)


async def _rows(url: str) -> list[Campaign]:
    db = Database(url)
    try:
        async with db.session() as session:
            return list((await session.scalars(select(Campaign))).all())
    finally:
        await db.dispose()


async def _set_counts(url: str, new: int, back: int) -> None:
    db = Database(url)
    try:
        async with db.session() as session:
            await session.execute(update(Campaign).values(arrivals_new=new, arrivals_back=back))
    finally:
        await db.dispose()


def test_create_writes_a_qr_code_that_decodes_to_the_link(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'ops.sqlite3'}"
    env = {"DATABASE_URL": url, "BOT_USERNAME": "@yvfc_bot"}
    made = youthbot("campaign", "create", "Charlas Puno", "--target", "help", "--qr",
                    str(tmp_path / "out.png"), cwd=tmp_path, env=env)
    assert made.returncode == 0, made.stderr
    (row,) = asyncio.run(_rows(url))
    link = f"https://t.me/yvfc_bot?start=c_{row.code}"
    assert made.stdout.strip() == link
    assert f"youthbot console --start c_{row.code}" in made.stderr
    (found,) = zxingcpp.read_barcodes(Image.open(tmp_path / "out.png"))
    assert found.text == link
    assert (row.name, row.target) == ("Charlas Puno", "help")

    asyncio.run(_set_counts(url, 3, 12))
    listed = youthbot("stats", "campaigns", "--csv", str(tmp_path / "c.csv"), cwd=tmp_path,
                      env=env)
    assert f"{row.code}\tCharlas Puno\thelp\t" in listed.stdout
    assert listed.stdout.rstrip().endswith("<5\t–\t15")
    assert "<5,–,15" in (tmp_path / "c.csv").read_text(encoding="utf-8-sig")
    exported = youthbot("export", "campaigns", "--format", "xlsx", "--out",
                        str(tmp_path / "c.xlsx"), cwd=tmp_path, env=env)
    assert exported.returncode == 0, exported.stderr
    sheet = load_workbook(tmp_path / "c.xlsx")["Campaigns"]
    assert [c.value for c in sheet[2]][4:] == ["<5", "–", "15"]


def test_create_refuses_what_it_cannot_make_and_writes_nothing(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'ops.sqlite3'}"
    env = {"DATABASE_URL": url, "BOT_USERNAME": "yvfc_bot"}
    no_name = youthbot("campaign", "create", "X", cwd=tmp_path,
                       env={"DATABASE_URL": url})
    assert no_name.returncode == 2 and "BOT_USERNAME" in no_name.stderr
    wrong = youthbot("campaign", "create", "X", "--target", "quiz:none", cwd=tmp_path, env=env)
    assert wrong.returncode == 2 and "no quiz none" in wrong.stderr
    bad = youthbot("campaign", "create", "X", "--target", "elsewhere", cwd=tmp_path, env=env)
    assert bad.returncode == 2 and "--target" in bad.stderr
    unpublished = youthbot("campaign", "poster", "7", cwd=tmp_path, env=env)
    assert unpublished.returncode == 2 and "not published" in unpublished.stderr
    assert asyncio.run(_rows(url)) == []


async def test_the_console_opens_the_bot_from_a_campaign_link(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'console.sqlite3'}"
    db = Database(url)
    from youthbot.core import campaigns
    from youthbot.db import migrate
    from youthbot.db.types import utcnow

    await migrate.upgrade(db)
    async with db.session() as session:
        code = (await campaigns.create(session, name="Feria", target=campaigns.Target("help"),
                                       now=utcnow())).code
    await db.dispose()
    out = io.StringIO()
    await run_console(Settings(_env_file=None, database_url=url), user_id=10001,
                      language_code="en", start_payload=f"c_{code}", stdin=io.StringIO(""),
                      out=out, files_dir=tmp_path / "files")
    shown = out.getvalue()
    assert f"> /start c_{code}\n" in shown
    assert "Hello! 👋 I am the Youth Voices for Change bot. Here is what the link is for" in shown
    (row,) = await _rows(url)
    assert (row.arrivals_new, row.arrivals_back) == (1, 0)
