"""An S3-compatible server for the object-storage tests: moto in server mode, in a process of
its own, one per test worker, with the buckets the site expects and the bucket policy that
docs/media.md asks for. Stopped at the end of the session.

Each worker takes a port of its own from 5010-5019 (by its xdist number), or one the kernel
hands out when that one is taken, so parallel workers and other suites never collide.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass

import pytest

HOW_TO_RUN = "docs/media.md, 'Running the object-storage tests'"
PORTS = range(5010, 5020)
# moto accepts any credentials; boto3 only needs some to sign requests.
ACCESS_KEY, SECRET_KEY = "otop-test-key", "otop-test-secret"


def missing(what: str) -> None:
    """Skip loudly, or fail in CI, where the test must run."""
    message = f"{what}: the S3 tests cannot run here (see {HOW_TO_RUN})"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def public_read_policy(bucket: str, prefix: str) -> str:
    """Anonymous reads of the media prefix, and of nothing else in the bucket."""
    statement = {
        "Sid": "PublicReadOfMediaOnly",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/{prefix}/*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _kernel_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _worker_port() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    number = int(worker[2:]) if worker[2:].isdigit() else 0
    preferred = PORTS[number % len(PORTS)]
    return preferred if _port_free(preferred) else _kernel_port()


@dataclass
class S3Server:
    endpoint_url: str
    bucket: str
    process: subprocess.Popen

    def client(self, **options):
        import boto3

        return boto3.client(
            "s3", endpoint_url=self.endpoint_url, region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, **options,
        )

    def anonymous_client(self):
        from botocore import UNSIGNED
        from botocore.config import Config

        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name="us-east-1", config=Config(signature_version=UNSIGNED))


def _start(port: int) -> subprocess.Popen | None:
    """moto on `port`, once it answers; None if it could not take the port."""
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    process.kill()
    process.wait(timeout=10)
    return None


@pytest.fixture(scope="session")
def s3_server():
    """A moto S3 server with one bucket: media under media/ (publicly readable by the bucket
    policy), private files under private/ (readable with the site's credentials only)."""
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError as error:
        missing(f"moto[s3] with flask is not installed ({error}); run make install")
    process = None
    for _attempt in range(5):
        port = _worker_port()
        process = _start(port)
        if process is not None:
            break
    if process is None:
        missing("moto's S3 server did not start")
    server = S3Server(endpoint_url=f"http://127.0.0.1:{port}", bucket=f"otop-media-{uuid.uuid4().hex[:8]}", process=process)
    try:
        client = server.client()
        client.create_bucket(Bucket=server.bucket)
        client.put_bucket_policy(Bucket=server.bucket, Policy=public_read_policy(server.bucket, "media"))
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
