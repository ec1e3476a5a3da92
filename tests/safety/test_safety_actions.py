"""The safety feature's buttons (check-in, quick exit, the hold's notice, the clearing guide)
parse back with the types their router declared."""

from __future__ import annotations

from buttons_support import parsed_actions
from harness import FRIEND, STAFF_CHAT_ID, YOUNG
from safety.test_quick_exit import claimed_case

from youthbot.bot.safety import actions


async def test_every_safety_button_parses_with_its_declared_types(bot):
    friend = bot.person(FRIEND)
    await friend.onboard()
    await friend.send("ya no puedo mas")  # the check-in: yes (with its category) and no
    person, moderator, case = await claimed_case(bot, YOUNG)
    await person.send("/settings")
    await person.press("🧹 Borrar este chat")  # the guide, with quick exit at hand
    await person.press("🚪 Salida rápida")
    await moderator.send("¿Sigues ahí?", chat_id=STAFF_CHAT_ID, thread_id=case.staff_thread_id)
    await person.send("/menu")  # the hold's notice: 👀 Show
    seen = parsed_actions(bot)
    declared = {
        actions.CHECKIN_YES, actions.CHECKIN_NO, actions.QUICK_EXIT, actions.SHOW_HELD,
        actions.CLEAR_GUIDE,
    }
    assert {action.name for action in declared} <= seen
