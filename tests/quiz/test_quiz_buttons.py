"""Every button the quiz views build parses back with the router's declared types."""

from __future__ import annotations

from buttons_support import built_actions
from harness import GROUP_CHAT_ID, LEADER, YOUNG
from test_quiz import open_and_start, play, quiz_by_id

from youthbot.bot.quiz import actions
from youthbot.core.people.roles import Role

ALL = (actions.LIST, actions.OPEN, actions.START, actions.ANSWER, actions.GROUP_START)


async def test_every_quiz_button_parses_back_with_its_declared_types(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    await open_and_start(person, "csec-basics")
    await play(person, quiz_by_id(bot, "csec-basics"))
    await bot.grant(LEADER, Role.LEADER)
    await bot.person(LEADER).send("/quiz", chat_id=GROUP_CHAT_ID)
    assert built_actions(bot, *ALL) == {action.name for action in ALL}
