"""gunicorn settings for a team install: `gunicorn -c gunicorn.conf.py 'outreach:create_app()'` (make serve-prod).

Every value can be changed from the environment without editing this file. The reminder scheduler is
not started here: run exactly one `outreach scheduler` beside the web workers.
"""

import os

# Sync workers: each handles one request at a time, so each needs one database connection (the
# engine's default pool of 5 is plenty). 2 × CPUs + 1 is gunicorn's own rule of thumb.
workers = int(os.environ.get("WEB_CONCURRENCY") or (2 * (os.cpu_count() or 1) + 1))
bind = os.environ.get("OUTREACH_BIND", "127.0.0.1:8000")  # behind a TLS-terminating proxy; 0.0.0.0:8000 to expose
timeout = int(os.environ.get("OUTREACH_WORKER_TIMEOUT", "120"))  # new warmth weights rescore in the request: 71 s at 10M touches
graceful_timeout = 30
keepalive = 5
# Off: each worker imports the app and builds its own engine after the fork, so no database
# connection (or SQLite file handle) is ever shared between processes.
preload_app = False
max_requests = 2000  # recycle workers now and then so slow leaks cannot build up
max_requests_jitter = 200
accesslog = "-"  # stdout, for journald or the container log
errorlog = "-"
loglevel = os.environ.get("OUTREACH_LOG_LEVEL", "info")
# X-Forwarded-For/-Proto from the proxy in front are the app's business: OUTREACH_TRUSTED_PROXIES.
