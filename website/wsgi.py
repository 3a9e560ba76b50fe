import os
import sys

from django.core.wsgi import get_wsgi_application

from website.settings.environment import ConfigurationError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings.production")

# gunicorn restarts a worker that exits with an ordinary error, forever; exit status 3 is its
# "worker failed to boot", which stops the server with our one-line message instead.
WORKER_BOOT_ERROR = 3

try:
    application = get_wsgi_application()
except ConfigurationError as error:
    sys.stderr.write(f"{error}\n")
    sys.exit(WORKER_BOOT_ERROR)
