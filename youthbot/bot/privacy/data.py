"""People's privacy tools: delete my data, quick exit, notification choices; and retention.

Others use `quick_exit_button()` on their screens (help adds it to every help screen).
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton
from telegram.ext import Application

from ...core import cases as case_service
from ...core import delivery as outbox
from ...core import privacy as privacy_service
from ...core import safety as safety_service
from ...core.people.roles import RANK
from ...core.safety import hold as hold_service
from ...i18n import N_, _, pgettext, speaking
from ..cases import notify as staff
from ..cases import staff_alerts
from ..help import views as help_views
from ..people.admin import role_name
from ..people.menu import show_settings
from ..people.views import menu_button
from ..runtime import notify
from ..runtime.router import Router
from ..runtime.turn import Turn, button, deps_of, keyboard
from ..safety.hold import QUICK_EXIT_COMMANDS
from ..safety.tracking import delete_messages, write_pending
from .actions import ASK_DELETE, DELETE, NOTIFY, QUICK_EXIT, Confirm, Notice
from .notices import send_untracked
from .retention import (  # noqa: F401 (run_retention and the purge: tests run them from here)
    _purge_short_lived,
    delete_staff_copies,
    run_retention,
    start_retention,
)
from .rights import build_privacy_item

logger = logging.getLogger(__name__)

QUICK_EXIT_NOTE = N_(
    "⚠️ {number}: the person used quick exit. Someone may be looking at their phone. Nothing "
    "reaches them until they write again: what you write now waits for them."
)
CASE_WITHDRAWN = N_(
    "Case {number} has ended: the person asked for all their data to be deleted. Its "
    "messages have been deleted, here too."
)


def quick_exit_button() -> InlineKeyboardButton:
    """The quick-exit button: clears the recent conversation from the person's phone."""
    return button(pgettext("button", "🚪 Quick exit"), QUICK_EXIT())


def quick_exit_buttons(turn: Turn) -> list[InlineKeyboardButton]:
    """For the help screens' extra buttons (see bot/help/views.py)."""
    return [quick_exit_button()]


# Quick exit ---------------------------------------------------------------------------------


async def clear_chat(turn: Turn) -> None:
    """Queue the deletion of this chat's messages of the last 48 hours (both sides)."""
    await write_pending(turn)
    ids = await safety_service.take_recent_messages(
        turn.session, chat_id=turn.chat_id, now=turn.now
    )
    await safety_service.forget_danger_notice(turn.session, user_id=turn.user_id)
    bot, chat_id = turn.bot, turn.chat_id
    turn.later(lambda: delete_messages(bot, chat_id, ids))


async def quick_exit(turn: Turn) -> None:
    """Delete the recent conversation, leave the conversation in progress, hold every message
    for the person until they write again (bot/safety/hold.py), say one neutral line; a moderator
    talking with the person is told their messages will wait."""
    await turn.clear_state()
    await clear_chat(turn)
    if turn.user is not None:
        hold_service.hold(turn.user, now=turn.now)
        # What was on its way to them (a moderator's reply) waits too, or is dropped.
        await outbox.hold_pending(turn.session, user_id=turn.user_id, now=turn.now)
    case = await case_service.find_open_case(turn.session, turn.user_id)
    if case is not None:
        with speaking(turn.deps.catalogs, turn.settings.default_language):
            staff.post_later(turn, case, _(QUICK_EXIT_NOTE).format(number=case.number))
    turn.reply(
        _("Hello! 👋 Write /start to begin.")
        + "\n\n"
        + _("Older messages: ⋮ → “Clear history”.")
    )


# Delete my data -----------------------------------------------------------------------------


def render_delete_question(turn: Turn) -> str:
    text = _(
        "Do you want to delete everything we keep about you? That is your language, age "
        "group, region, quiz answers and progress, the activities you joined, and any "
        "conversation with our team (it will be ended). This chat will be cleared too. This "
        "cannot be undone."
    )
    held = [role for role in RANK if role in turn.roles]
    if turn.user is not None and turn.user.role != "young" and held:
        text += "\n\n" + _("You will also lose your role: {role}.").format(
            role=", ".join(role_name(role) for role in held)
        )
    return text


