"""The privacy notice, short and complete, in the person's language: what other features show
(the short one at first contact, people/menu.py) and what /privacidad shows (the complete one).

What the notice says must match what the code keeps (core/privacy/mine.py, core/people/users.py)
and docs/safeguarding.md; tests/privacy/test_notice.py reads it against the database.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton

from ...config import Settings
from ...core.people import users
from ...core.privacy import INACTIVE_AFTER
from ...i18n import _, pgettext
from ..runtime.turn import button
from .actions import MY_DATA, NOTICE, PRIVACY


def inactive_months() -> int:
    return round(INACTIVE_AFTER.days / 30.4)


def render_short_notice(settings: Settings) -> str:
    """The notice at first contact (and when it changed): the essentials, then the question."""
    return _(
        "Before we start, how we look after you:\n\n"
        "• {org} runs this bot. We keep only what it needs: your Telegram account (a number "
        "that identifies it, not your name or phone number), your language and your age "
        "group. If you are 14 or older and agree, also the region you choose, your quiz "
        "progress and the activities you join.\n"
        "• Under 14, or if you say no: only your account and your language (and your age "
        "group, if you give it). Quizzes, activities and help still work.\n"
        "• If you ask to talk to a person, what you write is read by trained moderators of "
        "partner organisations, who do not see your name. It is deleted {days} days after the "
        "conversation ends.\n"
        "• Telegram stores this chat on its own servers, outside Peru.\n"
        "• See what we keep with /my_data, delete it with /delete_my_data. The complete "
        "notice: /privacy.\n\n"
        "Is that OK with you?"
    ).format(org=settings.org_name, days=settings.case_retention_days)


def render_full_notice(settings: Settings) -> str:
    """The complete notice: who, what and why, who receives what, how long, rights."""
    contact = (
        _("To ask anything about your data, write to {contact}.").format(
            contact=settings.privacy_contact
        )
        if settings.privacy_contact
        else _(
            "To ask anything about your data, ask the organisation that told you about this "
            "bot; the buttons below do the rest."
        )
    )
    days = settings.case_retention_days
    return "\n\n".join(
        [
            _("📄 Privacy notice (version {version})").format(version=users.CONSENT_VERSION),
            _("Who runs this bot").upper()
            + "\n"
            + _("{org} runs this bot.").format(org=settings.org_name)
            + " "
            + contact,
            _("What we keep, and why").upper()
            + "\n"
            + _(
                "• Everyone: your Telegram account (a number that identifies it, not your "
                "name, username or phone number), your language, the days you first and last "
                "used the bot, and your answer to this notice, so that we talk to you in your "
                "language and know what you agreed to.\n"
                "• Your age group, if you give it: under-14s are kept anonymous.\n"
                "• Only if you agree and are 14 or older: the region you choose (to show "
                "services and activities near you), your quiz answers, progress and badge, "
                "the activities you join (to remind you), and your choice about announcements.\n"
                "• Under 14, or without your agreement: nothing more. You can play quizzes, "
                "but we do not keep your answers or your progress.\n"
                "• At any age, if you ask to talk to a person: the conversation, with a case "
                "number, its topic, the region you chose for it and your age group, so that "
                "our team can help you.\n"
                "• Youth group leaders, moderators and admins: their role, and what they "
                "register, report or review.\n"
                "• For a short time: the ids of this chat's messages of the last 48 hours (so "
                "that 🚪 Quick exit can delete them), that a safety message was shown to you "
                "(10 minutes, not what you wrote), our team's messages waiting after a quick "
                "exit, and where you are in a form."
            ),
            _("Who receives what").upper()
            + "\n"
            + _(
                "• Moderators, trained staff of partner organisations, read the conversations "
                "you have with them. They see a case number, not your name, username or phone "
                "number, unless you tell them.\n"
                "• The programme's coordinators see only totals (how many, never who).\n"
                "• Telegram carries and stores every message of this chat on its own servers, "
                "outside Peru, under its own privacy policy.\n"
                "• Nobody else: we do not sell or give your data to anyone."
            ),
            _("How long").upper()
            + "\n"
            + _(
                "• Conversations with our team: deleted {days} days after they end. A "
                "conversation nobody writes in for {days} days ends.\n"
                "• Everything else: until you delete it, or after {months} months without "
                "using the bot.\n"
                "• Totals without names (how many answered a question, how many asked for help "
                "about each topic) are kept."
            ).format(days=days, months=inactive_months()),
            _("Your rights").upper()
            + "\n"
            + _(
                "• See everything we keep about you: /my_data.\n"
                "• Correct your age group or region: ⚙️ Settings → 🔒 Privacy.\n"
                "• Withdraw your agreement without deleting your account: ⚙️ Settings → "
                "🔒 Privacy. We then delete your quiz answers and the activities you joined.\n"
                "• Delete everything: /delete_my_data.\n"
                "• If you think we handled your data wrongly, you can complain to the data "
                "protection authority: {authority}."
            ).format(authority=settings.data_authority),
        ]
    )


def notice_button() -> InlineKeyboardButton:
    return button(pgettext("button", "📄 Privacy notice"), NOTICE())


def my_data_button() -> InlineKeyboardButton:
    return button(pgettext("button", "📋 My data"), MY_DATA())


def privacy_button() -> InlineKeyboardButton:
    return button(pgettext("button", "🔒 Privacy"), PRIVACY())
