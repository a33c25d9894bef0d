"""An LTI 1.3 platform for the tests: it signs real messages with its own RSA key and serves, over real HTTP on
127.0.0.1, what a platform serves a tool: its public keys, an OAuth2 token endpoint that checks the tool's signed
client assertion, a gradebook that takes scores, and a course roster.

The browser side of a launch (the OIDC redirect and the form post of the id_token) is played by the Django test
client, or by Chromium in the browser test.
"""

import json
import threading
import time
import uuid
from html import escape as html_escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def _key_pair():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    jwk = json.loads(JWK.from_pem(public).export_public())
    return pem, {**jwk, "kid": jwk.get("kid") or uuid.uuid4().hex, "alg": "RS256", "use": "sig"}


class PlatformSimulator:
    issuer = "https://lms.example.test"
    client_id = "calcinosis-tool"
    deployment_id = "deployment-1"

    def __init__(self):
        self.private_pem, self.jwk = _key_pair()
        self.scores: list[dict] = []  # (lineitem path, body) of every score the gradebook accepted
        self.token_requests: list[dict] = []
        self.fail_scores = 0  # answer this many score posts with 503 before accepting
        self.members: list[dict] = []
        self.next_launch: dict = {}  # what /auth signs for the browser: sub and claims (id_token's keyword arguments)
        self.course_frame = ""  # the tool URL the course page frames (the LMS page a learner opens)
        self.deep_link_returns: list[str] = []  # JWTs the tool posted back to /deep-link-return
        self.tool_jwks: dict = {"keys": []}  # the tool's published keys (its /lti/jwks/), as registered with us
        self._tokens: set[str] = set()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def register(self):
        """Register this platform with the tool, as its administrator would (lti_platform add)."""
        from lti.models import Deployment, Platform

        platform = Platform.objects.create(
            name="Test Moodle",
            issuer=self.issuer,
            client_id=self.client_id,
            auth_login_url=self.auth_login_url,
            auth_token_url=self.auth_token_url,
            keyset_url=self.keyset_url,
        )
        Deployment.objects.create(platform=platform, deployment_id=self.deployment_id)
        return platform

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- what the tool is told when the platform registers it --
    @property
    def auth_login_url(self) -> str:
        return f"{self.base}/auth"

    @property
    def auth_token_url(self) -> str:
        return f"{self.base}/token"

    @property
    def keyset_url(self) -> str:
        return f"{self.base}/jwks"

    def lineitem_url(self, name: str = "quiz-1") -> str:
        return f"{self.base}/lineitems/{name}"

    @property
    def memberships_url(self) -> str:
        return f"{self.base}/memberships"

    # -- messages --
    def id_token(self, *, nonce: str, sub: str, message_type: str = "LtiResourceLinkRequest", **claims) -> str:
        """A signed launch: the LTI core claims with the given ones on top (already in full claim URIs)."""
        now = int(time.time())
        body = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            LTI + "deployment_id": self.deployment_id,
            LTI + "message_type": message_type,
            LTI + "version": "1.3.0",
            LTI + "roles": [LEARNER],
            LTI + "target_link_uri": "http://testserver/lti/launch/",
        }
        if message_type == "LtiResourceLinkRequest":
            body[LTI + "resource_link"] = {"id": "link-1", "title": "Calcinosis quiz"}
        body.update(claims)
        return self.sign(body)

    def sign(self, body: dict, *, key: str | None = None, kid: str | None = None) -> str:
        return jwt.encode(body, key or self.private_pem, algorithm="RS256", headers={"kid": kid or self.jwk["kid"]})

    def read_deep_link_response(self, token: str, tool_jwks: dict) -> dict:
        """Check the tool's deep-linking answer as a platform does: signed by a key the tool publishes, from the
        registered client, to this issuer."""
        kid = jwt.get_unverified_header(token)["kid"]
        key = next(k for k in tool_jwks["keys"] if k["kid"] == kid)
        public = JWK.from_json(json.dumps(key)).export_to_pem()
        return jwt.decode(token, public, algorithms=["RS256"], audience=self.issuer, issuer=self.client_id)

    # -- the HTTP side --
    def _handler(self):
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status: int, body: dict | None = None, content_type="application/json"):
                data = json.dumps(body or {}).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                return token in simulator._tokens

            def do_GET(self):
                path = urlsplit(self.path).path
                if path == "/jwks":
                    return self._reply(200, {"keys": [simulator.jwk]})
                if path == "/auth":
                    return self._authenticate(parse_qs(urlsplit(self.path).query))
                if path == "/course":
                    frame = html_escape(simulator.course_frame)
                    return self._html(
                        "<!doctype html><html lang=en><title>Dermatology block</title><h1>Dermatology block</h1>"
                        f'<iframe title="Calcinosis teaching" src="{frame}" width="1000" height="700"></iframe>'
                    )
                if path == "/memberships":
                    if not self._authorised():
                        return self._reply(401, {"error": "no token"})
                    body = {
                        "id": simulator.memberships_url,
                        "context": {"id": "course-1"},
                        "members": simulator.members,
                    }
                    return self._reply(200, body, "application/vnd.ims.lti-nrps.v2.membershipcontainer+json")
                return self._reply(404)

            def do_POST(self):
                path = urlsplit(self.path).path
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if path == "/deep-link-return":
                    simulator.deep_link_returns.append((parse_qs(raw).get("JWT") or [""])[0])
                    return self._html("<!doctype html><html lang=en><title>Added</title><h1>Link added</h1>")
                if path == "/token":
                    return self._token(parse_qs(raw))
                if path.startswith("/lineitems/") and path.endswith("/scores"):
                    if not self._authorised():
                        return self._reply(401, {"error": "no token"})
                    if simulator.fail_scores > 0:
                        simulator.fail_scores -= 1
                        return self._reply(503, {"error": "down for maintenance"})
                    simulator.scores.append({"lineitem": path.removesuffix("/scores"), "body": json.loads(raw)})
                    return self._reply(200, {})
                return self._reply(404)

            def _html(self, html: str):
                data = html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authenticate(self, query: dict):
                """The platform's OIDC authorisation endpoint: the user is signed in here already, so it answers at
                once with the signed id_token, posted by the browser to the tool's redirect URI (form_post)."""
                one = {key: values[0] for key, values in query.items()}
                if one.get("client_id") != simulator.client_id or one.get("response_mode") != "form_post":
                    return self._reply(400, {"error": "invalid_request"})
                token = simulator.id_token(nonce=one["nonce"], **simulator.next_launch)
                action, state = html_escape(one["redirect_uri"]), html_escape(one["state"])
                return self._html(
                    "<!doctype html><html lang=en><title>Signing in</title>"
                    f'<form id="f" method="post" action="{action}">'
                    f'<input type="hidden" name="id_token" value="{token}">'
                    f'<input type="hidden" name="state" value="{state}"></form>'
                    "<script>document.getElementById('f').submit()</script>"
                )

            def _token(self, form: dict):
                """Client credentials with a JWT assertion signed by the tool's key (LTI security framework §4.1)."""
                assertion = (form.get("client_assertion") or [""])[0]
                try:
                    tool_jwks = simulator.tool_jwks
                    kid = jwt.get_unverified_header(assertion)["kid"]
                    key = next(k for k in tool_jwks["keys"] if k["kid"] == kid)
                    public = JWK.from_json(json.dumps(key)).export_to_pem()
                    claims = jwt.decode(assertion, public, algorithms=["RS256"], audience=simulator.auth_token_url)
                except Exception as error:  # any bad assertion is refused, as a platform would
                    return self._reply(400, {"error": "invalid_client", "error_description": str(error)})
                if claims.get("iss") != simulator.client_id or (form.get("grant_type") or [""])[0] != (
                    "client_credentials"
                ):
                    return self._reply(400, {"error": "invalid_grant"})
                simulator.token_requests.append({"scope": (form.get("scope") or [""])[0]})
                token = uuid.uuid4().hex
                simulator._tokens.add(token)
                return self._reply(200, {"access_token": token, "token_type": "bearer", "expires_in": 3600})

        return Handler
