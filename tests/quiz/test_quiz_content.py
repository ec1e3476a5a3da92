"""Quiz content: the shipped quizzes are valid, and every kind of mistake is named by line."""

import re
from pathlib import Path

import pytest

from youthbot.core.quiz.checks import MAX_EXPLANATION, MAX_OPTION, MAX_QUESTION
from youthbot.core.quiz.content import Question, Quiz
from youthbot.core.quiz.files import check_quizzes, default_quiz_dir, load_quizzes
from youthbot.core.yamlsource import ContentInvalid, Problem

REQUIRED_QUIZZES = {"csec-basics", "online-safety", "trafficking-signals", "rights-and-help"}

# Terms that blame the child (Luxembourg Terminology Guidelines); the bot never uses them.
BLAMING_TERMS = (
    "prostitución infantil",
    "pornografía infantil",
    "child prostitution",
    "child pornography",
)

# Wording that assumes a gender: a girl as "the" victim or friend, a man as "the" adult or boss,
# masculine or feminine plurals for mixed groups. The answer "Only to girls" is a misconception
# offered on purpose, so plural "girls" alone is not on the list.
GENDERED = re.compile(
    r"\b(juntas|juntos|amigos|amigas|ellas|ellos|(?<!contra )ella|él|solas|solos|"
    r"enamorad[oa]|protegid[oa]s?|un adulto|los adultos|una amiga(?! o amigo)|un amigo|"
    r"una chica|un chico|una adolescente|una compañera|un compañero|el jefe|la jefa|tus papás|"
    r"eres perfect[oa]|(?<!la )bienvenid[oa]|segur[oa] de|sola o solo|sola ni solo)\b"
    r"|\b(she|her|hers|he|him|his|herself|himself|a girl|a boy|teenage girl|teenage boy)\b"
    # Portuguese (Brazil): the same kinds of wording.
    r"|\b(obrigad[oa]s?|bem-vind[oa]s?|sozinh[oa]s?|amig[oa]s|um amigo(?! ou amiga)|"
    r"uma amiga(?! ou amigo)|um adulto|os adultos|uma menina|um menino|o chefe|a chefe|"
    r"seus pais|(?:você está|estar|fique) segur[oa]|cansad[oa]s?|pront[oa] para)\b",
    re.IGNORECASE,
)


def gendered(text: str) -> list[str]:
    return [match.group(0) for match in GENDERED.finditer(text)]


def quiz_lines(quiz_id: str = "demo", *, order: int = 1, questions: int = 6) -> list[str]:
    """A valid quiz whose line numbers are fixed: question k starts at line 6 + 7 * (k - 1).

    For q3: id at line 20, text 21, options 22, first option 23, second option 24,
    correct 25, explanation 26.
    """
    lines = [
        f"id: {quiz_id}",
        f"order: {order}",
        'title: {es: "Prueba", en: "Test"}',
        'description: {es: "Una prueba", en: "A test"}',
        "questions:",
    ]
    for n in range(1, questions + 1):
        lines += [
            f"  - id: q{n}",
            f'    text: {{es: "¿Pregunta {n}?", en: "Question {n}?"}}',
            "    options:",
            '      - {es: "Sí", en: "Yes"}',
            '      - {es: "No", en: "No"}',
            f"    correct: {n % 2}",
            '    explanation: {es: "Porque sí.", en: "Because."}',
        ]
    return lines


def set_line(lines: list[str], number: int, text: str) -> list[str]:
    """Replace the line with this 1-based number."""
    lines[number - 1] = text
    return lines


