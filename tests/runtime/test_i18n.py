"""Catalogs: complete in every language, placeholders intact, no f-strings in gettext calls,
and a new language needs only a catalog (a pseudo-locale walks the start flow)."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from harness import YOUNG, labels, start_harness, texts

from youthbot.bot.runtime import callbacks

ROOT = Path(__file__).resolve().parent.parent.parent
LOCALES = ROOT / "locales"
LANGUAGES = tuple(sorted(p.parent.parent.name for p in LOCALES.glob("*/LC_MESSAGES/youthbot.po")))
PLACEHOLDER = re.compile(r"\{(\w*)\}")
KEYWORDS = {**DEFAULT_KEYWORDS, "pgettext": ((1, "c"), 2), "N_": None}


def read_catalog(language: str):
    with (LOCALES / language / "LC_MESSAGES" / "youthbot.po").open("rb") as f:
        return read_po(f, locale=language)


def messages_in_code() -> set[tuple[str | None, str]]:
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        ROOT / "youthbot", method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.add((context, msgid))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_in_the_code_is_translated(language):
    catalog = read_catalog(language)
    missing, untranslated, fuzzy = [], [], []
    for context, msgid in sorted(messages_in_code(), key=str):
        entry = next((m for m in catalog if (m.id[0] if isinstance(m.id, tuple) else m.id)
                      == msgid and m.context == context), None)
        if entry is None:
            missing.append(msgid)
        elif entry.fuzzy:
            fuzzy.append(msgid)
        elif not (all(entry.string) if isinstance(entry.string, tuple) else entry.string):
            untranslated.append(msgid)
    assert not missing, f"not in {language} catalog (run tools/i18n.py update): {missing}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy}"
    assert not untranslated, f"untranslated in {language}: {untranslated}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match(language):
    wrong = []
    for message in read_catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if string and set(PLACEHOLDER.findall(string)) != expected:
                wrong.append((ids[0], string))
    assert not wrong


def test_no_fstrings_or_built_strings_inside_gettext_calls():
    offenders = []
    for path in (ROOT / "youthbot").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            if node.func.id not in {"_", "N_", "ngettext", "pgettext", "gettext"}:
                continue
            for arg in node.args:
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str | int)):
                    if node.func.id == "ngettext" and arg is node.args[-1]:
                        continue  # the count
                    if node.func.id == "_" and isinstance(arg, ast.Name | ast.Subscript |
                                                          ast.Call | ast.Attribute):
                        continue  # translating a marked constant (N_) at display time
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders


def pseudo(text: str) -> str:
    """Accented look-alikes, placeholders kept, wrapped in brackets."""
    table = str.maketrans("aeiouAEIOUnc", "áéíóúÁÉÍÓÚñç")
    parts = re.split(r"(\{\w*\})", text)
    return "⟦" + "".join(p if PLACEHOLDER.fullmatch(p) else p.translate(table)
                         for p in parts) + "⟧"


@pytest.fixture
def locales_with_pseudo(tmp_path: Path) -> Path:
    """es and en as shipped, plus Quechua ("qu") made from the English catalog."""
    target = tmp_path / "locales"
    shutil.copytree(LOCALES, target, ignore=shutil.ignore_patterns("*.mo"))
    catalog = read_catalog("en")
    catalog.locale = "qu"
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(pseudo(s) for s in message.id)
        else:
            message.string = pseudo(message.id)
    out = target / "qu" / "LC_MESSAGES"
    out.mkdir(parents=True)
    with (out / "youthbot.po").open("wb") as f:
        write_po(f, catalog)
    with (out / "youthbot.mo").open("wb") as f:
        write_mo(f, catalog)
    return target


async def test_a_new_language_needs_only_a_catalog(settings, database, locales_with_pseudo):
    settings = settings.model_copy(update={"locales_dir": locales_with_pseudo})
    harness = await start_harness(settings, database)
    api, application = harness.api, harness.app
    try:
        commands = [c for c in api.calls if c.method == "setMyCommands"]
        assert {c.params.get("language_code") for c in commands} >= {"es", "en", "qu"}
        person = harness.person(YOUNG, language_code="qu")
        calls = await person.send("/start")
        assert texts(calls)[0].startswith("⟦Hélló!")
        assert "Runasimi" in labels(calls)
        message, _ = person.find_button(action="lang.first")
        calls = await person.press_data(callbacks.pack("lang.first", "qu"), message)
        assert texts(calls)[0].startswith("⟦Béfóré wé stárt")
        message, _ = person.find_button(action="consent")
        await person.press_data(callbacks.pack("consent", 1), message)
        message, _ = person.find_button(action="age")
        calls = await person.press_data(callbacks.pack("age", "18-25"), message)
        shown = texts(calls) + labels(calls)
        assert shown and all(s.startswith("⟦") and s.endswith("⟧") for s in shown)
    finally:
        await application.shutdown()
    assert not harness.errors


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_assumes_a_gender(language):
    """Neutral wording in every message (the same patterns as the quizzes)."""
    from quiz.test_quiz_content import gendered

    found = []
    for message in read_catalog(language):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found += [(message.id, words) for text in strings if text and (words := gendered(text))]
    assert found == []


def test_speaking_renders_in_another_language_and_comes_back():
    from youthbot.i18n import Catalogs, _, activate, current, deactivate, speaking

    catalogs = Catalogs()
    token = activate(catalogs.get("en"))
    try:
        with speaking(catalogs, "es") as translator:
            assert translator.language == "es" and current().language == "es"
            assert _("This button no longer works. Please use the latest message.") != (
                "This button no longer works. Please use the latest message."
            )
        assert current().language == "en"
    finally:
        deactivate(token)
