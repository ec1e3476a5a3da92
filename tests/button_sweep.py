"""Every button a scenario made the bot build, parsed back with the router's declared types."""

from __future__ import annotations

from youthbot.bot.runtime import callbacks


def built_actions(bot, *actions: callbacks.Action) -> set[str]:
    """The names of `actions` among the buttons sent so far; fails on any button whose data
    does not parse back with the types its action is routed with."""
    names = set()
    for call in bot.api.calls:
        for row in call.buttons:
            for item in row:
                data = item.get("callback_data")
                if data is None:
                    continue
                parsed = callbacks.parse(data, bot.router.arg_types)
                assert parsed is not None, f"button {item['text']!r} does not parse back: {data}"
                names.add(parsed[0])
    return names & {action.name for action in actions}
