"""A real Spark standalone cluster for tests: one master and one worker, started as local processes
from the installed pyspark (`spark-class ...Master` / `...Worker`, what `start-master.sh` runs), bound
to 127.0.0.1 on free ports, with their work and log folders under a temporary folder.

A job reaches it with `MOVIES_SPARK_MASTER=spark://127.0.0.1:<port>`: its executors are launched by
the worker, in their own JVMs, as on any cluster. The master's JSON status page says which
applications ran, so a test can tell the job ran there and not in `local[*]`.

A cluster that reads an S3 lake has hadoop-aws and the AWS SDK in its own Spark classpath, as the
compose image does (`infra/compose/spark/Dockerfile`): jars a job ships with `spark.jars.packages`
reach its tasks, but not the threads Spark reads parquet footers with, which look the S3A file system
up on the JVM's own classpath. `s3a_jars` resolves them (Maven Central, Ivy's cache) for
`standalone_cluster(classpath=...)`, which hands them to the worker's executors (SPARK_DIST_CLASSPATH).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyspark
import requests

from spark.session import AWS_SDK_BUNDLE, HADOOP_AWS
from tests.local_servers import free_port

START_SECONDS = 90


@dataclass(frozen=True)
class SparkCluster:
    """The master's URL for jobs and its status page."""

    master_url: str
    status_url: str

    def status(self) -> dict[str, Any]:
        """The master's JSON status: workers, active and completed applications."""
        answer: dict[str, Any] = requests.get(self.status_url, timeout=10).json()
        return answer

    def completed_apps(self) -> list[str]:
        """Names of the applications that ran to completion on the cluster."""
        return [app["name"] for app in self.status().get("completedapps", [])]


def _spark_class(*args: str, log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    spark_home = Path(pyspark.__file__).parent
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(spark_home / "bin" / "spark-class"), *args], stdout=out, stderr=subprocess.STDOUT, env=env
        )


def _wait(ready: Any, what: str, processes: list[subprocess.Popen[bytes]], logs: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            break
        try:
            if ready():
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    tails = "\n".join(log.read_text(errors="replace")[-2000:] for log in sorted(logs.glob("*.log")))
    raise RuntimeError(f"the Spark {what} did not come up in {START_SECONDS} s:\n{tails}")


RESOLVE = """
from pyspark.sql import SparkSession
spark = (SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
         .config("spark.jars.packages", {packages!r}).getOrCreate())
print(spark.sparkContext.getConf().get("spark.jars"))
spark.stop()
"""


def s3a_jars() -> list[str]:
    """hadoop-aws, the AWS SDK bundle and what they depend on, as local jar files (resolved by Spark's
    own Ivy in a process of its own, into the cache a job on an S3 lake resolves them from)."""
    code = RESOLVE.format(packages=f"{HADOOP_AWS},{AWS_SDK_BUNDLE}")
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=900, check=True
    )
    jars = [urlsplit(jar).path for jar in shown.stdout.strip().splitlines()[-1].split(",")]
    assert jars and all(Path(jar).is_file() for jar in jars), shown.stdout[-2000:]
    return jars


@contextmanager
def standalone_cluster(
    folder: Path, cores: int = 2, memory: str = "3g", classpath: list[str] | None = None
) -> Iterator[SparkCluster]:
    """Start a master and one worker (with `classpath` in its executors' JVMs); stop both afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "SPARK_HOME": str(Path(pyspark.__file__).parent),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_LOG_DIR": str(folder),
        "PYSPARK_PYTHON": sys.executable,
        "SPARK_DIST_CLASSPATH": ":".join(classpath or []),
    }
    port, ui_port, worker_ui_port = free_port(), free_port(), free_port()
    cluster = SparkCluster(f"spark://127.0.0.1:{port}", f"http://127.0.0.1:{ui_port}/json/")
    master = _spark_class(
        "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
        "--webui-port", str(ui_port), log=folder / "master.log", env=env,
    )  # fmt: skip
    processes = [master]
    try:
        _wait(lambda: cluster.status().get("status") == "ALIVE", "master", processes, folder)
        worker = _spark_class(
            "org.apache.spark.deploy.worker.Worker", cluster.master_url, "--host", "127.0.0.1",
            "--cores", str(cores), "--memory", memory, "--webui-port", str(worker_ui_port),
            "--work-dir", str(folder / "work"), log=folder / "worker.log", env=env,
        )  # fmt: skip
        processes.append(worker)
        _wait(
            lambda: any(worker["state"] == "ALIVE" for worker in cluster.status().get("workers", [])),
            "worker", processes, folder,
        )  # fmt: skip
        yield cluster
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
