"""Announcements: an admin writes one per language, previews, sends, watches and can stop it;
people blocking and unblocking the bot."""

from __future__ import annotations

from telegram.ext import ChatMemberHandler

from ...i18n import N_
from ..runtime.router import Router
from . import actions
from .compose import (
    ADMINS,
    FLOW,
    cancel_announcement,
    confirm_announcement,
    on_my_chat_member,
    skip_language,
    start_announcement,
    stop_announcement,
    write_announcement,
)


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
    router.extra_handlers.append(
        ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )
