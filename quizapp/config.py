"""Configuration: defaults here, overridden by instance/config.py and QUIZAPP_* variables."""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Config:
    """Defaults for development; production and tests override what differs."""

    ENV_NAME = os.environ.get("QUIZAPP_ENV", "development")
    SECRET_KEY = os.environ.get("QUIZAPP_SECRET_KEY")
    # None means "SQLite in the instance folder", resolved by the app factory.
    SQLALCHEMY_DATABASE_URI = os.environ.get("QUIZAPP_DATABASE_URL")
    QUESTIONS_DIR = os.environ.get("QUIZAPP_QUESTIONS_DIR", str(PROJECT_ROOT / "questions"))
    WTF_CSRF_TIME_LIMIT = None  # a long quiz must not expire its own forms
    SESSION_COOKIE_SAMESITE = "Lax"
    # Behind HTTPS (production), cookies are sent over TLS only.
    SESSION_COOKIE_SECURE = os.environ.get("QUIZAPP_HTTPS", "0") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    # Reverse proxies in front of the app (their X-Forwarded-For is trusted for rate limits and logs).
    PROXY_COUNT = int(os.environ.get("QUIZAPP_PROXIES", "0"))
    # The login and registration throttle (auth/throttle.py): where it counts, whether it is on, and how
    # many posts per address and form. Redis when QUIZAPP_REDIS_URL is set; unset (None), the database in
    # production and this process's memory in development. Every worker on every machine must share it.
    RATELIMIT_STORAGE_URI = os.environ.get("QUIZAPP_REDIS_URL") or None
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"
    SESSION_COOKIE_HTTPONLY = True
    # Outgoing email (web/mail.py): SMTP when set (smtp://user:password@host:587, smtps://…), otherwise
    # each message is written to the log; the sender address; how long one delivery may wait on the server.
    SMTP_URL = os.environ.get("QUIZAPP_SMTP_URL") or None
    MAIL_SENDER = os.environ.get("QUIZAPP_MAIL_FROM", "quizapp <noreply@localhost>")
    MAIL_TIMEOUT = float(os.environ.get("QUIZAPP_MAIL_TIMEOUT", "10"))
    # xAPI statements to a Learning Record Store (xapi/, docs/xapi.md): off unless the LRS's address is set.
    XAPI_URL = os.environ.get("QUIZAPP_XAPI_URL") or None
    XAPI_USERNAME = os.environ.get("QUIZAPP_XAPI_USERNAME") or None
    XAPI_PASSWORD = os.environ.get("QUIZAPP_XAPI_PASSWORD") or None
    XAPI_TIMEOUT = float(os.environ.get("QUIZAPP_XAPI_TIMEOUT", "10"))
    XAPI_IDENTIFY = os.environ.get("QUIZAPP_XAPI_IDENTIFY", "account")  # or "email": the LRS learns who
    XAPI_ACTIVITY_BASE = os.environ.get("QUIZAPP_XAPI_ACTIVITY_BASE") or None  # default: the request's site
    # How long the emailed links work (auth/tokens.py): a password reset, an address confirmation.
    RESET_TOKEN_MAX_AGE = 60 * 60
    VERIFY_TOKEN_MAX_AGE = 3 * 24 * 60 * 60
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = int(float(os.environ.get("QUIZAPP_MAX_UPLOAD_MB", "5")) * 1024 * 1024)
    # Scoring defaults (see quizapp/scoring): gap thresholds on P(gap).
    GAP_THRESHOLD = 0.7
    NO_GAP_THRESHOLD = 0.3
    DEFAULT_ROLE = "ml-engineer-entry"
    # Correlation between skills in the prior: PRIOR_RHO between any two (a general factor), PRIOR_RHO_AREA
    # more between two of one area (math, Python, …); `quizapp calibrate` estimates both from answers.
    PRIOR_RHO = float(os.environ.get("QUIZAPP_PRIOR_RHO", "0.3"))
    PRIOR_RHO_AREA = float(os.environ.get("QUIZAPP_PRIOR_RHO_AREA", "0.2"))
    # A learner's profile: an answer this many days old counts half as much as a fresh one (scoring/profile.py).
    PROFILE_HALF_LIFE_DAYS = float(os.environ.get("QUIZAPP_PROFILE_HALF_LIFE_DAYS", "30"))
    ADAPTIVE_SKILL_CAP = 10
    # Which open skill an adaptive test asks about next: "decisive" (the one an answer is most likely to
    # settle) or "uncertainty" (the least settled); scoring/adaptive.py.
    ADAPTIVE_SKILL_CHOICE = os.environ.get("QUIZAPP_ADAPTIVE_SKILL_CHOICE", "decisive")
    # Fitted item parameters replace the difficulty labels once a version has this many responses.
    CALIBRATION_MIN_RESPONSES = int(os.environ.get("QUIZAPP_CALIBRATION_MIN_RESPONSES", "75"))
    # The report shows percentiles against other learners only once this many learners (the reader
    # included) have a submitted attempt of the assessment; never a figure computed from fewer.
    PERCENTILE_MIN_LEARNERS = int(os.environ.get("QUIZAPP_PERCENTILE_MIN_LEARNERS", "100"))


class TestConfig(Config):
    """In-memory database, CSRF still on (tests post tokens taken from the page)."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SMTP_URL = None  # messages go to the log (Mailer.logged); tests point it at their own server
    XAPI_URL = None  # no LRS; the xAPI tests set their own
