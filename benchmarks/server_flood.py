"""Language server memory under a flood of edits: ``python benchmarks/server_flood.py [--changes 20000]``.

Starts ``cfnfix server`` in a subprocess (:class:`devtools.lsp_raw.RawServer`), opens a small
template and sends ``--changes`` ``textDocument/didChange`` notifications as fast as the pipe
takes them (each a one-character change; a code action request after each block waits until
the server has handled them all). Prints the server's resident set size (``/proc/PID/status``,
Linux) after each block. pygls kept about 2 KB per notification for the life of the server
(20,000 edits: 66 → 103 MB); the figure should stay flat after the first block.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools.lsp_raw import RawServer

TEMPLATE = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: flood-0\n"


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20_000)
    parser.add_argument("--blocks", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        server = RawServer(root, subprocess_=True)
        try:
            assert server.process is not None
            pid = server.process.pid
            server.initialize()
            uri = (root / "t.yaml").as_uri()
            server.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": TEMPLATE}},
            )
            column = TEMPLATE.splitlines()[4].index("0")
            zero = {"line": 0, "character": 0}
            probe = {
                "textDocument": {"uri": uri},
                "range": {"start": zero, "end": zero},
                "context": {"diagnostics": []},
            }
            server.response(server.request("textDocument/codeAction", probe), timeout=120)
            print(f"after open: {_rss_mb(pid):.1f} MB")
            version, per_block = 1, args.changes // args.blocks
            for block in range(args.blocks):
                start = time.perf_counter()
                for _ in range(per_block):
                    version += 1
                    edit = {"start": {"line": 4, "character": column}, "end": {"line": 4, "character": column + 1}}
                    server.notify(
                        "textDocument/didChange",
                        {
                            "textDocument": {"uri": uri, "version": version},
                            "contentChanges": [{"range": edit, "text": str(version % 10)}],
                        },
                    )
                server.response(server.request("textDocument/codeAction", probe), timeout=600)
                print(
                    f"after {(block + 1) * per_block:,} changes: {_rss_mb(pid):.1f} MB"
                    f" ({time.perf_counter() - start:.1f} s for the block)"
                )
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
