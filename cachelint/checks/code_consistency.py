"""Strong consistency asked for in the code behind an API method (CL501's evidence from code):
the Lambda function a method's integration calls reads DynamoDB with ``ConsistentRead`` true or
in a transaction (``TransactGetItems``)."""

from __future__ import annotations

from cachelint.checks.code import links
from cachelint.code import clients
from cachelint.code.linking import consistent_read
from cachelint.code.model import Call, CodeFile
from cachelint.engine import Context
from cachelint.model import ApiMethod

_TRANSACTION_READS = {"transact_get_items", "TransactGetItems", "transactGetItems",
                      "transactGet"}


def _transaction(call: Call) -> bool:
    return call.method in _TRANSACTION_READS or (
        call.method == "send" and bool(call.args) and call.args[0].kind == "call"
        and call.args[0].text.endswith(("TransactGetItemsCommand", "TransactGetCommand")))


def _strong_read(file: CodeFile, call: Call) -> str | None:
    binding = file.binding(call.receiver)
    if binding is None or binding.client not in ("dynamodb", "dax"):
        return None
    if _transaction(call):
        return "TransactGetItems"
    is_read = call.method in clients.DYNAMO_READS or (
        call.method == "send" and bool(call.args) and call.args[0].kind == "call"
        and bool(clients.DYNAMO_READ_COMMANDS.search(call.args[0].text)))
    if is_read and not (call.method == "get" and file.language == "python") \
            and consistent_read(call):
        return "ConsistentRead true"
    return None


def strong_reads_behind(ctx: Context, method: ApiMethod) -> str | None:
    """Why the code behind ``method`` asks for the latest write, or None. Only where its
    integration calls one Lambda function that no other route of the scan calls: a function
    behind several routes may read strongly for another one."""
    targets = method.integration_targets
    if len(targets) != 1:
        return None
    lk = links(ctx)
    functions = [f for f in lk.functions if f.source.address == targets[0]]
    if len(functions) != 1:
        return None
    fn = functions[0]
    routes = {m.route for m in ctx.inventory.of(ApiMethod) if targets[0] in m.integration_targets}
    if len(routes) != 1:
        return None
    for file in ctx.inventory.code:
        if fn not in lk.functions_of(file):
            continue
        for call in file.calls:
            how = _strong_read(file, call)
            if how:
                return (f"the Lambda function {fn.name or fn.source.address} behind it reads "
                        f"DynamoDB with {how}, {file.path}:{call.line}")
    return None
