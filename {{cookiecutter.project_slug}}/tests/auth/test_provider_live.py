"""The service against a real OpenID Connect provider (marked `live`): panva's oidc-provider,
OpenID Certified, run with Node.js on loopback (tests/auth/oidc_provider/), its keys made here, and
stopped by its pid. Its tokens sign in; a token it must not take gets 401; a key rotation at the
provider is read without a restart; a flood of made-up key ids reads the key set at most once; and
with the provider stopped, the keys read before still sign in.

`npm install` fetches oidc-provider once a run (npm's cache keeps it): without Node.js and npm, or
the registry, these tests are skipped, saying so, and failed under CI.
"""

import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.identity_provider import as_jwk, authorization, hand_made, public_pem
from tests.live_server import free_port, server_process
from tests.processes import PythonProcess
from tests.profile import server_missing

pytestmark = pytest.mark.live

PROVIDER = Path(__file__).parent / "oidc_provider"
AUDIENCE = "urn:example:service"  # the provider takes absolute URIs as resources
CLIENTS = [
    {"client_id": "alice", "username": "alice", "roles": []},
    {"client_id": "root", "username": "root", "roles": ["admin"]},
]
SECRET = "a-client-secret-for-the-tests-only"
START_SECONDS = 30
NODE, NPM = shutil.which("node"), shutil.which("npm")


def signing_key() -> tuple[dict[str, Any], ec.EllipticCurvePrivateKey]:
    """A new private key, as the provider takes it (a JWK), and as this process signs with it."""
    key = ec.generate_private_key(ec.SECP256R1())
    return as_jwk(key, uuid.uuid4().hex, private=True), key


