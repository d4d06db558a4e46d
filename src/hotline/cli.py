"""The `hotline` command: Django's management commands under the project's own name.

`hotline serve`, `hotline demo`, `hotline token create`, `hotline taxonomy import` and the rest are
management commands of the apps, so they share one settings module and one way of handling errors.
"""

import os
import re
import sys

# A database without the tables (never migrated, or an older version) or that does not answer: the
# two mistakes of setting up, which deserve a sentence rather than a traceback.
_NO_TABLE = re.compile(r"no such table|relation .* does not exist", re.IGNORECASE)
_NO_SERVER = re.compile(r"connection (to server .*)?(failed|refused)|could not connect", re.IGNORECASE)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(["hotline", *sys.argv[1:]])
    except ImproperlyConfigured as exc:
        # The settings refuse to load (production without a secret key of its own): say why, no traceback.
        sys.exit(f"error: {exc}")
    except DatabaseError as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if _NO_TABLE.search(message):
            sys.exit(f"error: the database is not set up ({message}); run `hotline migrate` first")
        if _NO_SERVER.search(str(exc)):
            sys.exit(f"error: cannot reach the database ({message}); check DATABASE_URL")
        raise


if __name__ == "__main__":
    main()
