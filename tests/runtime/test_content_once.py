"""The content files are read once when the bot starts, into a record of real types, and the
bot answers from that record (a typed shortcut, a danger word)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from harness import YOUNG, BotHarness, texts

from youthbot.app import build_application
from youthbot.core import content as core_content
from youthbot.core.help.directory import Service
from youthbot.core.people.shortcuts import Shortcuts
from youthbot.core.quiz.content import Quiz
from youthbot.core.regions import Country
from youthbot.core.safety.danger import DangerMatcher
from youthbot.offline import OfflineBotAPI, OfflineRequest

READERS = ("check_quizzes", "check_regions", "check_services", "check_danger_words",
           "load_shortcuts")


async def test_each_content_file_is_read_once_at_start(
    settings, database, monkeypatch: pytest.MonkeyPatch
):
    reads: Counter[str] = Counter()
    for name in READERS:
        original = getattr(core_content, name)

        def counting(*args: Any, _name: str = name, _original: Any = original, **kw: Any) -> Any:
            reads[_name] += 1
            return _original(*args, **kw)

        monkeypatch.setattr(core_content, name, counting)
    api = OfflineBotAPI()
    application = build_application(settings, request=OfflineRequest(api), database=database)
    assert reads == Counter({name: 1 for name in READERS})

    content = application.bot_data["deps"].content
    assert content.quizzes and all(isinstance(q, Quiz) for q in content.quizzes)
    assert content.services and all(isinstance(s, Service) for s in content.services)
    assert content.countries and all(isinstance(c, Country) for c in content.countries)
    assert isinstance(content.danger, DangerMatcher)
    assert isinstance(content.shortcuts, Shortcuts)

    await application.initialize()
    await application.post_init(application)
    harness = BotHarness(application, api, database)
    person = harness.person(YOUNG)
    await person.send("/start")
    calls = await person.send("ayuda")  # a shortcut, from the record read at start
    question = "🆘 Hiciste bien en pedir ayuda. Primero: ¿estás en peligro ahora mismo?"
    assert question in texts(calls)[0]  # after the emergency numbers
    assert reads == Counter({name: 1 for name in READERS})  # nothing read again
    await application.shutdown()