def write_quiz(directory: Path, lines: list[str], name: str = "demo") -> Path:
    directory.mkdir(exist_ok=True)
    (directory / f"{name}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


def check_one(tmp_path: Path, lines: list[str], **kwargs) -> tuple[list[Quiz], list[Problem]]:
    return check_quizzes(write_quiz(tmp_path / "quizzes", lines), **kwargs)


def found(problems: list[Problem], fragment: str) -> list[int]:
    """Lines of the problems whose message contains `fragment`."""
    return [problem.line for problem in problems if fragment in problem.message]


def all_texts(quiz: Quiz) -> list[str]:
    texts = [*quiz.title.values(), *quiz.description.values()]
    for question in quiz.questions:
        texts += [*question.text.values(), *question.explanation.values()]
        texts += [text for option in question.options for text in option.values()]
    return texts


# The shipped quizzes


def test_shipped_quizzes_are_valid():
    quizzes, problems = check_quizzes(default_quiz_dir())

    assert problems == []
    assert {quiz.id for quiz in quizzes} >= REQUIRED_QUIZZES
    assert len(quizzes) >= 4
    assert all(6 <= len(quiz.questions) <= 10 for quiz in quizzes)
    assert [quiz.order for quiz in quizzes] == sorted(quiz.order for quiz in quizzes)
    assert load_quizzes() == quizzes


def test_shipped_quizzes_never_use_blaming_terms():
    for quiz in load_quizzes():
        for text in all_texts(quiz):
            assert not any(term in text.lower() for term in BLAMING_TERMS), (quiz.id, text)


def test_shipped_quizzes_do_not_assume_a_gender():
    found_words = [
        (quiz.id, words, text)
        for quiz in load_quizzes()
        for text in all_texts(quiz)
        if (words := gendered(text))
    ]
    assert found_words == []


@pytest.mark.parametrize(
    "text",
    [
        "Escucharla sin juzgar y buscar ayuda juntas",
        "True or false? If a teenage girl accepted a gift or money, it is her fault.",
        "El jefe dice que él guardará tu DNI",
        "Habla con un adulto de confianza",
    ],
)
def test_the_gendered_patterns_catch_what_issue_20_found(text):
    assert gendered(text)


def test_shipped_quizzes_vary_the_position_of_the_right_answer():
    for quiz in load_quizzes():
        assert len({question.correct for question in quiz.questions}) > 1, quiz.id
        assert any(len(q.options) > 2 and q.correct > 0 for q in quiz.questions), quiz.id


def test_shipped_rights_quiz_names_the_peruvian_help_lines():
    quiz = next(quiz for quiz in load_quizzes() if quiz.id == "rights-and-help")
    text = " ".join(all_texts(quiz))

    for line in ("Línea 100", "Chat 100", "1818", "105"):
        assert line in text


# A valid file, and how texts are picked per language


def test_valid_quiz_is_loaded_with_its_questions(tmp_path):
    quizzes = load_quizzes(write_quiz(tmp_path / "quizzes", quiz_lines()))

    assert [quiz.id for quiz in quizzes] == ["demo"]
    quiz = quizzes[0]
    assert quiz.title_in("en") == "Test"
    assert quiz.description_in("es") == "Una prueba"
    assert [question.id for question in quiz.questions] == ["q1", "q2", "q3", "q4", "q5", "q6"]
    assert quiz.questions[2] == Question(
        id="q3",
        text={"es": "¿Pregunta 3?", "en": "Question 3?"},
        options=({"es": "Sí", "en": "Yes"}, {"es": "No", "en": "No"}),
        correct=1,
        explanation={"es": "Porque sí.", "en": "Because."},
    )


def test_texts_fall_back_to_spanish_then_english(tmp_path):
    question = load_quizzes(write_quiz(tmp_path / "quizzes", quiz_lines()))[0].questions[0]
    english_only = Question("q1", {"en": "Hi?"}, ({"en": "A"}, {"en": "B"}), 0, {"en": "So."})

    assert question.text_in("en-GB") == "Question 1?"
    assert question.options_in("en") == ["Yes", "No"]
    assert question.text_in("qu") == "¿Pregunta 1?"
    assert question.explanation_in("pt_BR") == "Porque sí."
    assert english_only.text_in("es") == "Hi?"
    assert english_only.options_in("qu") == ["A", "B"]


def test_quizzes_are_sorted_by_order_then_id_and_only_valid_ones_returned(tmp_path):
    directory = tmp_path / "quizzes"
    write_quiz(directory, quiz_lines("zeta", order=1), "zeta")
    write_quiz(directory, quiz_lines("alpha", order=2), "alpha")
    write_quiz(directory, quiz_lines("beta", order=1), "beta")
    write_quiz(directory, quiz_lines("broken", questions=2), "broken")

    quizzes, problems = check_quizzes(directory)

    assert [quiz.id for quiz in quizzes] == ["beta", "zeta", "alpha"]
    assert [(Path(p.path).name, p.line) for p in problems] == [("broken.yaml", 5)]


# One test per kind of mistake


def test_invalid_yaml_names_the_line(tmp_path):
    lines = set_line(quiz_lines(), 21, '    text: {es: "¿Pregunta 3?", en: "Question 3?"')

    quizzes, problems = check_one(tmp_path, lines)

    assert quizzes == []
    assert len(problems) == 1
    assert problems[0].message.startswith("not valid YAML")
    assert problems[0].line == 22
    assert problems[0].path.endswith("demo.yaml")


def test_duplicate_key(tmp_path):
    lines = quiz_lines()
    lines.insert(2, "order: 2")

    quizzes, problems = check_one(tmp_path, lines)

    assert quizzes == []
    assert [(p.line, p.message) for p in problems] == [(3, "duplicate key 'order'")]


@pytest.mark.parametrize(
    ("number", "line", "message"),
    [
        (21, '    text: {es: "¿Pregunta 3?"}', "missing 'en' translation of question q3 text"),
        (21, '    text: {en: "Question 3?"}', "missing 'es' translation of question q3 text"),
        (24, '      - {es: "No"}', "missing 'en' translation of question q3 option 1"),
        (
            26,
            '    explanation: {es: "", en: "x"}',
            "empty 'es' translation of question q3 explanation",
        ),
        (3, 'title: {es: "Prueba", en: "  "}', "empty 'en' translation of quiz title"),
        (23, '      - {es: "Sí", en: }', "empty 'en' translation of question q3 option 0"),
        (4, 'description: "Una prueba"', "quiz description must have one text per language"),
        (
            23,
            "      - {es: 100, en: 100}",
            "'es' translation of question q3 option 0 must be text",
        ),
    ],
)
def test_missing_or_empty_translation(tmp_path, number, line, message):
    quizzes, problems = check_one(tmp_path, set_line(quiz_lines(), number, line))

    assert quizzes == []
    assert found(problems, message) == [number]


def test_translations_are_required_for_every_configured_language(tmp_path):
    quizzes, problems = check_one(tmp_path, quiz_lines(), languages=("es", "en", "qu"))

    assert quizzes == []
    assert found(problems, "missing 'qu' translation of quiz title") == [3]
    assert found(problems, "missing 'qu' translation of question q6 explanation") == [47]


@pytest.mark.parametrize(
    ("index", "line", "message"),
    [
        (2, "autor: Ana", "unknown key 'autor' in the quiz; expected id, order, title"),
        (26, '    hint: {es: "Piensa", en: "Think"}', "unknown key 'hint' in question q3"),
    ],
)
def test_unknown_key(tmp_path, index, line, message):
    lines = quiz_lines()
    lines.insert(index, line)  # becomes line index + 1

    quizzes, problems = check_one(tmp_path, lines)

    assert quizzes == []
    assert found(problems, message) == [index + 1]


def test_unknown_language(tmp_path):
    line = '      - {es: "Sí", en: "Yes", x1: "?"}'

    quizzes, problems = check_one(tmp_path, set_line(quiz_lines(), 23, line))

    assert quizzes == []
    assert found(problems, "unknown language 'x1' in question q3 option 0") == [23]


@pytest.mark.parametrize(
    ("number", "at", "message"),
    [
        (4, 1, "missing required key 'description' in the quiz"),
        (26, 20, "missing required key 'explanation' in question q3"),
        (21, 20, "missing required key 'text' in question q3"),
        (25, 20, "question q3 has no correct option"),
    ],
)
def test_missing_required_key(tmp_path, number, at, message):
    lines = quiz_lines()
    del lines[number - 1]

    quizzes, problems = check_one(tmp_path, lines)

    assert quizzes == []
    assert found(problems, message) == [at]


def test_quiz_id_must_match_the_file_name(tmp_path):
    directory = write_quiz(tmp_path / "quizzes", quiz_lines("demo"), name="other")

    quizzes, problems = check_quizzes(directory)

    assert quizzes == []
    assert found(problems, "quiz id 'demo' does not match the file name 'other'") == [1]


def test_quiz_id_must_be_lowercase_letters_digits_and_dashes(tmp_path):
    quizzes, problems = check_one(tmp_path, set_line(quiz_lines(), 1, "id: Demo Quiz"))

    assert quizzes == []
    assert found(problems, "quiz id 'Demo Quiz' must be lowercase letters") == [1]


def test_duplicate_quiz_ids_across_files(tmp_path):
    directory = tmp_path / "quizzes"
    write_quiz(directory, quiz_lines("alpha"), name="alpha")
    write_quiz(directory, quiz_lines("alpha"), name="beta")

    quizzes, problems = check_quizzes(directory)

    assert [quiz.id for quiz in quizzes] == ["alpha"]
    duplicates = [p for p in problems if "duplicate quiz id 'alpha'" in p.message]
    assert [(Path(p.path).name, p.line) for p in duplicates] == [("beta.yaml", 1)]
    assert "also used in alpha.yaml" in duplicates[0].message


def test_duplicate_question_ids(tmp_path):
    quizzes, problems = check_one(tmp_path, set_line(quiz_lines(), 20, "  - id: q2"))

    assert quizzes == []
    assert found(problems, "duplicate question id 'q2' (first used at line 13)") == [20]


@pytest.mark.parametrize(
    ("line", "detail"),
    [
        ("    correct: 2", "correct is 2 but the options are numbered 0 to 1"),
        ("    correct: -1", "correct is -1 but the options are numbered 0 to 1"),
        ("    correct: first", "must be a whole number"),
        ("    correct: true", "must be a whole number"),
        ("    correct:", "must be a whole number"),
    ],
)
def test_correct_option_must_be_one_of_the_options(tmp_path, line, detail):
    quizzes, problems = check_one(tmp_path, set_line(quiz_lines(), 25, line))

    assert quizzes == []
    assert found(problems, "question q3 has no correct option") == [25]
    assert found(problems, detail) == [25]


@pytest.mark.parametrize(("count", "words"), [(1, "has 1 option;"), (11, "has 11 options;")])
def test_number_of_options(tmp_path, count, words):
    lines = quiz_lines()
    lines[22:24] = [f'      - {{es: "Opción {n}", en: "Option {n}"}}' for n in range(count)]

    quizzes, problems = check_one(tmp_path, lines)

    assert quizzes == []
    assert found(problems, f"question q3 {words} Telegram needs 2 to 10") == [22]


@pytest.mark.parametrize(
    ("number", "template", "limit", "where"),
    [
        (21, '    text: {{es: "{}", en: "Q?"}}', MAX_QUESTION, "question q3 text in 'es'"),
        (24, '      - {{es: "No", en: "{}"}}', MAX_OPTION, "question q3 option 1 in 'en'"),
        (
            26,
            '    explanation: {{es: "{}", en: "x"}}',
            MAX_EXPLANATION,
            "question q3 explanation in 'es'",
        ),
    ],
)
def test_texts_longer_than_telegram_allows(tmp_path, number, template, limit, where):
    at_limit = set_line(quiz_lines(), number, template.format("a" * limit))
    too_long = set_line(quiz_lines(), number, template.format("a" * (limit + 1)))

    assert check_one(tmp_path, at_limit)[1] == []
    quizzes, problems = check_one(tmp_path, too_long)

    assert quizzes == []
    message = f"{where} is {limit + 1} characters; Telegram allows at most {limit}"
    assert found(problems, message) == [number]


def test_emoji_counts_as_two_characters_like_telegram(tmp_path):
    option = '      - {es: "' + "a" * (MAX_OPTION - 1) + '🙂", en: "No"}'

    quizzes, problems = check_one(tmp_path, set_line(quiz_lines(), 24, option))

    assert found(problems, f"is {MAX_OPTION + 1} characters") == [24]


def test_explanation_with_too_many_line_breaks(tmp_path):
    line = '    explanation: {es: "a\\nb\\nc\\nd", en: "x"}'

    quizzes, problems = check_one(tmp_path, set_line(quiz_lines(), 26, line))

    assert found(problems, "question q3 explanation in 'es' has more than 2 line breaks") == [26]


@pytest.mark.parametrize(("count", "words"), [(5, "has 5 questions"), (11, "has 11 questions")])
def test_number_of_questions(tmp_path, count, words):
    quizzes, problems = check_one(tmp_path, quiz_lines(questions=count))

    assert quizzes == []
    assert found(problems, f"the quiz {words}; it needs 6 to 10") == [5]


def test_no_quizzes_at_all(tmp_path):
    directory = tmp_path / "quizzes"
    directory.mkdir()

    quizzes, problems = check_quizzes(directory)

    assert quizzes == []
    assert problems == [Problem(str(directory), 0, "no quizzes: add at least one *.yaml file")]
    assert found(check_quizzes(tmp_path / "missing")[1], "quiz directory not found") == [0]


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "the file is empty"), ("- id: demo\n", "a quiz file must be a mapping")],
)
def test_file_that_is_not_a_quiz(tmp_path, text, message):
    directory = tmp_path / "quizzes"
    directory.mkdir()
    (directory / "demo.yaml").write_text(text, encoding="utf-8")

    quizzes, problems = check_quizzes(directory)

    assert quizzes == []
    assert found(problems, message) == [1]


