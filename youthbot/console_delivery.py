"""What `youthbot console` does besides printing messages: it keeps the files the bot sends (an
export, a chart) in a folder you can open, delivers announcements the way the running bot
does (so one written in the console reaches people and ends "delivered"), and shows reactions.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path

from telegram.ext import Application

from .offline import Call

DEFAULT_FILES_DIR = Path("youthbot-console-files")


class FileShelf:
    """Saves each file the bot uploads as `NNN-name` in one folder (made when first needed)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def save(self, call: Call) -> list[Path]:
        """The files of this call, written to the folder; their paths."""
        paths = []
        for field_name, (filename, content, mimetype) in call.files.items():
            if self.count == 0 and self.folder.is_dir():  # after an earlier session's files
                self.count = sum(1 for _ in self.folder.iterdir())
            self.count += 1
            name = _file_name(field_name, filename, mimetype, content)
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{self.count:03d}-{name}"
            path.write_bytes(content)
            paths.append(path)
        return paths


def describe_reaction(call: Call, *, mine: bool) -> str:
    """"(reacted to your message): 👌" for a setMessageReaction call."""
    reactions = call.params.get("reaction") or []
    if isinstance(reactions, str):
        reactions = json.loads(reactions)
    emoji = " ".join(r.get("emoji", "?") for r in reactions)
    which = "your message" if mine else f"message {call.params.get('message_id')}"
    return f"(reacted to {which}): {emoji}"


async def deliver_announcements(application: Application) -> bool:
    """Deliver whatever announcement is being sent, now, as `youthbot announce --deliver`
    does (the same worker, without its one-second gap between announcements); False when
    nothing was waiting."""
    from .bot.announce.outbox import AnnouncementSender
    from .bot.runtime.turn import deps_of
    from .core import announce

    deps = deps_of(application)
    sender = AnnouncementSender(
        application, gap_seconds=0, poll_seconds=0.2, progress_seconds=1.0
    )
    await sender.release_due()  # a scheduled one whose time came: as the running bot
    async with deps.db.session() as session:
        if not await announce.any_sending(session):
            return False
    await sender.run(until_idle=True)
    return True


# What a file without a usable name is, from its first bytes (a chart is sent as bare bytes).
SIGNATURES = {b"\x89PNG": ".png", b"\xff\xd8\xff": ".jpg", b"%PDF": ".pdf", b"PK\x03\x04": ".zip"}


def _file_name(field_name: str, filename: str | None, mimetype: str | None, content: bytes):
    """A bare name (never a path elsewhere) with an extension a file manager can open. PTB
    names a file sent without a name after its MIME type ("application.octet-stream")."""
    name = Path(filename or "").name
    if name and Path(name).suffix and name != (mimetype or "").replace("/", "."):
        return name
    sniffed = next((ext for magic, ext in SIGNATURES.items() if content.startswith(magic)), None)
    return field_name + (sniffed or mimetypes.guess_extension(mimetype or "") or ".bin")
