"""Every button a feature's views built parses back with the types the router declared."""

from __future__ import annotations

from typing import Any

from youthbot.bot.runtime import callbacks


def parsed_actions(bot: Any, calls: list | None = None) -> set[str]:
    """The action names of every inline button the bot showed (in `calls`, or ever), each
    asserted to parse with `router.arg_types` (a pack/route mismatch fails here)."""
    seen: set[str] = set()
    for call in bot.api.calls if calls is None else calls:
        for row in call.buttons:
            for button in row:
                data = button.get("callback_data")
                if data is None:
                    continue
                parsed = callbacks.parse(data, bot.router.arg_types)
                assert parsed is not None, f"{button['text']!r}: {data!r} does not parse"
                seen.add(parsed[0])
    return seen


def built_actions(bot: Any, *actions: callbacks.Action) -> set[str]:
    """The names of `actions` among the buttons shown so far (every button must parse)."""
    return parsed_actions(bot) & {action.name for action in actions}
