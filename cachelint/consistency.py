"""What an API Gateway method's integration says about read consistency: a DynamoDB service
integration whose request asks for a strongly consistent read (``"ConsistentRead": true``) or
reads in a transaction (``TransactGetItems``) is an endpoint whose author asked for the latest
write (AWS facts 11e). Readers declare the integration as written; this is derived once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cachelint.values import UNKNOWN, UNREAD

# arn:aws:apigateway:{region}:{subdomain.service|service}:action/{action}; the region may be a
# part that could not be read (a variable, ${AWS::Region}): only service and action matter.
_SERVICE_URI = re.compile(r"^arn:aws[\w-]*:apigateway:[^:]*:([^:]*):(.*)$", re.DOTALL)
# Reads of one table; TransactGetItems is always an isolated, latest-write read.
READ_ACTIONS = ("GetItem", "Query", "Scan", "BatchGetItem")
TRANSACTION_READ = "TransactGetItems"
_CONSISTENT = re.compile(r'"ConsistentRead"\s*:\s*("?)(true|false|[^,}\s"]*)\1', re.IGNORECASE)


@dataclass(frozen=True)
class Integration:
    """An integration as its source declares it: type, uri and request templates (content
    type -> template text). Text parts that could not be read are :data:`UNREAD`."""

    type: Any = None
    uri: Any = None
    request_templates: Any = None
    targets: tuple = ()  # addresses of the resources the uri names (a Lambda function)


def dynamodb_action(uri: Any) -> Any:
    """The DynamoDB action a service integration's uri calls; None for any other uri,
    UNKNOWN where the uri could not be read far enough to tell."""
    if not isinstance(uri, str):
        return None if uri is None else UNKNOWN
    m = _SERVICE_URI.match(uri)
    if m is None:
        return None
    service, rest = m.group(1), m.group(2)
    if UNREAD in service:
        return UNKNOWN
    if service.rpartition(".")[2] != "dynamodb" or not rest.startswith("action/"):
        return None
    action = rest[len("action/"):]
    return UNKNOWN if UNREAD in action else action


def _template_consistency(text: Any) -> Any:
    """True/False where the template says ``ConsistentRead`` (every mention agreeing), None
    where it does not mention it, UNKNOWN where it cannot be told."""
    if not isinstance(text, str):
        return UNKNOWN
    values = {m.group(2).lower() for m in _CONSISTENT.finditer(text)}
    if not values:
        # Not written (eventually consistent, DynamoDB's default), unless an unread part
        # could hold it.
        return UNKNOWN if UNREAD in text else None
    if values == {"true"}:
        return True
    if values == {"false"}:
        return False
    return UNKNOWN


def strong_read_evidence(integration: Integration | None) -> Any:
    """Why the integration reads with strong consistency (a phrase for messages), None where
    it does not, UNKNOWN where it cannot be told."""
    if integration is None:
        return None
    kind = integration.type.upper() if isinstance(integration.type, str) else integration.type
    if kind is None or kind not in ("AWS", UNKNOWN):
        return None
    action = dynamodb_action(integration.uri)
    if action is None:
        return None
    if action is UNKNOWN or kind is UNKNOWN:
        return UNKNOWN
    if action == TRANSACTION_READ:
        return "its integration reads DynamoDB with TransactGetItems"
    if action not in READ_ACTIONS:
        return None
    templates = integration.request_templates
    if templates is None:
        return None  # the request is the method's body passed through: not known to ask
    if not isinstance(templates, dict):
        return UNKNOWN
    found = [(ctype, _template_consistency(t)) for ctype, t in sorted(templates.items())]
    strong = [ctype for ctype, v in found if v is True]
    if strong:
        return (f"its DynamoDB {action} integration's request template ({strong[0]}) "
                "asks for ConsistentRead: true")
    return UNKNOWN if any(v is UNKNOWN for _, v in found) else None