@pytest.fixture(scope="session")
def provider_code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The provider's script, with oidc-provider installed beside it by npm."""
    if NODE is None or NPM is None:
        server_missing("no Node.js and npm here: the provider's live tests need them")
    folder = tmp_path_factory.mktemp("oidc_provider")
    for name in ("provider.mjs", "package.json"):
        shutil.copy(PROVIDER / name, folder / name)
    installed = subprocess.run(
        [NPM, "install", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if installed.returncode != 0:
        server_missing(f"`npm install oidc-provider` failed: {installed.stderr.strip()[-300:]}")
    return folder


@dataclass
class Provider:
    url: str
    output: Path

    def reads(self) -> int:
        """How often its key set was read."""
        return self.output.read_text().count("key set read")

    def token(self, client: str = "alice", **form: str) -> str:
        """An access token for the client, by the client credentials grant."""
        answer = httpx.post(
            f"{self.url}/token",
            auth=(client, SECRET),
            data={"grant_type": "client_credentials", "scope": "api", **form},
        )
        answer.raise_for_status()
        return str(answer.json()["access_token"])


@contextmanager
def provider(
    code: Path, keys: list[dict[str, Any]], *, port: int = 0, token_seconds: int = 300
) -> Iterator[Provider]:
    """The provider with these keys (the first signs) on the port (a free one by default), until
    the block ends: then it is stopped, by its pid."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    output = code / f"provider-{port}-{uuid.uuid4().hex[:8]}.log"
    clients = [{**client, "client_secret": SECRET} for client in CLIENTS]
    environment = {
        "PATH": os.environ["PATH"],
        "PORT": str(port),
        "AUDIENCE": AUDIENCE,
        "KEYS": json.dumps(keys),
        "CLIENTS": json.dumps(clients),
        "TOKEN_SECONDS": str(token_seconds),
    }
    with output.open("wb") as log:
        process = subprocess.Popen(
            [str(NODE), "provider.mjs"], cwd=code, env=environment, stdout=log, stderr=log
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while "listening" not in output.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the provider did not start:\n{output.read_text()}")
            time.sleep(0.05)
        yield Provider(url, output)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def service(
    live_database: str, issuer: str, **settings: str
) -> Iterator[tuple[PythonProcess, httpx.Client]]:
    """A live server that trusts the provider at this URL, with these settings; the process and a
    client."""
    trusting = {
        "OIDC_ISSUER": issuer,
        "OIDC_AUDIENCE": AUDIENCE,
        "OIDC_LEEWAY_SECONDS": "0",
        "OIDC_REFRESH_SECONDS": "0.5",
        "OIDC_TIMEOUT_SECONDS": "1",
        **settings,
    }
    with (
        server_process("tests.live_server", live_database, trusting) as (server, base_url),
        httpx.Client(base_url=base_url, timeout=30) as client,
    ):
        yield server, client


def me(client: httpx.Client, token: str) -> httpx.Response:
    return client.get("/users/me", headers=authorization(token))


def test_its_tokens_sign_in_and_its_roles_make_admins(
    provider_code: Path, live_database: str
) -> None:
    jwk, _ = signing_key()
    with (
        provider(provider_code, [jwk]) as issuer,
        service(live_database, issuer.url) as (_, client),
    ):
        alice = me(client, issuer.token("alice"))
        listed = {
            name: client.get("/admin/users/", headers=authorization(token))
            for name, token in [("alice", issuer.token("alice")), ("root", issuer.token("root"))]
        }

    assert alice.status_code == 200, alice.text
    assert alice.json()["username"] == "alice"
    assert (listed["alice"].status_code, listed["root"].status_code) == (403, 200)


def test_a_token_it_must_not_take_gets_401(provider_code: Path, live_database: str) -> None:
    jwk, key = signing_key()
    stranger = ec.generate_private_key(ec.SECP256R1())
    port = free_port()
    with service(live_database, f"http://127.0.0.1:{port}") as (_, client):
        with provider(provider_code, [jwk], port=port, token_seconds=1) as brief:
            expired = brief.token()  # good for a second
        with (
            provider(provider_code, [jwk], port=port) as issuer,
            provider(provider_code, [jwk]) as impostor,  # the same keys at another address
        ):
            claims = jwt.decode(issuer.token(), options={"verify_signature": False})
            tokens = {
                "another-audience": issuer.token(resource="urn:example:another-service"),
                "another-issuer": impostor.token(),
                "hs256-with-its-public-key": hand_made(
                    {"alg": "HS256", "kid": jwk["kid"]}, claims, public_pem(key)
                ),
                "alg-none": hand_made({"alg": "none", "kid": jwk["kid"]}, claims, None),
                "unknown-kid": jwt.encode(claims, stranger, "ES256", headers={"kid": "made-up"}),
                "expired": expired,
            }
            expires = jwt.decode(expired, options={"verify_signature": False})["exp"]
            time.sleep(max(0.0, expires + 1 - time.time()))  # OIDC_LEEWAY_SECONDS is 0 here
            statuses = {name: me(client, token).status_code for name, token in tokens.items()}
            signed_in = me(client, issuer.token()).status_code

    assert statuses == dict.fromkeys(tokens, 401)
    assert signed_in == 200  # the same service takes the provider's own


def test_a_rotated_key_is_read_without_a_restart(provider_code: Path, live_database: str) -> None:
    old, _ = signing_key()
    new, _ = signing_key()
    port = free_port()
    with service(live_database, f"http://127.0.0.1:{port}") as (_, client):
        with provider(provider_code, [old], port=port) as issuer:
            before = me(client, issuer.token())
        with provider(provider_code, [new, old], port=port) as rotated:  # restarted, rotated
            time.sleep(0.5)  # OIDC_REFRESH_SECONDS
            token = rotated.token()
            after = me(client, token)
            still = me(client, token)

    assert jwt.get_unverified_header(token)["kid"] == new["kid"]
    assert (before.status_code, after.status_code, still.status_code) == (200, 200, 200)
    assert rotated.reads() == 1


def test_a_flood_of_made_up_key_ids_reads_its_key_set_once(
    provider_code: Path, live_database: str
) -> None:
    jwk, key = signing_key()
    with (
        provider(provider_code, [jwk]) as issuer,
        service(live_database, issuer.url, OIDC_REFRESH_SECONDS="60") as (_, client),
    ):
        claims = jwt.decode(issuer.token(), options={"verify_signature": False})
        first = me(client, issuer.token())
        reads = issuer.reads()
        flood = [
            me(client, jwt.encode(claims, key, "ES256", headers={"kid": uuid.uuid4().hex}))
            for _ in range(50)
        ]

    assert first.status_code == 200
    assert {answer.status_code for answer in flood} == {401}
    assert issuer.reads() - reads <= 1, issuer.reads()


def test_with_it_stopped_known_keys_sign_in_and_others_wait(
    provider_code: Path, live_database: str
) -> None:
    old, _ = signing_key()
    new, _ = signing_key()
    port = free_port()
    with service(live_database, f"http://127.0.0.1:{port}") as (server, client):
        with provider(provider_code, [old], port=port) as issuer:
            known = issuer.token()
            before = me(client, known)
        with provider(provider_code, [new, old], port=port) as rotated:
            unknown = rotated.token()  # signed with a key that the service has not read
        time.sleep(0.5)  # OIDC_REFRESH_SECONDS: the service may ask for keys again
        during_unknown = me(client, unknown)
        during_known = me(client, known)
        time.sleep(0.5)  # the same, after a failure
        with provider(provider_code, [new, old], port=port):
            after = me(client, unknown)
        log = server.output()

    assert (before.status_code, during_known.status_code) == (200, 200)
    assert during_unknown.status_code == 503
    assert during_unknown.headers["Retry-After"] == "1"
    assert after.status_code == 200
    assert log.count("fails (") == 1, log
    assert log.count("answers again") == 1, log
