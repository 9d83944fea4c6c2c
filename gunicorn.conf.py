"""gunicorn settings for `make serve`: a production server over the same app factory.

Workers are stateless (sessions are signed cookies, state lives in the database), so any number
of them, on any number of machines behind a reverse proxy, can serve any request.
"""
import multiprocessing
import os

bind = os.environ.get("QUIZAPP_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("QUIZAPP_WORKERS", max(2, multiprocessing.cpu_count() * 2)))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
max_requests = 5000          # recycle workers now and then; bounded memory over long runs
max_requests_jitter = 500
preload_app = True           # fail fast (e.g. no SECRET_KEY) before forking workers
forwarded_allow_ips = os.environ.get("QUIZAPP_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# One JSON object per request: structured logs that any collector can parse.
access_log_format = ('{"time": "%(t)s", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
                     '"query": "%(q)s", "status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, '
                     '"pid": "%(p)s", "agent": "%(a)s"}')
