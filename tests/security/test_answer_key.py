"""No answer key before it is earned: every question of the real bank, in assessment mode, unanswered.

Every question is rendered once, alone in its own attempt (so "Question 1 of 1" everywhere), and
checked three ways:

* Skeleton: with the prompt, the choice labels and the unit replaced by placeholders (and the
  CSRF token, the timestamp, the attempt id and the option indices normalised), every page of
  the same type and number of choices must be byte-identical. Anything that varies from
  question to question beyond what the learner is meant to read (a key, an explanation, a
  marker on the right option) makes its page differ from the others.
* Twin (non-interference), for a few questions of each kind: the page is rendered again for a
  "twin" version whose key, feedback, explanation, references and check are replaced (the
  correct choice moved, the numeric/short key set to a sentinel). A page that does not reveal
  the key cannot depend on it, so both renders must be identical.
* The explicit checks the issue lists, for readable failures: no explanation or feedback text,
  no correct-choice marker (class, data attribute, or markup that differs between options), and
  no numeric or accepted short answer as a standalone token in text, attributes or scripts
  beyond the times the question-independent skeleton shows it (so a value the prompt itself
  shows, or the "1" of "Question 1 of 1", is never a false positive).

Parameterised questions need their keys computed by running `check`. Running all 99 takes about
80 s (numpy, pandas, scikit-learn, torch), so the first REAL_KEYS of those whose check imports
nothing run for real (well under a second); the others get sentinel keys instead, which go
through the same rendering path (and make any leak easy to spot).
"""
from __future__ import annotations

import copy
import re
from collections import Counter, defaultdict
from html import escape, unescape

import pytest
from sqlalchemy import select

from quizapp.bank.checks import run_checks
from quizapp.bank.loader import load_bank
from quizapp.bank.params import param_sets, resolve
from quizapp.bank.sync import sync_bank
from quizapp.config import PROJECT_ROOT
from quizapp.extensions import db
from quizapp.models import Assessment, Attempt, AttemptItem, Question, QuestionVersion, Role
from quizapp.render.markdown import render_inline, render_markdown
from tests.helpers import add_user, app_with_bank, copy_fixture_bank, current_versions, insert_attempt, login, make_app

QUESTIONS = PROJECT_ROOT / "questions"
TWINS_PER_KIND = 3
REAL_KEYS = 8  # parameterised items whose keys are computed by really running their check
SENTINEL_NUMBER = 4817.25
SENTINEL_TEXT = "zqxkeyzqx"
SENTINELS = ("zqxkeyzqx", "zqxexplanationzqx", "zqxfeedbackzqx", "zqxcheckzqx", "zqxreference", "zqxpatternzqx",
             "zqxexamplezqx", "zqxvariantzqx", "4817.25", "4818.25")
# Per-render values: the CSRF token, the time the page was shown, the form's idempotency token.
RANDOM_FIELDS = ("csrf_token", "shown_at", "token")
NORMALISE = [(re.compile(rf'(<input[^>]*name="{name}"[^>]*value=")[^"]*'), r"\1X") for name in RANDOM_FIELDS] + [
    (re.compile(rf'(<input[^>]*value=")[^"]*("[^>]*name="{name}")'), r"\1X\2") for name in RANDOM_FIELDS]
MARKER_CLASSES = {"key", "key-tag", "correct", "is-correct", "right", "solution", "answer-key", "feedback",
                  "choice-feedback", "explanation", "verdict", "review-choices"}
MARKER_DATA = re.compile(r"^data-(?!lang$).*(correct|key|answer|solution|right|score|credit|feedback|explan)", re.I)


# --- the real bank in a database ----------------------------------------------------------------

def twin_definition(d: dict) -> dict:
    """The same question as a learner sees it before answering, with a different key."""
    t = copy.deepcopy(d)
    t["explanation"] = "zqxexplanationzqx"
    t["references"] = ["https://zqxreference.invalid/"]
    if "feedback" in t:
        t["feedback"] = "zqxfeedbackzqx"
    if "check" in t:
        t["check"] = {"python": "'zqxcheckzqx'"}
    if t["type"] in ("single", "multiple"):
        flags = [c["correct"] for c in t["choices"]]
        for choice, flag in zip(t["choices"], flags[-1:] + flags[:-1], strict=True):
            choice["correct"] = flag
            if "feedback" in choice or not flag:
                choice["feedback"] = "zqxfeedbackzqx"
    elif t["type"] == "true_false":
        t["answer"] = not t["answer"]
    elif t["type"] == "numeric" and "answer" in t:
        t["answer"] = SENTINEL_NUMBER
    elif t["type"] == "short":
        if "answers" in t:
            t["answers"] = [SENTINEL_TEXT]
        if "pattern" in t:
            t["pattern"] = "^zqxpatternzqx$"
        if "example" in t:
            t["example"] = "zqxexamplezqx"
    elif t["type"] == "ordering":  # the reverse key; its attempt shows the items as the real one does
        t["items"] = t["items"][::-1]
    for variant in t.get("variants") or []:
        variant["key"] = SENTINEL_NUMBER if t["type"] == "numeric" else SENTINEL_TEXT
    return t


