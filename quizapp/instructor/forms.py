from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..web.ids import IdField
from .data import REPLY_MAX


class UploadForm(FlaskForm):
    files = FileField("Question files (.yaml, .yml or a .zip of them)", validators=[FileRequired("Choose a file.")],
                      render_kw={"multiple": True, "accept": ".yaml,.yml,.zip"})


class PublishForm(FlaskForm):
    """Publishing or discarding a staged upload: a POST with a CSRF token."""


class CohortForm(FlaskForm):
    name = StringField("Cohort name", validators=[DataRequired(), Length(max=120)])


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class ResolveForm(FlaskForm):
    """Resolving a report, optionally with a note its learner reads on their history page."""

    report_id = IdField(message="Choose a report to resolve.")
    reply = TextAreaField("Note to the learner (optional)", filters=[_stripped],
                          validators=[Length(max=REPLY_MAX, message=f"The note can be at most {REPLY_MAX} characters.")],
                          render_kw={"maxlength": REPLY_MAX, "rows": 2})
