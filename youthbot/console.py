"""`youthbot console`: chat with the real Application in the terminal, offline.

Buttons are printed as `[N] label`; typing N (or the label) presses it. Works the same when the
input is a pipe, so a conversation can be scripted.

A staff chat is simulated too (STAFF_CHAT_ID, or a made-up one; it has forum topics). What
reaches it is printed as `staff chat [topic T]: …`. With `--moderator [ID]` you can also act
there as a moderator: `/staff TEXT` writes TEXT in the newest case topic (`/staff /note …`
sends a command there), and the staff chat's buttons are printed as `[sN] label`: typing `sN`
presses one as the moderator.

Files the bot sends (an export, a chart) are saved in a folder (`--files`) and their paths
printed; announcements are delivered at once, as the running bot would.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from telegram.ext import Application

from .app import build_application
from .config import Settings
from .console_delivery import (
    DEFAULT_FILES_DIR,
    FileShelf,
    deliver_announcements,
    describe_reaction,
)
from .console_start import ensure_role, known_state, welcome_back
from .core.people.roles import Role
from .offline import Call, OfflineBotAPI, OfflineRequest, UpdateFactory, message_of

CONSOLE_STAFF_CHAT_ID = -1000000000001
STAFF_PREFIX = "/staff"
QUIET_METHODS = {
    "getMe",
    "setMyCommands",
    "deleteMyCommands",
    "setMyShortDescription",
    "setMyDescription",
    "deleteWebhook",
    "getUpdates",
    "setChatMenuButton",
    "getChat",
}


@dataclass
class Choice:
    label: str
    data: str
    message: dict[str, Any]


class Console:
    """Drives one simulated person's private chat (and shows what reaches other chats)."""

    def __init__(
        self,
        application: Application,
        api: OfflineBotAPI,
        *,
        user_id: int,
        language_code: str,
        out: TextIO,
        staff_chat_id: int | None = None,
        moderator_id: int | None = None,
        files: FileShelf | None = None,
    ) -> None:
        self.application = application
        self.api = api
        self.user_id = user_id
        self.language_code = language_code
        self.out = out
        self.factory = UpdateFactory(application.bot)
        self.choices: list[Choice] = []
        self.staff_chat_id = staff_chat_id
        self.moderator_id = moderator_id
        self.staff_choices: list[Choice] = []
        self.staff_thread: int | None = None
        self.files = files or FileShelf(DEFAULT_FILES_DIR)

    async def handle(self, line: str) -> None:
        """Turn one line of input into an update, process it, print what the bot did."""
        line = line.strip()
        if not line:
            return
        if self._is_staff_line(line):
            update = self._staff_update(line)
            if update is not None:
                await self._process(update, staff=True)
            return
        choice = self._choice_for(line)
        if choice is not None:
            update = self.factory.callback(
                user_id=self.user_id,
                data=choice.data,
                message=choice.message,
                first_name="You",
                language_code=self.language_code,
            )
        else:
            update = self.factory.message(
                user_id=self.user_id, text=line, first_name="You", language_code=self.language_code
            )
        await self._process(update)

    async def _process(self, update: Any, *, staff: bool = False) -> None:
        start = len(self.api.calls)
        await self.application.process_update(update)
        self.render(self.api.calls[start:], staff=staff)
        await self.deliver_announcements()

    async def deliver_announcements(self) -> None:
        """An announcement confirmed (here or by `youthbot announce`) is delivered now."""
        start = len(self.api.calls)
        if await deliver_announcements(self.application):
            self.out.write("(announcements: delivering, as the running bot does)\n")
            self.render(self.api.calls[start:])

    def _is_staff_line(self, line: str) -> bool:
        """`/staff …` always; `sN` when acting as a moderator (a button that does not exist
        is then a typo to point out, not the young person's message)."""
        if line == STAFF_PREFIX or line.startswith(STAFF_PREFIX + " "):
            return True
        return self.moderator_id is not None and line[:1] == "s" and line[1:].isdigit()

    def _staff_update(self, line: str) -> Any:
        """The moderator's update in the staff chat for a staff line, or None after a hint."""
        if self.moderator_id is None:
            self.out.write("  (start the console with --moderator to act in the staff chat)\n")
            return None
        if not line.startswith(STAFF_PREFIX):
            if not 1 <= int(line[1:]) <= len(self.staff_choices):
                shown = len(self.staff_choices)
                self.out.write(
                    f"  (there is no staff button {line}: "
                    + (f"they are s1 to s{shown}" if shown else "none is shown now")
                    + "; nothing was sent)\n"
                )
                return None
            choice = self.staff_choices[int(line[1:]) - 1]
            return self.factory.callback(
                user_id=self.moderator_id, data=choice.data, message=choice.message,
                first_name="Moderator",
            )
        text = line[len(STAFF_PREFIX):].strip()
        if not text:
            self.out.write("  (write: /staff TEXT)\n")
            return None
        return self.factory.message(
            user_id=self.moderator_id, text=text, chat_id=self.staff_chat_id,
            thread_id=self.staff_thread, first_name="Moderator",
        )

    def _choice_for(self, line: str) -> Choice | None:
        if line.isdigit() and 1 <= int(line) <= len(self.choices):
            return self.choices[int(line) - 1]
        for choice in self.choices:
            if choice.label.casefold() == line.casefold():
                return choice
        return None

    def render(self, calls: list[Call], *, staff: bool = False) -> None:
        new_choices: list[Choice] = []
        new_staff: list[Choice] = []
        for call in calls:
            if call.method in QUIET_METHODS:
                continue
            if staff and call.method == "answerCallbackQuery":
                if call.params.get("text"):
                    self.out.write(f"staff chat (notice to you): {call.params['text']}\n")
                continue
            if self.staff_chat_id is not None and call.chat_id == self.staff_chat_id:
                self._print_staff_call(call, new_staff)
                continue
            self._print_call(call, new_choices)
        if new_choices:
            self.choices = new_choices
        if new_staff:
            self.staff_choices = new_staff
        self.out.flush()

    def _print_staff_call(self, call: Call, choices: list[Choice]) -> None:
        """What the staff chat receives; its buttons are `[sN]` when acting as a moderator."""
        write = self.out.write
        if not isinstance(call.result, dict | bool | list):
            write(f"  (Telegram refused {call.method} in the staff chat)\n")
            return
        if call.method == "createForumTopic":
            self.staff_thread = call.result["message_thread_id"]
            write(f"staff chat: (new topic {self.staff_thread}: {call.params.get('name')})\n")
            return
        thread = call.params.get("message_thread_id")
        if thread is not None:
            self.staff_thread = int(thread)
        where = f"staff chat [topic {thread}]" if thread is not None else "staff chat"
        if call.method.startswith("edit"):
            write(f"{where} (edited message {call.params.get('message_id')}): {call.text}\n")
        elif call.method.startswith("send"):
            write(f"{where}: {call.text}\n")
        else:
            return
        message = message_of(call)
        for row in call.buttons:
            for item in row:
                if self.moderator_id is not None and message is not None and (
                    "callback_data" in item
                ):
                    choices.append(Choice(item["text"], item["callback_data"], message))
                    write(f"  [s{len(choices)}] {item['text']}\n")
                else:
                    write(f"  [·] {item['text']}\n")

    def _print_call(self, call: Call, choices: list[Choice]) -> None:
        write = self.out.write
        if not isinstance(call.result, dict | bool | list):
            write(f"  (Telegram refused {call.method})\n")
            return
        mine = call.chat_id in (None, self.user_id)
        prefix = "bot" if mine else f"bot → chat {call.chat_id}"
        method = call.method
        if method == "answerCallbackQuery":
            if call.params.get("text"):
                write(f"{prefix} (notice): {call.params['text']}\n")
            return
        if method in {"deleteMessage", "deleteMessages"}:
            ids = call.params.get("message_ids") or [call.params.get("message_id")]
            write(f"{prefix}: (deleted message {', '.join(str(i) for i in ids)})\n")
            return
        if method.startswith("edit"):
            write(f"{prefix} (edited message {call.params.get('message_id')}): {call.text}\n")
        elif method == "sendPoll":
            write(f"{prefix} (quiz poll): {call.text}\n")
            for option in call.params.get("options", []):
                text = option["text"] if isinstance(option, dict) else option
                write(f"    ( ) {text}\n")
        elif method in {"sendPhoto", "sendDocument"}:
            write(f"{prefix} ({'photo' if method == 'sendPhoto' else 'file'}): {call.text}\n")
            for path in self.files.save(call):
                write(f"  saved: {path}\n")
        elif method == "setMessageReaction":
            write(f"{prefix} {describe_reaction(call, mine=mine)}\n")
        elif method.startswith("send") or method == "copyMessage":
            write(f"{prefix}: {call.text}\n")
        else:
            return
        message = message_of(call)
        for row in call.buttons:
            for item in row:
                if "url" in item:
                    write(f"  [link] {item['text']} → {item['url']}\n")
                elif mine and message is not None and "callback_data" in item:
                    choices.append(Choice(item["text"], item["callback_data"], message))
                    write(f"  [{len(choices)}] {item['text']}\n")
                else:
                    write(f"  [·] {item['text']}\n")


