"""Who changed what from the server's command line, in the log (logger `hotline.audit`).

The pages and the API record their changes with the signed-in user (the timeline, the admin's
history); a command run on the server (`hotline token create`, `hotline open311 key revoke`) has no
such user, so the account on the machine that ran it stands for them: the log line names it with
the host, what was done and to what (never a secret)."""

import getpass
import logging
import socket

logger = logging.getLogger("hotline.audit")


def shell_user() -> str:
    """The account and host a command runs as: `ops@hotline-1`."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no name for the process's uid (a bare container)
        name = "?"
    return f"{name}@{socket.gethostname()}"


def command_done(what: str) -> None:
    """Log `what` a command changed (already said in words), with who ran it."""
    logger.info("%s (by %s, from the command line)", what, shell_user())
