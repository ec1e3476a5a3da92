"""The router: buttons, commands and text flows of every feature, and the PTB callbacks that
validate an update (callback data, chat, role) and hand it to its handler in a turn."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.constants import ChatType
from telegram.ext import Application, filters

from ...config import Settings
from ...core.people import users
from ...core.people.roles import Role, is_allowed
from ...i18n import _
from . import callbacks
from .turn import BotContext, Turn, TurnHandler, run_turn

logger = logging.getLogger(__name__)

PRIVATE, GROUP, STAFF, ANY = "private", "group", "staff", "any"
# Groups other than the staff group: where nothing personal may ever be posted.
PUBLIC_GROUP = "public-group"


@dataclass(frozen=True)
class Route:
    action: str
    fn: TurnHandler
    arg_types: tuple[type, ...]
    roles: frozenset[Role] | None
    chats: str


@dataclass(frozen=True)
class FormRoles:
    """Who may be in a form (a flow, or some of its steps), and what they are told when a
    role they lost closes it (a whole sentence, marked with N_)."""

    roles: frozenset[Role]
    closed: str


@dataclass(frozen=True)
class CommandRoute:
    names: tuple[str, ...]
    fn: TurnHandler
    roles: frozenset[Role] | None
    chats: str


def router_of(context: BotContext) -> Router:
    """The Application's router, kept in bot_data next to the dependencies (not in them)."""
    return context.bot_data["router"]


