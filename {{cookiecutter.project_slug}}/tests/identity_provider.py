"""An identity provider for the tests: keys made here, its discovery document and key set served
over HTTP on loopback by a thread of the test process, and tokens signed as a provider signs them.

The app reads its keys as it reads a real provider's (app/auth/provider.py); the live servers that
tests start read them here too. Each test that rotates keys, or takes the provider down, makes an
issuer of its own.
"""

import base64
import hashlib
import hmac
import json
import os
import threading
import time
import uuid
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

AUDIENCE = "tests"


class TestIssuer:
    """Signs with its newest key; publishes every key it has."""

    def __init__(self) -> None:
        self.keys: dict[str, ec.EllipticCurvePrivateKey] = {}
        self.rotate()
        self.answering = True  # False: every request gets 503, as from a provider that is down
        self.requests: list[str] = []  # the paths asked for, in order
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def rotate(self) -> str:
        """A new signing key, published beside the old ones; its id."""
        kid = uuid.uuid4().hex
        self.keys[kid] = ec.generate_private_key(ec.SECP256R1())
        return kid

    def token(
        self,
        subject: str,
        *,
        roles: Iterable[str] = (),
        expires_in: float = 300,
        kid: str | None = None,
        **claims: Any,
    ) -> str:
        """An access token for the subject, signed with the newest key (or the one named), as the
        provider would issue it for the tests' audience; claims given override its own, and a
        claim given as None is left out."""
        now = time.time()
        kid = kid or list(self.keys)[-1]
        payload = {
            "iss": self.url,
            "aud": AUDIENCE,
            "sub": subject,
            "iat": int(now),
            "exp": int(now + expires_in),
            "roles": list(roles),
            **claims,
        }
        claims = {name: value for name, value in payload.items() if value is not None}
        return jwt.encode(claims, self.keys[kid], algorithm="ES256", headers={"kid": kid})

    def reads(self) -> int:
        """How often the key set was read."""
        return self.requests.count("/jwks")

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _documents(self, path: str) -> dict[str, Any] | None:
        if path == "/.well-known/openid-configuration":
            return {"issuer": self.url, "jwks_uri": f"{self.url}/jwks"}
        if path == "/jwks":
            return {"keys": [as_jwk(key, kid) for kid, key in self.keys.items()]}
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                issuer.requests.append(self.path)
                document = issuer._documents(self.path) if issuer.answering else None
                status = 200 if document else 503 if not issuer.answering else 404
                body = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the tests read `requests`, not the server's log

        return Handler


def as_jwk(key: ec.EllipticCurvePrivateKey, kid: str, *, private: bool = False) -> dict[str, Any]:
    """The key as a provider publishes it (its public half), or, `private`, as one takes it."""
    jwk = ECAlgorithm.to_jwk(key if private else key.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "use": "sig", "alg": "ES256"}


def authorization(token: str) -> dict[str, str]:
    """The header that sends the token with a request."""
    return {"Authorization": f"Bearer {token}"}


def hand_made(header: dict[str, object], claims: dict[str, object], secret: bytes | None) -> str:
    """A token made by hand, as a forger would: signed with HMAC-SHA256 and `secret` (whatever the
    header says), or not at all."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    body = f"{part(json.dumps(header).encode())}.{part(json.dumps(claims).encode())}"
    mac = b"" if secret is None else hmac.new(secret, body.encode(), hashlib.sha256).digest()
    return f"{body}.{part(mac)}"


def public_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    """The key's public half, as PEM: what a forger would try as an HMAC secret."""
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


# The provider of the whole run: a plugin (see conftest.py), loaded after the settings are pinned
# and before the app is imported, which pins the two that name it.
ISSUER = TestIssuer()
os.environ["OIDC_ISSUER"] = ISSUER.url
os.environ["OIDC_AUDIENCE"] = AUDIENCE
