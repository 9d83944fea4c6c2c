"""Instructors at scale (issue #22): every instructor page, export and command timed on a big database.

    .venv/bin/python bench/scale.py --attempts 10000                 # one size
    .venv/bin/python bench/scale.py --sizes 1000,10000               # and the growth per 10x
    .venv/bin/python bench/scale.py --attempts 10000 --database quizapp_scale_10k --keep   # build once ...
    .venv/bin/python bench/scale.py --attempts 10000 --database quizapp_scale_10k --keep   # ... time again
    .venv/bin/python bench/scale.py --bank-size 10000 --repeat 7     # instead: starts on a big bank

Why: the instructor pages read every stored answer, so they grow with the data while the learner
pages must not; only a database of a real size shows which ones fall over first.

Per size it makes a fresh PostgreSQL database (quizapp_scale_<hex>), migrates it and imports the
real bank with the app's own CLI, then makes a few attempts THROUGH THE APP (test client: log in,
join the cohort, start, answer, submit, report a problem), and generates the bulk with COPY in the
same shape: learners with abilities, answers drawn from the items' day-one parameters (their labels,
scoring.ability.item_params) and graded by the app's own grader, skill and area results, cohort
members, open problem reports. A shape check compares generated rows with the app-made ones (the
same columns non-null, the same value kinds, the same JSON keys per question type, the same
statuses) and fails the run loudly if they differ.

Then it times in-process, with the app's test client logged in as the instructor, the median of
--repeat requests and the peak RSS growth of each (Linux: VmHWM after resetting it through
/proc/self/clear_refs): the learner pages as the baseline, the item statistics page and CSV (time to
first byte and total) and one question's page, after `quizapp stats refresh` (a subprocess, as
calibrate), the cohort page (heatmap), its learner grid, the cohort CSV and JSON exports (first
byte and peak RSS growth while the streamed body is read), the problem-report
queue; and `quizapp calibrate` as a subprocess (wall time, max RSS from wait4). A route the app does
not have is reported as missing, not timed. It prints one markdown table per size and, with several
sizes, the growth per 10x of each row. The database is dropped afterwards unless --keep/--database.

--bank-size N is a section of its own: the starts a bank's size could slow down (a fixed form, the first
adaptive question, also with the item pool rebuilt and in a new worker), timed in-process on the real
bank and on a copy with N questions from bench/import_speed.py's generator beside it, with the ratio and
PASS/FAIL against the targets for 10,000 questions (both scratch databases are dropped).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import (  # noqa: E402
    ADMIN_URL,
    INPUT_RE,
    _attrs,
    _bin,
    _csrf,
    answer_value,
    database_urls,
    drop_scratch_database,
    migrate_and_import,
)

ROOT = Path(__file__).resolve().parent.parent
APP_DOMAIN = "app.scale.example"      # learners whose attempts were made through the app
GEN_DOMAIN = "gen.scale.example"      # learners generated with COPY
INSTRUCTOR = f"instructor@{APP_DOMAIN}"
PASSWORD = "correct horse battery staple"
APP_ASSESSMENTS = ("ml-readiness", "math", "python", "algorithms", "frameworks")
# What share of generated attempts each assessment gets: the adaptive check is the front door.
MIX = {"ml-readiness": 0.4, "math": 0.15, "python": 0.15, "algorithms": 0.15, "frameworks": 0.15}
CONFIDENCES = ("", "sure", "unsure", "guess")
DONT_KNOW_SHARE = 0.08

# The rows of the table, in order: (key, label, kind). kind "learner" rows are the baseline.
ROWS = [
    ("question_page", "learner: question page GET", "learner"),
    ("answer_post", "learner: answer POST (save)", "learner"),
    ("report_post", "learner: problem report POST", "learner"),
    ("stats_refresh", "`quizapp stats refresh` (subprocess)", "command"),
    ("stats", "item statistics page", "instructor"),
    ("stats_csv", "item statistics CSV", "instructor"),
    ("stats_question", "one question's statistics page", "instructor"),
    ("cohort", "cohort page (heatmap)", "instructor"),
    ("cohort_grid", "cohort learners grid (most gaps)", "instructor"),
    ("cohort_csv", "cohort responses CSV", "instructor"),
    ("cohort_json", "cohort responses JSON", "instructor"),
    ("reports", "problem-report queue (open)", "instructor"),
    ("calibrate", "`quizapp calibrate` (subprocess)", "command"),
]


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


# --- memory -----------------------------------------------------------------------------------

def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class PeakRss:
    """Peak RSS growth over a block: VmHWM is reset through /proc/self/clear_refs (Linux) so each
    block has its own peak; elsewhere the growth of ru_maxrss (0 unless the block sets a new peak)."""

    def __enter__(self):
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            self.reset = True
        except OSError:
            self.reset = False
        self.before = (_status_kb("VmRSS") if self.reset else None) or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return self

    def __exit__(self, *exc):
        after = (_status_kb("VmHWM") if self.reset else None) or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.mb = max(0, after - self.before) / 1024
        return False


# --- the database ------------------------------------------------------------------------------

def app_env(sa_url: str, secret: str) -> dict:
    return {**os.environ, "QUIZAPP_ENV": "production", "QUIZAPP_SECRET_KEY": secret,
            "QUIZAPP_DATABASE_URL": sa_url, "NO_PROXY": "*"}


def database_exists(name: str) -> bool:
    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def create_database(name: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')


def make_app(sa_url: str, secret: str):
    from quizapp import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": sa_url, "SECRET_KEY": secret, "RATELIMIT_ENABLED": False,
                       "WTF_CSRF_TIME_LIMIT": None})


def add_users(app, emails: list[str], role: str = "learner") -> None:
    from quizapp.extensions import db
    from quizapp.models import User

    with app.app_context():
        for email in emails:
            user = User(email=email, display_name=f"{role.title()} {email.split('@')[0]}", role=role)
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
        db.engine.dispose()


def login(app, email: str):
    client = app.test_client()
    page = client.get("/auth/login").text
    done = client.post("/auth/login", data={"csrf_token": _csrf(page), "email": email, "password": PASSWORD})
    if done.status_code != 302:
        raise RuntimeError(f"login of {email} failed: {done.status_code}")
    return client


def _path(location: str) -> str:
    return urllib.parse.urlsplit(location).path


def _checked_or_first(page: str, name: str) -> str:
    inputs = [a for a in map(_attrs, INPUT_RE.findall(page)) if a.get("name") == name]
    chosen = next((a for a in inputs if "checked" in a), inputs[0] if inputs else None)
    if chosen is None:
        raise RuntimeError(f"no {name} input on the page")
    return chosen["value"]


def _select_first(page: str, name: str) -> str:
    body = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    if not body:
        raise RuntimeError(f"no {name} select on the page")
    options = [_attrs(t) for t in re.findall(r"<option\b[^>]*>", body.group(1))]
    return next((o for o in options if "selected" in o), options[0])["value"]


def answer_form(page: str) -> tuple[str, dict] | None:
    """The answer form of a question page: (its body, its hidden fields)."""
    if 'class="answer-form"' not in page:
        return None
    form = page[page.index('class="answer-form"'):]
    form = form[:form.index("</form>")]
    hidden = {a["name"]: a.get("value", "") for a in map(_attrs, INPUT_RE.findall(form))
              if a.get("type") == "hidden" and a.get("name")}
    return form, hidden


def start(client, assessment: str) -> str:
    """Start an assessment through the start form; the first question's path."""
    page = client.get(f"/attempt/new/{assessment}").text
    done = client.post(f"/attempt/new/{assessment}", data={
        "csrf_token": _csrf(page), "role": _select_first(page, "role"), "mode": _checked_or_first(page, "mode")})
    if done.status_code != 303:
        raise RuntimeError(f"could not start {assessment}: {done.status_code}")
    return _path(done.headers["Location"])


