"""Announcements: an admin writes one per language, chooses who gets it, previews, sends now
or schedules, watches and can stop it; people choose their region; blocking the bot."""

from __future__ import annotations

from telegram.ext import ChatMemberHandler

from ...i18n import N_
from ..runtime.router import Router
from . import actions
from .compose import (
    ADMINS,
    FLOW,
    ask_when,
    cancel_announcement,
    choose_audience,
    confirm_announcement,
    list_scheduled,
    on_my_chat_member,
    skip_language,
    start_announcement,
    stop_announcement,
    write_announcement,
)
from .place import build_place_button, choose_place


def register(router: Router) -> None:
    """Register the /announce form, its buttons and the handler of people blocking the bot."""
    router.command("announce", "anuncio", roles=ADMINS)(start_announcement)
    router.flow(FLOW)(write_announcement)
    router.form(FLOW, ADMINS, N_("You no longer have the admin role, so this form was closed. "
                                 "Your draft was removed."))
    router.button(actions.SKIP, roles=ADMINS)(skip_language)
    router.button(actions.SEND, roles=ADMINS)(confirm_announcement)
    router.button(actions.CANCEL, roles=ADMINS)(cancel_announcement)
    router.button(actions.STOP, roles=ADMINS)(stop_announcement)
    router.button(actions.AUDIENCE, roles=ADMINS)(choose_audience)
    router.button(actions.SCHEDULE, roles=ADMINS)(ask_when)
    router.command("scheduled", "programados", roles=ADMINS)(list_scheduled)
    router.button(actions.PLACE)(choose_place)
    router.settings_items.append(build_place_button)
    router.extra_handlers.append(
        ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )
