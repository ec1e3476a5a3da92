"""`youthbot console`: chat with the real Application in the terminal, offline.

Buttons are printed as `[N] label`; typing N (or the label) presses it. Works the same when the
input is a pipe, so a conversation can be scripted.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from typing import Any, TextIO

from telegram.ext import Application

from .app import build_application
from .config import Settings
from .offline import Call, OfflineBotAPI, OfflineRequest, UpdateFactory, message_of

QUIET_METHODS = {
    "getMe",
    "setMyCommands",
    "setMyShortDescription",
    "setMyDescription",
    "deleteWebhook",
    "getUpdates",
    "setChatMenuButton",
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
    ) -> None:
        self.application = application
        self.api = api
        self.user_id = user_id
        self.language_code = language_code
        self.out = out
        self.factory = UpdateFactory(application.bot)
        self.choices: list[Choice] = []

    async def handle(self, line: str) -> None:
        """Turn one line of input into an update, process it, print what the bot did."""
        line = line.strip()
        if not line:
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
        start = len(self.api.calls)
        await self.application.process_update(update)
        self.render(self.api.calls[start:])

    def _choice_for(self, line: str) -> Choice | None:
        if line.isdigit() and 1 <= int(line) <= len(self.choices):
            return self.choices[int(line) - 1]
        for choice in self.choices:
            if choice.label.casefold() == line.casefold():
                return choice
        return None

    def render(self, calls: list[Call]) -> None:
        new_choices: list[Choice] = []
        for call in calls:
            if call.method in QUIET_METHODS:
                continue
            self._print_call(call, new_choices)
        if new_choices:
            self.choices = new_choices
        self.out.flush()

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


async def run_console(
    settings: Settings,
    *,
    user_id: int,
    language_code: str,
    send_start: bool = True,
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
) -> None:
    api = OfflineBotAPI()
    application = build_application(settings, request=OfflineRequest(api))
    await application.initialize()
    await application.post_init(application)
    console = Console(application, api, user_id=user_id, language_code=language_code, out=out)
    interactive = stdin.isatty()
    out.write(
        "youthbot console: type a message or a /command; a number presses a button; "
        "Ctrl-D quits.\n"
    )
    try:
        if send_start:
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
