"""Campaign links: opening the bot from one, making one (/campaign), the figures (/campaigns),
and an activity's own poster link and QR code."""

from __future__ import annotations

from telegram import InputFile

from ...core import campaigns
from ...core.activities import Status
from ...core.people import users
from ...core.people.roles import LEADERS, Role
from ...db.models import Activity
from ...i18n import _
from ..activities.actions import SEE as ACTIVITY
from ..help.actions import HELP_ENTRY
from ..quiz.actions import OPEN as QUIZ
from ..runtime.router import Router, router_of
from ..runtime.turn import Turn
from .actions import POSTER
from .views import describe_target, render_created, render_figures, render_poster, render_usage


async def open_link(turn: Turn, code: str) -> bool:
    """Someone opened a campaign link: count the arrival (a number, never who), then open
    what the link is for; an unknown code is an ordinary /start."""
    campaign = await campaigns.by_code(turn.session, code)
    if campaign is None:
        return False
    new = turn.user is None or not users.has_consented(turn.user)
    await campaigns.count_arrival(turn.session, campaign.id, new=new)
    target = campaigns.parse_target(campaign.target)
    if target.kind == "menu":
        return False
    router = router_of(turn.context)
    if new:
        turn.reply(_("Hello! 👋 I am the Youth Voices for Change bot. Here is what the link "
                     "is for; /start shows everything else I can do."))
    if target.kind == "help":
        return await router.run_button(turn, HELP_ENTRY)
    if target.kind == "quiz":
        if _quiz_titles(turn).get(target.ref) is None:
            return False
        return await router.run_button(turn, QUIZ, target.ref)
    return await router.run_button(turn, ACTIVITY, target.activity_id)


def _quiz_titles(turn: Turn) -> dict[str, str]:
    return {q.id: q.title_in(turn.language) for q in turn.deps.content.quizzes}


async def create_campaign(turn: Turn) -> None:
    """An admin wrote /campaign [WHERE] NAME: the link and its QR code."""
    args = turn.context.args or []
    quiz_titles = _quiz_titles(turn)
    if not args:
        turn.reply(render_usage(sorted(quiz_titles)))
        return
    target = campaigns.MENU
    if ":" in args[0] or args[0].lower() in campaigns.KINDS:
        try:
            target = campaigns.parse_target(args[0])
        except campaigns.CampaignError:
            turn.reply(_("I do not know where “{where}” is. Write help, menu, quiz:ID or "
                         "activity:NUMBER, or nothing.").format(where=args[0]))
            return
        args = args[1:]
    if target.kind == "quiz" and target.ref not in quiz_titles:
        turn.reply(_("There is no quiz “{quiz}”. Quizzes: {quizzes}").format(
            quiz=target.ref, quizzes=", ".join(sorted(quiz_titles))))
        return
    try:
        campaign = await campaigns.create(
            turn.session, name=" ".join(args), target=target, now=turn.now
        )
    except campaigns.CampaignError as error:
        if error.reason == "activity":
            turn.reply(_("Activity {number} is not published, so a link cannot open it yet.")
                       .format(number=target.ref))
        else:
            turn.reply(_("Please give the campaign a name of up to 80 characters, like this: "
                         "/campaign School talks Puno"))
        return
    url = campaigns.link(turn.bot.username, campaign.code)
    turn.reply(render_created(campaign.name, url, describe_target(campaign.target, quiz_titles)))
    _send_qr(turn, url, f"campaign-{campaign.code}.png")


async def list_campaigns(turn: Turn) -> None:
    """An admin wrote /campaigns: each campaign with the people who arrived through it."""
    figures = await campaigns.figures(turn.session)
    turn.reply(render_figures(figures, _quiz_titles(turn)))


async def send_poster(turn: Turn, activity_id: int) -> None:
    """A leader pressed "Link and QR for the poster" on their published activity."""
    activity = await turn.session.get(Activity, activity_id)
    own = activity is not None and activity.leader_id == turn.user_id
    if activity is None or not (own or turn.holds({Role.ADMIN})):
        turn.stale()
        return
    if activity.status != Status.APPROVED:
        turn.answer(_("Only a published activity has a poster link."), alert=True)
        return
    campaign = await campaigns.for_activity(turn.session, activity_id, now=turn.now)
    url = campaigns.link(turn.bot.username, campaign.code)
    turn.reply(render_poster(activity.title or "", url))
    _send_qr(turn, url, f"activity-{activity_id}-qr.png")


def _send_qr(turn: Turn, url: str, filename: str) -> None:
    png = campaigns.qr_png(url)
    chat_id = turn.chat_id
    turn.later(lambda: turn.bot.send_photo(chat_id, photo=InputFile(png, filename=filename)))


def register(router: Router) -> None:
    """Register campaign links, /campaign, /campaigns and the poster button."""
    router.start_link(campaigns.PAYLOAD_PREFIX)(open_link)
    router.command("campaign", "campana", roles={Role.ADMIN})(create_campaign)
    router.command("campaigns", "campanas", roles={Role.ADMIN})(list_campaigns)
    router.button(POSTER, roles=LEADERS)(send_poster)
