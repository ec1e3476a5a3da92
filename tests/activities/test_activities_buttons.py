"""Every button the activity views build parses back with the router's declared types."""

from __future__ import annotations

from activities_support import approve, as_role, register_activity, set_clock, tap
from buttons_support import built_actions
from harness import LEADER, MODERATOR, YOUNG

from youthbot.bot.activities import actions
from youthbot.core.people.roles import Role

ALL = tuple(value for value in vars(actions).values() if isinstance(value, actions.Action))
# Those a leader registering, a moderator approving and a young person joining all meet.
MET = {
    "act.menu", "act.browse", "act.joined", "act.area", "act.see", "act.join", "act.leave",
    "act.new", "act.kind", "act.path", "act.region", "act.district", "act.online", "act.go",
    "act.stop", "act.submit", "act.mine", "act.open", "act.cancel", "act.edit",
    "act.review", "act.rv", "act.approve", "act.sendback",
}


async def test_every_activity_button_parses_back_with_its_declared_types(bot):
    set_clock(bot)
    leader = await as_role(bot, LEADER, Role.LEADER)
    activity_id = await register_activity(leader, bot)
    await approve(bot, activity_id)
    await register_activity(leader, bot, title="Charla en línea", place=None)
    moderator = bot.person(MODERATOR)
    await moderator.send("/menu")
    await moderator.press(action="act.menu")
    await moderator.press(action="act.review")
    young = bot.person(YOUNG)
    await young.onboard()
    await young.send("/menu")
    await young.press(action="act.menu")
    await young.press(action="act.browse")
    await young.press(action="act.area")
    await tap(young, "act.see", activity_id)
    await young.press(action="act.join")
    await leader.send("/menu")
    await leader.press(action="act.menu")
    await leader.press(action="act.mine")
    await tap(leader, "act.open", activity_id)
    assert built_actions(bot, *ALL) >= MET
