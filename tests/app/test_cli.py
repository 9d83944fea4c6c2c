import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect

from quizapp.extensions import db
from tests.conftest import make_app


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
    from tests.conftest import FIXTURES

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

    for key in (None, "short"):
        config = {"ENV_NAME": "production", "SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
        with pytest.raises(RuntimeError, match="QUIZAPP_SECRET_KEY"):
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