class Router:
    """Buttons, commands and text flows of every feature, registered explicitly at build."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.commands: list[CommandRoute] = []
        self.flows: dict[str, TurnHandler] = {}
        self.interceptors: list[TurnHandler] = []
        # Checks run on an edited private message (nothing else sees edits).
        self.edit_checks: list[TurnHandler] = []
        self.startup: list[Callable[[Application], Awaitable[None]]] = []
        # Follow-ups of outbox messages, by name (bot/runtime/delivery.py).
        self.after_send: dict[str, Callable[..., Awaitable[None]]] = {}
        self.fallback: TurnHandler | None = None
        # Answers text that arrives long after a form was left (users.form_left).
        self.form_left: TurnHandler | None = None
        self.settings_items: list[Callable[[Turn], list[InlineKeyboardButton]]] = []
        self.arg_types: dict[str, tuple[type, ...]] = {}
        # Run in every turn's transaction before its handler (e.g. noting message ids).
        self.turn_hooks: list[Callable[[Turn], Awaitable[None]]] = []
        # Run in every turn's transaction after its handler (what it queued is sent first).
        self.after_hooks: list[Callable[[Turn], Awaitable[None]]] = []
        # PTB handlers for updates that are not messages or buttons (e.g. poll answers).
        self.extra_handlers: list[Any] = []
        # Roles each form needs, by (flow, step) or (flow, None) for all its other steps:
        # checked on every typed answer and every button press while the form is open.
        self.form_roles: dict[tuple[str, str | None], FormRoles] = {}
        # /start payloads by prefix ("c_" campaign links): `fn(turn, rest) -> bool`, True when
        # the link was handled (False: /start carries on as if it had no payload).
        self.start_links: dict[str, Callable[[Turn, str], Awaitable[bool]]] = {}
        self.turn_hooks.append(_close_revoked_form_on_button)

    def button(
        self,
        action: str | callbacks.Action,
        *arg_types: type,
        roles: Iterable[Role] | None = None,
        chats: str = PRIVATE,
    ) -> Callable[[TurnHandler], TurnHandler]:
        """Register `fn(turn, *args)` for buttons of a declared `Action` (or, the older way, an
        action name and its argument types)."""
        if isinstance(action, callbacks.Action):
            if arg_types:
                raise ValueError(f"{action.name}: its argument types are in its declaration")
            action, arg_types = action.name, action.arg_types

        def register(fn: TurnHandler) -> TurnHandler:
            if action in self.routes:
                raise ValueError(f"action {action} registered twice")
            frozen = frozenset(roles) if roles is not None else None
            self.routes[action] = Route(action, fn, arg_types, frozen, chats)
            self.arg_types[action] = arg_types
            return fn

        return register

    def command(
        self, *names: str, roles: Iterable[Role] | None = None, chats: str = PRIVATE
    ) -> Callable[[TurnHandler], TurnHandler]:
        def register(fn: TurnHandler) -> TurnHandler:
            frozen = frozenset(roles) if roles is not None else None
            self.commands.append(CommandRoute(names, fn, frozen, chats))
            return fn

        return register

    def flow(self, name: str) -> Callable[[TurnHandler], TurnHandler]:
        """Register the handler for free text while a person's state is in flow `name`."""

        def register(fn: TurnHandler) -> TurnHandler:
            self.flows[name] = fn
            return fn

        return register

    def form(
        self, flow: str, roles: Iterable[Role], closed: str, *, steps: Iterable[str] = ()
    ) -> None:
        """Declare who may be in `flow` (or only in these `steps` of it)."""
        needed = FormRoles(frozenset(roles), closed)
        for step in list(steps) or [None]:
            self.form_roles[(flow, step)] = needed

    def roles_of(self, flow: str, step: str | None) -> FormRoles | None:
        return self.form_roles.get((flow, step)) or self.form_roles.get((flow, None))

    def start_link(self, prefix: str) -> Callable[[Any], Any]:
        """Register what `/start <prefix>…` (a t.me link's payload) opens."""

        def register(fn: Callable[[Turn, str], Awaitable[bool]]):
            if prefix in self.start_links:
                raise ValueError(f"start link {prefix} registered twice")
            self.start_links[prefix] = fn
            return fn

        return register

    async def open_start_link(self, turn: Turn, payload: str) -> bool:
        """Hand `/start PAYLOAD` to the feature that made the link; False if none did."""
        for prefix, fn in self.start_links.items():
            if payload.startswith(prefix):
                return await fn(turn, payload[len(prefix):])
        return False

    async def run_button(self, turn: Turn, action: callbacks.Action | str, *args: Any) -> bool:
        """Run, inside this turn, what pressing a button of `action` would (a link opening
        the bot at a quiz or an activity); False when the person's role may not."""
        route = self.routes[action if isinstance(action, str) else action.name]
        if route.roles is not None and not is_allowed(turn.roles, route.roles):
            return False
        await route.fn(turn, *args)
        return True

    def intercept(self, fn: TurnHandler) -> TurnHandler:
        """Register a check run first on every private message; True means it handled it."""
        self.interceptors.append(fn)
        return fn

    def check_edits(self, fn: TurnHandler) -> TurnHandler:
        """Register a check run on every edited private message (first registered, first)."""
        self.edit_checks.append(fn)
        return fn

    def on_startup(self, fn: Callable[[Application], Awaitable[None]]):
        self.startup.append(fn)
        return fn

    def after_sent(self, name: str, fn: Callable[..., Awaitable[None]]) -> None:
        """Name a follow-up of outbox messages: `fn(deps, outcome, message_id, args)` runs
        once such a message was sent (or held, or refused), in whichever process sent it."""
        if name in self.after_send:
            raise ValueError(f"follow-up {name} registered twice")
        self.after_send[name] = fn


def chat_matches(update: Update, chats: str, settings: Settings) -> bool:
    chat = update.effective_chat
    if chat is None:
        return chats == ANY
    if chats == PRIVATE:
        return chat.type == ChatType.PRIVATE
    if chats == STAFF:
        return chat.id in settings.staff_chat_ids
    if chats == GROUP:
        return chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)
    if chats == PUBLIC_GROUP:
        return chat.type in (ChatType.GROUP, ChatType.SUPERGROUP) and (
            chat.id not in settings.staff_chat_ids
        )
    return True


