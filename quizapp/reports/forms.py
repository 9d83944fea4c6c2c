"""Forms of the report pages."""
from flask_wtf import FlaskForm


class PractiseGapsForm(FlaskForm):
    """Starting a practice session from a report: a POST with a CSRF token, nothing else."""
