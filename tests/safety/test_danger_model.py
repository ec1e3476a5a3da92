"""The second layer of the danger check: the classifier, its training, thresholds and how it
combines with the patterns (core/danger_model.py, core/danger_train.py, core/danger.py)."""

from __future__ import annotations

import pytest

from youthbot.core.safety.danger import AMBIGUOUS, DISCLOSURE, Finding, Markers, combine
from youthbot.core.safety.danger_file import load_danger_words
from youthbot.core.safety.danger_model import DangerModel, default_model_path, feature_keys, train
from youthbot.core.safety.danger_train import (
    FALSE_CHECKINS_TARGET,
    FALSE_NUMBERS_TARGET,
    cross_validate,
    training_samples,
)

MATCHER = load_danger_words()

TEXTS = [
    ("mi padrastro me toca de noche", True, "abuse"),
    ("mi tio me manosea cuando no hay nadie", True, "abuse"),
    ("me quiero morir ya no aguanto", True, "suicide"),
    ("ya no quiero vivir mas", True, "suicide"),
    ("my stepdad touches me at night", True, "abuse"),
    ("i want to die tonight", True, "suicide"),
    ("hola como estas", False, None),
    ("quiero hacer el quiz de nuevo", False, None),
    ("what is the next question", False, None),
    ("good morning everyone", False, None),
    ("mañana hay examen de mate", False, None),
    ("thanks for the help", False, None),
]


def small_model() -> DangerModel:
    return train(*map(list, zip(*TEXTS, strict=False)))


def test_training_is_deterministic_and_the_file_round_trips(tmp_path):
    small_model().save(tmp_path / "a.gz")
    small_model().save(tmp_path / "b.gz")
    assert (tmp_path / "a.gz").read_bytes() == (tmp_path / "b.gz").read_bytes()
    loaded = DangerModel.load(tmp_path / "a.gz")
    for text, _, _ in TEXTS:
        assert loaded.predict(text)[0] == pytest.approx(small_model().predict(text)[0], abs=1e-5)


def test_the_model_learns_its_sentences_and_names_the_category():
    model = small_model()
    for text, danger, category in TEXTS:
        probability, found = model.predict(text)
        assert (probability > 0.5) == danger, text
        if danger:
            assert found == category, text


def test_a_model_file_of_another_version_is_refused(tmp_path):
    model = small_model()
    model.save(tmp_path / "m.gz")
    import gzip

    data = gzip.decompress((tmp_path / "m.gz").read_bytes())
    data = data.replace(b'"format": 1', b'"format": 9')
    (tmp_path / "m.gz").write_bytes(gzip.compress(data))
    with pytest.raises(ValueError, match="danger train"):
        DangerModel.load(tmp_path / "m.gz")


def test_features_read_the_normalised_text():
    assert feature_keys("ME VIOLARON!!") == feature_keys("me violaron")
    assert set(feature_keys("me violaron")) & set(feature_keys("me viola"))
    assert "wkiero" in feature_keys("kiero morir")


@pytest.mark.parametrize(
    ("probability", "markers", "found", "expected"),
    [
        (0.95, Markers(), None, Finding(DISCLOSURE, "abuse")),
        (0.95, Markers(asking=True), None, Finding(AMBIGUOUS, "abuse")),
        (0.95, Markers(programme=True), None, Finding(AMBIGUOUS, "abuse")),
        (0.95, Markers(about=True), None, Finding(AMBIGUOUS, "abuse")),
        (0.95, Markers(asking=True, programme=True), None, None),
        (0.95, Markers(joking=frozenset({"suicide"})), None, Finding(DISCLOSURE, "abuse")),
        (0.95, Markers(joking=frozenset({"abuse"})), None, Finding(AMBIGUOUS, "abuse")),
        (0.95, Markers(), Finding(AMBIGUOUS, "held"), Finding(DISCLOSURE, "held")),
        (0.8, Markers(), None, Finding(AMBIGUOUS, "abuse")),
        (0.8, Markers(asking=True), None, None),
        (0.8, Markers(), Finding(AMBIGUOUS, "held"), Finding(AMBIGUOUS, "held")),
        (0.5, Markers(), None, None),
        (0.5, Markers(), Finding(AMBIGUOUS, "held"), Finding(AMBIGUOUS, "held")),
    ],
)
def test_thresholds_and_demotion_by_markers(probability, markers, found, expected):
    assert combine(found, markers, probability, "abuse", high=0.9, low=0.7) == expected


class Sure:
    """A model that calls everything danger (to see the markers of the real sections)."""

    high, low = 0.9, 0.7

    def predict(self, text):
        return 0.99, "abuse"


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("hola como estas", DISCLOSURE),  # three words: short answers are patterns only
        ("¿qué es el grooming?", AMBIGUOUS),
        ("what is sextortion?", AMBIGUOUS),
        ("taller sobre trata de personas", AMBIGUOUS),
    ],
)
def test_markers_of_the_patterns_demote_the_classifier(text, tier):
    assert MATCHER.with_model(Sure()).assess(text).tier == tier


