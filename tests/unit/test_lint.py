import datetime as dt

from quizapp.bank.lint import ERROR, WARNING, lint_bank
from quizapp.bank.loader import Bank, QuestionDef

TODAY = dt.date(2026, 11, 27)


def single(qid, key=0, texts=("alpha", "beta", "gamma"), feedback=True, reviewed="2026-11-01", prompt=None):
    choices = [{"text": t, "correct": i == key, **({"feedback": "why not"} if feedback and i != key else {})}
               for i, t in enumerate(texts)]
    d = {"type": "single", "choices": choices, "prompt": prompt or f"Question {qid} about distinct topic {qid}?"}
    if reviewed:
        d["reviewed"] = reviewed
    return QuestionDef(qid, "questions/f.yaml", 10, "single", 3, ("s.a",), d, qid)


def findings(*questions):
    return [(f.level, f.item_id, f.message) for f in lint_bank(Bank(questions=list(questions)), TODAY)]


def test_clean_item_has_no_findings():
    assert findings(single("ok")) == []


def test_errors():
    out = findings(single("a", texts=("x", "All of the above", "y")), single("b", feedback=False),
                   single("c", reviewed=None),
                   QuestionDef("n", "questions/f.yaml", 3, "numeric", 2, ("s.a",),
                               {"type": "numeric", "answer": 1.0, "prompt": "p", "reviewed": "2026-11-01"}, "n"))
    messages = {(level, qid): m for level, qid, m in out}
    assert "all/none of the above" in messages[(ERROR, "a")]
    assert "no feedback" in messages[(ERROR, "b")]
    assert "no `reviewed:` date" in messages[(ERROR, "c")]
    assert "without a `check`" in messages[(ERROR, "n")]


def test_all_of_them_in_a_sentence_is_not_flagged():
    assert findings(single("ok", texts=("x", "Any of them, all of them are equally good", "y"))) == []


def test_stale_review_warns():
    assert findings(single("old", reviewed="2024-01-01"))[0][:2] == (WARNING, "old")


def test_key_position_and_length_patterns_warn_per_file():
    questions = [single(f"q{i}", key=1, texts=("a", "the long correct answer", "b")) for i in range(6)]
    messages = [m for level, _, m in findings(*questions) if level == WARNING]
    assert any("the key is choice 2 in 6 of 6" in m for m in messages)
    assert any("the key is the longest option in 6 of 6" in m for m in messages)


def test_near_duplicate_prompts_warn():
    a = single("a", prompt="What does numpy arange of ten reshape to two by five return here?")
    b = single("b", prompt="What does numpy arange of ten reshape to two by five return here ?")
    c = single("c", prompt="Which pandas method drops missing rows from a frame?")
    dupes = [(qid, m) for level, qid, m in findings(a, b, c) if "nearly repeats" in m]
    assert dupes == [("a", "prompt nearly repeats q 'b' (questions/f.yaml:10)")]


def test_check_importing_extra_packages_asks_for_requires():
    q = single("t")
    q.definition["check"] = {"python": "import torch\nprint(1)"}
    assert any("check imports torch" in m for _, _, m in findings(q))


def short(qid, **keys):
    d = {"type": "short", "prompt": f"Question {qid} about distinct topic {qid}?", "reviewed": "2026-11-01", **keys}
    return QuestionDef(qid, "questions/f.yaml", 10, "short", 3, ("s.a",), d, qid)


def test_a_pattern_alone_needs_an_example_a_learner_can_read_as_the_key():
    out = findings(short("bare", pattern="^a+$"), short("shown", pattern="^a+$", example="aaa"),
                   short("listed", answers=["a"], pattern="^a+$"))
    assert [(level, qid) for level, qid, _ in out] == [(ERROR, "bare")]
    assert "no `example:`" in out[0][2]


def test_every_question_of_the_real_bank_shows_its_learners_a_key():
    """No pattern-only question is left without an example (the review would show no accepted answer)."""
    from quizapp.bank.loader import load_bank
    from quizapp.config import PROJECT_ROOT
    from quizapp.questiontypes import get_question_type

    bank = load_bank(PROJECT_ROOT / "questions")
    assert bank.ok
    assert [q.id for q in bank.questions if get_question_type(q.qtype).key_problems(q.definition)] == []


def true_false(qid, answer):
    d = {"type": "true_false", "answer": answer, "prompt": f"Statement {qid} on its own topic {qid}.",
         "reviewed": "2026-11-01"}
    return QuestionDef(qid, "questions/f.yaml", 10, "true_false", 2, ("s.a",), d, qid)


