"""What campaigns look like: the link an admin or a leader prints, the poster button, the
figures (counts from 1 to 4 read "<5")."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton

from ...core.campaigns import Figure
from ...i18n import _, pgettext
from ..runtime.turn import button
from .actions import POSTER


def poster_button(activity_id: int) -> InlineKeyboardButton:
    """On a leader's published activity: its own link and QR code for the poster."""
    return button(pgettext("button", "🔗 Link and QR for the poster"), POSTER(activity_id))


def render_created(name: str, url: str, target: str) -> str:
    return _(
        "Campaign “{name}” is ready. Its link opens: {target}.\n\n{url}\n\n"
        "Put the link or the QR code below on posters, slides or messages. I count how "
        "many people arrive through it, never who they are: /campaigns shows the figures."
    ).format(name=name, url=url, target=target)


def render_poster(title: str, url: str) -> str:
    return _(
        "The link for the poster of “{title}”: it opens the activity in the bot.\n\n{url}\n\n"
        "Print the QR code below on your poster or flyer."
    ).format(title=title, url=url)


def describe_target(target: str, quiz_titles: dict[str, str]) -> str:
    kind, _sep, ref = target.partition(":")
    if kind == "help":
        return _("Get help")
    if kind == "quiz":
        return _("the quiz “{title}”").format(title=quiz_titles.get(ref, ref))
    if kind == "activity":
        return _("activity {number}").format(number=ref)
    return _("the main menu")


def render_usage(quiz_ids: Sequence[str]) -> str:
    return _(
        "To make a campaign link, write its name after the command, and before it, if you "
        "like, where the link opens:\n\n"
        "/campaign School talks Puno\n"
        "/campaign help Health fair 2027\n"
        "/campaign quiz:{quiz} Posters in buses\n"
        "/campaign activity:12 Flyer for the march\n\n"
        "Quizzes: {quizzes}"
    ).format(quiz=quiz_ids[0] if quiz_ids else "csec-basics", quizzes=", ".join(quiz_ids))


def render_figures(figures: Sequence[Figure], quiz_titles: dict[str, str]) -> str:
    if not figures:
        return _("There are no campaigns yet. /campaign makes one.")
    lines = [_("Campaigns: people who arrived through each link (new to the bot / already "
               "knew it / all). Counts from 1 to 4 read “<5”; “–” hides a count that "
               "would give one away.")]
    for figure in figures:
        lines.append(
            _("• {name} ({code}, opens {target}): {new} / {back} / {total}").format(
                name=figure.name, code=figure.code,
                target=describe_target(figure.target, quiz_titles),
                new=figure.new, back=figure.back, total=figure.total,
            )
        )
    return "\n".join(lines)
