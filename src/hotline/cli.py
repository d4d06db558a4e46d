"""The `hotline` command: Django's management commands under the project's own name.

`hotline serve`, `hotline demo`, `hotline token create`, `hotline taxonomy import` and the rest are
management commands of the apps, so they share one settings module and one way of handling errors.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hotline", *sys.argv[1:]])


if __name__ == "__main__":
    main()
