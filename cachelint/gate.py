"""What makes a scan's verdict untrustworthy although it found nothing: it read no file, or an
input given for it (a --var, a parameter override) was used by nothing. Each is a warning on
standard error; ``--strict`` / ``--fail-on-empty`` (or ``strict:`` / ``fail_on_empty:`` in the
configuration) make them errors, exit code 2, for CI jobs that must not pass by accident."""

from __future__ import annotations

from dataclasses import dataclass

from cachelint.findings import Report


@dataclass(frozen=True)
class Problem:
    message: str
    error: bool  # True: the scan exits 2 (after writing its reports)


def problems(report: Report, paths: tuple[str, ...], live: bool, strict: bool,
             fail_on_empty: bool) -> list[Problem]:
    out = [Problem(message, strict) for message in report.input_warnings]
    if not live and report.files_scanned == 0 and not report.errors:
        where = ", ".join(paths) or "."
        out.append(Problem(
            f"No files found under {where}: no Terraform (.tf, .tf.json), CloudFormation/SAM "
            "template, plan or snapshot was read" + ("" if fail_on_empty else
                                                     " (--fail-on-empty makes this an error)"),
            fail_on_empty))
    return out
