"""boto3 sessions and clients for a live scan: read-only by construction, with retries and
timeouts, for one or many accounts and regions.

Every client cachelint makes goes through :func:`client`, which registers a botocore
``before-call`` hook that refuses any operation whose name does not start with Describe, Get or
List and is not one of the few reads named otherwise (:data:`READ_OPERATIONS`);
``sts:AssumeRole`` is the one exception, on the client that assumes the scan role. The
same hook counts the calls, for the report and the README's cost figures.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.config
from botocore.exceptions import BotoCoreError, SSOError, TokenRetrievalError

from cachelint import __version__
from cachelint.aws import AwsSetupError

READ_PREFIXES = ("Describe", "Get", "List")
# Reads whose names say otherwise: AWS Config's advanced query (a SELECT of recorded items).
READ_OPERATIONS = frozenset({"SelectAggregateResourceConfig"})
ACCOUNT_ID = re.compile(r"^\d{12}$")
DEFAULT_REGION = "us-east-1"


class ReadOnlyViolation(RuntimeError):
    """An operation that could change an account was about to be sent. Never caught."""


@dataclass
class CallLog:
    """Every operation sent, by (service, operation); thread-safe."""

    calls: Counter = field(default_factory=Counter)
    attempts: Counter = field(default_factory=Counter)  # HTTP requests, retries included
    lock: threading.Lock = field(default_factory=threading.Lock)
    parent: CallLog | None = None  # the run's log, when this one counts one account

    def record(self, service: str, operation: str) -> None:
        with self.lock:
            self.calls[(service, operation)] += 1
        if self.parent is not None:
            self.parent.record(service, operation)

    def attempt(self, service: str, operation: str) -> None:
        with self.lock:
            self.attempts[(service, operation)] += 1
        if self.parent is not None:
            self.parent.attempt(service, operation)

    @property
    def total(self) -> int:
        return sum(self.calls.values())


def _guard(log: CallLog, service: str, allowed: frozenset[str]):
    def before_call(model: Any = None, **_: Any) -> None:
        name = model.name
        if not name.startswith(READ_PREFIXES) and name not in READ_OPERATIONS \
                and name not in allowed:
            raise ReadOnlyViolation(f"refusing to send {service}:{name}: cachelint only reads")
        log.record(service, name)

    def before_send(event_name: str = "", **_: Any) -> None:
        log.attempt(service, event_name.rsplit(".", 1)[-1])

    return before_call, before_send


@dataclass(frozen=True)
class ClientSettings:
    max_attempts: int = 6
    retry_mode: str = "adaptive"  # client-side rate limiting on throttling
    connect_timeout: float = 5.0
    read_timeout: float = 20.0

    def botocore(self) -> botocore.config.Config:
        return botocore.config.Config(
            retries={"max_attempts": self.max_attempts, "mode": self.retry_mode},
            connect_timeout=self.connect_timeout, read_timeout=self.read_timeout,
            user_agent_extra=f"cachelint/{__version__}", max_pool_connections=16)


_CREATING = threading.Lock()
_SHARED: dict[str | None, boto3.Session] = {}


def shared_session(profile: str | None) -> boto3.Session:
    """One session per profile for the whole run: its service models are loaded once, not for
    every client of every account and Region (what dominated a scan's CPU and memory)."""
    with _CREATING:
        if profile not in _SHARED:
            _SHARED[profile] = boto3.Session(profile_name=profile)
        return _SHARED[profile]


def client(session: boto3.Session, service: str, region: str, log: CallLog,
           settings: ClientSettings, allowed: frozenset[str] = frozenset(),
           credentials: dict | None = None) -> Any:
    """A boto3 client that can only read, with ``credentials`` if given (else the session's).
    ``AWS_ENDPOINT_URL`` (and its per-service forms) is honoured by boto3 itself."""
    keys = {k: v for k, v in (credentials or {}).items() if k.startswith("aws_")}
    with _CREATING:  # a session is not thread-safe: clients are made one at a time
        c = session.client(service, region_name=region, config=settings.botocore(), **keys)
    before_call, before_send = _guard(log, service, allowed)
    c.meta.events.register("before-call.*.*", before_call)
    c.meta.events.register("before-send.*.*", before_send)
    return c


@dataclass
class Account:
    """One account to scan, with the credentials to scan it."""

    account_id: str
    credentials: dict  # aws_access_key_id, aws_secret_access_key, aws_session_token
    profile: str | None = None  # whose configuration (endpoints, retries) clients follow

    def session(self) -> boto3.Session:
        # Shared: clients are thread-safe and get this account's credentials explicitly.
        return shared_session(self.profile)


def base_session(profile: str | None) -> boto3.Session:
    try:
        return boto3.Session(profile_name=profile)
    except Exception as exc:  # noqa: BLE001 - ProfileNotFound and friends: one line for users
        raise AwsSetupError(f"AWS profile {profile!r}: {exc}") from None


def frozen(session: boto3.Session) -> dict:
    """The session's credentials, resolved now: an SSO profile that is not logged in, or a
    credential process that fails, is a setup error before any account is read."""
    try:
        creds = session.get_credentials()
        f = creds.get_frozen_credentials() if creds is not None else None
    except (SSOError, TokenRetrievalError) as exc:
        profile = session.profile_name
        raise AwsSetupError(f"AWS profile {profile!r}: the SSO session is not logged in or has "
                            f"expired; run `aws sso login --profile {profile}` "
                            f"({_first_line(exc)})") from None
    except BotoCoreError as exc:
        raise AwsSetupError(f"AWS credentials of profile {session.profile_name!r}: "
                            f"{_first_line(exc)}") from None
    if f is None or not f.access_key:
        raise AwsSetupError("no AWS credentials found (environment, profile, SSO or instance "
                            "role); set AWS_PROFILE or pass --profile")
    return {"aws_access_key_id": f.access_key, "aws_secret_access_key": f.secret_key,
            "aws_session_token": f.token}


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def role_for(role_arn: str, account_id: str) -> str:
    """``--role-arn`` for one account: ``{account_id}`` is replaced, or the ARN's account field
    is, so one role name serves every account of an organization."""
    if "{account_id}" in role_arn:
        return role_arn.replace("{account_id}", account_id)
    parts = role_arn.split(":")
    if len(parts) >= 6 and parts[2] == "iam":
        parts[4] = account_id
        return ":".join(parts)
    raise AwsSetupError(f"--role-arn {role_arn!r} is not an IAM role ARN")


def read_accounts_file(path: str) -> list[str]:
    """One 12-digit account id per line (anything after it is a name); ``#`` comments."""
    out = []
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AwsSetupError(f"{path}: cannot read the account list: {exc}") from None
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        account = text.split()[0].strip(",")
        if not ACCOUNT_ID.match(account):
            raise AwsSetupError(f"{path}:{number}: {account!r} is not a 12-digit account id")
        out.append(account)
    if not out:
        raise AwsSetupError(f"{path}: no account ids")
    return list(dict.fromkeys(out))
