"""An offline Bot API: python-telegram-bot's HTTP layer replaced by an in-process fake.

Every call is recorded and answered the way Telegram would for the methods the bot uses, with
increasing message ids per chat. Nothing leaves the process. `youthbot console` and the tests
both run the real Application on it. Failures (429, 403, 400) can be scripted per method.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.constants import ReactionEmoji
from telegram.request import BaseRequest, RequestData

BOT_ID = 1000
BOT_USERNAME = "youthvoices_test_bot"


@dataclass
class Call:
    """One Bot API call: the method name and its parameters as Telegram would receive them."""

    method: str
    params: dict[str, Any]
    result: Any = None
    # Uploaded files by field name: (file name, content, MIME type), as PTB sends them.
    files: dict[str, tuple[str | None, bytes, str]] = field(default_factory=dict)

    @property
    def chat_id(self) -> int | None:
        chat = self.params.get("chat_id")
        return int(chat) if chat is not None and str(chat).lstrip("-").isdigit() else None

    @property
    def text(self) -> str:
        for key in ("text", "caption", "question"):
            if self.params.get(key):
                return str(self.params[key])
        return ""

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return markup.get("inline_keyboard", [])

    @property
    def button_labels(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]


@dataclass
class ApiError:
    """A scripted failure: HTTP status and Telegram's description (and retry_after for 429)."""

    status: int
    description: str
    retry_after: int | None = None


