"""gunicorn settings for `make serve`: a production server over the same app factory.

Workers are stateless (sessions are signed cookies, state lives in the database; the login throttle
counts in Redis or the database), so any number of them, on any number of machines behind a reverse
proxy, can serve any request. on_starting refuses several workers on a per-process throttle count.
"""
import gc
import multiprocessing
import os

bind = os.environ.get("QUIZAPP_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("QUIZAPP_WORKERS", max(2, multiprocessing.cpu_count() * 2)))
worker_class = "sync"
# A sync worker answers one request at a time and reports to the master only between requests, so a
# response still streaming at `timeout` is cut off: a cohort's responses export streams for as long as it
# has rows (bench/scale.py), which for a class of thousands over a year is longer than 30 s.
timeout = 120
graceful_timeout = 20
max_requests = 20000         # recycle workers now and then (bounded memory over long runs); see below
max_requests_jitter = 2000
preload_app = True           # fail fast (e.g. no SECRET_KEY) before forking workers
forwarded_allow_ips = os.environ.get("QUIZAPP_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# One JSON object per request, escaped by json.dumps: structured logs that any collector can parse
# (gunicorn's own access_log_format does not escape quotes in a path or a User-Agent).
logger_class = "quizapp.web.accesslog.JsonAccessLogger"


def on_starting(server):
    """Refuse to start several workers that would each keep their own login-throttle count (memory://):
    gunicorn prints its ConfigurationError (a RuntimeError) as "Error: …" and exits 1."""
    app = server.app.wsgi()
    if hasattr(app, "extensions"):  # any Flask app; one without the throttle (bench/hello_app.py) passes
        from quizapp.auth.throttle import refuse_a_per_process_count

        refuse_a_per_process_count(app, server.cfg.workers)


def when_ready(server):
    """Compile every template once in the master (the app is preloaded): workers inherit them, so a
    worker recycled by max_requests does not spend its first requests compiling (bench/throughput.py)."""
    app = server.app.wsgi()
    jinja_env = getattr(app, "jinja_env", None)
    if jinja_env is not None:
        with app.app_context():
            for name in jinja_env.list_templates(extensions=["html", "txt", "xml"]):
                jinja_env.get_template(name)


def pre_fork(server, worker):
    """Move everything the preloaded app allocated out of the collector's reach before forking. Otherwise
    a worker's first full collection walks (and, by writing GC bookkeeping, copies) the whole inherited
    heap: 100-170 ms stalls in bench/throughput.py. The Python docs' advice for fork without exec."""
    gc.freeze()
