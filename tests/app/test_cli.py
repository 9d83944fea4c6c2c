import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect

from quizapp.extensions import db
from tests.helpers import FIXTURE_BANK, FIXTURES, ODD_BANK, make_app


def test_db_upgrade_creates_the_schema_the_models_describe(tmp_path):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite'}")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert {"question", "question_version", "attempt", "attempt_item", "skill_result", "alembic_version"} <= set(
            inspect(db.engine).get_table_names())
    check = runner.invoke(args=["db", "check"])
    assert check.exit_code == 0, check.output  # `db check` fails when the models and migrations differ
    assert runner.invoke(args=["bank", "import"]).exit_code == 0
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert "0 added" in runner.invoke(args=["bank", "import"]).output  # data kept


def test_console_script_is_installed_and_bound_to_the_app():
    exe = Path(sys.executable).parent / "quizapp"
    assert exe.exists(), "pip install -e . provides the quizapp command"
    result = subprocess.run([str(exe), "bank", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command in ("validate", "import", "stats"):
        assert command in result.stdout


def test_convert_gift_to_yaml_and_export_back(tmp_path):
    app = make_app(tmp_path)
    runner = app.test_cli_runner()
    out = tmp_path / "imported.yaml"
    result = runner.invoke(args=["bank", "convert", "--from", "gift", str(FIXTURES / "formats" / "moodle_docs.gift"),
                                 "--skill", "t.basics", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "moodle_docs.gift:93: q 'moodle_docs-20': no explanation in the source; add one" in result.output
    assert out.read_text().startswith("skill: t.basics\nquestions:")
    again = runner.invoke(args=["bank", "convert", "--from", "gift", str(FIXTURES / "formats" / "moodle_docs.gift"),
                                "--skill", "t.basics", "-o", str(out)])
    assert again.exit_code != 0 and "exists" in again.output
    exported = runner.invoke(args=["bank", "export", "--to", "moodle-xml", str(FIXTURES / "bank" / "topics" / "basics.yaml")])
    assert exported.exit_code == 0 and exported.output.count("<question type=") >= 4
    gift = runner.invoke(args=["bank", "export", "--to", "gift", str(FIXTURES / "bank" / "topics" / "math.yaml")])
    assert "::t-numeric::" in gift.output


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_dead_database(tmp_path):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["status"] == "error"


def test_production_refuses_to_start_without_a_real_secret(tmp_path, monkeypatch):
    import pytest

    from quizapp import create_app
    from quizapp.exceptions import ConfigurationError

    for key in (None, "short"):
        config = {"ENV_NAME": "production", "SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
        with pytest.raises(ConfigurationError, match="QUIZAPP_SECRET_KEY"):
            create_app(config)


def test_proxy_count_trusts_forwarded_client_addresses(tmp_path):
    from flask import request

    app = make_app(tmp_path, PROXY_COUNT=1)
    seen = {}

    @app.get("/_whoami")
    def whoami():
        seen["addr"] = request.remote_addr
        return "ok"

    app.test_client().get("/_whoami", headers={"X-Forwarded-For": "203.0.113.7"},
                          environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert seen["addr"] == "203.0.113.7"


def test_convert_maps_categories_to_skills_and_refuses_a_category_not_in_the_file(tmp_path):
    runner = make_app(tmp_path).test_cli_runner()
    source = str(FIXTURES / "formats" / "moodle_export.xml")
    out = tmp_path / "imported.yaml"
    base = ["bank", "convert", "--from", "moodle-xml", source, "--skill", "t.basics", "-o", str(out)]
    typo = runner.invoke(args=base + ["--category-skill", "Pyton=t.math"])
    assert typo.exit_code != 0 and "no category" in typo.output and "'Pyton'" in typo.output and not out.exists()
    malformed = runner.invoke(args=base + ["--category-skill", "Python"])
    assert malformed.exit_code != 0 and "CATEGORY=SKILL" in malformed.output and not out.exists()
    result = runner.invoke(args=base + ["--category-skill", "$course$/top/Python/Numbers=t.math"])
    assert result.exit_code == 0, result.output
    assert "moodle_export.xml:115: category 'Python/Numbers' (3 questions): skill t.math" in result.output
    assert "moodle_export.xml:4: category 'Python/Basics' (2 questions) not carried" in result.output
    assert out.read_text().count("skills: [t.math]") == 3


def test_export_counts_exactly_what_was_written_and_names_each_skipped_question(tmp_path):
    import shutil

    root = tmp_path / "questions"
    shutil.copytree(FIXTURE_BANK, root)
    odd = root / "topics" / "odd.yaml"
    odd.write_text(ODD_BANK, encoding="utf-8")
    runner = make_app(tmp_path, bank_dir=root).test_cli_runner()
    out = tmp_path / "odd.gift"
    result = runner.invoke(args=["bank", "export", "--to", "gift", str(odd), "--dir", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{odd}:3: q 'odd-param': a parameterised question has no fixed answer key for Moodle; not exported" \
        in result.output
    assert f"{odd}:13: q 'odd-regex': only a regular expression accepts answers" in result.output
    assert f"{odd}:20: q 'odd-unit': GIFT has no units" in result.output
    assert f"Wrote 2 of 4 question(s) to {out}; 2 not exported (reasons above); 3 note(s) above on what gift " \
           "does not keep." in result.output
    assert out.read_text().count("::odd-") == 2
    stdout = runner.invoke(args=["bank", "export", "--to", "moodle-xml", str(odd), "--dir", str(root)])
    assert "Exported 2 of 4 question(s); 2 not exported" in stdout.output and stdout.output.count("<question ") == 2

    odd.write_text(ODD_BANK.split("  - id: odd-unit")[0], encoding="utf-8")
    none = runner.invoke(args=["bank", "export", "--to", "gift", str(odd), "--dir", str(root),
                               "-o", str(tmp_path / "x")])
    assert none.exit_code != 0 and "no question could be exported (0 of 2" in none.output
    assert not (tmp_path / "x").exists()


def test_convert_from_qti_and_canvas_and_export_to_qti(tmp_path):
    """A QTI package and a Canvas export convert to YAML; the export is a zip that converts back."""
    import io
    import zipfile

    runner = make_app(tmp_path).test_cli_runner()
    package = tmp_path / "package.zip"
    with zipfile.ZipFile(package, "w") as archive:
        for path in sorted((FIXTURES / "formats" / "qti" / "v3").rglob("*.xml")):
            archive.write(path, path.relative_to(FIXTURES / "formats" / "qti" / "v3").as_posix())
    out = tmp_path / "qti.yaml"
    result = runner.invoke(args=["bank", "convert", "--from", "qti", str(package), "--skill", "t.basics", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{package}/items/match.xml:12: q 'py-match': a matching interaction" in result.output
    assert "Wrote 7 question(s)" in result.output and out.read_text().startswith("skill: t.basics\nquestions:")

    canvas = tmp_path / "canvas.yaml"
    result = runner.invoke(args=["bank", "convert", "--from", "canvas", str(FIXTURES / "formats" / "canvas" / "quiz_export"),
                                 "--skill", "t.basics", "-o", str(canvas)])
    assert result.exit_code == 0, result.output
    assert "Wrote 7 question(s)" in result.output and "a matching question" in result.output

    basics = str(FIXTURES / "bank" / "topics" / "basics.yaml")
    no_output = runner.invoke(args=["bank", "export", "--to", "qti", basics])
    assert no_output.exit_code != 0 and "a QTI package is a zip file; give -o PACKAGE.zip" in no_output.output
    exported = tmp_path / "basics.zip"
    result = runner.invoke(args=["bank", "export", "--to", "qti", basics, "-o", str(exported)])
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(io.BytesIO(exported.read_bytes())).namelist()
    assert "imsmanifest.xml" in names and any(n.startswith("items/t-") for n in names)
    back = runner.invoke(args=["bank", "convert", "--from", "qti", str(exported), "--skill", "t.basics",
                               "-o", str(tmp_path / "back.yaml")])
    assert back.exit_code == 0 and f"Wrote {len(names) - 1} question(s)" in back.output


def test_convert_refuses_bad_packages_with_a_message_and_no_traceback(tmp_path):
    import zipfile

    runner = make_app(tmp_path).test_cli_runner()
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 truncated")
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../../etc/cron.d/x.xml", "<x/>")
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<!DOCTYPE a [<!ENTITY b "c">]>\n<assessmentItem>&b;</assessmentItem>')
    for source, message in ((broken, "broken.zip: not a valid zip file"),
                            (evil, "points outside the archive (path traversal); refused"),
                            (bomb, "bomb.xml:1: the file declares a DOCTYPE or ENTITY, which is refused")):
        for fmt in ("qti", "canvas"):
            result = runner.invoke(args=["bank", "convert", "--from", fmt, str(source), "--skill", "t.basics",
                                         "-o", str(tmp_path / f"{fmt}.yaml")])
            assert result.exit_code == 1 and "Traceback" not in result.output, result.output
            if fmt == "qti" or source != bomb:
                assert message in result.output, (fmt, source, result.output)
            assert not (tmp_path / f"{fmt}.yaml").exists()
    folder = runner.invoke(args=["bank", "convert", "--from", "gift", str(tmp_path), "--skill", "t.basics",
                                 "-o", str(tmp_path / "g.yaml")])
    assert folder.exit_code != 0 and "is a folder; --from gift reads one file" in folder.output