def test_yml_files_are_reported_not_ignored(tmp_path):
    directory = write_quiz(tmp_path / "quizzes", quiz_lines())
    (directory / "extra.yml").write_text("id: extra\n", encoding="utf-8")

    assert found(check_quizzes(directory)[1], "must end in .yaml") == [1]


def test_every_problem_is_reported_not_only_the_first(tmp_path):
    lines = quiz_lines()
    set_line(lines, 7, '    text: {es: "¿Pregunta 1?"}')
    set_line(lines, 25, "    correct: 5")
    set_line(lines, 34, "  - id: q1")
    set_line(lines, 37, '      - {es: "' + "a" * 101 + '", en: "No"}')

    quizzes, problems = check_one(tmp_path, lines)

    assert quizzes == []
    assert [p.line for p in problems] == [7, 25, 34, 37]


def test_load_quizzes_raises_with_every_problem(tmp_path):
    lines = set_line(quiz_lines(), 21, '    text: {es: "¿Pregunta 3?"}')
    set_line(lines, 25, "    correct: 9")
    directory = write_quiz(tmp_path / "quizzes", lines)

    with pytest.raises(ContentInvalid) as raised:
        load_quizzes(directory)

    assert [p.line for p in raised.value.problems] == [21, 25]
    assert f"{directory / 'demo.yaml'}:21: missing 'en' translation" in str(raised.value)


