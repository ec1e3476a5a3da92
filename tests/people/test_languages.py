"""Languages beyond Spanish and English: the whole bot in Portuguese (Brazil), Telegram's
language codes, a catalog Babel has no data for (Spanish formatting), and a made-up language
added with no code — its catalog and content in a temporary folder — that the bot speaks."""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from harness import YOUNG, Persona, labels, start_harness, texts

from youthbot.bot.runtime import callbacks
from youthbot.db.models import User
from youthbot.i18n import Catalogs, activate, deactivate, language_label

ROOT = Path(__file__).resolve().parent.parent.parent
LOCALES = ROOT / "locales"
CONTENT = ROOT / "youthbot" / "content"

BRAZIL = Persona(111115, "Joaquina", "joaquina_secret_handle", "pt-br")
MENU_PT = ["🧠 Quizzes", "📅 Atividades", "🆘 Pedir ajuda", "⚙️ Configurações"]


async def read_user(bot, user_id: int) -> User | None:
    async with bot.db.session() as session:
        return await session.get(User, user_id)


def digits_order(text: str, *numbers: str) -> list[int]:
    """Where each emergency number first appears in `text` (as a whole number)."""
    return [re.search(rf"(?<!\d){n}(?!\d)", text).start() for n in numbers]


# ------------------------------------------------------------------ Portuguese, end to end


async def test_the_whole_bot_in_portuguese(bot):
    person = bot.person(BRAZIL)

    # Telegram says pt-br: the welcome is in Portuguese and offers Portuguese.
    calls = await person.send("/start")
    assert texts(calls)[0].startswith("Oi! 👋 Eu sou o bot da Youth Voices for Change")
    assert labels(calls)[:3] == ["Español", "English", "Português"]
    assert (await read_user(bot, BRAZIL.id)).language == "pt"

    calls = await person.press("Português")
    assert texts(calls)[0].startswith("Antes de começar, veja como cuidamos de você")
    assert "/delete_my_data" in texts(calls)[0]
    calls = await person.press("✅ Concordo")
    assert "Quantos anos você tem?" in texts(calls)[0]
    calls = await person.press_data(
        callbacks.pack("age", "14-17"), person.find_button(action="age")[0]
    )
    assert labels(calls) == MENU_PT

    # A quiz, in the Portuguese of the quiz file.
    calls = await person.press(action="quiz.list")
    assert "Quizzes curtos para aprender sobre seus direitos" in texts(calls)[0]
    assert "• O básico: exploração sexual" in labels(calls)
    await person.press("• O básico: exploração sexual")
    calls = await person.press(action="quiz.start")
    question = texts(calls)[0]
    assert "Pergunta 1 de 8" in question
    assert "O que é a exploração sexual de crianças e adolescentes?" in question
    assert "B. Quando alguém usa sexualmente uma pessoa menor de 18 anos" in question
    calls = await person.press("B")
    answered = texts(calls)[0]
    assert "✅ Certo!" in answered and "É crime e uma violação grave de direitos." in answered

    # Get help: Brazil's numbers first, though the person never said their country; /ajuda
    # is /help in Portuguese.
    calls = await person.send("/ajuda")
    first = texts(calls)[0]
    assert "Você fez certo em pedir" in first and "190" in first and "105" not in first
    calls = await person.press(action="help.danger")
    numbers = "\n".join(texts(calls))
    assert "Se você está em perigo agora" in numbers
    assert digits_order(numbers, "190", "100", "192") == sorted(
        digits_order(numbers, "190", "100", "192")
    )
    assert "105" not in numbers  # Peru's police is not offered to a Brazilian
    assert "💬 Conversar com uma pessoa" in labels(calls)
    await person.send("/menu")

    # Danger words written as a Brazilian teenager writes: the numbers at once.
    calls = await person.send("meu padrasto me toca qnd minha mae n ta em casa")
    shown = "\n".join(texts(calls))
    assert "Valeu por me contar. 💙" in shown and "a culpa não é sua" in shown
    assert "190" in shown and "105" not in shown
    assert "💬 Conversar com uma pessoa" in labels(calls)

    calls = await person.send("eu quero morrer")
    assert "188" in "\n".join(texts(calls)) or "190" in "\n".join(texts(calls))
    assert not bot.errors


