import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastlege.settings")
application = get_wsgi_application()

# gunicorn's access and error logs mask identity numbers too (docs/security.md, M5).
from fastlege.core.logging import install_on_gunicorn_loggers  # noqa: E402

install_on_gunicorn_loggers()
