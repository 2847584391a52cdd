"""The S3 endpoint and keys of an `s3://` lake, resolved in one place for every engine that reads it.

The standard AWS variables come first (`AWS_ENDPOINT_URL` for MinIO or moto, `AWS_ACCESS_KEY_ID`,
`AWS_SECRET_ACCESS_KEY`, `AWS_REGION` / `AWS_DEFAULT_REGION`); what they leave unset is taken from
the credentials dlt loads the lake with (`[destination.filesystem.credentials]` in
`.dlt/secrets.toml`), so the file that lets extract write the lake lets every reader read it. With no
keys at all, each engine falls back to its own default chain (instance profile, `~/.aws`).

The values only ever travel in memory (settings objects, a DuckDB temporary secret); `repr` hides
the keys, so a logged settings object shows none.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit


def is_s3(url: str) -> bool:
    """Whether a lake or a location in it is on S3 (`s3://`, or Hadoop's `s3a://` spelling)."""
    return url.startswith(("s3://", "s3a://"))


def s3a(url: str) -> str:
    """A location as Hadoop's S3 client (Spark, Iceberg's tables) addresses it: `s3a://` for `s3://`;
    any other location as it is."""
    return "s3a://" + url.removeprefix("s3://") if url.startswith("s3://") else url


# dlt's names for the same values, under `destination.filesystem.credentials`.
DLT_KEYS = {
    "endpoint": "endpoint_url",
    "key_id": "aws_access_key_id",
    "secret": "aws_secret_access_key",
    "region": "region_name",
}


@dataclass(frozen=True)
class S3Access:
    """Where the lake's S3 API answers and the keys to it (None: the engine's default)."""

    endpoint: str | None = None  # a URL such as http://127.0.0.1:9000; None: AWS itself
    region: str | None = None
    key_id: str | None = field(default=None, repr=False)
    secret: str | None = field(default=None, repr=False)

    @property
    def has_keys(self) -> bool:
        """Both halves of a key pair are set."""
        return bool(self.key_id and self.secret)

    @property
    def endpoint_host(self) -> str | None:
        """`host:port` of a custom endpoint (what DuckDB's secret takes), None for AWS."""
        return urlsplit(self.endpoint).netloc if self.endpoint else None

    @property
    def uses_ssl(self) -> bool:
        """False only for a custom endpoint spoken to over plain http."""
        return not (self.endpoint or "https").startswith("http:")


def s3_access(env: Mapping[str, str] | None = None) -> S3Access:
    """The lake's S3 settings: the AWS variables, then dlt's filesystem credentials for what they lack."""
    env = os.environ if env is None else env
    from_env = {
        "endpoint": env.get("AWS_ENDPOINT_URL"),
        "key_id": env.get("AWS_ACCESS_KEY_ID"),
        "secret": env.get("AWS_SECRET_ACCESS_KEY"),
        "region": env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION"),
    }
    if all(from_env.values()):
        return S3Access(**from_env)
    from_dlt = _dlt_credentials()
    return S3Access(**{name: value or from_dlt.get(name) for name, value in from_env.items()})


def _dlt_credentials() -> dict[str, str]:
    """The values `.dlt/secrets.toml` (or dlt's other providers) hold for the filesystem destination."""
    import dlt

    found = {}
    for name, key in DLT_KEYS.items():
        value = dlt.secrets.get(f"destination.filesystem.credentials.{key}")
        if value:
            found[name] = str(value)
    return found
