"""The accounts of a live scan: which ones, with which credentials, read concurrently, and each
one's snapshot complete (and written to disk) as soon as its last Region is read.

An organization is read a few accounts at a time (as many as there are workers). An account's
role is assumed when its turn comes, so temporary credentials do not age while other accounts
are read; its Regions and its global task (CloudFront) share the worker pool; when its last task
ends, its snapshot is written to the snapshot folder, if there is one, and leaves memory. Memory
is bounded by the accounts being read, not by the organization, and a scan stopped half way
resumes from the folder without reading again the accounts already there.

With ``--aws-config-aggregator`` the accounts, their Regions and part of what they hold come
from an AWS Config aggregator (:mod:`cachelint.aws.config`); the rest is read the same way.

A failure of one operation is a warning (:mod:`cachelint.aws.reader`); a role that cannot be
assumed in one account is that account's warning ("failed" in the summary); only a role that
cannot be assumed in any account, like missing credentials, stops the scan (exit 2).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from collections.abc import Callable, Iterator
from typing import Any

from cachelint import __version__, atomic
from cachelint.aws import SNAPSHOT_FORMAT, config, evidence
from cachelint.aws.collect import AwsOptions, read_global, read_region
from cachelint.aws.reader import Halt, Reader
from cachelint.aws.session import (
    DEFAULT_REGION, Account, AwsSetupError, CallLog, base_session, frozen, read_accounts_file,
    role_for,
)

_ACCOUNT_FILE = re.compile(r"^(\d{12})\.json$")
_ASSUME = frozenset({"AssumeRole"})


@dataclass
class AccountSummary:
    """One row of the end-of-scan table."""

    account_id: str
    status: str  # read, partial (something not read), failed (no credentials for it)
    regions: int = 0
    calls: int = 0
    warnings: int = 0
    problem: str = ""  # the first thing not read
    resumed: bool = False  # taken from the snapshot folder, not read by this run


@dataclass(frozen=True)
class Progress:
    """Where a run is, for a progress bar."""

    accounts_done: int
    accounts_total: int
    tasks_done: int  # (account, Region) reads, of the accounts opened so far
    tasks_total: int
    calls: int
    warnings: int
    elapsed: float

    @property
    def eta(self) -> float | None:
        """Seconds left, from the pace so far (by accounts when there are several)."""
        if self.accounts_total > 1:
            done, total = self.accounts_done, self.accounts_total
        else:
            done, total = self.tasks_done, self.tasks_total
        if done <= 0 or total <= 0:
            return None
        return self.elapsed / done * max(0, total - done)


@dataclass
class Collection:
    """What one run read (in memory, or one file per account in a snapshot folder), what it
    could not, and the calls it made."""

    header: dict
    log: CallLog
    summaries: list[AccountSummary] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    memory: list[dict] = field(default_factory=list)  # documents not written to a folder
    files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def kept(self) -> bool:
        """True when every account is in memory (no snapshot folder)."""
        return not self.files

    def documents(self) -> Iterator[dict]:
        """One snapshot document per account, loaded one at a time from the folder."""
        for path in self.files:
            with open(path, encoding="utf-8") as fh:
                yield json.load(fh)
        yield from self.memory

    @property
    def snapshot(self) -> dict:
        """Every account in one snapshot document (what ``--save-snapshot`` writes)."""
        accounts: list[dict] = []
        for doc in self.documents():
            accounts += doc.get("accounts", [])
        return {**self.header, "accounts": accounts, "warnings": _sorted(self.warnings),
                "api_calls": self.log.total}


def _sorted(warnings: list[dict]) -> list[dict]:
    return sorted(warnings, key=lambda w: (w["account"], w["region"], w["service"],
                                           w["operation"]))


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda v: v.isoformat()
                                 if isinstance(v, (dt.datetime, dt.date)) else str(v)))


class SnapshotFolder:
    """``SNAPSHOT_DIR/<account id>.json``, one complete snapshot document per account."""

    def __init__(self, path: str, resume: bool):
        self.path = path
        try:
            os.makedirs(path, exist_ok=True)
            names = os.listdir(path)
        except OSError as exc:
            raise AwsSetupError(f"{path}: cannot use as the snapshot folder: "
                                f"{exc.strerror or exc}") from None
        self.existing = {m.group(1) for m in map(_ACCOUNT_FILE.match, names) if m}
        if self.existing and not resume:
            raise AwsSetupError(f"{path} already holds the snapshots of {len(self.existing)} "
                                f"account(s); pass --resume {path} to keep them and read the "
                                "others, or choose an empty folder")
        self.broken: list[str] = []

    def file(self, account_id: str) -> str:
        return os.path.join(self.path, f"{account_id}.json")

    def load(self, account_id: str) -> dict | None:
        """The account's document if a complete one is there; None (and noted) if the file is
        not one, so that the account is read again."""
        if account_id not in self.existing:
            return None
        path = self.file(account_id)
        try:
            with open(path, encoding="utf-8") as fh:
                doc = json.load(fh)
            ok = (isinstance(doc, dict) and doc.get("cachelint_snapshot") == SNAPSHOT_FORMAT
                  and [a.get("account_id") for a in doc.get("accounts", [])] == [account_id])
        except (OSError, UnicodeDecodeError, ValueError, AttributeError):
            ok = False
        if not ok:
            self.broken.append(path)
            return None
        return doc

    def write(self, doc: dict) -> str:
        path = self.file(doc["accounts"][0]["account_id"])
        atomic.write_text(path, json.dumps(doc, indent=1) + "\n", prefix=".cachelint-snapshot-")
        return path


@dataclass
class _Target:
    account_id: str
    role: str | None = None  # assumed when the account's turn comes
    account: Account | None = None  # credentials already known (one account)


@dataclass
class _Open:
    """An account being read."""

    target: _Target
    log: CallLog
    halt: Halt = field(default_factory=Halt)
    account: Account | None = None
    regions: list[str] = field(default_factory=list)
    results: dict[str, dict] = field(default_factory=dict)  # "global" or "region:<name>"
    warnings: list[dict] = field(default_factory=list)
    remaining: int = 0


class _Run:
    def __init__(self, options: AwsOptions, log: CallLog, now: dt.datetime,
                 progress: Callable[[Progress], None] | None):
        self.options, self.log, self.progress = options, log, progress
        self.now = now
        self.start = now - dt.timedelta(days=options.window_days)
        self.header = {
            "cachelint_snapshot": SNAPSHOT_FORMAT, "cachelint_version": __version__,
            "created": now.isoformat(timespec="seconds"),
            "window": {"start": self.start.isoformat(timespec="seconds"),
                       "end": now.isoformat(timespec="seconds"), "days": options.window_days}
            if options.metrics else None}
        self.lock = threading.Lock()
        self.clock = time.monotonic()
        self.config: config.Inventory | None = None  # --aws-config-aggregator
        self.warnings: list[dict] = []  # of the run, not of one account
        self.notes: list[str] = []

    # --- who to read ---------------------------------------------------------------------------

    def targets(self) -> list[_Target]:
        o = self.options
        session = base_session(o.profile)
        self.base = frozen(session)
        self.home = session.region_name or DEFAULT_REGION
        ids: list[str] = []
        if o.config_aggregator:
            if o.accounts_file or o.organization:
                raise AwsSetupError("--aws-config-aggregator names the accounts itself: drop "
                                    "--accounts/--organization")
            if not o.role_arn:
                raise AwsSetupError("--aws-config-aggregator needs --role-arn: the role that "
                                    "reads, in each account, what AWS Config does not record")
            r = Reader(Account("", self.base, o.profile), self.home, self.log, o.settings)
            self.config = config.query(r, o.config_aggregator)
            ids = self.config.accounts()
            if not ids:
                raise AwsSetupError(f"--aws-config-aggregator {o.config_aggregator}: the "
                                    "aggregator holds no configuration items")
            self.notes.append(f"AWS Config aggregator {o.config_aggregator}: "
                              f"{self.config.queries} query page(s), {len(ids)} account(s)")
            self.outside_aggregator(ids)
        elif o.accounts_file:
            ids = read_accounts_file(o.accounts_file)
        elif o.organization:
            r = Reader(Account("", self.base, o.profile), self.home, self.log, o.settings)
            listed = r.pages("organizations", "list_accounts", "Accounts")
            if listed is None:
                raise AwsSetupError("--organization: cannot list the organization's accounts: "
                                    + r.warnings[-1]["message"])
            ids = [a["Id"] for a in listed if a.get("Status", "ACTIVE") == "ACTIVE"]
        if ids and not o.role_arn:
            raise AwsSetupError("--accounts/--organization need --role-arn: the role to assume "
                                "in each account")
        if ids:
            return [_Target(i, role=role_for(o.role_arn or "", i)) for i in ids]
        creds = self.base
        if o.role_arn:
            creds, warnings = self.assume(o.role_arn, self.log, Halt())
            if creds is None:
                raise AwsSetupError(f"cannot assume {o.role_arn}: {warnings[-1]['message']}")
        r = Reader(Account("", creds, o.profile), self.home, self.log, o.settings)
        me = r.call("sts", "get_caller_identity")
        if me is None:
            raise AwsSetupError("cannot identify the AWS account: " + r.warnings[-1]["message"])
        account = Account(me["Account"], {**creds, "region_name": self.home}, o.profile)
        return [_Target(account.account_id, account=account)]

    def outside_aggregator(self, ids: list[str]) -> None:
        """The organization's active accounts the aggregator holds nothing for are not read:
        each is a warning (the scan is incomplete), or, when the organization cannot be listed
        (the credentials are not the management account's), a note saying so."""
        o = self.options
        r = Reader(Account("", self.base, o.profile), self.home, self.log, o.settings)
        listed = r.pages("organizations", "list_accounts", "Accounts")
        if listed is None:
            self.notes.append(f"--aws-config-aggregator {o.config_aggregator}: the "
                              "organization's accounts could not be listed "
                              f"({r.warnings[-1]['kind']}); accounts the aggregator holds no "
                              "configuration items for are not read")
            return
        known = set(ids)
        for account in sorted(a["Id"] for a in listed
                              if a.get("Status", "ACTIVE") == "ACTIVE" and a["Id"] not in known):
            self.warnings.append({
                "account": account, "region": self.home, "service": "config",
                "operation": "select_aggregate_resource_config", "kind": "not-aggregated",
                "message": f"the aggregator {o.config_aggregator} holds no configuration items "
                           "for this account: not read"})

    def assume(self, role: str, log: CallLog, halt: Halt,
               account_id: str = "") -> tuple[dict | None, list[dict]]:
        o = self.options
        r = Reader(Account(account_id, self.base, o.profile), self.home, log, o.settings,
                   halt=halt,
                   allowed=_ASSUME)
        kwargs: dict[str, Any] = {"RoleArn": role, "RoleSessionName": "cachelint-scan",
                                  "DurationSeconds": 3600}
        if o.external_id:
            kwargs["ExternalId"] = o.external_id
        got = r.call("sts", "assume_role", **kwargs)
        if got is None:
            return None, r.warnings
        c = got["Credentials"]
        return {"aws_access_key_id": c["AccessKeyId"],
                "aws_secret_access_key": c["SecretAccessKey"],
                "aws_session_token": c["SessionToken"], "region_name": self.home}, []

    # --- one account ---------------------------------------------------------------------------

    def prepare(self, o: _Open) -> None:
        """Credentials and Regions of an account (in the pool: AssumeRole is a network call)."""
        t = o.target
        if t.account is None:
            creds, warnings = self.assume(t.role or "", o.log, o.halt, t.account_id)
            o.warnings += warnings
            if creds is None:
                return
            t.account = Account(t.account_id, creds, self.options.profile)
        o.account = t.account
        if self.config is not None:  # the Regions Config holds items for (--region: of those)
            found = self.config.regions(t.account_id)
            wanted = self.options.regions
            o.regions = [r for r in found if r in wanted] if wanted else found
        elif self.options.regions:
            o.regions = list(dict.fromkeys(self.options.regions))
        elif not self.options.all_regions:
            o.regions = [self.home]
        else:
            r = Reader(o.account, self.home, o.log, self.options.settings, halt=o.halt)
            found = r.call("ec2", "describe_regions")  # the Regions enabled for the account
            o.warnings += r.warnings
            o.regions = sorted(x["RegionName"] for x in found.get("Regions", [])) \
                if found is not None else [self.home]

    def read(self, o: _Open, region: str, kind: str) -> tuple[str, dict, list[dict]]:
        assert o.account is not None
        r = Reader(o.account, region, o.log, self.options.settings, halt=o.halt)
        if self.config is not None:
            data = config.read_global(r, self.config, o.target.account_id) \
                if kind == "global" else \
                config.read_region(r, self.config, o.target.account_id, region)
        else:
            data = read_global(r) if kind == "global" else read_region(r)
        if self.options.metrics:
            data["metrics"] = evidence.collect(r, data, self.start, self.now,
                                               global_=kind == "global")
        return ("global" if kind == "global" else f"region:{region}"), data, r.warnings

    def document(self, o: _Open) -> dict:
        accounts = [] if o.account is None else [{
            "account_id": o.target.account_id, "global": o.results.get("global", {}),
            "regions": {key.split(":", 1)[1]: data for key, data in sorted(o.results.items())
                        if key.startswith("region:")}}]
        return _json_safe({**self.header, "accounts": accounts,
                           "warnings": _sorted(o.warnings), "api_calls": o.log.total})

    # --- the run -------------------------------------------------------------------------------

    def run(self) -> Collection:
        targets = self.targets()
        o = self.options
        folder = SnapshotFolder(o.snapshot_dir, o.resume) if o.snapshot_dir else None
        out = Collection(self.header, self.log, warnings=list(self.warnings),
                         notes=list(self.notes))
        if self.warnings:  # a document of their own, so that a scan reports them
            out.memory.append(_json_safe({**self.header, "accounts": [],
                                          "warnings": _sorted(self.warnings), "api_calls": 0}))
        pending = deque(targets)
        opened: dict[Future, tuple[_Open, str, str]] = {}
        state = {"accounts": 0, "tasks": 0, "tasks_total": 0, "open": 0}
        summaries: dict[str, AccountSummary] = {}

        def finish(acct: _Open) -> None:
            doc = self.document(acct)
            if acct.account is not None and folder is not None:
                out.files.append(folder.write(doc))
            else:
                out.memory.append(doc)  # a failed account's warnings stay in memory too
            out.warnings += doc["warnings"]
            first = doc["warnings"][0] if doc["warnings"] else None
            summaries[acct.target.account_id] = AccountSummary(
                acct.target.account_id,
                "failed" if acct.account is None else "partial" if first else "read",
                regions=len(acct.regions), calls=acct.log.total, warnings=len(doc["warnings"]),
                problem=f"{first['service']}:{first['operation']} ({first['kind']})"
                if first else "")
            state["accounts"] += 1
            state["open"] -= 1

        with ThreadPoolExecutor(max_workers=max(1, o.workers)) as pool:
            while pending or opened:
                while pending and state["open"] < max(1, o.workers):
                    target = pending.popleft()
                    doc = folder.load(target.account_id) if folder is not None else None
                    if doc is not None:
                        out.files.append(folder.file(target.account_id))  # type: ignore[union-attr]
                        out.warnings += doc.get("warnings", [])
                        first = (doc.get("warnings") or [None])[0]
                        summaries[target.account_id] = AccountSummary(
                            target.account_id, "partial" if first else "read",
                            regions=len(doc["accounts"][0].get("regions") or {}),
                            calls=0, warnings=len(doc.get("warnings", [])),
                            problem=f"{first['service']}:{first['operation']} ({first['kind']})"
                            if first else "", resumed=True)
                        state["accounts"] += 1
                        continue
                    acct = _Open(target, CallLog(parent=self.log))
                    state["open"] += 1
                    opened[pool.submit(self.prepare, acct)] = (acct, "prepare", "")
                if not opened:
                    continue
                done, _ = wait(list(opened), return_when=FIRST_COMPLETED)
                for future in done:
                    acct, kind, _region = opened.pop(future)
                    result = future.result()  # a ReadOnlyViolation or a bug: not a warning
                    if kind == "prepare":
                        if acct.account is None:
                            finish(acct)
                            continue
                        tasks = [(r, "region") for r in acct.regions] + \
                            [(DEFAULT_REGION, "global")]
                        acct.remaining = len(tasks)
                        state["tasks_total"] += len(tasks)
                        for r, k in tasks:
                            opened[pool.submit(self.read, acct, r, k)] = (acct, k, r)
                        continue
                    key, data, warnings = result
                    acct.results[key] = data
                    acct.warnings += warnings
                    acct.remaining -= 1
                    state["tasks"] += 1
                    if acct.remaining == 0:
                        finish(acct)
                self._report(state, len(targets), out)
        out.summaries = [summaries[t.account_id] for t in targets]
        for path in folder.broken if folder is not None else []:
            out.notes.append(f"{path} was not a complete account snapshot: read again")
        read = [s for s in out.summaries if s.status != "failed"]
        if not read and any(t.role for t in targets):
            why = next((w["message"] for w in out.warnings if w["operation"] == "assume_role"),
                       "no credentials")
            raise AwsSetupError(f"cannot assume {o.role_arn} in any of the {len(targets)} "
                                f"account(s): {why}")
        return out

    def _report(self, state: dict, accounts: int, out: Collection) -> None:
        if self.progress is None:
            return
        self.progress(Progress(state["accounts"], accounts, state["tasks"],
                               state["tasks_total"], self.log.total, len(out.warnings),
                               time.monotonic() - self.clock))


def run(options: AwsOptions, progress: Callable[[Progress], None] | None = None,
        log: CallLog | None = None, now: dt.datetime | None = None) -> Collection:
    """Read every account and Region of ``options`` concurrently (a bounded pool)."""
    return _Run(options, log or CallLog(), now or dt.datetime.now(dt.UTC),
                progress).run()
