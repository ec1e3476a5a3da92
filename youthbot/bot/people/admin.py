"""Admins manage roles in Telegram: grant, revoke, list, and one-time invite codes."""

from __future__ import annotations

from ...core.cases import actions as case_actions
from ...core.errors import NotFound
from ...core.people import users
from ...core.people.roles import STAFF, Role
from ...i18n import N_, _, pgettext
from ..cases import staff_alerts
from ..runtime.router import Router
from ..runtime.turn import Turn, button, keyboard
from . import commands
from .actions import ROLE_LIST, ROLE_REVOKE

ROLE_NAMES = {
    Role.YOUNG: N_("young person"),
    Role.LEADER: N_("youth group leader"),
    Role.MODERATOR: N_("moderator"),
    Role.ADMIN: N_("admin"),
}
GRANTABLE = (Role.LEADER, Role.MODERATOR, Role.ADMIN)
ADMINS = {Role.ADMIN}


def role_name(role: str) -> str:
    return _(ROLE_NAMES.get(role, role))


def render_role_data(role: str) -> str | None:
    """What is kept about a person because of their role, whatever their age group (an
    under-14 leader is otherwise told that nothing about them is kept)."""
    if role == Role.LEADER:
        return _(
            "Because you are a youth group leader, whatever your age and even if you did not "
            "agree to the privacy notice, we keep your Telegram account (a number that "
            "identifies it) and your role, and the activities you register and report are kept "
            "with it as their organiser (young people never see who organises them). We keep "
            "this while you have the role; /delete_my_data deletes it."
        )
    if role in (Role.MODERATOR, Role.ADMIN):
        return _(
            "Because you are {role}, whatever your age and even if you did not agree to the "
            "privacy notice, we keep your Telegram account (a number that identifies it) and "
            "your role, and the cases you take and the activities you review are recorded with "
            "it. We keep this while you have the role; /delete_my_data deletes it."
        ).format(role=role_name(role))
    return None


def parse_role_args(args: list[str]) -> tuple[int, Role] | None:
    """`USER_ID ROLE` from a command's arguments, or None when malformed."""
    if len(args) != 2 or not args[0].lstrip("-").isdigit():
        return None
    try:
        role = Role(args[1].lower())
    except ValueError:
        return None
    return (int(args[0]), role) if role in GRANTABLE else None


async def grant(turn: Turn) -> None:
    """`/grant USER_ID leader|moderator|admin`: give someone a role."""
    parsed = parse_role_args(turn.context.args or [])
    if parsed is None:
        turn.reply(_("Write it like this: /grant 123456789 leader (or moderator, admin)."))
        return
    user_id, role = parsed
    await users.grant_role(
        turn.session, actor_id=turn.user_id, user_id=user_id, role=role,
        default_language=turn.settings.default_language, today=turn.today, now=turn.now,
    )
    await commands.refresh_after_change(turn, user_id)
    turn.reply(_("Done: {user_id} is now {role}.").format(user_id=user_id,
                                                          role=role_name(role)))


async def revoke(turn: Turn) -> None:
    """`/revoke USER_ID ROLE`: take a role away."""
    parsed = parse_role_args(turn.context.args or [])
    if parsed is None:
        turn.reply(_("Write it like this: /revoke 123456789 leader (or moderator, admin)."))
        return
    await revoke_and_reply(turn, *parsed)


async def list_roles(turn: Turn) -> None:
    """Everyone with a role, each with a button to revoke it."""
    staff = await users.list_staff(turn.session)
    if not staff:
        turn.reply(_("Nobody has a role yet. Use /grant or /invite."))
        return
    lines = [_("People with a role:")]
    rows = []
    for user_id, role in staff:
        lines.append(f"• {user_id}: {role_name(role)}")
        rows.append(button(_("Revoke {user_id} ({role})").format(
            user_id=user_id, role=role_name(role)), ROLE_REVOKE(user_id, Role(role))))
    turn.reply("\n".join(lines), keyboard(*rows))


async def press_revoke(turn: Turn, user_id: int, role: Role) -> None:
    """Revoke from the /roles list (the data is re-checked against the database)."""
    await revoke_and_reply(turn, user_id, role)


async def invite(turn: Turn) -> None:
    """`/invite leader|moderator`: a one-time code, valid for 7 days."""
    args = turn.context.args or []
    role = {"leader": Role.LEADER, "moderator": Role.MODERATOR}.get(
        args[0].lower() if args else "")
    if role is None:
        turn.reply(_("Write it like this: /invite leader (or /invite moderator)."))
        return
    code = (await users.create_invite(turn.session, role=role, created_by=turn.user_id,
                                      now=turn.now)).code
    link = f"https://t.me/{turn.bot.username}?start=inv_{code}"
    turn.reply(
        _("Invite code (role: {role}): {code}\nIt works once, for 7 days. Share this link: "
          "{link}\nor ask them to write /code {code} to the bot.").format(
            role=role_name(role), code=code, link=link),
        keyboard(button(pgettext("button", "People with a role"), ROLE_LIST())),
    )


async def press_list(turn: Turn) -> None:
    """An admin pressed "People with a role": the list, each with a revoke button."""
    await list_roles(turn)


def register(router: Router) -> None:
    """Register the admins' role commands and buttons."""
    router.command("grant", roles=ADMINS)(grant)
    router.command("revoke", roles=ADMINS)(revoke)
    router.command("roles", roles=ADMINS)(list_roles)
    router.button(ROLE_REVOKE, roles=ADMINS)(press_revoke)
    router.command("invite", roles=ADMINS)(invite)
    router.button(ROLE_LIST, roles=ADMINS)(press_list)
    router.turn_hooks.append(remember_handle)
    router.on_startup(commands.set_role_menus)


async def remember_handle(turn: Turn) -> None:
    """Keep the @username of someone holding a role, for reviewers (never a young person's)."""
    if turn.user is not None and turn.user.role != Role.YOUNG:
        await users.record_handle(
            turn.session, user=turn.user, handle=turn.update.effective_user.username,
            now=turn.now,
        )


async def revoke_and_reply(turn: Turn, user_id: int, role: Role) -> None:
    """Take one role away (the others stay); when the person is no longer staff, cases they
    held go back to the team."""
    try:
        user = await users.revoke_role(
            turn.session, actor_id=turn.user_id, user_id=user_id, role=role
        )
    except NotFound:
        text = _("{user_id} does not have the role {role}.")
    else:
        text = _("Done: {user_id} is no longer {role}.")
        if user.role not in STAFF and user_id not in turn.settings.admin_ids:
            # No longer on the team at all: the cases they held go back to it.
            released = await case_actions.release_claims(
                turn.session, moderator_ids=[user_id], now=turn.now
            )
            staff_alerts.hand_back_later(turn, released)
        await commands.refresh_after_change(turn, user_id)
    text = text.format(user_id=user_id, role=role_name(role))
    if turn.update.callback_query is not None:
        turn.answer(text, alert=True)
    turn.reply(text)
