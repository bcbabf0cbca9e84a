"""What keeps the local page local: bind and access-token rules, Host/Origin checks, CSRF,
body-size caps, upload file names, and the security headers on every response."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
import secrets
import unicodedata
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.exceptions import HTTPException

from agent.errors import UsageError

SESSION_COOKIE = "icp_session"
ACCESS_COOKIE = "icp_access"
CSRF_HEADER = "x-csrf-token"
TOKEN_ENV = "ICP_SERVE_TOKEN"
MIN_TOKEN_LENGTH = 16
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
FORM_OVERHEAD = 1_000_000  # multipart boundaries and headers on top of the file bytes
SESSION_DAYS = 30  # the browser keeps its drafts across reloads, restarts and browser restarts
STALE_PAGE = (
    "This page was opened before the server restarted. Reload the page to go on: "
    "your drafts are kept."
)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse to listen beyond this machine without an access token (UsageError, exit 2)."""
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise UsageError(
            f"the access token is too short ({len(token)} characters, at least {MIN_TOKEN_LENGTH}): "
            'make one with `python -c "import secrets; print(secrets.token_urlsafe())"`'
        )
    if not is_loopback(host) and not token:
        raise UsageError(
            f"--host {host} would expose your research beyond this machine: pass --token TOKEN "
            f"(or set {TOKEN_ENV}) so only people with the link can open the page, "
            "or keep the default --host 127.0.0.1"
        )


def safe_filename(name: str | None, index: int) -> str:
    """A client file name made safe to write: no folders, no hidden files, plain characters.
    The suffix is kept (it picks the loader)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFKC", base)
    base = re.sub(r"[^A-Za-z0-9._ -]+", "_", base).strip(" .")
    base = re.sub(r"\.{2,}", ".", base)
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem, suffix = stem[:100].strip(" ."), suffix[:10].lower()
    if not stem:
        stem = f"upload-{index}"
    return f"{stem}.{suffix}" if suffix else stem


def csrf_token(secret: bytes, session_id: str) -> str:
    return hmac.new(secret, session_id.encode(), hashlib.sha256).hexdigest()[:32]


@dataclass
class Guard:
    """Checks done before any route runs, as ASGI middleware (pure, so uploads stream)."""

    app: ASGIApp
    host: str
    token: str | None
    max_upload: int  # bytes per request, as the user set it; the form's own bytes come on top
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def allowed_host(self, value: str) -> bool:
        """Without a token, only loopback names: a DNS-rebinding page cannot reach the API."""
        if self.token:
            return True  # the access token protects the page, whatever name it is reached by
        name = urlsplit(f"//{value}").hostname or ""
        return is_loopback(name) or name == self.host.strip("[]").lower()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        cookies = {k: m.value for k, m in SimpleCookie(headers.get("cookie", "")).items()}
        method = scope["method"]
        host = headers.get("host", "")
        if not self.allowed_host(host):
            await _reply(send, 400, "unexpected Host header (this page answers on localhost only)")
            return
        if self.token and not self._authorised(headers, cookies):
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            given = (query.get("token") or [""])[0]
            if method == "GET" and given and _same(given, self.token):
                rest = {k: v for k, v in query.items() if k != "token"}
                target = scope["path"] + ("?" + urlencode(rest, doseq=True) if rest else "")
                await _reply(
                    send,
                    303,
                    "",
                    [
                        (b"location", target.encode()),
                        (b"set-cookie", _cookie(ACCESS_COOKIE, _digest(self.token)).encode()),
                    ],
                )
                return
            await _reply(
                send,
                401,
                "access token required: open the link printed by `icp serve` (it carries ?token=…)",
            )
            return
        session = cookies.get(SESSION_COOKIE, "")
        fresh = not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", session)
        if fresh:
            session = secrets.token_urlsafe(24)
        scope.setdefault("state", {})["browser_session"] = session
        scope["state"]["csrf_token"] = csrf_token(self.secret, session)
        if method in UNSAFE_METHODS:
            problem = self._unsafe_problem(headers, host, session, fresh)
            if problem:
                code = "stale_page" if problem == STALE_PAGE else "refused"
                await _reply(send, 403, problem, code=code)
                return
            length = headers.get("content-length")
            limit = self.max_upload + FORM_OVERHEAD
            if length is not None and (not length.isdigit() or int(length) > limit):
                await _reply(send, 413, _too_large(self.max_upload))
                return
            receive = _capped(receive, limit, self.max_upload)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = list(SECURITY_HEADERS)
                if fresh:
                    extra.append((b"set-cookie", _cookie(SESSION_COOKIE, session).encode()))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _authorised(self, headers: dict[str, str], cookies: dict[str, str]) -> bool:
        assert self.token is not None
        bearer = headers.get("authorization", "").removeprefix("Bearer ").strip()
        cookie = cookies.get(ACCESS_COOKIE, "")
        return bool(bearer and _same(bearer, self.token)) or bool(
            cookie and _same(cookie, _digest(self.token))
        )

    def _unsafe_problem(
        self, headers: dict[str, str], host: str, session: str, fresh: bool
    ) -> str | None:
        origin = headers.get("origin") or headers.get("referer")
        if origin is not None and urlsplit(origin).netloc.lower() != host.lower():
            return "Refused: this request came from another web site."
        sent = headers.get(CSRF_HEADER, "")
        if fresh or not sent or not _same(sent, csrf_token(self.secret, session)):
            return STALE_PAGE  # the page asks for a fresh token once and retries by itself
        return None


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison that also takes non-ASCII input (a header can carry any byte)."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode())


def _digest(token: str) -> str:
    """What the access cookie holds: the token's hash, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def _cookie(name: str, value: str) -> str:
    return f"{name}={value}; Path=/; Max-Age={SESSION_DAYS * 86400}; HttpOnly; SameSite=Strict"


def _too_large(limit: int) -> str:
    return f"Too much at once: at most {limit / 1e6:.0f} MB per draft (icp serve --max-upload-mb sets it)."


def _capped(receive: Receive, limit: int, shown: int) -> Receive:
    """Count body bytes as they arrive: a body without (or lying about) Content-Length is cut off."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, _too_large(shown))
        return message

    return wrapped


async def _reply(
    send: Send,
    status: int,
    detail: str,
    headers: list[tuple[bytes, bytes]] | None = None,
    code: str | None = None,
) -> None:
    payload: dict[str, str] = {"detail": detail}
    if code:
        payload["code"] = code
    body = json.dumps(payload).encode() if detail else b""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *SECURITY_HEADERS,
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
