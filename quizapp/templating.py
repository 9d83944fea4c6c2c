"""Template globals and filters shared by every page."""
from flask import Flask

from .auth.forms import LogoutForm


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def inject_forms():
        return {"logout_form": LogoutForm}

    @app.template_filter("percent")
    def percent(value: float) -> str:
        return f"{round(value * 100)} %"
