import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastlege.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: refuse the development defaults here (M12), and mask
# identity numbers in gunicorn's access and error logs too (M5); docs/security.md.
from fastlege.core.checks import refuse_unsafe_production  # noqa: E402
from fastlege.core.logging import install_on_gunicorn_loggers  # noqa: E402

refuse_unsafe_production()
install_on_gunicorn_loggers()