async def test_portuguese_in_the_language_command_and_back(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    calls = await person.send("/idioma")
    assert "Português" in labels(calls)
    calls = await person.press("Português")
    assert "Pronto: vou falar com você em português." in texts(calls)[0]
    assert (await read_user(bot, YOUNG.id)).language == "pt"
    calls = await person.send("/menu")
    assert labels(calls) == MENU_PT
    calls = await person.send("oi")  # a Portuguese greeting is a shortcut to the menu
    assert labels(calls) == MENU_PT
    calls = await person.send("me ajuda pfv")  # …and a Portuguese "help"
    assert "Você fez certo em pedir" in texts(calls)[0]
    # Settings offer every language too, each named in itself.
    await person.send("/menu")
    await person.press("⚙️ Configurações")
    calls = await person.press("🌐 Idioma")
    assert texts(calls)[0] == "Escolha seu idioma:"
    assert labels(calls)[:3] == ["Español", "English", "Português"]
    await person.press("Español")
    assert (await read_user(bot, YOUNG.id)).language == "es"


@pytest.mark.parametrize("code", ["pt", "pt-br", "pt-BR", "pt_BR", "PT"])
def test_telegram_codes_for_portuguese_resolve_to_the_catalog(code):
    catalogs = Catalogs()
    assert "pt" in catalogs.languages
    assert catalogs.resolve(None, code) == "pt"
    assert catalogs.resolve("en", code) == "en"  # a stored choice wins
    assert catalogs.resolve(None, "de") == "es"


def test_a_variant_catalog_also_serves_its_base_code(tmp_path: Path):
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales, ignore=shutil.ignore_patterns("*.mo", "pt"))
    shutil.copytree(LOCALES / "pt", locales / "pt_BR", ignore=shutil.ignore_patterns("*.mo"))
    catalogs = Catalogs(locales)
    for code in ("pt-br", "pt-BR", "pt"):
        assert catalogs.resolve(None, code) == "pt_BR"
    assert catalogs.get("pt_BR").gettext("Main menu") == "Menu principal"


# ------------------------------------------------------------------ languages Babel does not know


def write_catalog(locales: Path, code: str, own_name: str, translate) -> None:
    """A catalog for `code` made from the English one, each message through `translate`."""
    with (LOCALES / "en" / "LC_MESSAGES" / "youthbot.po").open("rb") as f:
        catalog = read_po(f, locale="en")
    catalog.locale = None
    for message in catalog:
        if not message.id:
            continue
        if message.context == "the name of this language, in this language":
            message.string = own_name
        elif isinstance(message.id, tuple):
            message.string = tuple(translate(s) for s in message.id)
        else:
            message.string = translate(message.id)
    out = locales / code / "LC_MESSAGES"
    out.mkdir(parents=True)
    with (out / "youthbot.po").open("wb") as f:
        write_po(f, catalog)
    with (out / "youthbot.mo").open("wb") as f:
        write_mo(f, catalog)


def test_an_aymara_catalog_loads_with_spanish_dates_and_numbers(tmp_path: Path):
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales, ignore=shutil.ignore_patterns("*.mo"))
    write_catalog(locales, "ay", "Aymar aru", lambda s: "Kamisaki! " + s)
    catalogs = Catalogs(locales)
    assert "ay" in catalogs.languages
    aymara, spanish = catalogs.get("ay"), catalogs.get("es")
    assert aymara.gettext("Main menu") == "Kamisaki! Main menu"
    assert aymara.language_name == "Aymar aru"
    when = datetime(2026, 12, 25, 16, 30)
    for fmt in ("long", "short", "full", "EEE d MMM", "MMMM y"):
        assert aymara.format_date(when.date(), fmt) == spanish.format_date(when.date(), fmt)
    assert aymara.format_date(date(2026, 12, 25)) == "25 de diciembre de 2026"
    assert aymara.format_datetime(when, "short") == spanish.format_datetime(when, "short")
    assert aymara.format_number(12345.5) == spanish.format_number(12345.5) == "12.345,5"
    assert aymara.format_percent(0.25) == spanish.format_percent(0.25)
    token = activate(spanish)
    try:
        assert language_label("ay") == "aimara"  # the name inside a Spanish sentence
    finally:
        deactivate(token)
    assert catalogs.resolve(None, "ay") == "ay"


# ------------------------------------------------------------------ a made-up language, no code

MADE_UP = "qya"  # Quenya: no Babel locale data, no code anywhere that knows it


def elvish(text: str) -> str:
    """Brackets around the English, placeholders kept: easy to recognise in what is shown."""
    return "⟪" + text + "⟫"


