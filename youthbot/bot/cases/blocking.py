"""Flag and block the account behind a case, from its card; list and lift blocks.

A moderator flags (🚩, with a reason); an admin blocks (⛔, with a reason): its open case
closes, it cannot open another, and the person is told calmly that the emergency numbers and
the services are still there for them. Roles are checked on the server at each step (the
router for the buttons, and again here for blocking); staff see case numbers, never who.
"""

from __future__ import annotations

from ...core import help as help_service
from ...core.cases import blocks
from ...core.people.roles import Role
from ...i18n import N_, _, pgettext, speaking
from ..help.views import screen_buttons
from ..people.views import help_button
from ..runtime.turn import Turn, button, keyboard
from . import notify as staff
from . import views as shared_views
from .actions import BLOCK_AS, CARD, FLAG_AS, FlagReason
from .staff_views import case_of, staff_language, staff_or_admin_private, staff_text

REASON_LABELS = {
    FlagReason.PRANK: N_("Prank or not serious"),
    FlagReason.ABUSIVE: N_("Abusive to staff"),
    FlagReason.ADULT: N_("An adult posing as a child"),
}


def _card_keyboard(turn: Turn, case) -> object:
    with speaking(turn.deps.catalogs, staff_language(turn.deps, case)):
        return shared_views.build_case_keyboard(case)


def _reason_keyboard(turn: Turn, case, action) -> object:
    with speaking(turn.deps.catalogs, staff_language(turn.deps, case)):
        rows = [button(_(label), action(case.id, reason)) for reason, label in
                REASON_LABELS.items()]
        rows.append(button(pgettext("button", "⬅️ Back"), CARD(case.id)))
    return keyboard(*rows)


async def ask_flag_reason(turn: Turn, case_id: int) -> None:
    """🚩 Flag: why is this account a problem? (moderators)"""
    case = await case_of(turn, case_id)
    if case is None:
        return
    text = staff_text(turn, case=case, render=lambda: _(
        "🚩 Why do you flag the account behind {number}? Admins see the flags and decide on a "
        "block; the person is not told."
    ).format(number=case.number))
    staff.post_later(turn, case, text, _reason_keyboard(turn, case, FLAG_AS))


async def flag_account(turn: Turn, case_id: int, reason: FlagReason) -> None:
    """A reason was chosen: the account is flagged (audited) and the team is told."""
    case = await case_of(turn, case_id)
    if case is None:
        return
    try:
        count = await blocks.flag_account(
            turn.session, case=case, moderator_id=turn.user_id, reason=reason, now=turn.now
        )
    except blocks.NoAccount:
        turn.answer(_("This person deleted their data: there is no account to flag."),
                    alert=True)
        return
    name = turn.update.effective_user.first_name
    turn.edit(staff_text(turn, case=case, render=lambda: _(
        "🚩 {number} flagged by {name}: {reason} (flags on this account: {count}). An admin can "
        "block it with ⛔ Block on the card."
    ).format(number=case.number, name=name, reason=_(REASON_LABELS[reason]), count=count)),
        _card_keyboard(turn, case))  # the case's buttons at hand again


def _admin(turn: Turn) -> bool:
    """Whether the person pressing may block; if not, they are told to flag instead."""
    if turn.holds({Role.ADMIN}):
        return True
    turn.answer(_("Only an admin can block an account. Flag it with 🚩 instead."), alert=True)
    return False


async def ask_block_reason(turn: Turn, case_id: int) -> None:
    """⛔ Block: admins only; why? (the next press blocks)"""
    if not _admin(turn):
        return
    case = await case_of(turn, case_id)
    if case is None:
        return
    flags = await blocks.flags_of(turn.session, case.user_id)
    text = staff_text(turn, case=case, render=lambda: _(
        "⛔ Block the account behind {number} (flags so far: {count})? It will not be able to "
        "open cases and its open case closes. It still gets the emergency numbers and the "
        "services. Choose why; /unblock {number} undoes it."
    ).format(number=case.number, count=flags))
    staff.post_later(turn, case, text, _reason_keyboard(turn, case, BLOCK_AS))


