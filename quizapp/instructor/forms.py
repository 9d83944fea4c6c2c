from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..web.ids import IdField


class UploadForm(FlaskForm):
    files = FileField("Question files (.yaml, .yml or a .zip of them)", validators=[FileRequired("Choose a file.")],
                      render_kw={"multiple": True, "accept": ".yaml,.yml,.zip"})


class PublishForm(FlaskForm):
    """Publishing or discarding a staged upload: a POST with a CSRF token."""


class CohortForm(FlaskForm):
    name = StringField("Cohort name", validators=[DataRequired(), Length(max=120)])


class ResolveForm(FlaskForm):
    report_id = IdField(message="Choose a report to resolve.")
