"""`quizapp lti …`: register platforms, rotate the tool's key, list what is registered, send owed scores and
sync rosters."""
from __future__ import annotations

import click
from flask import url_for
from flask.cli import with_appcontext

lti_cli = click.Group("lti", help="LTI 1.3: platforms, the tool's keys, scores and rosters (docs/lti.md).")


def _url(value: str, name: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise click.BadParameter("must be an http(s) URL", param_hint=name)
    return value


@lti_cli.command("add-platform")
@click.option("--name", required=True, help="A name for the platform, e.g. 'Moodle (school)'.")
@click.option("--issuer", required=True, help="The platform's issuer (iss), e.g. https://moodle.example.org")
@click.option("--client-id", required=True, help="The client id the platform gave this tool.")
@click.option("--auth-login-url", required=True, help="The platform's OIDC authentication request URL.")
@click.option("--auth-token-url", required=True, help="The platform's OAuth2 access token URL.")
@click.option("--key-set-url", required=True, help="The platform's public keyset (JWKS) URL.")
@click.option("--auth-audience", default=None, help="The token endpoint's audience, when not its URL.")
@click.option("--deployment", "deployments", multiple=True, required=True,
              help="A deployment id the platform gave (repeat for several).")
@with_appcontext
def add_platform_command(name, issuer, client_id, auth_login_url, auth_token_url, key_set_url, auth_audience,
                         deployments) -> None:
    """Register a platform (or update the one with this issuer and client id; deployments are added)."""
    from sqlalchemy import select

    from ..extensions import db
    from .keys import new_key, signing_key
    from .models import LtiPlatform

    for value, option in ((auth_login_url, "--auth-login-url"), (auth_token_url, "--auth-token-url"),
                          (key_set_url, "--key-set-url")):
        _url(value, option)
    platform = db.session.scalar(select(LtiPlatform).where(LtiPlatform.issuer == issuer,
                                                           LtiPlatform.client_id == client_id))
    created = platform is None
    if created:
        platform = LtiPlatform(issuer=issuer, client_id=client_id, deployment_ids=[])
        db.session.add(platform)
    platform.name, platform.auth_login_url, platform.auth_token_url = name, auth_login_url, auth_token_url
    platform.key_set_url, platform.auth_audience = key_set_url, auth_audience
    platform.deployment_ids = sorted(set(platform.deployment_ids or []) | set(deployments))
    if signing_key() is None:
        new_key()
        click.echo("Made the tool's first signing key.")
    db.session.commit()
    click.echo(f"{'Registered' if created else 'Updated'} platform {platform.id} '{name}' ({issuer}, client id "
               f"{client_id}); deployments: {', '.join(platform.deployment_ids)}.")


@lti_cli.command("rotate-key")
@click.option("--keep", default=2, show_default=True, type=click.IntRange(min=2),
              help="Keys left published, the new one included (platforms cache the JWKS).")
@with_appcontext
def rotate_key_command(keep) -> None:
    """Make a new signing key; the previous one stays in the JWKS, older ones are retired."""
    from ..extensions import db
    from .keys import rotate

    key, retired = rotate(keep)
    db.session.commit()
    click.echo(f"New signing key {key.kid}.")
    for old in retired:
        click.echo(f"Retired key {old.kid} (no longer in the JWKS).")


@lti_cli.command("list")
@with_appcontext
def list_command() -> None:
    """The registered platforms, the tool's keys and the URLs to give a platform."""
    from sqlalchemy import select

    from ..extensions import db
    from .keys import active_keys
    from .models import LtiPlatform

    for p in db.session.scalars(select(LtiPlatform).order_by(LtiPlatform.id)):
        click.echo(f"platform {p.id} '{p.name}': issuer {p.issuer}, client id {p.client_id}, deployments "
                   f"{', '.join(p.deployment_ids or []) or '(none)'}")
        click.echo(f"  login {p.auth_login_url}\n  token {p.auth_token_url}\n  keys  {p.key_set_url}")
    keys = active_keys()
    for i, key in enumerate(keys):
        click.echo(f"key {key.kid} ({'signing' if i == 0 else 'published'}, made {key.created_at:%Y-%m-%d %H:%M})")
    if not keys:
        click.echo("No tool key yet: `quizapp lti add-platform` or `quizapp lti rotate-key` makes one.")
    try:
        click.echo(f"Tool URLs: login {url_for('lti.login', _external=True)}, launch "
                   f"{url_for('lti.launch', _external=True)}, keyset {url_for('lti.jwks', _external=True)}")
    except RuntimeError:  # no SERVER_NAME configured: the URLs are under /lti/ of the site
        click.echo("Tool URLs: <site>/lti/login, <site>/lti/launch, <site>/lti/jwks")


@lti_cli.command("send-scores")
@with_appcontext
def send_scores_command() -> None:
    """Send every score still owed to a platform (those whose first send failed)."""
    from .grades import send_owed_scores

    sent, failed = send_owed_scores()
    click.echo(f"{sent} score(s) sent, {failed} still failing.")
    if failed:
        raise SystemExit(1)


@lti_cli.command("sync-roster")
@click.option("--context", "context_id", type=int, default=None, help="Only this lti_context id.")
@with_appcontext
def sync_roster_command(context_id) -> None:
    """Fill each launched context's cohort from the platform's roster (Names and Role Provisioning)."""
    from ..extensions import db
    from .models import LtiContext
    from .roster import contexts_with_roster, sync_roster

    contexts = [db.session.get(LtiContext, context_id)] if context_id else contexts_with_roster()
    failures = 0
    for context in contexts:
        if context is None:
            raise click.ClickException(f"no context {context_id}")
        try:
            count = sync_roster(context)
        except Exception as error:  # one platform's outage must not stop the others
            db.session.rollback()
            failures += 1
            click.echo(f"context {context.id} '{context.title}': not synced ({error})", err=True)
            continue
        click.echo(f"context {context.id} '{context.title}': {count} member(s) read.")
    if failures:
        raise SystemExit(1)
