"""Template globals and filters shared by every page."""
from flask import Flask

from .auth.forms import LogoutForm


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def inject_forms():
        # formdata=None: the header's form must never read the request body (an error page
        # for an oversized upload would otherwise fail while rendering).
        return {"logout_form": lambda: LogoutForm(formdata=None)}

    @app.template_filter("percent")
    def percent(value: float) -> str:
        return f"{round(value * 100)} %"
