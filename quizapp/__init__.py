"""quizapp: self-assessment for future ML engineers."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from .exceptions import ConfigurationError


def create_app(config: type | dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, CLI. No side effects at import time."""
    app = Flask(__name__, instance_relative_config=True)
    from .config import Config
    from .web.ids import DatabaseIntConverter

    app.url_map.converters["int"] = DatabaseIntConverter  # before any route: ids beyond the database's range 404

    app.config.from_object(Config)
    app.config.from_pyfile("config.py", silent=True)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)

    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:  # behind N reverse proxies: trust their X-Forwarded-* (client address, scheme, host)
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "quizapp.sqlite")
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A database server that restarted, or dropped idle connections, leaves dead ones in the pool:
        # test each as it is checked out (SQLAlchemy's pessimistic disconnect handling), so the first
        # request after an outage works instead of failing once per pooled connection. The hot paths
        # (hotpath/reads.py) do not check connections out of the pool, so they pay nothing for it.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault("pool_pre_ping", True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _development_secret(app)
    elif app.config.get("ENV_NAME") == "production" and len(app.config["SECRET_KEY"]) < 32:
        raise ConfigurationError("QUIZAPP_SECRET_KEY is too short for production: use at least 32 random characters")

    from .extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    from .auth.throttle import init_throttle
    from .web.security import register_security

    init_throttle(app)
    from .web.mail import init_mail

    init_mail(app)
    register_security(app)

    from . import models  # noqa: F401  (registers the tables on db.metadata)
    from .hotpath.identity import load_signed_in_user

    login_manager.user_loader(load_signed_in_user)

    from .auth import bp as auth_bp
    from .errors import bp as errors_bp
    from .instructor import bp as instructor_bp
    from .main import bp as main_bp
    from .quiz import bp as quiz_bp
    from .reports import bp as reports_bp

    app.register_blueprint(errors_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(quiz_bp, url_prefix="/attempt")
    app.register_blueprint(reports_bp, url_prefix="/report")
    app.register_blueprint(instructor_bp, url_prefix="/instructor")
    from .lti import init_lti

    init_lti(app)  # /lti: LTI 1.3 launches (docs/lti.md)
    from .xapi import init_xapi

    init_xapi(app)  # xAPI statements to an LRS, when one is configured (docs/xapi.md)

    from .cli import register_cli

    register_cli(app)
    from .web.templating import register_template_helpers

    register_template_helpers(app)
    return app


def _development_secret(app: Flask) -> str:
    """Outside production, keep a random key in instance/ so sessions survive restarts."""
    if app.config.get("ENV_NAME") == "production":
        raise ConfigurationError("QUIZAPP_SECRET_KEY must be set in production (a long random string, the same "
                                 "on every app machine), e.g. python -c 'import secrets; print(secrets.token_hex(32))'")
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