async def delete_my_data(turn: Turn) -> None:
    """Forget the person everywhere, end their case, clear the chat, confirm in one line."""
    await turn.clear_state()
    await clear_chat(turn)
    forgotten = await privacy_service.forget_people(
        turn.session, user_ids=[turn.user_id], now=turn.now
    )
    if turn.user is not None:
        turn.session.expunge(turn.user)
        turn.user = None
    logger.info("a person deleted their data (%d case(s) withdrawn)", len(forgotten.withdrawn))
    deps, bot = turn.deps, turn.bot
    staff_chat = deps.settings.staff_chat_id
    if staff_chat is not None:
        with speaking(deps.catalogs, deps.settings.default_language):
            for number in forgotten.withdrawn:
                notify.staff(turn, staff_chat, _(CASE_WITHDRAWN).format(number=number))
    turn.later(lambda: delete_staff_copies(bot, forgotten.staff_copies, staff_chat))
    # a moderator's cases go back to the team
    staff_alerts.hand_back_later(turn, forgotten.released)
    text = _(
        "Done: everything we kept about you has been deleted. If you write to me again, "
        "we will start from the beginning."
    )
    turn.later(lambda: send_untracked(bot, turn.chat_id, text))


# Notifications ------------------------------------------------------------------------------


def build_announcements_button(turn: Turn) -> list[InlineKeyboardButton]:
    """Announcements: off unless the person turns them on; none for anonymous people."""
    if turn.anonymous:
        return []
    label = (
        pgettext("button", "🔔 Announcements: on")
        if turn.user.notify_announcements
        else pgettext("button", "🔕 Announcements: off")
    )
    return [button(label, NOTIFY(Notice.ANNOUNCEMENTS))]


def build_reminders_button(turn: Turn) -> list[InlineKeyboardButton]:
    """Reminders of the activities the person joined; none for anonymous people."""
    if turn.anonymous:
        return []
    label = (
        pgettext("button", "⏰ Activity reminders: on")
        if turn.user.notify_reminders
        else pgettext("button", "⏰ Activity reminders: off")
    )
    return [button(label, NOTIFY(Notice.REMINDERS))]


def build_delete_button(turn: Turn) -> list[InlineKeyboardButton]:
    return [button(pgettext("button", "🗑 Delete my data"), ASK_DELETE())]


# Handlers -----------------------------------------------------------------------------------


async def ask_delete(turn: Turn) -> None:
    """They sent /borrar: next, are they sure they want everything deleted?"""
    turn.reply(render_delete_question(turn), build_delete_keyboard())


async def press_delete(turn: Turn) -> None:
    """They pressed 🗑 Delete my data in the settings: next, are they sure?"""
    turn.edit(render_delete_question(turn), build_delete_keyboard())


async def confirm_delete(turn: Turn, answer: Confirm) -> None:
    """They answered: yes deletes everything, no changes nothing."""
    if answer is Confirm.YES:
        await delete_my_data(turn)
        return
    turn.edit(_("Nothing was deleted."), keyboard(menu_button()))


async def exit_command(turn: Turn) -> None:
    """They sent /salir: quick exit, the same as its button."""
    await quick_exit(turn)


async def press_exit(turn: Turn) -> None:
    """They pressed 🚪 Quick exit: the chat is cleared and held until they write again."""
    await quick_exit(turn)


async def toggle_notification(turn: Turn, notice: Notice) -> None:
    """They turned announcements or reminders on or off: next, the settings again."""
    if turn.anonymous:
        turn.stale()
        return
    if notice is Notice.ANNOUNCEMENTS:
        turn.user.notify_announcements = not turn.user.notify_announcements
    else:
        turn.user.notify_reminders = not turn.user.notify_reminders
    turn.answer(_("Saved."))
    show_settings(turn, edit=True)


async def offer_quick_exit_on_help(application: Application) -> None:
    """At start-up: every help screen gets the quick-exit button."""
    extras = deps_of(application).extras.setdefault(help_views.HELP_SCREEN_BUTTONS, [])
    if quick_exit_buttons not in extras:
        extras.append(quick_exit_buttons)


def register(router: Router) -> None:
    """Register delete-my-data, quick exit, notification settings and the retention jobs."""
    router.command("borrar", "delete_my_data")(ask_delete)
    router.button(ASK_DELETE)(press_delete)
    router.button(DELETE)(confirm_delete)
    router.command(*QUICK_EXIT_COMMANDS)(exit_command)
    router.button(QUICK_EXIT)(press_exit)
    router.button(NOTIFY)(toggle_notification)
    router.settings_items.append(build_announcements_button)
    router.settings_items.append(build_reminders_button)
    router.settings_items.append(build_privacy_item)  # 🔒 Privacy, 📋 My data (rights.py)
    router.settings_items.append(build_delete_button)
    router.on_startup(offer_quick_exit_on_help)
    router.on_startup(start_retention)


def build_delete_keyboard():
    return keyboard(
        [
            button(pgettext("button", "🗑 Yes, delete everything"), DELETE(Confirm.YES)),
            button(pgettext("button", "No, keep my data"), DELETE(Confirm.NO)),
        ]
    )