@dataclass
class OfflineBotAPI:
    """The fake server's state, shared by the request objects PTB uses."""

    calls: list[Call] = field(default_factory=list)
    # Benchmarks turn this off: a list of every call ever made grows without end.
    keep_calls: bool = True
    _message_ids: dict[int, itertools.count] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    failures: dict[str, list[ApiError]] = field(default_factory=dict)
    fail_for: Callable[[str, dict[str, Any]], ApiError | None] | None = None
    forum_chats: set[int] = field(default_factory=set)
    listeners: list[Callable[[Call], None]] = field(default_factory=list)

    def fail_next(self, method: str, error: ApiError, times: int = 1) -> None:
        self.failures.setdefault(method, []).extend([error] * times)

    def next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def handle(
        self, method: str, params: dict[str, Any], files: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, Any]]:
        pending = self.failures.get(method)
        error = pending.pop(0) if pending else None
        if error is None and self.fail_for is not None:
            error = self.fail_for(method, params)
        if error is None:
            error = _refusal(method, params)
        if error is not None:
            if self.keep_calls:
                self.calls.append(Call(method, params, error))
            body: dict[str, Any] = {
                "ok": False,
                "error_code": error.status,
                "description": error.description,
            }
            if error.retry_after is not None:
                body["parameters"] = {"retry_after": error.retry_after}
            return error.status, body
        result = self._answer(method, params)
        call = Call(method, params, result, dict(files or {}))
        if self.keep_calls:
            self.calls.append(call)
        for listener in self.listeners:
            listener(call)
        return 200, {"ok": True, "result": result}

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        chat_id = int(chat_id)
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "Person"}
        chat: dict[str, Any] = {"id": chat_id, "type": "supergroup", "title": "Group"}
        if chat_id in self.forum_chats:
            chat["is_forum"] = True
        return chat

    def _message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message = {
            "message_id": self.next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "YouthBot"},
        }
        for key in ("text", "caption", "reply_markup", "message_thread_id"):
            if params.get(key) is not None:
                message[key] = params[key]
        message.update(extra)
        return message

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        name = method.lower()
        if name == "getme":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "YouthBot",
                "username": BOT_USERNAME,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if name == "getupdates":
            return []
        if name == "sendpoll":
            return self._message(params, poll=self._poll(params))
        if name in {"sendphoto", "senddocument", "sendvoice", "sendvideo", "sendaudio"}:
            return self._message(params, **self._media(name, params))
        if name.startswith("send") or name in {"copymessage", "forwardmessage"}:
            if name == "copymessage":
                return {"message_id": self.next_message_id(int(params["chat_id"]))}
            return self._message(params)
        if name in {"editmessagetext", "editmessagereplymarkup", "editmessagecaption"}:
            if "inline_message_id" in params:
                return True
            message = self._message(params, edit_date=int(time.time()))
            message["message_id"] = int(params["message_id"])
            return message
        if name == "stoppoll":
            return self._poll(params, closed=True)
        if name == "createforumtopic":
            thread = next(self._ids) + 100
            return {"message_thread_id": thread, "name": params.get("name", ""), "icon_color": 0}
        if name == "getchat":
            # PTB 22.8's ChatFullInfo requires max_reaction_count (Bot API 7.x+).
            chat = self._chat(params["chat_id"])
            return {**chat, "accent_color_id": 0, "max_reaction_count": 11}
        if name == "getchatmember":
            return {
                "status": "member",
                "user": {"id": int(params["user_id"]), "is_bot": False, "first_name": "Person"},
            }
        if name == "getmycommands":
            return []
        if name == "getwebhookinfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True

    def _poll(self, params: dict[str, Any], closed: bool = False) -> dict[str, Any]:
        options = params.get("options") or []
        if isinstance(options, str):
            options = json.loads(options)
        texts = [o["text"] if isinstance(o, dict) else str(o) for o in options]
        poll = {
            "id": str(next(self._ids) + 5_000_000),
            "question": params.get("question", ""),
            # Bot API 9.6: options carry a persistent id; revoting and members_only are required.
            "options": [
                {"text": t, "voter_count": 0, "persistent_id": str(i)} for i, t in enumerate(texts)
            ],
            "total_voter_count": 0,
            "is_closed": closed,
            "is_anonymous": params.get("is_anonymous", True),
            "type": params.get("type", "regular"),
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }
        correct = params.get("correct_option_ids")
        if isinstance(correct, str):
            correct = json.loads(correct)
        if correct is None and params.get("correct_option_id") is not None:
            correct = [params["correct_option_id"]]
        if correct is not None:
            poll["correct_option_ids"] = [int(c) for c in correct]
        return poll

    def _media(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        file_id = f"offline-file-{next(self._ids)}"
        if name == "sendphoto":
            return {
                "photo": [{"file_id": file_id, "file_unique_id": file_id, "width": 1, "height": 1}]
            }
        return {"document": {"file_id": file_id, "file_unique_id": file_id}}

    # Reading what happened ---------------------------------------------------------------

    def sent_to(self, chat_id: int, method: str | None = None) -> list[Call]:
        return [
            c for c in self.calls if c.chat_id == chat_id and (not method or c.method == method)
        ]

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    def clear(self) -> None:
        self.calls.clear()


def _refusal(method: str, params: dict[str, Any]) -> ApiError | None:
    """What Telegram itself refuses of a call the bot makes: a reaction that is not one of
    the standard emoji, or more than one (a bot without Premium sets at most one)."""
    if method.lower() != "setmessagereaction":
        return None
    reactions = params.get("reaction") or []
    if isinstance(reactions, str):
        reactions = json.loads(reactions)
    allowed = {emoji.value for emoji in ReactionEmoji}
    if len(reactions) > 1 or any(
        r.get("type") != "emoji" or r.get("emoji") not in allowed for r in reactions
    ):
        return ApiError(400, "Bad Request: REACTION_INVALID")
    return None


class OfflineRequest(BaseRequest):
    """A PTB request class that answers from an OfflineBotAPI and never opens a socket."""

    def __init__(self, api: OfflineBotAPI) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rstrip("/").rsplit("/", 1)[-1]
        params = request_data.parameters if request_data is not None else {}
        files = request_data.multipart_data if request_data and request_data.contains_files else {}
        status, body = self.api.handle(api_method, dict(params), files)
        return status, json.dumps(body).encode()


# Update ids are recorded once handled (exactly-once updates), so every factory of a process
# shares one sequence, and each process starts past the previous one (a console session on
# the same database must not look like a repetition of the last).
_UPDATE_IDS = itertools.count(time.time_ns() // 1000)


@dataclass
class UpdateFactory:
    """Builds the updates Telegram would send, as PTB `Update` objects."""

    bot: Any
    _update_ids: itertools.count = field(default_factory=lambda: _UPDATE_IDS)
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(100_000))

    def _user(
        self, user_id: int, first_name: str, username: str | None, language_code: str | None
    ) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        return user

    def _chat(self, chat_id: int, first_name: str) -> dict[str, Any]:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": first_name}
        return {"id": chat_id, "type": "supergroup", "title": "Group"}

    def build(self, payload: dict[str, Any]) -> Any:
        from telegram import Update

        return Update.de_json({"update_id": next(self._update_ids), **payload}, self.bot)

    def message(
        self,
        *,
        user_id: int,
        text: str | None = None,
        chat_id: int | None = None,
        first_name: str = "Person",
        username: str | None = None,
        language_code: str | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
        edited: bool = False,
        extra: dict[str, Any] | None = None,
    ) -> Any:
        chat_id = user_id if chat_id is None else chat_id
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id, first_name),
            "from": self._user(user_id, first_name, username, language_code),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                length = len(text.split()[0]) if text.split() else 1
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        if reply_to is not None:
            message["reply_to_message"] = {
                "message_id": reply_to,
                "date": int(time.time()),
                "chat": self._chat(chat_id, first_name),
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "YouthBot"},
                "text": "…",
            }
        if extra:
            message.update(extra)
        if edited:
            message["edit_date"] = int(time.time())
            return self.build({"edited_message": message})
        return self.build({"message": message})

    def callback(
        self,
        *,
        user_id: int,
        data: str,
        message: dict[str, Any],
        first_name: str = "Person",
        username: str | None = None,
        language_code: str | None = None,
    ) -> Any:
        """A button press on `message` (a message dict as the bot sent it)."""
        query = {
            "id": str(next(self._update_ids) + 9_000_000),
            "from": self._user(user_id, first_name, username, language_code),
            "chat_instance": str(message["chat"]["id"]),
            "data": data,
            "message": message,
        }
        return self.build({"callback_query": query})

    def poll_answer(
        self,
        *,
        user_id: int,
        poll_id: str,
        option_ids: list[int],
        first_name: str = "Person",
        username: str | None = None,
    ) -> Any:
        return self.build(
            {
                "poll_answer": {
                    "poll_id": poll_id,
                    "user": self._user(user_id, first_name, username, None),
                    "option_ids": option_ids,
                    "option_persistent_ids": [str(i) for i in option_ids],
                }
            }
        )


def message_of(call: Call) -> dict[str, Any] | None:
    """The message dict Telegram returned for a send or edit call (what a button sits on)."""
    return call.result if isinstance(call.result, dict) and "message_id" in call.result else None
