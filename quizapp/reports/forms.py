"""Forms of the report pages."""
import math

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

MIN_HOURS, MAX_HOURS, DEFAULT_HOURS = 0.5, 60.0, 5.0
PLAN_KEYS = ("hours", "cost", "more")  # PlanForm's fields: what the plan's links carry over


class PractiseGapsForm(FlaskForm):
    """Starting a practice session from a report: a POST with a CSRF token; `skill` (the next step's)
    narrows it to one gap or not-sure skill, empty means all of them."""

    skill = HiddenField()


class PlanForm(FlaskForm):
    """The plan's settings: a GET form (bookmarkable, nothing changes), so no CSRF token."""

    class Meta:
        csrf = False

    hours = StringField("Hours per week", default=f"{DEFAULT_HOURS:g}")
    cost = RadioField("Cost", choices=[SelectChoice("any", "Any cost"),
                                          SelectChoice("free", "Free only (free to audit included)")], default="any")
    more = BooleanField("Show more resources per gap")

    def validate_hours(self, field):
        """A clear sentence for any bad value ("abc", 0, -3, 500), never a server error."""
        try:
            value = float((field.data or "").strip().replace(",", "."))
        except ValueError:
            value = math.nan
        if not (MIN_HOURS <= value <= MAX_HOURS):  # NaN fails too
            raise ValidationError(f"Give the hours you can study per week as a number from {MIN_HOURS:g} "
                                  f"to {MAX_HOURS:g}, such as 5.")
        field.value = value

    @property
    def hours_per_week(self) -> float:
        return getattr(self.hours, "value", DEFAULT_HOURS)


class ResourceDoneForm(FlaskForm):
    """Marking a plan's resource done, or not done again (a POST with a CSRF token)."""

    course = HiddenField(validators=[InputRequired()])
    done = HiddenField(validators=[InputRequired()])