def test_the_shipped_matcher_has_the_classifier():
    assert default_model_path().exists()
    assert MATCHER.model is not None and 0 < MATCHER.model.low <= MATCHER.model.high < 1
    finding = MATCHER.assess("mi vecino me encierra en su cuarto y no me deja salir")
    assert finding.tier == DISCLOSURE


@pytest.mark.parametrize(
    "text",
    [
        "me muero de risa", "me voy a matar estudiando jaja", "what is sextortion?",
        "help me with the quiz pls", "I'm trapped in traffic lol",
        "en el colegio hablamos sobre el suicidio",
        "Taller: cómo reconocer la trata de personas",
        "Campaña contra la explotación sexual infantil",
        "Workshop: staying safe from grooming online",
        "Charla sobre sextorsión y cómo pedir ayuda", "hola, quiero jugar el quiz",
        "my mom is gonna kill me if i fail lol", "estoy muerta de cansancio",
    ],
)
def test_everyday_talk_and_programme_titles_never_get_the_numbers(text):
    finding = MATCHER.assess(text)
    assert finding is None or finding.tier != DISCLOSURE


@pytest.fixture(scope="module")
def cv():
    return cross_validate(MATCHER, training_samples())


def rates(report, half, group="all"):
    """(recall, false numbers, false check-ins) as plain numbers: messages name no sentence."""
    disclosures = report.get(half, "disclosure", group)
    ordinary = report.get(half, "ordinary", group)
    return (disclosures.rate(disclosures.numbers), ordinary.rate(ordinary.numbers),
            ordinary.rate(ordinary.checkins))


def test_cross_validated_figures_hold_their_measured_floors(cv):
    """Every labelled text scored by a model that never saw it. The goal (95 % of disclosures
    get the numbers) holds on the first author's sentences; with the two independent sets
    (another author, other voices) the whole set is at 93.1 % (es 94.3, en 90.4): these floors
    catch a regression, they do not claim the goal (docs/danger-words.md says it is not met)."""
    recall, numbers, checkins = rates(cv.report, "cv:tuning")
    assert recall >= 0.95
    recall, numbers, checkins = rates(cv.report, "cv:heldout")
    assert recall >= 0.95 and numbers <= 0.05
    recall, numbers, checkins = rates(cv.report, "cv")
    assert recall >= 0.92
    assert numbers <= FALSE_NUMBERS_TARGET + 0.01
    assert checkins <= FALSE_CHECKINS_TARGET + 0.02
    for lang, floor in (("lang:es", 0.93), ("lang:en", 0.89)):
        recall, numbers, checkins = rates(cv.report, "cv", lang)
        assert recall >= floor, lang
        assert numbers <= 0.05, lang
        assert checkins <= 0.10, lang
    _, numbers, checkins = rates(cv.report, "content")
    assert numbers <= 0.05
    assert checkins <= 0.10


def test_the_independent_sets_gain_from_the_classifier_out_of_fold(cv):
    """Sets A and B (another author) are where the patterns alone were weakest."""
    for part in ("cv:independent_a", "cv:independent_b"):
        alone, _, _ = rates(cv.patterns_only, part)
        together, numbers, _ = rates(cv.report, part)
        assert together >= alone + 0.15, part
        assert numbers <= 0.05, part


def test_the_shipped_thresholds_are_the_cross_validated_ones(cv):
    """A stale danger_model.gz (data changed, `youthbot danger train` not run) fails here."""
    assert (MATCHER.model.high, MATCHER.model.low) == (cv.high, cv.low)


def test_a_stale_classifier_file_is_a_content_problem_but_training_still_runs(tmp_path):
    from youthbot.core.safety.danger_file import check_danger_words, default_danger_words_path

    words = tmp_path / "danger_words.yaml"
    words.write_text(default_danger_words_path().read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "danger_model.gz").write_bytes(b"not a model")
    _, problems = check_danger_words(words)
    assert any("danger_model.gz cannot be read" in p.message for p in problems)
    assert load_danger_words(words, model=False).model is None


def test_the_eval_command_measures_both_layers_or_the_patterns_alone(capsys):
    from youthbot.cli import main

    main(["danger", "eval", "--split", "tuning"])
    out = capsys.readouterr().out
    high, low = MATCHER.model.high, MATCHER.model.low
    assert (f"patterns + classifier (numbers from p ≥ {high:.2f}, "
            f"check-in from p ≥ {low:.2f})") in out
    assert "ms per message" in out and "start-up" in out
    main(["danger", "eval", "--split", "independent_a", "--patterns-only"])
    out = capsys.readouterr().out
    assert "== independent_a ==" in out and out.rstrip().splitlines()[-1].startswith(
        "patterns only")


@pytest.mark.parametrize("text", ["no tengo", "ya fue", "no se", "si claro", "no quiero",
                                  "me duele", "i cant", "not really"])
def test_short_form_answers_are_left_to_the_patterns(text):
    """A two-word answer in a form ("no tengo" a photo) is not a story the classifier can read:
    only the patterns decide on fewer than three words."""
    assert MATCHER.assess(text) is None