def kind_of(d: dict) -> tuple:
    """Pages of the same kind share one skeleton."""
    return d["type"], len(d.get("choices", d.get("items", ()))), bool(d.get("unit"))


class RealBank:
    def __init__(self, app, client, cases, real_variant_ids):
        self.app, self.client, self.cases, self.real_variant_ids = app, client, cases, real_variant_ids


@pytest.fixture(scope="module")
def real_bank(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("realbank")
    bank = load_bank(QUESTIONS)
    assert bank.ok, "\n".join(map(str, bank.issues[:10]))
    parameterised = [q for q in bank.questions if q.definition.get("params")]
    cheap = [q for q in parameterised if "import" not in q.definition["check"]["python"]][:REAL_KEYS]
    computed = {}
    for outcome in run_checks(cheap, workers=2):
        assert outcome.status == "verified", str(outcome)
        computed[outcome.question.id] = list(outcome.variants)

    def variants(qd):
        if qd.id in computed:
            return computed[qd.id]
        return [{"params": env, "key": SENTINEL_NUMBER + 1 if qd.qtype == "numeric" else "zqxvariantzqx"}
                for env in param_sets(qd.definition)]

    app = make_app(tmp, QUESTIONS, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'real.sqlite'}")
    cases, twins = [], Counter()
    with app.app_context():
        db.create_all()
        sync_bank(db.session, bank, variants)
        db.session.commit()
        user = add_user("keys@example.org")
        db.session.commit()
        assessment = db.session.scalars(select(Assessment)).first()
        role = db.session.scalars(select(Role)).first()
        rows = db.session.execute(select(Question.id, QuestionVersion)
                                  .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
                                  .order_by(Question.id)).all()
        for n, (qid, version) in enumerate(rows):
            case = {"id": qid, "real": insert_attempt(user.id, [version], assessment.id, role.id, seed=n,
                                                      commit=False), "twin": None}
            kind = kind_of(version.definition)
            if twins[kind] < TWINS_PER_KIND or version.definition.get("variants") and twins["params"] < 2:
                twins["params" if version.definition.get("variants") else kind] += 1
                twin = QuestionVersion(question_id=qid, version=version.version + 1, content_hash="twin",
                                       qtype=version.qtype, difficulty=version.difficulty, skills=version.skills,
                                       definition=twin_definition(version.definition))
                db.session.add(twin)
                db.session.flush()
                case["twin"] = insert_attempt(user.id, [twin], assessment.id, role.id, seed=n, commit=False)
                if "items" in twin.definition:  # reversed items: the same arrangement on the page
                    db.session.flush()
                    real, other = (db.session.scalar(select(AttemptItem).join(Attempt).where(
                        Attempt.public_id == case[which])) for which in ("real", "twin"))
                    other.choice_order = [len(real.choice_order) - 1 - i for i in real.choice_order]
            cases.append(case)
        db.session.commit()  # once: a commit per attempt would cost a disk sync each
        items = dict(db.session.execute(select(Attempt.public_id, AttemptItem)
                                        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)).all())
        for case in cases:
            case["definition"] = items[case["real"]].definition
    client = login(app, "keys@example.org")
    return RealBank(app, client, cases, set(computed))


# --- page analysis (regular expressions: the pages are our own, well-formed templates) -----------

SCRIPT_RE = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.S | re.I)
HIDDEN_RE = re.compile(r"<(style|title)\b[^>]*>.*?</\1\s*>", re.S | re.I)
TAG_RE = re.compile(r"<[^>]*>")
ATTR_RE = re.compile(r'([^\s=<>"\']+)="([^"]*)"')


