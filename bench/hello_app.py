"""The baseline for bench/throughput.py: the smallest Flask app, served with quizapp's gunicorn settings.

`/` is Flask's own "Hello, World!"; `/healthz` only lets the benchmark wait until workers are up.
"""
from flask import Flask


def create_app() -> Flask:
    app = Flask(__name__)

    @app.route("/")
    def hello():
        return "Hello, World!"

    @app.route("/healthz")
    def healthz():
        return {"status": "ok"}

    return app