def answer(client, path: str, rng: random.Random, action: str = "next") -> str:
    """Answer the question at `path` as a learner would (sometimes "I don't know", sometimes saying how
    sure); where the app sends the learner next."""
    form, hidden = answer_form(client.get(path).text)
    data = {"csrf_token": hidden.get("csrf_token") or _csrf(form), "shown_at": hidden.get("shown_at", ""),
            "token": hidden.get("token") or secrets.token_urlsafe(16), "action": action}
    if rng.random() < DONT_KNOW_SHARE:
        data["dont_know"] = "y"
    else:
        data["answer"] = answer_value(form, rng)
    confidence = rng.choice(CONFIDENCES)
    if confidence:
        data["confidence"] = confidence
    done = client.post(path, data=data)
    if done.status_code != 303:
        raise RuntimeError(f"answer POST {path}: {done.status_code}")
    return _path(done.headers["Location"])


def take(client, assessment: str, rng: random.Random, submit: bool = True, report: bool = False) -> str:
    """One whole attempt through the app: start, (report a problem with the first question,) answer
    every question with "next", submit."""
    path = start(client, assessment)
    public_id = path.split("/")[2]
    if report and report_problem(client, public_id, 1) != 303:
        raise RuntimeError("the problem report was not accepted")
    for _ in range(200):
        nxt = answer(client, path, rng)
        if "/q/" not in nxt or nxt == path:
            break
        path = nxt
    if submit:
        page = client.get(f"/attempt/{public_id}/submit").text
        done = client.post(f"/attempt/{public_id}/submit", data={"csrf_token": _csrf(page)})
        if done.status_code != 303:
            raise RuntimeError(f"submit {public_id}: {done.status_code}")
    return public_id


def report_problem(client, public_id: str, position: int, reason: str = "typo") -> int:
    page = client.get(f"/attempt/{public_id}/q/{position}").text
    token = _csrf(page)
    return client.post(f"/attempt/{public_id}/q/{position}/problem", data={
        "csrf_token": token, f"p{position}-csrf_token": token, f"p{position}-reason": reason,
        f"p{position}-note": "Seen while benchmarking: the wording could be clearer."}).status_code


def make_through_app(app, learners: int, seed: int) -> dict:
    """The app-made part: an instructor and a cohort, learners who join it and take every assessment
    (adaptive and fixed forms) through the test client, one problem report, and one attempt left in
    progress for the learner baseline."""
    rng = random.Random(seed)
    add_users(app, [INSTRUCTOR], role="instructor")
    emails = [f"app{i}@{APP_DOMAIN}" for i in range(learners)]
    add_users(app, emails)
    teacher = login(app, INSTRUCTOR)
    page = teacher.get("/instructor/cohorts").text
    done = teacher.post("/instructor/cohorts", data={"csrf_token": _csrf(page), "name": "Scale cohort"})
    if done.status_code != 303:
        raise RuntimeError(f"could not create the cohort: {done.status_code}")
    cohort_id = int(_path(done.headers["Location"]).rstrip("/").rsplit("/", 1)[1])
    with app.app_context():
        from quizapp.extensions import db
        from quizapp.models import Cohort

        code = db.session.get(Cohort, cohort_id).join_code
        db.engine.dispose()
    for n, email in enumerate(emails):
        client = login(app, email)
        page = client.get("/cohorts/join").text
        if client.post("/cohorts/join", data={"csrf_token": _csrf(page), "code": code}).status_code != 303:
            raise RuntimeError("could not join the cohort")
        for k, assessment in enumerate(APP_ASSESSMENTS):
            take(client, assessment, rng, report=n == 0 and k == 1)
    return {"cohort_id": cohort_id}


# --- generating the bulk -----------------------------------------------------------------------

def _phi(z: float) -> float:
    return math.exp(-z * z / 2) / math.sqrt(2 * math.pi)


