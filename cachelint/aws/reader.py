"""Calls to one (account, Region) in which every failure of an operation becomes a warning.

A live scan reads dozens of operations in each account; any one of them may fail for reasons
cachelint cannot fix (a denied action, a throttled API, an endpoint that answers with an HTML
error page, a proxy that refuses, credentials that expire half way). None of them may abort the
scan: the operation is recorded as *not read* (account, Region, service, operation, kind and the
first line of the error) and the scan goes on with everything else. Only what the user must fix
before any scan can run (no credentials at all) is an :class:`AwsSetupError`, and an attempt to
write (:class:`~cachelint.aws.session.ReadOnlyViolation`) is never caught.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable
from typing import Any

from botocore.exceptions import (
    ClientError, ConnectionClosedError, ConnectTimeoutError, EndpointConnectionError,
    NoCredentialsError, ProxyConnectionError, ReadTimeoutError, SSLError,
)
from botocore.parsers import ResponseParserError

from cachelint.aws.session import (
    Account, AwsSetupError, CallLog, ClientSettings, ReadOnlyViolation, client,
)

ACCESS_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
                 "AuthorizationError", "UnauthorizedException", "NotAuthorized"}
THROTTLED = {"Throttling", "ThrottlingException", "TooManyRequestsException",
             "RequestLimitExceeded", "RequestThrottled", "SlowDown"}
DISABLED = {"OptInRequired", "SubscriptionRequiredException", "UnrecognizedClientException",
            "InvalidClientTokenId", "AuthFailure", "InvalidSignatureException",
            "RegionDisabledException"}
# Temporary credentials past their expiry: every later call of the account would fail too.
EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
UNSUPPORTED = {"UnknownOperationException", "InvalidAction", "NotImplemented",
               "UnsupportedOperation", "UnsupportedOperationException", "404"}
_TITLE = re.compile(rb"<title>\s*([^<]{1,120}?)\s*</title>", re.IGNORECASE)


def failure(exc: BaseException) -> tuple[str, str]:
    """(kind, one-line text) for an exception met while reading."""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code", "Error"))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        text = f"{code}: {err.get('Message', '')}".strip().rstrip(":")
        if code in EXPIRED:
            return "expired-credentials", text
        if code in ACCESS_DENIED or (status == 403 and code not in DISABLED):
            return "access-denied", text
        if code in THROTTLED:
            return "throttled", f"{text} (retries exhausted)"
        if code in DISABLED:
            return "region-disabled", text
        if code in UNSUPPORTED:
            return "unsupported", f"{text} (the endpoint does not implement this operation)"
        if status >= 500:
            return "server-error", f"{text} (HTTP {status}, retries exhausted)"
        return "error", text
    if isinstance(exc, ResponseParserError):
        return "bad-response", _unparsed(exc)
    if isinstance(exc, ProxyConnectionError):
        return "proxy-error", _first_line(exc)
    if isinstance(exc, SSLError):
        return "tls-error", _first_line(exc)
    if isinstance(exc, (ConnectTimeoutError, ReadTimeoutError, socket.timeout, TimeoutError)):
        return "timeout", _first_line(exc)
    if isinstance(exc, (EndpointConnectionError, ConnectionClosedError)):
        return "unreachable", _first_line(exc)
    return "error", f"{type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0] if text else ""


def _unparsed(exc: ResponseParserError) -> str:
    """An answer botocore could not parse: usually an HTML error page from a proxy, a load
    balancer or an emulator, which names itself in its <title>."""
    text = str(exc)
    title = _TITLE.search(text.encode("utf-8", "replace"))
    what = f"an HTML page {title.group(1).decode('utf-8', 'replace')!r}" if title \
        else "a body that is not AWS's"
    first = text.splitlines()[0] if text else ""
    return f"the endpoint answered with {what}: " \
           f"{first.replace('Further retries may succeed:', '').strip()}"


class Halt:
    """Why one account's calls stopped (expired credentials): shared by its Readers, so the
    account gets one warning and no further calls, not one failure per operation."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reason: str | None = None

    def stop(self, reason: str) -> bool:
        """True for the first caller only."""
        with self.lock:
            if self.reason is not None:
                return False
            self.reason = reason
            return True


class Reader:
    """The clients of one (account, region) and calls that turn failures into warnings."""

    def __init__(self, account: Account, region: str, log: CallLog, settings: ClientSettings,
                 halt: Halt | None = None, allowed: frozenset[str] = frozenset()):
        self.account, self.region, self.log, self.settings = account, region, log, settings
        self.halt = halt or Halt()
        self.allowed = allowed  # non-read operations this reader may send (sts:AssumeRole)
        self.session = account.session()
        self.clients: dict[str, Any] = {}
        self.warnings: list[dict] = []

    def client(self, service: str) -> Any:
        if service not in self.clients:
            self.clients[service] = client(self.session, service, self.region, self.log,
                                           self.settings, self.allowed,
                                           self.account.credentials)
        return self.clients[service]

    def _warn(self, service: str, operation: str, exc: BaseException) -> None:
        kind, text = failure(exc)
        if kind == "expired-credentials":
            if not self.halt.stop(text):
                return  # the account's one warning is already written
            text += "; no further calls to this account"
        self.warnings.append({"account": self.account.account_id, "region": self.region,
                              "service": service, "operation": operation, "kind": kind,
                              "message": text})

    def _guarded(self, service: str, operation: str, read: Callable[[], Any]) -> Any:
        if self.halt.reason is not None:
            return None
        try:
            return read()
        except (ReadOnlyViolation, AwsSetupError):
            raise
        except NoCredentialsError as exc:
            raise AwsSetupError(str(exc)) from None
        # Any failure of the call, whatever botocore, urllib3 or the parser raised: a warning.
        except Exception as exc:  # noqa: BLE001
            self._warn(service, operation, exc)
            return None

    def call(self, service: str, operation: str, **params: Any) -> dict | None:
        return self._guarded(service, operation,
                             lambda: getattr(self.client(service), operation)(**params))

    def pages(self, service: str, operation: str, key: str | Callable[[dict], list],
              **params: Any) -> list | None:
        """Every item over every page; None (and a warning) if a page could not be read."""
        pick = key if callable(key) else (lambda page: page.get(key) or [])

        def read() -> list:
            c = self.client(service)
            items: list = []
            if c.can_paginate(operation):
                for page in c.get_paginator(operation).paginate(**params):
                    items.extend(pick(page))
                return items
            token_in, token_out = _TOKENS.get((service, operation), ("NextToken", "NextToken"))
            while True:
                page = getattr(c, operation)(**params)
                items.extend(pick(page))
                token = _dig(page, token_out)
                if not token:
                    return items
                params[token_in] = token

        return self._guarded(service, operation, read)


# Operations without a botocore paginator: (request token, response token path).
_TOKENS = {
    ("cloudfront", "list_cache_policies"): ("Marker", "CachePolicyList.NextMarker"),
    ("cloudfront", "list_origin_request_policies"): ("Marker",
                                                     "OriginRequestPolicyList.NextMarker"),
    ("elasticache", "describe_serverless_caches"): ("NextToken", "NextToken"),
    ("apigateway", "get_authorizers"): ("position", "position"),
}


def _dig(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data
