"""What tests use to act as people and to look at what they saw: personas, the harness around
the real Application, and small readers of Bot API calls."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from youthbot.bot.runtime import callbacks
from youthbot.core.content import Content
from youthbot.core.people import users
from youthbot.core.people.roles import Role
from youthbot.db.engine import Database
from youthbot.db.types import utcnow
from youthbot.offline import Call, OfflineBotAPI, UpdateFactory, message_of

STAFF_CHAT_ID = -1001234567890
GROUP_CHAT_ID = -1009876543210
TOKEN = "123456:TEST-token-must-never-be-logged"


@dataclass(frozen=True)
class Persona:
    id: int
    first_name: str
    username: str
    language_code: str


# Names and usernames are distinctive so a test can grep logs and staff messages for them.
YOUNG = Persona(111111, "Anabela", "ana_secret_handle", "es")
YOUNG_EN = Persona(111112, "Samwise", "sam_secret_handle", "en")
FRIEND = Persona(111113, "Rosalind", "rosa_secret_handle", "es")
LEADER = Persona(222222, "Luisito", "luis_leader_handle", "es")
MODERATOR = Persona(333333, "Martina", "marta_mod_handle", "es")
ADMIN = Persona(444444, "Almudena", "alma_admin_handle", "es")
PERSONAS = (YOUNG, YOUNG_EN, FRIEND, LEADER, MODERATOR, ADMIN)


class BotHarness:
    """The real Application on the offline Bot API, with helpers to act and to look."""

    def __init__(self, application: Any, api: OfflineBotAPI, db: Database) -> None:
        self.app = application
        self.api = api
        self.db = db
        self.factory = UpdateFactory(application.bot)
        self.errors: list[BaseException] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        api.listeners.append(self._remember)

    @property
    def deps(self) -> Any:
        return self.app.bot_data["deps"]

    @property
    def router(self) -> Any:
        return self.app.bot_data["router"]

    def _remember(self, call: Call) -> None:
        message = message_of(call)
        if message is not None and "chat" in message:
            self.messages[(message["chat"]["id"], message["message_id"])] = message

    async def process(self, update: Any) -> list[Call]:
        """Process one update; return the Bot API calls it caused; fail on handler errors."""
        start = len(self.api.calls)
        await self.app.process_update(update)
        if self.errors:
            raise AssertionError(f"handler raised: {self.errors!r}") from self.errors[0]
        return self.api.calls[start:]

    def person(self, persona: Persona, *, language_code: str | None = None) -> Person:
        return Person(self, persona, language_code or persona.language_code)

    async def grant(self, persona: Persona, role: Role) -> None:
        async with self.db.session() as session:
            await users.grant_role(
                session,
                actor_id=None,
                user_id=persona.id,
                role=role,
                default_language=persona.language_code,
                today=utcnow().date(),
            )


class Person:
    """One persona talking to the bot in a private chat (or in a group, with `chat_id`)."""

    def __init__(self, harness: BotHarness, persona: Persona, language_code: str) -> None:
        self.harness = harness
        self.persona = persona
        self.language_code = language_code
        self.id = persona.id

    async def send(self, text: str, *, chat_id: int | None = None, **kwargs: Any) -> list[Call]:
        update = self.harness.factory.message(
            user_id=self.id,
            text=text,
            chat_id=chat_id,
            first_name=self.persona.first_name,
            username=self.persona.username,
            language_code=self.language_code,
            **kwargs,
        )
        return await self.harness.process(update)

    async def send_update(
        self, payload_extra: dict[str, Any], *, chat_id: int | None = None
    ) -> list[Call]:
        """A message with other content (photo, sticker, location…): `payload_extra` fields."""
        update = self.harness.factory.message(
            user_id=self.id,
            text=None,
            chat_id=chat_id,
            first_name=self.persona.first_name,
            username=self.persona.username,
            language_code=self.language_code,
            extra=payload_extra,
        )
        return await self.harness.process(update)

    def find_button(
        self, label: str | None = None, *, action: str | None = None, chat_id: int | None = None
    ) -> tuple[dict[str, Any], str]:
        """The newest message in the chat with a button of that label (or action)."""
        chat = self.id if chat_id is None else chat_id
        for (msg_chat, _id), message in reversed(list(self.harness.messages.items())):
            if msg_chat != chat:
                continue
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for item in row:
                    data = item.get("callback_data")
                    if data is None:
                        continue
                    if label is not None and item["text"] == label:
                        return message, data
                    if action is not None and data.split(callbacks.SEP)[1] == action:
                        return message, data
        raise AssertionError(f"no button {label or action!r} in chat {chat}")

    async def press(
        self, label: str | None = None, *, action: str | None = None, chat_id: int | None = None
    ) -> list[Call]:
        message, data = self.find_button(label, action=action, chat_id=chat_id)
        return await self.press_data(data, message)

    async def press_data(self, data: str, message: dict[str, Any] | None = None) -> list[Call]:
        """Press a button with arbitrary (possibly forged) data."""
        if message is None:
            message = {
                "message_id": 1,
                "date": 0,
                "chat": {"id": self.id, "type": "private"},
                "text": "…",
            }
        update = self.harness.factory.callback(
            user_id=self.id,
            data=data,
            message=message,
            first_name=self.persona.first_name,
            username=self.persona.username,
            language_code=self.language_code,
        )
        return await self.harness.process(update)

    async def onboard(self, age_band: str = "14-17") -> None:
        """/start, keep the offered language, agree, pick an age band: ready at the menu."""
        await self.send("/start")
        lang = self.language_code if self.language_code in ("es", "en", "pt") else "es"
        message, _data = self.find_button(action="lang.first")
        await self.press_data(callbacks.pack("lang.first", lang), message)
        message, _data = self.find_button(action="consent")
        await self.press_data(callbacks.pack("consent", 1), message)
        message, _data = self.find_button(action="age")
        await self.press_data(callbacks.pack("age", age_band), message)

    async def ask_for_a_person_in_danger(self) -> list[Call]:
        """/help, "I am in danger" (the numbers), then "talk to a person": an urgent case."""
        await self.send("/help")
        await self.press(action="help.danger")
        return await self.press(action="help.person")


def texts(calls: list[Call], chat_id: int | None = None) -> list[str]:
    """The texts shown to a chat (sent or edited), in order."""
    return [
        c.text
        for c in calls
        if (chat_id is None or c.chat_id == chat_id)
        and (c.method.startswith("send") or c.method.startswith("edit"))
        and c.text
    ]


def labels(calls: list[Call]) -> list[str]:
    """Button labels of the last call that carries a keyboard."""
    for call in reversed(calls):
        if call.buttons:
            return call.button_labels
    return []


_shipped: list[Content] = []


def content_for(settings: Any) -> Content | None:
    """The shipped content, read once per test session (~0.3 s a reading); each application
    gets its own copy of the record, so a test may swap its services or quizzes. Tests with
    their own CONTENT_DIR get None: build_application reads theirs."""
    if settings.content_dir is not None:
        return None
    if not _shipped:
        from youthbot.app import load_content

        _shipped.append(load_content(settings))
    return dataclasses.replace(_shipped[0])


async def start_harness(
    settings: Any, database: Database, api: OfflineBotAPI | None = None
) -> BotHarness:
    """A started Application on the offline Bot API whose handler errors are collected.

    Used by the `bot` fixture, and by tests that need a second one on the same database
    (a restart, or another replica). Stop it with `await harness.app.shutdown()`.
    """
    from youthbot.app import build_application
    from youthbot.offline import OfflineRequest

    api = api or OfflineBotAPI()
    application = build_application(
        settings, request=OfflineRequest(api), database=database, content=content_for(settings)
    )
    harness = BotHarness(application, api, database)

    async def collect(update: object, context: Any) -> None:
        harness.errors.append(context.error)

    application.add_error_handler(collect)
    await application.initialize()
    await application.post_init(application)
    return harness


def sample_args(types: tuple[type, ...]) -> list:
    """One valid value per declared callback argument type (for role and privacy sweeps)."""
    values: list[Any] = []
    for kind in types:
        if kind is int:
            values.append(1)
        elif isinstance(kind, type) and hasattr(kind, "__members__"):
            values.append(next(iter(kind)))
        else:
            values.append("x")
    return values
