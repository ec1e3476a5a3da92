"""Button data: an action declared once packs and routes; anything else is refused."""

from __future__ import annotations

from enum import StrEnum

import pytest

from youthbot.bot.runtime.callbacks import Action, CallbackDataError, Packed, parse
from youthbot.bot.runtime.router import Router
from youthbot.bot.runtime.turn import button


class Side(StrEnum):
    LEFT = "l"
    RIGHT = "r"


ANSWER = Action("t.ans", attempt=int, index=int, side=Side)


def test_an_action_packs_what_it_declares_and_parse_reads_it_back():
    data = ANSWER(12, 3, Side.RIGHT)
    assert isinstance(data, Packed) and data == "1|t.ans|12|3|r"
    assert parse(data, {ANSWER.name: ANSWER.arg_types}) == ("t.ans", (12, 3, Side.RIGHT))


@pytest.mark.parametrize(
    "args",
    [(12, 3), (12, 3, Side.LEFT, 1), ("12", 3, Side.LEFT), (True, 3, Side.LEFT), (1, 2, "x")],
)
def test_a_wrong_call_fails_when_packing(args):
    with pytest.raises(CallbackDataError):
        ANSWER(*args)


@pytest.mark.parametrize(
    "data",
    ["1|t.ans|12|3", "1|t.ans|12|3|x", "1|t.ans|a|3|l", "2|t.ans|12|3|l", "1|t.other|1|2|l", ""],
)
def test_data_that_does_not_fit_the_declaration_is_refused(data):
    assert parse(data, {ANSWER.name: ANSWER.arg_types}) is None


def test_the_router_and_the_button_take_the_declaration():
    router = Router()

    async def answer(turn, attempt, index, side):  # pragma: no cover - never called here
        pass

    router.button(ANSWER)(answer)
    assert router.arg_types["t.ans"] == (int, int, Side)
    with pytest.raises(ValueError, match="registered twice"):
        router.button(ANSWER)(answer)
    with pytest.raises(ValueError, match="in its declaration"):
        router.button(Action("t.x", n=int), int)
    assert button("A", ANSWER(1, 0, Side.LEFT)).callback_data == "1|t.ans|1|0|l"
    with pytest.raises(CallbackDataError):
        button("A", ANSWER(1, 0, Side.LEFT), 5)
