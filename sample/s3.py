"""A real S3 HTTP endpoint on 127.0.0.1 (moto's server) for the s3:// lake paths, offline.

Part of the development harness (tests and the chaos bench start it; `sample.s3_faults` puts faults
in front of it); moto is a development dependency, so nothing the pipeline runs imports this.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import boto3
import requests
from moto.server import ThreadedMotoServer

CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}


@contextmanager
def moto_s3(bucket: str) -> Iterator[str]:
    """Start the server with `bucket` created; yield its URL; wipe moto's state afterwards.

    moto keeps its backends per process, so without the reset a later test's bucket of the same
    name would still hold this test's objects. Its HTTP server (werkzeug) logs no line per request
    meanwhile: a run makes thousands.
    """
    requests_log = logging.getLogger("werkzeug")
    level = requests_log.level
    requests_log.setLevel(logging.WARNING)
    try:
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        boto3.client("s3", endpoint_url=url, **CREDENTIALS).create_bucket(Bucket=bucket)
        try:
            yield url
        finally:
            requests.post(f"{url}/moto-api/reset", timeout=10)
            server.stop()
    finally:
        requests_log.setLevel(level)