def text_of(html: str) -> str:
    body = HIDDEN_RE.sub(" ", SCRIPT_RE.sub(" ", html))
    return " ".join(unescape(TAG_RE.sub(" ", body)).split())


def split_page(html: str) -> dict[str, str]:
    """The page's visible text, its attribute values and its script text, separately."""
    tags = TAG_RE.findall(SCRIPT_RE.sub(" ", html))
    attributes = [(name, unescape(value)) for tag in tags for name, value in ATTR_RE.findall(tag)]
    return {"text": text_of(html), "attributes": "\n".join(v for _, v in attributes),
            "scripts": "\n".join(SCRIPT_RE.findall(html)), "_pairs": attributes}


def normalise(html: str, public_id: str) -> str:
    html = html.replace(public_id, "PID")
    for pattern, replacement in NORMALISE:
        html = pattern.sub(replacement, html)
    return html


def skeleton(html: str, public_id: str, d: dict) -> str:
    """The page with what the learner is meant to read (prompt, choice labels, unit) taken out."""
    s = normalise(html, public_id).replace(render_markdown(d["prompt"]), "PROMPT")
    s = re.sub(r'(<label for="answer-\d+"[^>]*>).*?</label>', r"\1CHOICE</label>", s, flags=re.S)
    s = re.sub(r'\b(id|for)="answer-\d+"', r'\1="answer-N"', s)
    s = re.sub(r'(<input[^>]*type="(?:radio|checkbox)"[^>]*value=")[^"]*', r"\1V", s)
    s = re.sub(r'(<input[^>]*value=")[^"]*("[^>]*type="(?:radio|checkbox)")', r"\1V\2", s)
    if d.get("unit"):
        s = s.replace(f'<span class="unit">{escape(d["unit"])}</span>', '<span class="unit">UNIT</span>')
    return s


def count_token(token: str, haystack: str, text: bool = False) -> int:
    if text:
        return len(re.findall(rf"(?<!\w){re.escape(token)}(?!\w)", haystack, re.IGNORECASE))
    return len(re.findall(rf"(?<![\w.]){re.escape(token)}(?![\w]|\.\d)", haystack))


def number_tokens(value: float) -> set[str]:
    tokens = {f"{value:g}", repr(float(value)), f"{value:.6f}".rstrip("0").rstrip(".")}
    if float(value).is_integer() and abs(value) < 1e15:
        tokens.add(str(int(value)))
    return {t for t in tokens if t not in ("", "-")}


def key_tokens(d: dict) -> list[tuple[str, bool]]:
    """(token, is_text) for the key of a free-entry question (resolved for its variant)."""
    if d["type"] == "numeric":
        return [(t, False) for t in sorted(number_tokens(d["answer"]))]
    if d["type"] == "short":
        out = [(a, True) for a in d.get("answers") or [] if a.strip()]
        if d.get("pattern"):
            out.append((d["pattern"], True))
        return out
    return []


def choice_blocks(html: str) -> list[str]:
    """Each answer option's markup with its own label text, index, id and checked state removed."""
    fieldset = re.search(r'<fieldset class="answer.*?</fieldset>', html, re.S)
    if fieldset is None:
        return []
    body = re.sub(r"(<label[^>]*>).*?</label>", r"\1LABEL</label>", fieldset.group(0), flags=re.S)
    body = re.sub(r'\b(id|for|value)="[^"]*"', r'\1=""', body)
    body = re.sub(r"\s+checked\b", "", body)
    return re.findall(r"<div[^>]*>\s*<input.*?</div>", body, re.S)


def explicit_leaks(d: dict, html: str, skel: str) -> list[str]:
    """The issue's list, checked on one page; `skel` is the page without prompt, choices and unit."""
    problems = []
    parts = split_page(skel)

    def check_text(label: str, rendered: str):
        text = text_of(rendered)
        if len(text) < 12:
            return
        for where in ("text", "attributes", "scripts"):
            if text in parts[where]:
                problems.append(f"{label} appears in the page {where}: {text[:60]!r}")

    check_text("explanation", render_markdown(d["explanation"]))
    if d.get("feedback"):
        check_text("feedback", render_inline(d["feedback"]))
    for choice in d.get("choices", []):
        if choice.get("feedback"):
            check_text("choice feedback", render_inline(choice["feedback"]))
    classes = {c for name, value in parts["_pairs"] if name == "class" for c in value.split()}
    if classes & MARKER_CLASSES:
        problems.append(f"marker classes on the page: {sorted(classes & MARKER_CLASSES)}")
    data = [f"{name}={value!r}" for name, value in parts["_pairs"] if MARKER_DATA.match(name)]
    if data:
        problems.append(f"marker data attributes: {data[:5]}")
    blocks = choice_blocks(html)
    if len(set(blocks)) > 1:
        problems.append("answer options differ in markup beyond their label and index: "
                        + " | ".join(sorted(set(blocks)))[:400])
    if re.search(r"\bcorrect answer\b|\baccepted:", parts["text"], re.I):
        problems.append("the words 'correct answer' / 'Accepted:' appear outside the prompt and choices")
    return problems


