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
