"""Every SQL statement the worker runs, by name. Each is one call of an `api` function,
so the worker's role (booker_app) needs nothing beyond EXECUTE on schema api."""

LISTEN = "LISTEN notification_ready"

# application_name of the LISTEN connection (booker healthcheck worker looks for it in pg_stat_activity)
LISTENER_NAME = "booker-worker-listen"

KEEPALIVE = "SELECT 1"

# -> rows of booking.notification_log, now leased to the worker
CLAIM = "SELECT * FROM api.claim_notifications(%(worker)s, %(limit)s, %(lease_seconds)s)"

# -> how many of the rows changed to 'sent' (one already sent by another worker does not)
MARK_SENT = "SELECT api.mark_notifications_sent(%(ids)s, %(worker)s)"

# -> the row's new status ('pending' to retry, 'failed'), NULL when the lease was lost
MARK_FAILED = "SELECT api.mark_notification_failed(%(id)s, %(worker)s, %(error)s, %(retry_in_seconds)s)"

# -> how many of the worker's leases were extended (renewed while a batch is out)
RENEW = "SELECT api.renew_notifications(%(ids)s, %(worker)s, %(lease_seconds)s)"

# -> how many claimed rows went back to 'pending' unsent (shutdown)
RELEASE = "SELECT api.release_notifications(%(ids)s, %(worker)s)"

# -> how many lapsed holds became 'expired'
EXPIRE_HOLDS = "SELECT api.expire_holds()"
