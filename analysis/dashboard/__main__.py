"""``python -m analysis.dashboard [--port N] [--host H] [--out DIR] [--sweep DIR]``: start the
scenario explorer (a Solara server) on http://127.0.0.1:8765 by default and print its address."""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.dashboard", description=__doc__)
    ap.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    ap.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, this machine only)")
    ap.add_argument("--out", default=None, help="folder of the page's runs (default outputs/dashboard)")
    ap.add_argument("--sweep", default=None, help="sweep folder to show in the sweep mode")
    args = ap.parse_args(argv)
    if args.out:
        os.environ["SEI_DASHBOARD_OUT"] = args.out
    if args.sweep:
        os.environ["SEI_DASHBOARD_SWEEP"] = args.sweep
    os.environ.setdefault("MPLBACKEND", "Agg")
    print(f"SEI scenario explorer: http://{args.host}:{args.port}/  (Ctrl-C to stop)", flush=True)
    from solara.__main__ import cli as solara_cli  # deferred: the server (~1 s) only when starting it

    solara_cli(
        [
            "run",
            "analysis.dashboard.app:Page",
            "--host",
            args.host,
            "--port",
            str(args.port),
            "--production",
            "--no-open",
        ],
        standalone_mode=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