def first_difference(a: str, b: str) -> str:
    for x, y in zip(a.splitlines(), b.splitlines(), strict=False):  # the shorter page may be a prefix
        if x != y:
            return f"{x.strip()[:160]!r} instead of {y.strip()[:160]!r}"
    return "the pages differ in length"


# --- the tests -----------------------------------------------------------------------------------

def test_the_whole_real_bank_is_covered(real_bank):
    types = Counter(c["definition"]["type"] for c in real_bank.cases)
    assert len(real_bank.cases) >= 600 and set(types) == {"single", "multiple", "true_false", "numeric", "short", "ordering"}
    assert len(real_bank.real_variant_ids) == REAL_KEYS  # parameterised items with keys computed by their check
    assert sum(c["twin"] is not None for c in real_bank.cases) >= 20


def test_no_question_page_reveals_its_key_before_it_is_answered(real_bank):
    client = real_bank.client
    failures: dict[str, list[str]] = defaultdict(list)
    skeletons: dict[tuple, dict[str, str]] = defaultdict(dict)
    for case in real_bank.cases:
        d = case["definition"]
        page = client.get(f"/attempt/{case['real']}/q/1")
        assert page.status_code == 200, case["id"]
        skel = skeleton(page.text, case["real"], d)
        skeletons[kind_of(d)][case["id"]] = skel
        failures[case["id"]] += explicit_leaks(d, page.text, skel)
        if case["twin"]:
            twin = client.get(f"/attempt/{case['twin']}/q/1").text
            if normalise(page.text, case["real"]) != normalise(twin, case["twin"]):
                failures[case["id"]].append("the page changes when only the key, feedback and explanation "
                                            "change: " + first_difference(normalise(page.text, case["real"]),
                                                                          normalise(twin, case["twin"])))
            failures[case["id"]] += [f"the twin's replaced key/explanation/feedback ({s}) is on its page"
                                     for s in SENTINELS if s in twin]

    definitions = {case["id"]: case["definition"] for case in real_bank.cases}
    for kind, pages in skeletons.items():
        common, _ = Counter(pages.values()).most_common(1)[0]
        common_parts = split_page(common)
        for qid, skel in pages.items():
            if skel != common and len(pages) > 1:
                failures[qid].append(f"its page differs from the other {kind} pages beyond the prompt, choices "
                                     f"and unit: " + first_difference(skel, common))
            parts = split_page(skel)
            for token, is_text in key_tokens(definitions[qid]):
                for where in ("text", "attributes", "scripts"):
                    n, usual = count_token(token, parts[where], is_text), count_token(token, common_parts[where],
                                                                                     is_text)
                    if n > usual:
                        failures[qid].append(f"key {token!r} appears {n}x in the page {where} outside the prompt "
                                             f"(pages of this kind: {usual}x)")
    failed = [f"{qid} ({definitions[qid]['type']}): " + " / ".join(problems)
              for qid, problems in sorted(failures.items()) if problems]
    assert not failed, f"{len(failed)} question pages reveal their key:\n" + "\n".join(failed[:25])


def test_reports_refuse_before_submission(real_bank):
    client = real_bank.client
    failures = []
    for case in real_bank.cases[::7]:
        response = client.get(f"/report/{case['real']}.json")
        body = response.get_json(silent=True) or {}
        if response.status_code != 409 or "review" in body or "skills" in body:
            failures.append(f"{case['id']}: JSON report -> {response.status_code} {sorted(body)}")
        html = client.get(f"/report/{case['real']}")
        if html.status_code == 200:
            failures.append(f"{case['id']}: HTML report shown before submission")
    assert not failures, "\n".join(failures)


# --- the fixture bank: after answering, in assessment mode, and in practice mode before checking --