async def grant_console_moderator(application: Application, moderator_id: int) -> None:
    """Give the console's moderator the role, in the console's own database."""
    await ensure_role(application, moderator_id, Role.MODERATOR, unless=(Role.ADMIN,))


async def run_console(
    settings: Settings,
    *,
    user_id: int,
    language_code: str,
    send_start: bool = True,
    start_payload: str | None = None,
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
    moderator_id: int | None = None,
    files_dir: Path = DEFAULT_FILES_DIR,
    role: Role | None = None,
    database_note: str = "",
) -> None:
    """`send_start`: send /start to someone the database does not know yet (someone it
    knows is welcomed back where they were instead)."""
    api = OfflineBotAPI()
    if settings.staff_chat_id is None:
        settings = settings.model_copy(update={"staff_chat_id": CONSOLE_STAFF_CHAT_ID})
    api.forum_chats.add(settings.staff_chat_id)
    application = build_application(settings, request=OfflineRequest(api))
    await application.initialize()
    await application.post_init(application)
    known, flow = await known_state(application, user_id)
    granted = role is not None and await ensure_role(application, user_id, role)
    if moderator_id is not None:
        await grant_console_moderator(application, moderator_id)
    console = Console(
        application,
        api,
        user_id=user_id,
        language_code=language_code,
        out=out,
        staff_chat_id=settings.staff_chat_id,
        moderator_id=moderator_id,
        files=FileShelf(files_dir),
    )
    interactive = stdin.isatty()
    out.write(
        database_note
        + "youthbot console: type a message or a /command; a number presses a button; "
        "Ctrl-D quits.\n"
        f"Files the bot sends are saved in {files_dir}.\n"
    )
    if role is not None:
        out.write(
            f"You are user {user_id}, {role} in this database"
            + (" (granted now; `youthbot roles revoke` takes it back).\n" if granted else ".\n")
        )
    if moderator_id is not None:
        out.write(
            f"You are also moderator {moderator_id} in the staff chat: '/staff TEXT' writes in "
            "the newest case topic, 'sN' presses staff button N.\n"
        )
    try:
        await console.deliver_announcements()  # queued with `youthbot announce` meanwhile
        if start_payload:
            out.write(f"> /start {start_payload}\n")
            await console.handle(f"/start {start_payload}")
        elif send_start and known:
            out.write(welcome_back(user_id, flow))
        elif send_start:
            out.write("> /start\n")
            await console.handle("/start")
        loop = asyncio.get_running_loop()
        while True:
            out.write("> ")
            out.flush()
            line = await loop.run_in_executor(None, stdin.readline)
            if not line:
                out.write("\n")
                break
            if not interactive:
                out.write(line if line.endswith("\n") else line + "\n")
            await console.handle(line)
    finally:
        await application.post_shutdown(application)
        await application.shutdown()
