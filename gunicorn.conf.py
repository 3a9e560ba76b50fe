"""gunicorn's configuration for Relais: `gunicorn -c gunicorn.conf.py website.wsgi`.

gunicorn also reads this file by itself when started from the repository's root. Every value
can be changed from the environment; the command line overrides this file.
"""

import multiprocessing

from website.server_log import ACCESS_LOG_FORMAT, PrivateAccessLogger
from website.settings.environment import env_int, env_str

# Loopback by default: a reverse proxy terminates HTTPS in front (README, production).
bind = [env_str("RELAIS_BIND", f"127.0.0.1:{env_int('PORT', 8000, minimum=1)}")]

# Sync workers, one request each: a request mostly waits on the database and the disk, so
# twice the cores plus one keeps every core busy (5 on 2 cores, about 120 MB each).
# WEB_CONCURRENCY is the name hosting platforms set.
workers = env_int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1, minimum=1)

# A request is killed after 30 s (the slowest legitimate one, a whole-agenda ICS built cold on a
# large network, takes a few seconds); on SIGHUP or SIGTERM a worker gets 30 s to finish the
# requests in flight before it is stopped.
timeout = env_int("RELAIS_GUNICORN_TIMEOUT", 30, minimum=1)
graceful_timeout = env_int("RELAIS_GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=1)
# Behind a proxy that keeps its connections to gunicorn open.
keepalive = 5

# Each worker is replaced after about a thousand requests, at staggered moments (the jitter),
# so a slow leak in any library never grows unbounded and workers never restart together.
max_requests = env_int("RELAIS_GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = env_int("RELAIS_GUNICORN_MAX_REQUESTS_JITTER", 100)

# Not preloaded: a SIGHUP then loads new code into the new workers (graceful deployment), and no
# database connection opened in the master is shared by forked workers.
preload_app = False
# Several servers may run on one machine (tests, a staging copy); SIGHUP reloads.
control_socket_disable = True

# Logs on standard output, one line per request, without personal data (website/server_log.py).
accesslog = "-"
access_log_format = ACCESS_LOG_FORMAT
logger_class = PrivateAccessLogger
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "errors": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stdout",
        },
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"handlers": ["errors"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["errors"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
}