# Optional: a quiz's own poll time, and shuffled options


def test_poll_seconds_and_shuffle_options_are_read(tmp_path):
    lines = quiz_lines()
    lines[2:2] = ["poll_seconds: 45", "shuffle_options: true"]
    quiz = load_quizzes(write_quiz(tmp_path / "quizzes", lines))[0]
    assert (quiz.poll_seconds, quiz.shuffle_options) == (45, True)
    plain = load_quizzes(write_quiz(tmp_path / "plain", quiz_lines()))[0]
    assert (plain.poll_seconds, plain.shuffle_options) == (None, False)
    assert plain.option_order(0, 1) == (0, 1)


@pytest.mark.parametrize("value", ["4", "601", "thirty", "true", "1.5"])
def test_poll_seconds_must_be_telegrams_range(tmp_path, value):
    lines = quiz_lines()
    lines[2:2] = [f"poll_seconds: {value}"]
    quizzes, problems = check_one(tmp_path, lines)
    assert quizzes == []
    assert found(problems, "poll_seconds must be a whole number of seconds from 5 to 600") == [3]


def test_shuffle_options_must_be_true_or_false(tmp_path):
    lines = quiz_lines()
    lines[2:2] = ["shuffle_options: sometimes"]
    quizzes, problems = check_one(tmp_path, lines)
    assert quizzes == []
    assert found(problems, "shuffle_options must be true or false") == [3]


def test_shuffled_order_is_a_stable_permutation(tmp_path):
    lines = quiz_lines()
    lines[2:2] = ["shuffle_options: true"]
    quiz = load_quizzes(write_quiz(tmp_path / "quizzes", lines))[0]
    for index in range(len(quiz.questions)):
        order = quiz.option_order(index, 7)
        assert sorted(order) == [0, 1]
        assert order == quiz.option_order(index, 7)
    orders = {quiz.option_order(0, seed) for seed in range(20)}
    assert orders == {(0, 1), (1, 0)}


def test_shipped_quizzes_are_complete_in_portuguese():
    """Every text of every shipped quiz has its Portuguese (Brazil) version, not a fallback."""
    missing = []
    for quiz in load_quizzes():
        texts = [("title", quiz.title), ("description", quiz.description)]
        for question in quiz.questions:
            texts += [(f"{question.id} text", question.text),
                      (f"{question.id} explanation", question.explanation)]
            texts += [(f"{question.id} option {n}", o) for n, o in enumerate(question.options)]
        missing += [(quiz.id, what) for what, text in texts if not text.get("pt")]
    assert missing == []