@pytest.fixture
def made_up_language(tmp_path: Path, settings):
    """Locales and content folders with the made-up language added the documented way:
    its catalog, its text in a quiz, its shortcuts and a danger-words section."""
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales, ignore=shutil.ignore_patterns("*.mo"))
    write_catalog(locales, MADE_UP, "Quenya", elvish)

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    quiz = content / "quizzes" / "csec-basics.yaml"
    lines = []
    for line in quiz.read_text(encoding="utf-8").split("\n"):
        lines.append(line)
        found = re.match(r'^(\s*)en: "(.*)"$', line)
        if found:
            lines.append(f'{found.group(1)}{MADE_UP}: "⟪{found.group(2)}⟫"')
    quiz.write_text("\n".join(lines), encoding="utf-8")
    shortcuts = content / "shortcuts.yaml"
    text = shortcuts.read_text(encoding="utf-8")
    text = text.replace("\nmenu:\n", f"\n  {MADE_UP}: [elen síla]\nmenu:\n")
    text += f"  {MADE_UP}: [aiya, mae govannen]\n"
    shortcuts.write_text(text, encoding="utf-8")
    words = content / "danger_words.yaml"
    words.write_text(
        words.read_text(encoding="utf-8")
        + f"\n  {MADE_UP}:\n    spelling: {{}}\n    words: {{}}\n    disclosure:\n"
        + "      suicide:\n        - \"nai firuvan\"\n    ordinary:\n        - \"aiya\"\n",
        encoding="utf-8",
    )
    return settings.model_copy(update={"locales_dir": locales, "content_dir": content})


async def test_a_made_up_language_is_spoken_from_its_files_alone(made_up_language, database):
    harness = await start_harness(made_up_language, database)
    try:
        person = harness.person(Persona(111116, "Elanor", "elanor_secret_handle", MADE_UP))
        calls = await person.send("/start")
        assert texts(calls)[0] == elvish(
            "Hello! 👋 I am the Youth Voices for Change bot. I can help you learn about your "
            "rights with short quizzes, find youth activities near you, and get help if you "
            "need it.\n\nWhich language do you prefer?"
        )
        assert "Quenya" in labels(calls)
        calls = await person.press("Quenya")
        assert texts(calls)[0].startswith("⟪Before we start")
        await person.press(action="consent")
        calls = await person.press_data(
            callbacks.pack("age", "18-25"), person.find_button(action="age")[0]
        )
        assert labels(calls) == [elvish(s) for s in
                                 ("🧠 Quizzes", "📅 Activities", "🆘 Get help", "⚙️ Settings")]

        # A quiz question from the quiz file's own text in that language.
        calls = await person.press(action="quiz.list")
        assert "• ⟪The basics: sexual exploitation⟫" in labels(calls)
        await person.press("• ⟪The basics: sexual exploitation⟫")
        calls = await person.press(action="quiz.start")
        question = texts(calls)[0]
        assert elvish("Question {number} of {total}").format(number=1, total=8) in question
        assert "⟪What is the sexual exploitation of children and adolescents?⟫" in question

        # Its shortcut and its danger words work; the numbers are Peru's (no country said).
        calls = await person.send("mae govannen")
        assert labels(calls)[0] == elvish("🧠 Quizzes")
        calls = await person.send("nai firuvan")
        assert "105" in "\n".join(texts(calls))

        # Dates and numbers as Spanish, the default language.
        catalogs = harness.deps.catalogs
        spoken, spanish = catalogs.get(MADE_UP), catalogs.get("es")
        assert spoken.locale == spanish.locale
        assert spoken.format_date(date(2026, 7, 28), "full") == "martes, 28 de julio de 2026"
        assert spoken.format_number(12345) == spanish.format_number(12345) == "12.345"
        assert (await read_user(harness, person.id)).language == MADE_UP
    finally:
        await harness.app.shutdown()
    assert not harness.errors


# ------------------------------------------------------------------ the console, in Portuguese


def test_the_console_speaks_portuguese(tmp_path: Path):
    from tests.cli.test_cli import youthbot

    script = "3\n1\n2\n1\n/help\n1\n/menu\nmeu pai me bate todo dia\n"
    result = youthbot("console", "--lang", "pt", cwd=tmp_path, stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Oi! 👋 Eu sou o bot da Youth Voices for Change" in out
    assert "  [3] Português\n" in out
    assert "Antes de começar, veja como cuidamos de você" in out
    assert "O que você quer fazer?\n  [1] 🧠 Quizzes\n  [2] 📅 Atividades\n" in out
    assert "Quizzes curtos para aprender sobre seus direitos" in out
    assert "📞 190 — Polícia Militar: 190" in out and "📞 105" not in out
    assert "Valeu por me contar. 💙" in out
    assert "Traceback" not in out + result.stderr
