import asyncio
import sys

import psycopg

from bench import sql
from bench.harness import cleanup, make_context

ctx = make_context()
try:
    url = ctx.new_database(with_demo=False)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ALTER SYSTEM SET track_functions = 'pl'"); conn.execute("SELECT pg_reload_conf()")
    # set up the hot session with 1 buyer doing N bookings
    asyncio.run(sql._hot_session(url, int(sys.argv[1]), 1, None))
    with psycopg.connect(url, autocommit=True) as conn:
        for r in conn.execute("SELECT schemaname||'.'||funcname, calls, round(total_time::numeric,1), round(self_time::numeric,1) FROM pg_stat_user_functions ORDER BY self_time DESC LIMIT 25"):
            print(r)
finally:
    cleanup(ctx)
