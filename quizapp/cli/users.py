"""`quizapp user …`: create accounts and change roles."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

user_cli = click.Group("user", help="Manage accounts.")


@user_cli.command("create")
@click.argument("email")
@click.option("--name", "display_name", help="Display name (default: the part of the email before @).")
@click.option("--role", type=click.Choice(["learner", "instructor", "admin"]), default="learner", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 10 characters; prompted for when not given.")
@with_appcontext
def user_create_command(email, display_name, role, password) -> None:
    """Create an account, e.g. an instructor: quizapp user create ada@example.org --role instructor"""
    from sqlalchemy import func, select

    from ..extensions import db
    from ..models import User

    email = email.strip().lower()
    if len(password) < 10:
        raise click.BadParameter("use at least 10 characters", param_hint="--password")
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise click.ClickException(f"an account with {email} exists; use `quizapp user role` to change its role")
    user = User(email=email, display_name=display_name or email.split("@")[0], role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {email}.")


@user_cli.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(["learner", "instructor", "admin"]))
@with_appcontext
def user_role_command(email, role) -> None:
    """Change an account's role."""
    from sqlalchemy import func, select

    from ..extensions import db
    from ..models import User

    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no account with {email}")
    user.role = role
    db.session.commit()
    click.echo(f"{user.email} is now {role}.")
