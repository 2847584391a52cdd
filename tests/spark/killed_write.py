"""A Spark job that writes a large silver table in its own process, killed while it writes data
files: the local lake (test_lake.py) and the S3 lake (test_s3.py) each check what it leaves."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

WRITE_A_LOT = """
import sys
from spark.lake import Lake
from spark.session import get_spark

spark = get_spark("killed-commit", {"spark.sql.shuffle.partitions": "1"})
frame = spark.range(0, 200_000_000, numPartitions=400).selectExpr("id as movie_id")
Lake(spark, sys.argv[1]).replace(frame, "movies", {})
"""


def kill_mid_write(lake_url: str, started: Callable[[], bool]) -> int:
    """Run WRITE_A_LOT on the lake in its own process; SIGKILL it once `started()` says it is
    writing data files; returns its exit code."""
    job = subprocess.Popen([sys.executable, "-c", WRITE_A_LOT, lake_url], start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while not started():
            assert job.poll() is None, "the job ended before it was killed"
            assert time.monotonic() < deadline, "the job never started writing"
            time.sleep(0.2)
    finally:
        os.killpg(job.pid, signal.SIGKILL)
        job.wait()
    return job.returncode
