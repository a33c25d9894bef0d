"""The tool's signing key: made on first need and kept in the database, so every server signs with the same one."""

import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import IntegrityError, transaction
from jwcrypto.jwk import JWK

from lti.models import ToolKey


def current_key() -> ToolKey:
    """The newest key, made now if there is none. Two servers racing to make the first both end with one key."""
    key = ToolKey.objects.order_by("-created", "-pk").first()
    if key is not None:
        return key
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    kid = JWK.from_pem(public_pem.encode()).thumbprint()
    try:
        with transaction.atomic():
            return ToolKey.objects.create(kid=kid, private_pem=private_pem, public_pem=public_pem)
    except IntegrityError:
        return ToolKey.objects.order_by("-created", "-pk").first()


def public_jwk(key: ToolKey) -> dict:
    jwk = json.loads(JWK.from_pem(key.public_pem.encode()).export_public())
    return {**jwk, "kid": key.kid, "alg": "RS256", "use": "sig"}


def jwks() -> dict:
    """Every key kept, newest first: a platform that cached an older key can still check what it signed."""
    return {
        "keys": [public_jwk(key) for key in ToolKey.objects.order_by("-created", "-pk")] or [public_jwk(current_key())]
    }
