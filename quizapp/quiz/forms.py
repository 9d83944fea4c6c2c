"""Forms for starting an attempt and answering one question (a field per question type)."""
import functools

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..models import CONFIDENCE_LEVELS, PROBLEM_REASONS
from ..questiontypes import QuestionType, get_question_type

MODE_CHOICES = [
    SelectChoice("assessment", "Assessment: answer everything, see results and feedback at the end"),
    SelectChoice("practice", "Practice: check each answer and read the explanation as you go"),
]
ACTIONS = {"next", "prev", "overview", "check", "save"}
CONFIDENCE_CHOICES = [SelectChoice(value, label) for value, label in CONFIDENCE_LEVELS.items()]


class StartForm(FlaskForm):
    role = SelectField("Compare me with the role", validate_choice=True)
    mode = RadioField("Mode", choices=MODE_CHOICES, validate_choice=True)


class SubmitForm(FlaskForm):
    """Finishing an attempt: a POST with a CSRF token, nothing else."""


class ProblemForm(FlaskForm):
    reason = RadioField("What is wrong?", choices=[SelectChoice(k, v) for k, v in PROBLEM_REASONS.items()],
                        validators=[DataRequired("Choose what is wrong.")])
    # Optional: a post without it (a script, an older page) is a report with no details, not an error.
    note = TextAreaField("Details (optional)", validators=[Length(max=2000)], default="",
                         filters=[lambda text: (text or "").strip()])


@functools.cache
def _answer_form_class(type_name: str) -> type[FlaskForm]:
    """The answer form of one question type: its field plus the review flag, built once per worker."""
    qtype = get_question_type(type_name)

    class AnswerForm(FlaskForm):
        class Meta:
            # CSRFProtect has already checked this POST's token before the view ran (every
            # state-changing view is covered: tests/security/test_csrf.py); a second check per form
            # only re-signs the same token on the most frequent POST.
            csrf = False

        answer = qtype.field()
        # "I don't know", on every question: ticked, it is the response (quiz.routes._posted_response)
        dont_know = BooleanField("I don't know")
        flagged = BooleanField("Flag this question to review it later")
        shown_at = HiddenField()  # when the server showed the slot, signed by it (attempts.shown_stamp): time on task
        token = HiddenField()     # one per rendered form: a repeated POST (double click, retry) applies once
        confidence = RadioField("How sure are you? (optional)", choices=CONFIDENCE_CHOICES,
                                validators=[Optional()], validate_choice=True)

    return AnswerForm


def answer_form(qtype: QuestionType, **kwargs) -> FlaskForm:
    """The form that reads an answer post for a question of this type (qtype.parse checks the value)."""
    return _answer_form_class(qtype.name)(**kwargs)
