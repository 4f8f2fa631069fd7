"""`make bench`: run every benchmark part and print one table of figures.

    python -m bench [--only sql,http,live,outbox,scale,webhooks]

Each part is a module bench/<part>.py with `run(ctx) -> list[(scenario, figure, target)]`.
Figures come from one run on this machine; compare ratios within a run, not across machines.
Exits 1 when a part fails or one of its checks does (ctx.fail), after printing the table.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback

from bench.harness import Row, cleanup, make_context

PARTS = ["sql", "http", "live", "outbox", "scale", "webhooks"]


def print_table(rows: list[Row]) -> None:
    headers = ("scenario", "measured", "target")
    widths = [max(len(headers[i]), *(len(r[i]) for r in rows)) for i in range(3)]
    line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
    print(line)
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print(line)
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    print(line)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts to run")
    args = parser.parse_args()
    ctx = make_context()
    rows: list[Row] = []
    try:
        for part in args.only.split(","):
            try:
                module = importlib.import_module(f"bench.{part}")
            except ModuleNotFoundError:
                rows.append((f"[{part}]", "not available", ""))
                ctx.fail(f"{part}: not available")
                continue
            print(f"running {part} …", file=sys.stderr, flush=True)
            try:
                rows.extend(module.run(ctx))
            except Exception as exc:
                traceback.print_exc()
                rows.append((f"[{part}] failed", type(exc).__name__, str(exc)[:60]))
                ctx.fail(f"{part}: {type(exc).__name__}: {exc}")
    finally:
        cleanup(ctx)
    print_table(rows)
    for failure in ctx.failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if ctx.failures else 0


if __name__ == "__main__":
    sys.exit(main())