@pytest.fixture(scope="module")
def fixture_world(tmp_path_factory):
    """Two tests, each on its own attempts (assessment mode / practice mode)."""
    tmp_path = tmp_path_factory.mktemp("fixture-keys")
    app = app_with_bank(tmp_path, copy_fixture_bank(tmp_path))
    with app.app_context():
        user = add_user("fx@example.org")
        db.session.commit()
        versions = current_versions()
        ordered = [versions[q] for q in sorted(versions)]
        ids = {mode: [insert_attempt(user.id, ordered, "everything", "tester", mode=mode, seed=s) for s in (1, 1)]
               for mode in ("assessment", "practice")}
        definitions = [resolve(v.definition, None) for v in ordered]
    return app, login(app, "fx@example.org"), ids, definitions


def _right_and_wrong(d: dict, order: list[int] | None):
    if d["type"] == "single":
        right = next(i for i, c in enumerate(d["choices"]) if c["correct"])
        wrong = next(i for i, c in enumerate(d["choices"]) if not c["correct"])
        return str(right), str(wrong)
    if d["type"] == "multiple":
        return ([str(i) for i, c in enumerate(d["choices"]) if c["correct"]],
                [str(i) for i, c in enumerate(d["choices"]) if not c["correct"]])
    if d["type"] == "true_false":
        return ("true" if d["answer"] else "false"), ("false" if d["answer"] else "true")
    if d["type"] == "numeric":
        return f"{d['answer']:g}", f"{d['answer'] + 1000:g}"
    return d["answers"][0], "definitely not it"


def _post(client, public_id, position, answer):
    page = client.get(f"/attempt/{public_id}/q/{position}")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    response = client.post(f"/attempt/{public_id}/q/{position}",
                           data={"csrf_token": token, "answer": answer, "action": "save"})
    assert response.status_code == 303, response.status_code


def _without_answer(html: str, public_id: str) -> str:
    html = normalise(html, public_id)
    html = re.sub(r"\s+checked\b", "", html)
    html = re.sub(r'(<input[^>]*name="answer"[^>]*type="text"[^>]*value=")[^"]*', r"\1", html)
    html = re.sub(r'(<input[^>]*type="text"[^>]*name="answer"[^>]*value=")[^"]*', r"\1", html)
    html = re.sub(r'(id="answer"[^>]*value=")[^"]*', r"\1", html)
    return html


def test_a_saved_answer_does_not_say_whether_it_was_right(fixture_world):
    """Assessment mode: after saving a right and a wrong answer, the question page and the overview
    are the same apart from the answer itself (the attempts draw the same choice order)."""
    app, client, ids, definitions = fixture_world
    right_attempt, wrong_attempt = ids["assessment"]
    for position, d in enumerate(definitions, start=1):
        right, wrong = _right_and_wrong(d, None)
        _post(client, right_attempt, position, right)
        _post(client, wrong_attempt, position, wrong)
        a = _without_answer(client.get(f"/attempt/{right_attempt}/q/{position}").text, right_attempt)
        b = _without_answer(client.get(f"/attempt/{wrong_attempt}/q/{position}").text, wrong_attempt)
        assert a == b, f"position {position} ({d['type']}): the page differs between a right and a wrong answer"
    a = normalise(client.get(f"/attempt/{right_attempt}/overview").text, right_attempt)
    b = normalise(client.get(f"/attempt/{wrong_attempt}/overview").text, wrong_attempt)
    assert a == b, "the overview differs between right and wrong answers"
    assert client.get(f"/report/{right_attempt}.json").status_code == 409


def test_practice_mode_shows_nothing_before_the_answer_is_checked(fixture_world):
    app, client, ids, definitions = fixture_world
    public_id = ids["practice"][0]
    for position, d in enumerate(definitions, start=1):
        html = client.get(f"/attempt/{public_id}/q/{position}").text
        assert not explicit_leaks(d, html, html.replace(render_markdown(d["prompt"]), "PROMPT")), position
        _, wrong = _right_and_wrong(d, None)
        _post(client, public_id, position, wrong)  # saved, not checked: still nothing
        html = client.get(f"/attempt/{public_id}/q/{position}").text
        assert not explicit_leaks(d, html, html.replace(render_markdown(d["prompt"]), "PROMPT")), position


def test_the_sentinels_are_not_in_the_real_bank():
    """The twin check relies on sentinel strings no real question contains."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in QUESTIONS.rglob("*.yaml"))
    assert not [s for s in SENTINELS if s in text]