def _Phi(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def candidate_responses(definition: dict) -> list[dict]:
    """Responses a learner could give to one question (as the type's parse() stores them): every
    option, the key, and wrong ones; each is graded by the app before use."""
    kind = definition["type"]
    out: list[dict] = []
    if kind == "single":
        out = [{"choice": i} for i in range(len(definition["choices"]))]
    elif kind == "multiple":
        n = len(definition["choices"])
        right = sorted(i for i, c in enumerate(definition["choices"]) if c.get("correct"))
        out = [{"choices": [i]} for i in range(n)] + [{"choices": right}, {"choices": list(range(n))}]
    elif kind == "true_false":
        out = [{"value": True}, {"value": False}]
    elif kind == "numeric":
        key = definition.get("answer")
        if isinstance(key, (int, float)) and not isinstance(key, bool):
            out = [{"value": float(key), "raw": f"{key:g}"}, {"value": float(key) * 2 + 1, "raw": f"{key * 2 + 1:g}"},
                   {"value": -float(key) - 3, "raw": f"{-key - 3:g}"}]
    elif kind == "short":
        out = [{"text": a} for a in definition.get("answers", [])[:1]] + [{"text": "not sure"}, {"text": "none"}]
    elif kind == "ordering":
        n = len(definition["items"])
        out = [{"order": list(range(n))}, {"order": list(reversed(range(n)))},
               {"order": list(range(1, n)) + [0]}]
    return out


class Bank:
    """What the generator needs of the imported bank, read from the database the app migrated."""

    def __init__(self, app):
        from quizapp.bank.params import resolve
        from quizapp.extensions import db
        from quizapp.models import Assessment, Question, QuestionVersion, Skill
        from quizapp.questiontypes import DONT_KNOW_RESPONSE, get_question_type
        from quizapp.questiontypes import grade as grade_response
        from quizapp.scoring.ability import item_params

        with app.app_context():
            self.areas = dict(db.session.execute(db.select(Skill.id, Skill.area)).all())
            self.assessments = {a.id: (a.role_id, a.mode, a.question_count, list(a.skills), a.time_limit)
                                for a in db.session.scalars(db.select(Assessment))}
            self.gap, self.no_gap = app.config["GAP_THRESHOLD"], app.config["NO_GAP_THRESHOLD"]
            versions = db.session.scalars(db.select(QuestionVersion).join(
                Question, Question.current_version_id == QuestionVersion.id).where(Question.retired.is_(False))).all()
            self.by_skill: dict[str, list[int]] = {}
            self.items: dict[int, dict] = {}
            for v in versions:
                d = v.definition
                qtype = get_question_type(d["type"])
                variants = len(d.get("variants") or []) or None
                graded = {}
                for variant in range(variants or 1):
                    resolved = resolve(d, variant if variants else None)
                    ok = []
                    for response in candidate_responses(resolved) + [DONT_KNOW_RESPONSE]:
                        try:
                            g = grade_response(resolved, response)
                        except Exception:  # noqa: BLE001 - a candidate this question does not take
                            continue
                        ok.append((json.dumps(response), g.fraction, g.state, response is DONT_KNOW_RESPONSE))
                    graded[variant] = ok
                if not any(c for c in graded[0] if not c[3]):
                    continue  # no answer we can make for it: left out rather than faked
                p = item_params(v.difficulty, qtype.guessing_floor(d))
                self.items[v.id] = {"qtype": qtype, "definition": d, "variants": variants, "graded": graded,
                                    "a": p.a, "b": p.b, "c": p.c, "skills": v.skills}
                for s in v.skills[:1]:
                    self.by_skill.setdefault(s, []).append(v.id)
            db.engine.dispose()


def _next_ids(conn) -> dict[str, int]:
    tables = ("user", "attempt", "attempt_item", "skill_result", "area_result", "problem_report")
    return {t: conn.execute(f'SELECT coalesce(max(id), 0) + 1 FROM "{t}"').fetchone()[0] for t in tables}


def _bump_sequences(conn) -> None:
    for t in ("user", "attempt", "attempt_item", "skill_result", "area_result", "problem_report"):
        conn.execute(f"SELECT setval(pg_get_serial_sequence('\"{t}\"', 'id'), (SELECT coalesce(max(id), 1) FROM \"{t}\"))")


def generate(app, db_url: str, attempts: int, members: int, reports: int, cohort_id: int, seed: int) -> dict:
    """The bulk, with COPY: learners, cohort members, submitted attempts with their items, skill and area
    results, open problem reports. Returns counts."""
    rng = random.Random(seed)
    bank = Bank(app)
    learners = max(members, attempts // 3, 1)
    now = utcnow()
    epoch = now - timedelta(days=200)
    counts = dict.fromkeys(("users", "attempts", "items", "skill_results", "area_results", "reports", "members"), 0)
    with psycopg.connect(db_url) as conn:
        app_row = conn.execute(
            'SELECT password_hash FROM "user" WHERE email LIKE %s LIMIT 1', (f"%@{APP_DOMAIN}",)).fetchone()
        password_hash = app_row[0]
        # What the app wrote, to reuse as text: the adaptive reasons and stop reasons, the targets per skill.
        reasons = [r for (r,) in conn.execute("SELECT DISTINCT reason FROM attempt_item WHERE reason IS NOT NULL")]
        stops = [r for (r,) in conn.execute("SELECT DISTINCT stop_reason FROM attempt WHERE stop_reason IS NOT NULL")]
        targets = dict(conn.execute("SELECT skill_id, avg(target) FROM skill_result GROUP BY skill_id").fetchall())
        default_target = statistics.fmean(targets.values()) if targets else 0.0
        ids = _next_ids(conn)
        user_ids = list(range(ids["user"], ids["user"] + learners))
        # learners: an overall ability and a lean per area
        ability = {u: rng.gauss(0, 1) for u in user_ids}
        lean = {(u, a): rng.gauss(0, 0.5) for u in user_ids for a in set(bank.areas.values())}
        created = {u: epoch + timedelta(days=rng.uniform(0, 20)) for u in user_ids}
        with conn.cursor() as cur:
            with cur.copy('COPY "user" (id, email, display_name, password_hash, role, created_at, session_token, '
                          "email_verified_at) FROM STDIN") as copy:
                for n, u in enumerate(user_ids):  # confirmed, as the app-made learners are once they follow the link
                    copy.write_row((u, f"learner{n}-{u}@{GEN_DOMAIN}", f"Learner {n}", password_hash, "learner",
                                    created[u], secrets.token_hex(16), created[u] + timedelta(minutes=5)))
            counts["users"] = learners
            member_ids = user_ids[:members]
            joined = {u: created[u] + timedelta(hours=rng.uniform(1, 48)) for u in member_ids}
            with cur.copy("COPY cohort_member (cohort_id, user_id, joined_at) FROM STDIN") as copy:
                for u in member_ids:
                    copy.write_row((cohort_id, u, joined[u]))
            counts["members"] = len(member_ids)

            names, weights = zip(*[(k, w) for k, w in MIX.items() if k in bank.assessments], strict=True)
            # each learner's attempts follow one another in time; members' come after they joined
            owners = sorted(rng.choice(user_ids) for _ in range(attempts))
            last_time = {u: joined.get(u, created[u]) for u in user_ids}
            seen: dict[tuple[int, str], list[int]] = {}  # (learner, skill) -> [items so far, sittings]
            attempt_id, item_id, sr_id, ar_id = ids["attempt"], ids["attempt_item"], ids["skill_result"], ids["area_result"]
            for u in owners:
                name = rng.choices(names, weights)[0]
                role_id, kind, length, skills, time_limit = bank.assessments[name]
                adaptive, mode = kind == "adaptive", "assessment"  # what the start form posts
                started = last_time[u] + timedelta(days=rng.uniform(0.5, 20))
                if started >= now - timedelta(hours=1):
                    started = now - timedelta(hours=rng.uniform(1, 100))
                n_items = rng.randint(max(8, length * 6 // 10), length) if adaptive else length
                pool = {s: list(bank.by_skill.get(s, ())) for s in skills}
                order = [s for s in skills if pool[s]]
                rng.shuffle(order)
                chosen: list[int] = []
                used: set[int] = set()
                k = 0
                while len(chosen) < n_items and order:
                    s = order[k % len(order)]
                    k += 1
                    free = [v for v in pool[s] if v not in used]
                    if not free:
                        order.remove(s)
                        continue
                    theta = ability[u] + lean[(u, bank.areas[s])]
                    picks = rng.sample(free, min(3, len(free)))
                    v = min(picks, key=lambda v: abs(bank.items[v]["b"] - theta)) if adaptive else picks[0]
                    used.add(v)
                    chosen.append(v)
                t = started
                rows = []
                per_skill: dict[str, int] = {}
                for position, v in enumerate(chosen, start=1):
                    item = bank.items[v]
                    skill = item["skills"][0]
                    theta = ability[u] + lean[(u, bank.areas.get(skill, "math"))]
                    variant = rng.randrange(item["variants"]) if item["variants"] else None
                    graded = item["graded"][variant or 0]
                    p = item["c"] + (1 - item["c"]) / (1 + math.exp(-item["a"] * (theta - item["b"])))
                    if rng.random() < DONT_KNOW_SHARE * (1 - p) * 2:
                        response, credit, state = next((r, f, s) for r, f, s, dk in graded if dk)
                    else:
                        answers = [g for g in graded if not g[3]]
                        right = [g for g in answers if g[1] >= 1] or [max(answers, key=lambda g: g[1])]
                        wrong = [g for g in answers if g[1] < 1] or right
                        response, credit, state, _ = rng.choice(right if rng.random() < p else wrong)
                    seconds = min(900.0, rng.lognormvariate(math.log(35), 0.7))
                    t += timedelta(seconds=seconds + rng.uniform(1, 5))
                    order_ = item["qtype"].shuffled_order(item["definition"], rng)
                    rows.append((item_id, attempt_id, position, v, json.dumps(order_) if order_ is not None else None,
                                 variant, response, credit, state, adaptive, False, t, round(seconds, 3),
                                 rng.choice(reasons) if adaptive and reasons else None,
                                 secrets.token_urlsafe(16), rng.choice(CONFIDENCES) or None, None, t))
                    item_id += 1
                    per_skill[skill] = per_skill.get(skill, 0) + 1
                submitted = t + timedelta(seconds=rng.uniform(5, 60))
                last_time[u] = submitted
                _BUFFERS["attempt"].append((attempt_id, secrets.token_urlsafe(12), u, None, name, role_id, mode, "submitted",
                                  started, submitted, len(chosen), length, adaptive, None, 0,
                                  started + timedelta(minutes=time_limit) if time_limit else None,
                                  (rng.choice(stops) if stops else "Every call is clear.") if adaptive else None))
                counts["attempts"] += 1
                # key_shown_at: the report shows every key at submit (attempts.show_keys)
                pending_items = [r[:16] + (submitted, r[17]) for r in rows]
                pending_results, pending_areas = [], {}
                for s in skills:
                    this = per_skill.get(s, 0)
                    before = seen.get((u, s), [0, 0])
                    total = before[0] + this
                    sittings = before[1] + (1 if this else 0)
                    seen[(u, s)] = [total, sittings]
                    truth = ability[u] + lean[(u, bank.areas.get(s, "math"))]
                    sd = 1 / math.sqrt(1 + 0.35 * total)
                    theta = truth * (1 - sd * sd) + rng.gauss(0, sd)
                    target = targets.get(s, default_target)
                    z = (target - theta) / sd
                    p_gap = _Phi(z)
                    status = "gap" if p_gap >= bank.gap else "no_gap" if p_gap <= bank.no_gap else "uncertain"
                    shortfall = sd * _phi(z) + (target - theta) * p_gap
                    pending_results.append((sr_id, attempt_id, s, theta, sd, p_gap, max(0.0, shortfall), target,
                                            status, total, this, sittings))
                    sr_id += 1
                    pending_areas.setdefault(bank.areas.get(s, "math"), []).append((theta, sd, target, total))
                _write_children(cur, pending_items, pending_results, pending_areas, attempt_id, ar_id, bank)
                ar_id += len(pending_areas)
                counts["items"] += len(pending_items)
                counts["skill_results"] += len(pending_results)
                counts["area_results"] += len(pending_areas)
                attempt_id += 1
                if len(_BUFFERS["attempt"]) >= 2000:
                    _flush(cur)
            _flush(cur)
            versions = list(bank.items)
            with cur.copy("COPY problem_report (id, version_id, user_id, reason, note, status, created_at, resolved_at) "
                          "FROM STDIN") as copy:
                from quizapp.models import PROBLEM_REASONS
                for n in range(reports):
                    copy.write_row((ids["problem_report"] + n, rng.choice(versions), rng.choice(user_ids),
                                    rng.choice(list(PROBLEM_REASONS)), rng.choice(("", "The key looks wrong to me.")),
                                    "open", epoch + timedelta(days=rng.uniform(20, 199)), None))
            counts["reports"] = reports
        _bump_sequences(conn)
        conn.commit()
        conn.execute("ANALYZE")
    return counts


_BUFFERS: dict[str, list] = {"attempt": [], "attempt_item": [], "skill_result": [], "area_result": []}
_COLUMNS = {
    "attempt": "id, public_id, user_id, guest_token, assessment_id, role_id, mode, status, started_at, submitted_at, "
               "last_position, question_count, adaptive, focus_skill, focus_remaining, deadline, stop_reason",
    "attempt_item": "id, attempt_id, position, version_id, choice_order, variant, response, credit, state, checked, "
                    "flagged, answered_at, seconds, reason, last_token, confidence, key_shown_at, timed_until",
    "skill_result": "id, attempt_id, skill_id, theta, sd, p_gap, shortfall, target, status, n_items, this_sitting, sittings",
    "area_result": "id, attempt_id, area, theta, sd, p_gap, target, status, n_items",
}


def _write_children(cur, items, results, areas, attempt_id, ar_id, bank) -> None:
    """Buffer an attempt's children: _flush() writes them after the attempts they point to."""
    _BUFFERS["attempt_item"].extend(items)
    _BUFFERS["skill_result"].extend(results)
    for n, (area, parts) in enumerate(sorted(areas.items())):
        theta = statistics.fmean(p[0] for p in parts)
        sd = math.sqrt(sum(p[1] ** 2 for p in parts)) / len(parts)
        target = statistics.fmean(p[2] for p in parts)
        p_gap = _Phi((target - theta) / sd)
        status = "gap" if p_gap >= bank.gap else "no_gap" if p_gap <= bank.no_gap else "uncertain"
        _BUFFERS["area_result"].append((ar_id + n, attempt_id, area, theta, sd, p_gap, target, status,
                                        sum(p[3] for p in parts)))


def _flush(cur) -> None:
    """One COPY per table, parents first (the foreign keys), a few thousand attempts at a time."""
    for table, rows in _BUFFERS.items():
        with cur.copy(f"COPY {table} ({_COLUMNS[table]}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        rows.clear()


# --- the shape check ---------------------------------------------------------------------------

def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, dict):
        return "object{" + ",".join(sorted(value)) + "}"
    if isinstance(value, list):
        return "list[" + ",".join(sorted({_kind(v) for v in value})) + "]"
    return type(value).__name__


_KIND = "a.mode || CASE WHEN a.adaptive THEN ':adaptive' ELSE ':fixed' END"
SHAPE_QUERIES = {
    # (table, partition key expression, select list); rows of app-made vs generated learners
    "attempt": (_KIND, "a.*", "attempt a"),
    "attempt_item": (_KIND + " || ':' || (i.definition->>'type') || ':' || (ai.variant IS NOT NULL)::text", "ai.*",
                     "attempt_item ai JOIN attempt a ON a.id = ai.attempt_id JOIN question_version i ON i.id = ai.version_id"),
    "skill_result": (_KIND, "r.*", "skill_result r JOIN attempt a ON a.id = r.attempt_id"),
    "area_result": (_KIND, "r.*", "area_result r JOIN attempt a ON a.id = r.attempt_id"),
    "cohort_member": ("'member'", "m.*", "cohort_member m"),
    "problem_report": ("'report'", "p.*", "problem_report p"),
    "user": ("'learner'", "x.*", '"user" x'),
}
OWNER = {"cohort_member": "m.user_id", "problem_report": "p.user_id", "user": "x.id"}
# Values whose differences are the point of the data, not its shape.
FREE_COLUMNS = {"id", "attempt_id", "user_id", "version_id", "position", "email", "display_name"}


def shape_check(db_url: str, sample: int = 3000) -> tuple[bool, list[str]]:
    """Generated rows against app-made ones, per table and per kind of row (mode, question type, with a
    variant or not): the same columns ever non-null, the same value kinds and JSON keys per column, and
    the same status values. Kinds of rows the app-made sample lacks are named, not judged."""
    from quizapp.questiontypes import DONT_KNOW_RESPONSE

    problems, notes = [], []
    with psycopg.connect(db_url) as conn:
        conn.execute("SELECT setseed(0.5)")
        for table, (part, cols, source) in SHAPE_QUERIES.items():
            owner = OWNER.get(table, "a.user_id")
            profiles: dict[str, dict] = {}
            for origin, domain, limit in (("app", APP_DOMAIN, None), ("gen", GEN_DOMAIN, sample)):
                sql = (f"SELECT {part} AS part, {cols} FROM {source} JOIN \"user\" u ON u.id = {owner} "
                       f"WHERE u.email LIKE %s" + ("" if table in OWNER else " AND a.status = 'submitted'")
                       + (f" ORDER BY random() LIMIT {limit}" if limit else ""))
                cur = conn.execute(sql, (f"%@{domain}",))
                names = [d.name for d in cur.description][1:]
                prof: dict[str, dict[str, set]] = {}
                for row in cur:
                    p = prof.setdefault(row[0], {n: set() for n in names})
                    for n, v in zip(names, row[1:], strict=True):
                        if n in DOMAINS:
                            p[n].add(f"{_kind(v)}={v}")
                        else:
                            p[n].add(_kind(v) if n not in ("response", "choice_order") or v is None
                                     else _kind(json.loads(v) if isinstance(v, str) else v))
                profiles[origin] = prof
            app_prof, gen_prof = profiles["app"], profiles["gen"]
            if not gen_prof:
                problems.append(f"{table}: no generated rows")
            anywhere: dict[str, set] = {}
            for prof in app_prof.values():
                for column, kinds in prof.items():
                    anywhere.setdefault(column, set()).update(kinds)
            for key, gen in gen_prof.items():
                app = app_prof.get(key)
                if app is None:
                    notes.append(f"{table} [{key}]: no app-made row of this kind to compare")
                    continue
                for column, kinds in gen.items():
                    if column in FREE_COLUMNS:
                        continue
                    want = anywhere[column] if column in CHANCE_COLUMNS else app[column]
                    if column == "response":  # "I don't know" is the same response on every type
                        kinds = kinds - {_kind(DONT_KNOW_RESPONSE)}
                        want = want - {_kind(DONT_KNOW_RESPONSE)}
                        if kinds - {"null"} and not want - {"null"}:
                            notes.append(f"{table} [{key}]: the app-made rows of this kind all said I don't know")
                            continue
                    if column in DOMAINS:  # a value: it must be one the app writes
                        ok = {k.split("=", 1)[1] for k in kinds} <= DOMAINS[column](table, want)
                    else:
                        ok = (kinds - {"null"} == want - {"null"}
                              and (("null" in kinds) == ("null" in want) or _nullness_free(column, kinds, want)))
                    if not ok:
                        problems.append(f"{table} [{key}] {column}: generated {sorted(kinds)} vs app {sorted(want)}")
    return not problems, problems + [f"note: {n}" for n in notes]


def _values(want: set) -> set:
    return {k.split("=", 1)[1] for k in want}


# The values a status column may hold: what the app-made rows hold, or (a small sample need not hit
# every one) what the app's code can write there.
DOMAINS = {
    "mode": lambda table, want: _values(want),
    "role": lambda table, want: _values(want),
    "status": lambda table, want: _values(want) | ({"gap", "no_gap", "uncertain"} if "result" in table else set()),
    "state": lambda table, want: _values(want) | {"correct", "partial", "wrong", "dont_know"},
    "area": lambda table, want: _values(want) | {"math", "python", "algorithms", "frameworks"},
}


# Null or not by the learner's choice (saying how sure): compared with the app's rows of any kind, and
# either side may lack the nulls or the values.
CHANCE_COLUMNS = {"confidence"}


def _nullness_free(column: str, kinds: set, want: set) -> bool:
    return column in CHANCE_COLUMNS and bool(kinds - {"null"}) and bool(want - {"null"})


# --- timing ------------------------------------------------------------------------------------

def route_exists(app, path: str, method: str = "GET") -> bool:
    from werkzeug.exceptions import MethodNotAllowed, NotFound

    try:
        app.url_map.bind("localhost").match(_path(path), method=method)
    except (NotFound, MethodNotAllowed):
        return False
    return True


def time_requests(call, repeat: int) -> dict:
    """Median wall time (and time to first byte) of `repeat` calls, and the largest peak RSS growth."""
    walls, firsts, peaks, statuses, sizes = [], [], [], set(), []
    for _ in range(repeat):
        with PeakRss() as peak:
            t0 = time.perf_counter()
            response = call()
            t1, size = None, 0
            for chunk in response.response:  # a streamed body is produced while it is read: its first byte
                if t1 is None and chunk:     # and the memory it takes are measured here, chunk by chunk
                    t1 = time.perf_counter()
                size += len(chunk)
            t2 = time.perf_counter()
            t1 = t1 or t2
            response.close()
        walls.append(t2 - t0)
        firsts.append(t1 - t0)
        peaks.append(peak.mb)
        statuses.add(response.status_code)
        sizes.append(size)
    return {"ms": statistics.median(walls) * 1000, "ttfb_ms": statistics.median(firsts) * 1000,
            "rss_mb": max(peaks), "status": sorted(statuses), "bytes": statistics.median(sizes), "n": repeat}


def run_calibrate(env: dict) -> dict:
    """`quizapp calibrate` as the operator runs it: wall time and the child's own max RSS (wait4)."""
    return run_command(env, "calibrate")


def run_command(env: dict, *args: str) -> dict:
    """A `quizapp` command as the operator runs it: wall time and the child's own max RSS (wait4)."""
    with tempfile.TemporaryFile("w+") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen([_bin("quizapp"), *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    return {"ms": wall * 1000, "ttfb_ms": None, "rss_mb": usage.ru_maxrss / 1024, "status": [proc.returncode],
            "bytes": len(text), "n": 1, "output": [line for line in text.strip().splitlines() if not line.startswith("[")][:1]}  # not a log line


def busiest_question(app) -> str:
    """The question whose version has the most responses (its page is the largest), or any question."""
    from sqlalchemy import text

    from quizapp.extensions import db

    with app.app_context():
        try:
            found = db.session.scalar(text("SELECT v.question_id FROM item_statistic s JOIN question_version v "
                                           "ON v.id = s.version_id ORDER BY s.responses DESC LIMIT 1"))
        except Exception:  # an app without stored statistics: its route is reported missing anyway
            db.session.rollback()
            found = None
        found = found or db.session.scalar(text("SELECT id FROM question ORDER BY id LIMIT 1"))
        db.session.remove()
    return found or "none"


def measure(app, env: dict, cohort_id: int, repeat: int, rng: random.Random, skip: frozenset = frozenset()) -> dict:
    """Every row of the table, in one process: the learner baseline first, then the instructor pages,
    then `quizapp calibrate` (it writes calibrations, so it goes last)."""
    results: dict[str, dict] = {}
    learner = login(app, f"app0@{APP_DOMAIN}")
    path = start(learner, "math")                      # an attempt in progress, for the baseline
    learner.get(path)                                  # warm: templates, caches
    form, hidden = answer_form(learner.get(path).text)

    def post_answer():
        data = {"csrf_token": hidden["csrf_token"] if "csrf_token" in hidden else _csrf(form),
                "shown_at": hidden.get("shown_at", ""), "token": secrets.token_urlsafe(16), "action": "save",
                "answer": answer_value(form, rng)}
        return learner.post(path, data=data, buffered=False)

    token = _csrf(learner.get(path).text)

    def post_report():
        return learner.post(f"{path}/problem", buffered=False, data={
            "csrf_token": token, "p1-csrf_token": token, "p1-reason": "typo", "p1-note": "bench"})

    teacher = login(app, INSTRUCTOR)
    # the stored item statistics first: the pages below read them (a cron job keeps them in production)
    results["stats_refresh"] = ({"skipped": True, "path": "quizapp stats refresh"} if "stats_refresh" in skip
                                else run_command(env, "stats", "refresh") | {"path": "quizapp stats refresh"})
    question = busiest_question(app)
    calls = {
        "question_page": ("GET", path, lambda: learner.get(path, buffered=False)),
        "answer_post": ("POST", path, post_answer),
        "report_post": ("POST", f"{path}/problem", post_report),
        "stats": ("GET", "/instructor/stats", None),
        "stats_csv": ("GET", "/instructor/stats.csv", None),
        "stats_question": ("GET", f"/instructor/questions/{question}", None),
        "cohort": ("GET", f"/instructor/cohorts/{cohort_id}", None),
        "cohort_grid": ("GET", f"/instructor/cohorts/{cohort_id}/learners", None),
        "cohort_csv": ("GET", f"/instructor/cohorts/{cohort_id}/responses.csv", None),
        "cohort_json": ("GET", f"/instructor/cohorts/{cohort_id}/responses.json", None),
        "reports": ("GET", "/instructor/reports?status=open", None),
    }
    for key, (method, url, call) in calls.items():
        if key in skip:
            results[key] = {"skipped": True, "path": url}
            continue
        if not route_exists(app, url, method):
            results[key] = {"missing": True, "path": url}
            continue
        if call is None:
            def call(url=url):
                return teacher.get(url, buffered=False)
        results[key] = time_requests(call, repeat) | {"path": url}
    results["calibrate"] = ({"skipped": True, "path": "quizapp calibrate"} if "calibrate" in skip
                            else run_calibrate(env) | {"path": "quizapp calibrate"})
    return results


# --- output ------------------------------------------------------------------------------------

def _ms(value) -> str:
    if value is None:
        return "–"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.1f} ms"


def table(results: dict) -> list[str]:
    lines = ["| what | median | first byte | peak RSS growth | status | response | requests |",
             "|---|---|---|---|---|---|---|"]
    for key, label, kind in ROWS:
        r = results.get(key)
        if r is not None and r.get("skipped"):
            lines.append(f"| {label} | not measured in this run (--skip {key}) | – | – | – | – | – |")
            continue
        if r is None or r.get("missing"):
            lines.append(f"| {label} | not in the app (no route {r['path'] if r else '?'}) | – | – | – | – | – |")
            continue
        ttfb = _ms(r["ttfb_ms"]) if key in ("stats_csv", "cohort_csv", "cohort_json") else "–"
        rss = f"{r['rss_mb']:.0f} MB" + (" (max RSS)" if kind == "command" else "")
        size = "–" if kind == "command" else f"{r['bytes'] / 1024:,.0f} kB"
        lines.append(f"| {label} | {_ms(r['ms'])} | {ttfb} | {rss} | {'/'.join(map(str, r['status']))} | "
                     f"{size} | {r['n']} |")
    return lines


def growth_table(runs: list[tuple[int, dict]]) -> list[str]:
    """Per row, time (and memory) ratio per 10x attempts between consecutive sizes: (t2/t1)^(1/log10(n2/n1))."""
    pairs = list(zip(runs, runs[1:], strict=False))
    head = " | ".join(f"{a:,} → {b:,}" for (a, _), (b, _) in pairs)
    lines = [f"| growth per 10× attempts | {head} |", "|---|" + "---|" * len(pairs)]
    for key, label, _ in ROWS:
        cells = []
        for (n1, r1), (n2, r2) in pairs:
            a, b = r1.get(key, {}), r2.get(key, {})
            if not a or not b or any(r.get("missing") or r.get("skipped") for r in (a, b)):
                cells.append("–")
                continue
            k = 1 / math.log10(n2 / n1)
            t = (b["ms"] / a["ms"]) ** k if a["ms"] > 0 else float("nan")
            cells.append(f"× {t:.1f} time")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


# --- bank size: starts on a big bank ----------------------------------------------------------

# (key, label, target ms at 10,000 questions): the starts a bank's size could slow down
BANK_ROWS = [
    ("fixed_start", "fixed-form start (`math`): POST + first question", 30.0),
    ("fixed_rebuilt", "first fixed-form start after an import (candidates read again)", None),
    ("adaptive_start", "first adaptive start (`ml-readiness`): POST + first question", 150.0),
    ("adaptive_rebuilt", "first adaptive start after an import (item pool rebuilt)", None),
    ("adaptive_cold", "first adaptive start in a new worker (nothing cached)", None),
]
# what each start's call forgets first: the per-worker caches of attempts/lifecycle.py
FORGETS = {"fixed_rebuilt": ("_FORM_GROUPS",), "adaptive_rebuilt": ("_POOLS",), "adaptive_cold": ("_POOLS", "_DAY_ONE")}


def bank_database(name: str, generated: int, workdir: Path, seed: int, template: str | None = None
                  ) -> tuple[str, int] | None:
    """A migrated database holding the real bank, plus `generated` questions from bench/import_speed.py's
    generator beside it (same skills and assessments), imported with the app's CLI; (URL, live questions).
    From a copy of `template` (the real bank's database) when given: its questions are then unchanged, so
    only the generated ones are written."""
    from import_speed import generate_bank

    root = workdir / f"questions-{generated}"
    shutil.copytree(ROOT / "questions", root)
    if generated:
        generate_bank(root, generated, files=min(100, max(25, generated // 100)), seed=seed)
    if template:
        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    else:
        create_database(name)
    sa_url, db_url = database_urls(name)
    env = app_env(sa_url, secrets.token_hex(32)) | {"QUIZAPP_QUESTIONS_DIR": str(root)}
    if template:  # migrated already: only the import
        done = subprocess.run([_bin("quizapp"), "bank", "import"], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=900)
        if done.returncode:
            print(f"quizapp bank import failed:\n{done.stdout}{done.stderr}")
            return None
    elif not migrate_and_import(env, timeout=900):
        return None
    with psycopg.connect(db_url) as conn:
        live = conn.execute("SELECT count(*) FROM question WHERE NOT retired").fetchone()[0]
    return sa_url, live


def start_timer(app, email: str, assessment: str):
    """A learner's start of `assessment` as one call: the start POST, then the first question it redirects
    to; returns (POST seconds, total seconds, this process's CPU seconds)."""
    client = login(app, email)
    page = client.get(f"/attempt/new/{assessment}").text
    data = {"csrf_token": _csrf(page), "role": _select_first(page, "role"), "mode": _checked_or_first(page, "mode")}

    def call() -> tuple[float, float, float]:
        cpu = time.process_time()
        t0 = time.perf_counter()
        done = client.post(f"/attempt/new/{assessment}", data=data)
        t1 = time.perf_counter()
        if done.status_code != 303:
            raise RuntimeError(f"start of {assessment}: {done.status_code}")
        shown = client.get(_path(done.headers["Location"]))
        t2 = time.perf_counter()
        if shown.status_code != 200 or answer_form(shown.text) is None:
            raise RuntimeError(f"first question of {assessment}: {shown.status_code}")
        return t1 - t0, t2 - t0, time.process_time() - cpu
    return call


def measure_starts(apps: dict[str, object], repeat: int) -> dict[str, dict[str, dict]]:
    """Per bank, per BANK_ROWS key: the median start (POST, total, and this process's CPU), interleaved between the banks so
    both see the same machine load, after a warm-up start each. The rebuilt and cold rows empty the
    per-worker caches FORGETS names before each start."""
    from quizapp.attempts import lifecycle

    calls = {}
    for bank, app in apps.items():
        emails = {key: f"{key}-{bank}@{APP_DOMAIN}" for key, _, _ in BANK_ROWS}
        add_users(app, list(emails.values()))
        calls[bank] = {key: start_timer(app, emails[key], "math" if key.startswith("fixed") else "ml-readiness")
                       for key, _, _ in BANK_ROWS}
        for call in calls[bank].values():
            call()  # warm: templates, the pool, the definitions of the first questions
    times = {bank: {key: [] for key, _, _ in BANK_ROWS} for bank in apps}
    for _ in range(repeat):
        for bank, app in apps.items():
            for key, _, _ in BANK_ROWS:
                with app.app_context():
                    for cache in FORGETS.get(key, ()):
                        getattr(lifecycle, cache).pop(lifecycle.db.engine, None)
                times[bank][key].append(calls[bank][key]())
    return {bank: {key: {"post_ms": statistics.median(t[0] for t in ts) * 1000,
                         "ms": statistics.median(t[1] for t in ts) * 1000,
                         "cpu_ms": statistics.median(t[2] for t in ts) * 1000, "n": len(ts)}
                   for key, ts in rows.items()} for bank, rows in times.items()}


BANK_TARGET_SIZE = 10_000  # the targets' bank size: a smaller bank's verdicts are shown, not counted


def bank_table(results: dict, live: dict[str, int]) -> tuple[list[str], bool]:
    """The starts on the real bank and the big one, their ratio, and the verdict against the targets
    (counted from BANK_TARGET_SIZE questions on)."""
    small, big = live["real"], live["big"]
    counted = big >= BANK_TARGET_SIZE
    lines = [f"| start | real bank ({small:,} questions) | big bank ({big:,} questions) | ratio | app CPU, real "
             f"| app CPU, big | target | verdict |", "|---|---|---|---|---|---|---|---|"]
    ok = True
    for key, label, target in BANK_ROWS:
        a, b = results["real"][key], results["big"][key]
        verdict = "–"
        if target is not None:
            passed = b["ms"] <= target
            ok &= passed or not counted
            verdict = ("PASS" if passed else "FAIL") + ("" if counted else " (not counted)")
        lines.append(f"| {label} | {_ms(a['ms'])} | {_ms(b['ms'])} | × {b['ms'] / a['ms']:.2f} | {_ms(a['cpu_ms'])} "
                     f"| {_ms(b['cpu_ms'])} "
                     f"| {f'≤ {target:.0f} ms' if target else '–'} | {verdict} |")
    return lines, ok


def run_bank_size(args) -> int:
    """The bank-size section: the real bank and one with --bank-size generated questions beside it, each in
    its own scratch database (dropped afterwards), starts timed on both in one process."""
    names = {bank: f"quizapp_scale_bank_{bank}_{secrets.token_hex(3)}" for bank in ("real", "big")}
    workdir = Path(tempfile.mkdtemp(prefix="quizapp-bank-size-"))
    try:
        urls, live = {}, {}
        for bank, generated, template in (("real", 0, None), ("big", args.bank_size, names["real"])):
            t0 = time.perf_counter()
            built = bank_database(names[bank], generated, workdir, args.seed, template)
            if built is None:
                return 1
            urls[bank], live[bank] = built
            print(f"built {names[bank]}: {live[bank]:,} live questions ({generated:,} generated), "
                  f"migrate + import {time.perf_counter() - t0:.1f} s")
        apps = {bank: make_app(url, secrets.token_hex(32)) for bank, url in urls.items()}
        results = measure_starts(apps, args.repeat)
        for app in apps.values():
            with app.app_context():
                from quizapp.extensions import db
                db.engine.dispose()
        lines, ok = bank_table(results, live)
        print(f"\n### starts: the real bank and {args.bank_size:,} generated questions beside it "
              f"(median of {args.repeat}, after a warm-up)\n")
        print("\n".join(lines))
        if live["big"] < BANK_TARGET_SIZE:
            print(f"\n(the targets are for {BANK_TARGET_SIZE:,} questions; this bank has {live['big']:,}, so its "
                  "verdicts are not counted)")
        print("RESULT: " + ("PASS" if ok else "FAIL"))
        return 0 if ok else 1
    finally:
        for name in names.values():
            drop_scratch_database(name)
        shutil.rmtree(workdir, ignore_errors=True)


# --- driver ------------------------------------------------------------------------------------

def run_size(args, attempts: int, database: str | None) -> tuple[bool, dict | None]:
    members = args.members if args.members is not None else max(5, attempts // 10)
    reports = args.reports if args.reports is not None else max(3, attempts * 3456 // 100000)
    keep = args.keep or database is not None
    name = database or f"quizapp_scale_{secrets.token_hex(4)}"
    sa_url, db_url = database_urls(name)
    secret = secrets.token_hex(32)
    env = app_env(sa_url, secret)
    reuse = database is not None and database_exists(name)
    try:
        t0 = time.perf_counter()
        if not reuse:
            create_database(name)
            if not migrate_and_import(env, timeout=600):
                return False, None
        t_import = time.perf_counter() - t0
        app = make_app(sa_url, secret)
        if not reuse:
            t1 = time.perf_counter()
            made = make_through_app(app, args.app_learners, args.seed)
            t2 = time.perf_counter()
            counts = generate(app, db_url, attempts, members, reports, made["cohort_id"], args.seed)
            t3 = time.perf_counter()
            print(f"built {name}: import {t_import:.1f} s, {args.app_learners} learners × "
                  f"{len(APP_ASSESSMENTS)} assessments through the app {t2 - t1:.1f} s, COPY of "
                  f"{counts['attempts']:,} attempts / {counts['items']:,} answers / {counts['skill_results']:,} skill "
                  f"results {t3 - t2:.1f} s ({counts['items'] / max(t3 - t2, 1e-9):,.0f} answers/s)")
        else:
            print(f"reusing {name} (built before; --attempts is not applied to it)")
            done = subprocess.run([_bin("quizapp"), "db", "upgrade"], cwd=ROOT, env=env, capture_output=True,
                                  text=True, timeout=600)  # a kept database follows the migrations made since
            if done.returncode:
                print(f"quizapp db upgrade failed:\n{done.stdout}{done.stderr}")
                return False, None
        with psycopg.connect(db_url) as conn:
            cohort_id = conn.execute(
                'SELECT c.id FROM cohort c JOIN "user" u ON u.id = c.owner_id WHERE u.email = %s ORDER BY c.id LIMIT 1',
                (INSTRUCTOR,)).fetchone()[0]
            sizes = conn.execute(
                "SELECT (SELECT count(*) FROM attempt WHERE status = 'submitted'), "
                "(SELECT count(*) FROM attempt_item i JOIN attempt a ON a.id = i.attempt_id WHERE a.status = 'submitted'), "
                "(SELECT count(*) FROM cohort_member WHERE cohort_id = %(c)s), "
                "(SELECT count(*) FROM problem_report WHERE status = 'open'), "
                "(SELECT count(*) FROM \"user\"), (SELECT count(*) FROM question WHERE NOT retired)",
                {"c": cohort_id}).fetchone()
        ok, lines = shape_check(db_url)
        print(f"shape check (generated rows vs the app's own): {'PASS' if ok else 'FAIL'}")
        for line in lines:
            print(f"  {line}")
        if not ok:
            return False, None
        results = measure(app, env, cohort_id, args.repeat, random.Random(args.seed), frozenset(args.skip))
        with app.app_context():
            from quizapp.extensions import db
            db.engine.dispose()
        print(f"\n### {sizes[0]:,} submitted attempts ({sizes[1]:,} answers), cohort of {sizes[2]:,} members, "
              f"{sizes[3]:,} open reports, {sizes[4]:,} users, {sizes[5]:,} live questions\n")
        print("\n".join(table(results)))
        for command in ("stats_refresh", "calibrate"):
            if results[command].get("output"):  # not there when skipped
                print(f"\n{results[command]['path']} said: {results[command]['output'][0]}")
        bad = [k for k, r in results.items() if not r.get("missing") and not r.get("skipped") and any(s >= 400 or s < 0 or (k in ("calibrate", "stats_refresh") and s)
                                                                         for s in r["status"])]
        if bad:
            print(f"FAIL: error statuses from {', '.join(bad)}")
            return False, results
        return True, results
    finally:
        if keep:
            print(f"kept database {name} (reuse with --database {name}; drop it when done)")
        else:
            drop_scratch_database(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=1000, help="submitted attempts to generate (one size)")
    parser.add_argument("--sizes", help="several sizes, comma-separated (e.g. 1000,10000): growth per 10x")
    parser.add_argument("--members", type=int, help="members of the one cohort (default attempts / 10)")
    parser.add_argument("--reports", type=int, help="open problem reports (default 3,456 per 100k attempts)")
    parser.add_argument("--app-learners", type=int, default=2,
                        help="learners who take every assessment through the app (the shape reference)")
    parser.add_argument("--repeat", type=int, default=3, help="requests per page (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip", type=lambda v: [k for k in v.split(",") if k], default=[],
                        help=f"rows not to measure (shown as such), comma-separated: {', '.join(k for k, _, _ in ROWS)}")
    parser.add_argument("--keep", action="store_true", help="keep the database(s) afterwards")
    parser.add_argument("--database", help="build into this database and keep it, or reuse it if it exists")
    parser.add_argument("--bank-size", type=int, metavar="N",
                        help="instead: time starts with N generated questions beside the real bank (bank size)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [args.attempts]
    unknown = set(args.skip) - {k for k, _, _ in ROWS}
    if unknown:
        parser.error(f"--skip: no such row {', '.join(sorted(unknown))}")
    if args.database and len(sizes) > 1:
        parser.error("--database takes one size")
    try:
        psycopg.connect(ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL not reachable at {ADMIN_URL}: {exc}".strip())
        return 2
    if args.bank_size is not None:
        return run_bank_size(args)
    runs = []
    for n in sizes:
        ok, results = run_size(args, n, args.database)
        if not ok:
            print("RESULT: FAIL")
            return 1
        runs.append((n, results))
    if len(runs) > 1:
        print()
        print("\n".join(growth_table(runs)))
    print("RESULT: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
