from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class JoinCohortForm(FlaskForm):
    code = StringField("Join code", validators=[DataRequired(), Length(max=20)])
