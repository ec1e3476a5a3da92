"""The quiz parts of the `youthbot` command and the console: `stats quizzes` (table, CSV,
chart), `content check` naming every kind of quiz error, and every quiz played in the console
in both languages."""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
from pathlib import Path

import pytest
from quiz.test_quiz_content import quiz_lines, set_line, write_quiz
from quiz.test_quiz_stats import check_png

from youthbot.app import build_application
from youthbot.cli import main
from youthbot.config import Settings
from youthbot.console import run_console
from youthbot.core.quiz import count_answer
from youthbot.core.quiz.files import load_quizzes
from youthbot.core.yamlsource import ContentInvalid
from youthbot.db import migrate
from youthbot.db.engine import Database

SHIPPED_CONTENT = Path(__file__).resolve().parent.parent.parent / "youthbot" / "content"


@pytest.fixture
def shell(tmp_path, monkeypatch) -> Path:
    """A clean working folder and environment for running the command in-process."""
    monkeypatch.chdir(tmp_path)
    for key in ("DATABASE_URL", "CONTENT_DIR", "TELEGRAM_BOT_TOKEN", "ADMIN_IDS"):
        monkeypatch.delenv(key, raising=False)
    return tmp_path


def test_stats_quizzes_prints_the_table_and_writes_csv_and_chart(shell, monkeypatch, capsys):
    url = f"sqlite+aiosqlite:///{shell / 'figures.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)

    async def answers() -> None:
        db = Database(url)
        await migrate.upgrade(db)
        async with db.session() as session:
            for person, correct in enumerate((True, True, False, True)):  # in several shards
                await count_answer(session, quiz_id="csec-basics", question_id="q1",
                                   correct=correct, user_id=person)
            await count_answer(session, quiz_id="online-safety", question_id="q3", correct=False,
                               user_id=7)
        await db.dispose()

    asyncio.run(answers())
    code = main(["stats", "quizzes", "--csv", "figures.csv", "--chart", "figures.png",
                 "--lang", "en"])
    out = capsys.readouterr()
    assert code == 0, out.err
    lines = out.out.splitlines()
    assert lines[2].startswith("csec-basics: The basics")
    assert lines[2].split()[-3:] == ["4", "3", "75.0%"]
    assert lines[3].split()[-3:] == ["4", "3", "75.0%"]
    assert lines[4].split()[-3:] == ["0", "0", "—"]
    safety = next(line for line in lines if line.startswith("online-safety"))
    assert safety.split()[-3:] == ["1", "0", "0.0%"]

    rows = list(csv.DictReader(io.StringIO((shell / "figures.csv").read_text(encoding="utf-8"))))
    assert rows[1]["question"] == "What is the sexual exploitation of children and adolescents?"
    assert (rows[1]["answers"], rows[1]["correct"], rows[1]["percent_correct"]) == (
        "4", "3", "75.0")
    check_png((shell / "figures.png").read_bytes())


def broken_content(root: Path) -> Path:
    """The shipped content with one quiz file holding each kind of quiz error."""
    content = root / "content"
    shutil.copytree(SHIPPED_CONTENT, content)
    lines = quiz_lines("broken", questions=6)
    set_line(lines, 7, '    text: {es: "¿Pregunta 1?"}')  # missing translation
    set_line(lines, 25, "    correct: 5")  # no correct option (q3)
    set_line(lines, 34, "  - id: q1")  # duplicate question id (q5)
    set_line(lines, 37, '      - {es: "' + "a" * 101 + '", en: "No"}')  # too long (q5, now "q1")
    lines[43:45] = [f'      - {{es: "Opción {n}", en: "Option {n}"}}' for n in range(11)]
    write_quiz(content / "quizzes", lines, name="broken")
    write_quiz(content / "quizzes", quiz_lines("csec-basics"), name="zz-copy")  # duplicate quiz id
    return content


def test_content_check_names_file_and_line_of_every_quiz_error(shell, monkeypatch, capsys):
    content = broken_content(shell)
    monkeypatch.setenv("CONTENT_DIR", str(content))

    code = main(["content", "check"])
    err = capsys.readouterr().err
    assert code == 1
    broken = content / "quizzes" / "broken.yaml"
    expected = [
        f"{broken}:7: missing 'en' translation of question q1 text",
        f"{broken}:25: question q3 has no correct option",
        f"{broken}:34: duplicate question id 'q1' (first used at line 6)",
        f"{broken}:37: question q1 option 0 in 'es' is 101 characters; Telegram allows at most",
        f"{broken}:43: question q6 has 11 options; Telegram needs 2 to 10",
        f"{content / 'quizzes' / 'zz-copy.yaml'}:1: duplicate quiz id 'csec-basics'",
    ]
    for line in expected:
        assert any(shown.startswith(line) for shown in err.splitlines()), line
    assert err.rstrip().endswith("problems found") and "problem(s)" not in err

    # and the bot refuses to start with it
    with pytest.raises(ContentInvalid):
        build_application(Settings(_env_file=None, content_dir=content))


def test_content_check_passes_on_the_shipped_content(shell, monkeypatch, capsys):
    monkeypatch.setenv("CONTENT_DIR", str(SHIPPED_CONTENT))
    assert main(["content", "check"]) == 0
    assert "content OK" in capsys.readouterr().out


def console_script(language: str) -> tuple[str, list[tuple[int, int]]]:
    """Input that agrees, opens every quiz from the list and answers it; and the scores."""
    lines = ["Español" if language == "es" else "English", "1", "2", "1"]  # agree, 14-17, quizzes
    scores = []
    for number, quiz in enumerate(load_quizzes(), start=1):
        lines += [str(number), "1"]  # the quiz in the list, then Start
        wrong = number % len(quiz.questions)  # miss one question in each quiz
        for index, question in enumerate(quiz.questions):
            option = question.correct
            if index == wrong:
                option = (option + 1) % len(question.options)
            lines.append("ABCDEFGHIJ"[option])
        lines.append("2")  # back to the list
        scores.append((len(quiz.questions) - 1, len(quiz.questions)))
    return "\n".join(lines) + "\n", scores


@pytest.mark.parametrize("language", ["es", "en"])
async def test_the_console_plays_every_quiz(tmp_path, language):
    script, scores = console_script(language)
    out = io.StringIO()
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    await run_console(settings, user_id=777, language_code=language,
                      stdin=io.StringIO(script), out=out)
    shown = out.getvalue()
    phrase = {"es": "Acertaste {} de {}.", "en": "You got {} out of {}."}[language]
    for score, total in scores:
        assert phrase.format(score, total) in shown
    badge = {"es": "🏅 ¡Ganaste una insignia", "en": "🏅 Badge earned"}[language]
    assert shown.count(badge) == 1
    assert "Traceback" not in shown
