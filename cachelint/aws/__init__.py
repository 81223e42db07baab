"""Live AWS accounts: read one (collect), or a snapshot of one, into the normalized model.

Only :mod:`cachelint.aws.collect` and :mod:`cachelint.aws.session` import boto3, so scanning
code or a snapshot does not pay for it."""

from cachelint.errors import UserError

SNAPSHOT_FORMAT = 1


class AwsSetupError(UserError, RuntimeError):
    """Credentials, role or account list unusable: the scan cannot start (exit 2)."""