def multiple(qid, texts, correct):
    choices = [{"text": t, "correct": i in correct, **({} if i in correct else {"feedback": "why not"})}
               for i, t in enumerate(texts)]
    d = {"type": "multiple", "choices": choices, "prompt": f"Select all for {qid} on its own topic {qid}.",
         "reviewed": "2026-11-01"}
    return QuestionDef(qid, "questions/f.yaml", 10, "multiple", 3, ("s.a",), d, qid)


def bank_errors(*questions):
    """The bank-wide errors (path: the questions folder), not the per-file or bank-wide warnings."""
    return [str(f) for f in lint_bank(Bank(questions=list(questions)), TODAY)
            if f.path == "questions" and f.level == ERROR]


def test_true_false_keys_must_be_balanced():
    skewed = [true_false(f"t{i}", i < 3) for i in range(10)]  # 3 of 10 true
    assert [(level, qid) for level, qid, _ in findings(*skewed)] == [(ERROR, None)]
    (message,) = bank_errors(*skewed)
    assert "3 of 10 are true (30%), outside 40%–60%" in message and "answering 'false' always scores 70%" in message
    assert "so that they are true" in message
    assert "so that they are false" in bank_errors(*[true_false(f"t{i}", i < 7) for i in range(10)])[0]
    assert bank_errors(*[true_false(f"t{i}", i < 4) for i in range(10)]) == []  # 40 %: the band's edge
    assert bank_errors(*[true_false(f"t{i}", i < 6) for i in range(10)]) == []
    assert bank_errors(*[true_false(f"t{i}", False) for i in range(9)]) == []  # too few to judge


def test_multiple_answer_longest_option_must_not_be_the_key_more_than_its_base_rate():
    # 2 of 4 correct (base rate 50 %); the correct option is the longest in every item
    cued = [multiple(f"m{i}", ("a long correct option", "b", "c", "right"), {0, 3}) for i in range(10)]
    (message,) = bank_errors(*cued)
    assert "multiple-answer items: the longest option is a correct one in 10 of 10 (100%) against 50%" in message
    # the longest option is right in 6 of 10 (60 %): within 10 points of 50 %
    fair = [multiple(f"m{i}", ("a long correct option", "b", "c", "right") if i < 6
                     else ("right", "b", "an even longer wrong option", "ok"), {0, 3}) for i in range(10)]
    assert bank_errors(*fair) == []
    # 7 of 10 (70 %) is over the margin
    over = [multiple(f"m{i}", ("a long correct option", "b", "c", "right") if i < 7
                     else ("right", "b", "an even longer wrong option", "ok"), {0, 3}) for i in range(10)]
    assert "in 7 of 10 (70%)" in bank_errors(*over)[0]


def test_single_choice_longest_key_and_key_position_are_checked_over_the_bank():
    cued = [single(f"s{i}", key=i % 3, texts=tuple("the long key" if j == i % 3 else "x" for j in range(3)))
            for i in range(30)]
    (message,) = bank_errors(*cued)
    assert "single-choice items: the longest option is a correct one in 30 of 30 (100%) against 33%" in message
    stuck = [single(f"s{i}", key=1, texts=("alpha", "beta", "gamma")) for i in range(30)]  # no length cue
    (message,) = bank_errors(*stuck)
    assert "the key is choice 2 in 30 of 30 (fair share 10, limit 1.5×)" in message
    # 15 of 30 in position 1 is exactly 1.5× the fair share of 10: allowed; 16 is not
    rotated = [single(f"s{i}", key=0 if i < 15 else 1 + i % 2, texts=("alpha", "beta", "gamma")) for i in range(30)]
    assert bank_errors(*rotated) == []
    rotated[15] = single("s15", key=0, texts=("alpha", "beta", "gamma"))
    assert "the key is choice 1 in 16 of 30" in bank_errors(*rotated)[0]
    assert bank_errors(*stuck[:29]) == []  # below 30 items the position rule does not apply


def test_the_real_bank_gives_no_answer_cues():
    from quizapp.bank.lint import lint_answer_cues
    from quizapp.bank.loader import load_bank
    from quizapp.config import PROJECT_ROOT

    bank = load_bank(PROJECT_ROOT / "questions")
    assert bank.ok
    assert [str(f) for f in lint_answer_cues(bank.questions) if f.level == ERROR] == []


def test_a_longest_option_that_is_almost_never_the_key_warns():
    shy = [single(f"s{i}", key=i % 3, texts=tuple("x" if j == i % 3 else f"long wrong {j}" for j in range(3)))
           for i in range(30)]  # the key is the shortest option: no item has a unique longest key
    out = [f for f in lint_bank(Bank(questions=shy), TODAY) if f.path == "questions"]
    assert [(f.level, f.message.split(":")[0]) for f in out] == [(WARNING, "single-choice items")]
    assert "in only 0 of 30 (0%) against 33%" in out[0].message
