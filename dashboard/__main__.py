"""`python -m dashboard [--port N] [--address A]`: serve the dashboard with Streamlit, offline.

Streamlit's own options are fixed here so that nothing leaves the machine: no usage statistics, no
browser opened, bound to loopback unless told otherwise, no file watcher.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dashboard import DEFAULT_PORT
from settings import Settings

APP = Path(__file__).with_name("app.py")


def streamlit_command(port: int, address: str) -> list[str]:
    """The `streamlit run` command line for the app."""
    options = {
        "server.port": port, "server.address": address, "server.headless": "true",
        "server.fileWatcherType": "none", "server.runOnSave": "false",
        "browser.gatherUsageStats": "false", "global.developmentMode": "false",
        "client.toolbarMode": "minimal",
    }  # fmt: skip
    flags = [f"--{name}={value}" for name, value in options.items()]
    return [sys.executable, "-m", "streamlit", "run", str(APP), *flags]


def main(argv: list[str] | None = None) -> None:
    """Replace this process with Streamlit serving the app (so signals reach it directly)."""
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--address", default="127.0.0.1")
    args = parser.parse_args(argv)
    Settings().export_runtime_env()
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    print(f"Dashboard: http://{args.address}:{args.port}", flush=True)
    command = streamlit_command(args.port, args.address)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