def command_filter(chats: str, settings: Settings) -> filters.BaseFilter:
    """The PTB filter of a command route's chats, so routes sharing a name in different chats
    each get their own updates (PTB runs only the first matching handler of a group). Only
    new messages: a message edited into "/borrar" is not a request."""
    staff = filters.Chat(settings.staff_chat_ids)
    where = {
        PRIVATE: filters.ChatType.PRIVATE,
        GROUP: filters.ChatType.GROUPS,
        STAFF: staff,
        PUBLIC_GROUP: filters.ChatType.GROUPS & ~staff,
    }.get(chats)
    return filters.UpdateType.MESSAGE if where is None else filters.UpdateType.MESSAGE & where


async def close_revoked_form(turn: Turn) -> bool:
    """A form whose role the person no longer has (read from the database in this turn) is
    closed, kindly, before anything of it runs: True when it was. Runs on every button press
    (a turn hook) and before every typed answer (`_dispatch_message`)."""
    state = turn.state
    if state is None or not turn.is_private:
        return False
    needed = router_of(turn.context).roles_of(state.flow, state.step)
    if needed is None or is_allowed(turn.roles, needed.roles):
        return False
    await turn.clear_state()
    logger.info("a form (%s) closed: its role was revoked", state.flow)
    turn.reply(_(needed.closed))
    return True


async def _close_revoked_form_on_button(turn: Turn) -> None:
    if turn.update.callback_query is not None:
        await close_revoked_form(turn)


async def on_button(update: Update, context: BotContext) -> None:
    """Every button press: parse and validate the data, check chat and role, dispatch."""
    deps = context.deps
    router = router_of(context)
    parsed = callbacks.parse(update.callback_query.data, router.arg_types)
    route = router.routes.get(parsed[0]) if parsed else None
    if route is None or not chat_matches(update, route.chats, deps.settings):
        logger.info("stale or malformed button data from update %s", update.update_id)
        await run_turn(update, context, _stale, create_user=False)
        return
    await run_turn(
        update, context, route.fn, parsed[1], roles=route.roles, create_user=route.chats == PRIVATE
    )


async def _stale(turn: Turn) -> None:
    turn.stale()


async def on_private_message(update: Update, context: BotContext) -> None:
    await run_turn(update, context, _dispatch_message)


async def _dispatch_message(turn: Turn) -> None:
    """Safety checks first, then the active conversation, else a kind hint and the menu.

    A form left for longer than users.FORM_IDLE is closed first: its draft (an activity's
    row) stays, but the text is not taken as the answer to a question asked long ago."""
    router = router_of(turn.context)
    left = turn.state is not None and users.form_left(turn.state, turn.now)
    if left:
        await turn.clear_state()
    for interceptor in router.interceptors:
        if await interceptor(turn):
            return
    if turn.text.startswith("/"):
        if router.fallback is not None:
            await router.fallback(turn)
        return
    if turn.state is not None and turn.state.flow in router.flows:
        if await close_revoked_form(turn):
            return
        turn.state.updated_at = turn.now  # in use: the idle time starts again
        await router.flows[turn.state.flow](turn)
        return
    handler = router.form_left if left else router.fallback
    if handler is not None:
        await handler(turn)


async def on_edited_private_message(update: Update, context: BotContext) -> None:
    await run_turn(update, context, _check_edit)


async def _check_edit(turn: Turn) -> None:
    """An edited message is not a new answer to a conversation, and most edits need no word
    from the bot; but one that now says someone is in danger gets the emergency numbers."""
    for check in router_of(turn.context).edit_checks:
        if await check(turn):
            return


def command_callback(route: CommandRoute) -> Callable[[Update, BotContext], Awaitable[None]]:
    """A PTB callback for a command route, with its chat and role checks."""

    async def callback(update: Update, context: BotContext) -> None:
        if not chat_matches(update, route.chats, context.deps.settings):
            return
        await run_turn(
            update, context, route.fn, roles=route.roles, create_user=route.chats == PRIVATE
        )

    callback.__name__ = route.fn.__name__
    return callback
