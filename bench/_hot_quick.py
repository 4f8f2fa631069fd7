import asyncio
import os
import sys

from bench import sql
from bench.harness import cleanup, make_context, percentile

ctx = make_context()
try:
    for pool in (8, None):
        url = ctx.new_database(with_demo=False)
        c0 = ctx.db_cpu_seconds()
        hot = asyncio.run(sql._hot_session(url, int(sys.argv[1]) if len(sys.argv) > 1 else 10000, 200, pool))
        ms = [x * 1000 for x in hot.latencies]
        print(pool, f"{hot.rate:.0f}/s booked {hot.booked} refused {hot.refused} errors {dict(hot.errors)} oversold {hot.oversold} p50 {percentile(ms,50):.0f} p99.9 {percentile(ms,99.9):.0f} max {max(ms):.0f} cpu/booking {(ctx.db_cpu_seconds()-c0)*1000/max(1,hot.booked):.2f}ms load {os.getloadavg()}", flush=True)
finally:
    cleanup(ctx)
