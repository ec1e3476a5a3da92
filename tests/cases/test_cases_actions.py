"""The cases feature's buttons (the person's side and the staff chat's case card, its lists)
parse back with the types their router declared; a forged outcome or answer changes nothing."""

from __future__ import annotations

from buttons_support import parsed_actions
from cases.test_cases import clock, moderator, open_case, read_case  # noqa: F401 (fixtures)
from harness import STAFF_CHAT_ID, YOUNG, texts

from youthbot.bot.cases import actions
from youthbot.bot.runtime import callbacks
from youthbot.offline import ApiError

DECLARED = (
    actions.TALK, actions.END, actions.REOPEN, actions.FEEDBACK, actions.CLAIM, actions.VIEW,
    actions.REFER, actions.REFER_TO, actions.CARD, actions.NOTE, actions.HAND_OVER,
    actions.CLOSE, actions.CLOSE_WITH,
)


async def test_every_case_button_parses_with_its_declared_types(bot, clock, moderator):  # noqa: F811
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    await open_case(bot, YOUNG)
    person = bot.person(YOUNG)
    await person.send("Mi tío me grita todas las noches")
    await moderator.press("✋ Tomar", chat_id=STAFF_CHAT_ID)
    await moderator.press("📨 Derivar", chat_id=STAFF_CHAT_ID)
    await moderator.press("Línea 100", chat_id=STAFF_CHAT_ID)
    await moderator.press("✅ Cerrar", chat_id=STAFF_CHAT_ID)
    await moderator.press("Se ayudó", chat_id=STAFF_CHAT_ID)
    seen = parsed_actions(bot)  # the help.person button was packed by hand: it is in no view
    assert {action.name for action in DECLARED if action is not actions.TALK} <= seen


async def test_forged_outcomes_and_answers_change_nothing(bot, clock, moderator):  # noqa: F811
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    case = await open_case(bot, YOUNG)
    await moderator.press("✋ Tomar", chat_id=STAFF_CHAT_ID)
    card, _ = moderator.find_button("📄 Historial", chat_id=STAFF_CHAT_ID)
    forged_outcome = callbacks.pack("case.outcome", case.id, "solved")
    forged_answer = callbacks.pack("help.feedback", case.id, "maybe")
    for calls in (
        await moderator.press_data(forged_outcome, card),
        await bot.person(YOUNG).press_data(forged_answer),
    ):
        assert [c.method for c in calls] == ["answerCallbackQuery"]
        assert "Este botón ya no funciona" in calls[0].params.get("text", "")
    after = await read_case(bot)
    assert (after.status, after.outcome, after.feedback) == ("claimed", None, None)


async def test_a_reply_to_a_person_who_blocked_the_bot_is_reported_in_the_case_topic(
    bot, clock, moderator  # noqa: F811
):
    """Through the one door (bot/runtime/notify.py): the moderator's words do not reach a
    person who blocked the bot, and the case's topic says so; the turn still completes."""
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    case = await open_case(bot, YOUNG)
    await moderator.press("✋ Tomar", chat_id=STAFF_CHAT_ID)
    case = await read_case(bot)

    def refuse(method, params):
        if method == "sendMessage" and int(params["chat_id"]) == YOUNG.id:
            return ApiError(403, "Forbidden: bot was blocked by the user")
        return None

    bot.api.fail_for = refuse
    calls = await moderator.send(
        "¿Sigues ahí?", chat_id=STAFF_CHAT_ID, thread_id=case.staff_thread_id
    )
    assert texts(calls, STAFF_CHAT_ID) == [
        f"⚠️ {case.number}: no se pudo entregar el mensaje (quizá la persona bloqueó el bot)."
    ]
    assert all(isinstance(c.result, ApiError) for c in calls if c.chat_id == YOUNG.id)
    assert bot.errors == []