async def block_account(turn: Turn, case_id: int, reason: FlagReason) -> None:
    """An admin chose why: the account is blocked (audited), the person told calmly."""
    if not _admin(turn):  # checked again: a button can be pressed by anyone there
        return
    case = await case_of(turn, case_id)
    if case is None:
        return
    try:
        changed = await blocks.block_account(
            turn.session, case=case, admin_id=turn.user_id, reason=reason, now=turn.now
        )
    except blocks.NoAccount:
        turn.answer(_("This person deleted their data: there is no account to block."),
                    alert=True)
        return
    if not changed:
        turn.answer(_("This account is already blocked."), alert=True)
        return
    turn.edit(staff_text(turn, case=case, render=lambda: _(
        "⛔ The account behind {number} is blocked: {reason}. Its messages no longer reach the "
        "team and it cannot open cases; it still gets the emergency numbers. /unblock {number} "
        "undoes it."
    ).format(number=case.number, reason=_(REASON_LABELS[reason]))), _card_keyboard(turn, case))
    staff.refresh_card_later(turn, case)
    lines = await help_service.emergency_lines(
        turn.session, turn.deps.content.services, country=case.country, today=turn.today
    )
    staff.tell_person_later(turn, case, lambda: (
        render_blocked(shared_views.render_emergency_lines(lines, case.language)),
        keyboard(help_button()),
    ))


def render_blocked(lines: str) -> str:
    """What a blocked person reads: calm, no blame, and where help still is."""
    return _(
        "Conversations with our team are paused for this account. You can still use the "
        "quizzes and activities, and 🆘 Get help always shows you the services near you.\n\n"
        "If you are in danger or need help now, these lines answer:"
    ) + "\n\n" + lines


async def refuse_blocked(turn: Turn) -> None:
    """A blocked person asked for a person: the calm answer, the numbers and the services."""
    lines = await help_service.emergency_lines(
        turn.session, turn.deps.content.services, country=turn.country, today=turn.today
    )
    turn.reply(
        render_blocked(shared_views.render_emergency_lines(lines, turn.language)),
        keyboard([help_button(), *screen_buttons(turn)]),
    )


async def list_blocked(turn: Turn) -> None:
    """/blocked: the blocked accounts by case number, reason and date (never who)."""
    if not staff_or_admin_private(turn):
        return
    found = await blocks.blocked_accounts(turn.session)
    if not found:
        turn.reply(_("No account is blocked."))
        return
    lines = [_("Blocked accounts (by the case they were blocked from):")]
    for item in found:
        lines.append(_("{number} · {reason} · {when} · flags: {count}").format(
            number=item.case_number, reason=_(REASON_LABELS.get(item.reason, item.reason)),
            when=turn.translator.format_date(item.at, "short"), count=item.flags,
        ))
    lines.append(_("/unblock NUMBER lifts a block."))
    turn.reply("\n".join(lines))


async def unblock(turn: Turn) -> None:
    """/unblock C-XXXX: admins lift a block (audited); the person may open cases again."""
    if not staff_or_admin_private(turn):
        return
    parts = turn.text.split()
    number = parts[1].upper() if len(parts) == 2 else ""
    if not number:
        turn.reply(_("Write /unblock and the case number, for example /unblock C-AB12."))
        return
    try:
        await blocks.unblock_account(
            turn.session, case_number=number, admin_id=turn.user_id, now=turn.now
        )
    except blocks.NotBlocked:
        turn.reply(_("No account is blocked from {number}. /blocked lists the blocks.").format(
            number=number))
        return
    turn.reply(_("✅ The account behind {number} is unblocked: it can open cases again.").format(
        number=number))

