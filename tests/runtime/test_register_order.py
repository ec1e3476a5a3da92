"""The order of the feature register tables (app.build_router): what runs first is a safety
property (danger words before everything, an open case's relay before the menu shortcuts)
and a visible one (the order of the settings buttons, /start in groups)."""

from __future__ import annotations

from youthbot.app import build_router


def names(functions) -> list[str]:
    return [f"{getattr(f, 'func', f).__module__}.{getattr(f, 'func', f).__name__}"
            for f in functions]


def test_interceptors_run_danger_words_then_the_relay_then_the_shortcuts():
    router = build_router()
    assert names(router.interceptors) == [
        "youthbot.bot.safety.danger.interrupt_on_danger",
        "youthbot.bot.cases.relay.relay_from_person",
        "youthbot.bot.people.shortcuts.answer_shortcut",
    ]
    assert names(router.edit_checks) == [
        "youthbot.bot.safety.danger.interrupt_on_danger",
        "youthbot.bot.cases.relay.relay_edit_from_person",
    ]


def test_settings_buttons_turn_hooks_and_start_up_keep_their_order():
    router = build_router()
    assert names(router.settings_items) == [
        "youthbot.bot.privacy.data.build_announcements_button",
        "youthbot.bot.privacy.data.build_reminders_button",
        "youthbot.bot.privacy.rights.build_privacy_item",
        "youthbot.bot.privacy.data.build_delete_button",
        "youthbot.bot.safety.clear_guide.build_guide_button",
        "youthbot.bot.announce.place.build_place_button",
    ]
    assert names(router.turn_hooks) == [
        "youthbot.bot.runtime.router._close_revoked_form_on_button",
        "youthbot.bot.safety.tracking.remember_messages",
        "youthbot.bot.safety.hold.lift_hold",
        "youthbot.bot.cases.assign.note_staff_member",
        "youthbot.bot.people.admin.remember_handle",
    ]
    assert names(router.after_hooks) == ["youthbot.bot.privacy.rights.show_changed_notice"]
    assert names(router.startup) == [
        "youthbot.bot.safety.tracking.schedule_flush",
        "youthbot.bot.privacy.data.offer_quick_exit_on_help",
        "youthbot.bot.privacy.retention.start_retention",
        "youthbot.bot.cases.moderation.start_staff_chat",
        "youthbot.bot.people.commands.set_role_menus",
        "youthbot.bot.help.emergency.schedule",
        "youthbot.bot.quiz.group.resume_running_quizzes",
        "youthbot.bot.activities.reminders.schedule",
        "youthbot.bot.runtime.error_alerts._schedule",
    ]


def test_start_in_groups_comes_before_start_in_private_and_no_command_is_taken_twice():
    router = build_router()
    starts = [route.fn.__module__ for route in router.commands if "start" in route.names]
    assert starts == ["youthbot.bot.safety.danger", "youthbot.bot.people.menu"]
    others = [name for route in router.commands for name in route.names if name != "start"]
    assert len(others) == len(set(others))


def test_polls_register_after_announcements_whose_outbox_sends_them():
    router = build_router()
    features = [route.fn.__module__.split(".")[2] for route in router.commands]
    assert features.index("polls") > features.index("announce")
    assert {"poll.ans", "poll.res", "poll.close"} <= set(router.routes)
