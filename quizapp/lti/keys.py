"""The tool's RSA key pairs: made, rotated and published (the JWKS). The library does the JOSE work."""
from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pylti1p3.registration import Registration
from sqlalchemy import select

from ..extensions import db
from ..models import utcnow
from .models import LtiKey

KEY_BITS = 2048


def new_key() -> LtiKey:
    """A fresh key pair, added to the session (the caller commits); its kid is the JWK thumbprint."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    key = LtiKey(kid=Registration.get_jwk(public_pem)["kid"], private_pem=private_pem, public_pem=public_pem,
                 active=True)
    db.session.add(key)
    return key


def active_keys() -> list[LtiKey]:
    """Every published key, newest first."""
    return list(db.session.scalars(select(LtiKey).where(LtiKey.active.is_(True))
                                   .order_by(LtiKey.created_at.desc(), LtiKey.id.desc())))


def signing_key() -> LtiKey | None:
    """The key the tool signs with: the newest active one."""
    keys = active_keys()
    return keys[0] if keys else None


def rotate(keep: int = 2) -> tuple[LtiKey, list[LtiKey]]:
    """Make a new signing key; keys beyond the newest `keep` are retired (no longer published). The
    previous key stays published so that a platform's cached copy of our JWKS still verifies messages
    signed before the rotation."""
    key = new_key()
    db.session.flush()
    retired = active_keys()[keep:]
    for old in retired:
        old.active, old.retired_at = False, utcnow()
    return key, retired


def jwks() -> dict:
    """The public half of every active key, as a JSON Web Key Set."""
    return {"keys": [Registration.get_jwk(k.public_pem) for k in active_keys()]}
