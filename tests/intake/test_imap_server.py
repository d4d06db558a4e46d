"""The mailbox channel against a real IMAP server (pymap's in-memory backend, on localhost): a folder
named in Chinese (IMAP names folders in modified UTF-7), letters appended by a mail client, the
unseen ones taken in once and flagged \\Seen on the server, the seen ones left alone; a wrong
password, a missing folder and a server that does not answer are errors naming the mailbox."""

import contextlib
import imaplib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command

from hotline.intake.channels.mail import imap_folder_name
from hotline.intake.models import Appeal
from tests.intake.test_mail import letter

pytestmark = pytest.mark.django_db

USER, PASSWORD = "mayor", "p@ss word"
FOLDER = "领导信箱"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def pymap_server(password: str = PASSWORD) -> Iterator[int]:
    """A pymap server on a free port of localhost, with the demo user `USER` and `password`."""
    port = _free_port()
    pymap = Path(sys.executable).with_name("pymap")
    server = subprocess.Popen(
        [pymap, "--host", "127.0.0.1", "--port", str(port), "--no-tls", "dict", "--demo-data",
         "--demo-user", USER, "--demo-password", password],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("pymap did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def imap_port() -> Iterator[int]:
    with pymap_server() as port:
        yield port


def client(port: int) -> imaplib.IMAP4:
    imap = imaplib.IMAP4("127.0.0.1", port)
    imap.login(USER, PASSWORD)
    return imap


def fetch(source: str) -> str:
    out = StringIO()
    call_command("mail", "fetch", f"--source={source}", stdout=out, stderr=StringIO())
    return out.getvalue()


def url(port: int, folder: str = FOLDER, password: str = PASSWORD) -> str:
    return f"leader_mailbox=imap://{quote(USER)}:{quote(password, safe='')}@127.0.0.1:{port}/{quote(folder)}"


def test_the_unseen_letters_of_a_chinese_folder_are_taken_once_and_flagged(imap_port, frozen_clock) -> None:
    # RFC 3501, 5.1.3: modified UTF-7 (its own example first), quoted.
    assert imap_folder_name("~peter/mail/台北/日本語") == '"~peter/mail/&U,BTFw-/&ZeVnLIqe-"'
    assert imap_folder_name('A&B "x"') == '"A&-B \\"x\\""'
    folder = imap_folder_name(FOLDER)
    assert folder == '"&mIZb,E,he7E-"'
    mail_client = client(imap_port)
    mail_client.create(folder)
    for n, flags in ((1, None), (2, None), (3, r"(\Seen)")):
        raw = letter(
            "From: citizen@qq.com", f"Subject: letter {n}", body=b"text", message_id=f"<i{n}@qq.com>"
        )
        assert mail_client.append(folder, flags, imaplib.Time2Internaldate(time.time()), raw)[0] == "OK"

    assert "读取 2 封，新建 2" in fetch(url(imap_port))
    assert sorted(Appeal.objects.values_list("title", flat=True)) == ["letter 1", "letter 2"]
    mail_client.select(folder)
    assert mail_client.uid("SEARCH", "UNSEEN")[1] == [b""]  # every letter now seen on the server
    assert "读取 0 封" in fetch(url(imap_port))
    mail_client.logout()


def fetch_refused(source: str) -> str:
    """What the command wrote on stderr for a mailbox it could not read (it ends with an error)."""
    err = StringIO()
    with pytest.raises(CommandError, match="1 项未能收取，见上"):
        call_command("mail", "fetch", f"--source={source}", stdout=StringIO(), stderr=err)
    return err.getvalue()


def test_a_wrong_password_or_folder_or_server_is_an_error_naming_the_mailbox(imap_port) -> None:
    said = fetch_refused(url(imap_port, password="wrong"))
    assert said.startswith("leader_mailbox=imap:127.0.0.1：无法读取（") and "登录" in said
    said = fetch_refused(url(imap_port, folder="没有这个文件夹"))
    assert said.startswith("leader_mailbox=imap:127.0.0.1：无法读取（IMAP 文件夹 没有这个文件夹 无法打开")
    said = fetch_refused(url(_free_port()))
    assert said.startswith("leader_mailbox=imap:127.0.0.1：无法读取（")
    assert not Appeal.objects.exists()


def test_a_password_beyond_ascii_signs_in(imap_port) -> None:
    """IMAP's LOGIN carries ASCII only (imaplib refuses to send anything else, with an encoding error
    no caller expects); a password with a Chinese character or a "£" signs in by SASL PLAIN, whose
    credentials are UTF-8 (RFC 4616), and a wrong one is the same error as an ASCII one."""
    said = fetch_refused(url(imap_port, folder="INBOX", password="密码£"))
    assert said.startswith("leader_mailbox=imap:127.0.0.1：无法读取（") and "登录" in said
    with pymap_server(password="密码£") as port:
        said = fetch(url(port, folder="INBOX", password="密码£"))  # the demo data's letters
        assert said.startswith("leader_mailbox=imap:127.0.0.1：读取 ") and "，失败 0" in said


def test_a_server_that_fails_a_command_after_signing_in_is_an_error_naming_the_mailbox() -> None:
    """A server that answers BAD to the search (or drops the line) once the folder is open: the
    mailbox is named with what went wrong, as the worker's fetch says it, not a traceback."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        connection, _address = listener.accept()
        with connection, connection.makefile("rwb") as line:
            line.write(b"* OK fake server ready\r\n")
            line.flush()
            while request := line.readline():
                tag, command = request.split()[:2]
                answer = {
                    b"CAPABILITY": b"* CAPABILITY IMAP4rev1\r\n%s OK done\r\n",
                    b"LOGIN": b"%s OK signed in\r\n",
                    b"SELECT": b"* 0 EXISTS\r\n%s OK [READ-WRITE] selected\r\n",
                    b"LOGOUT": b"* BYE\r\n%s OK bye\r\n",
                }.get(command.upper(), b"%s BAD not today\r\n")
                line.write(answer % tag)
                line.flush()
                if command.upper() == b"LOGOUT":
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        said = fetch_refused(f"leader_mailbox=imap://{USER}:x@127.0.0.1:{port}/INBOX")
    finally:
        thread.join(timeout=10)
        listener.close()
    assert said.startswith("leader_mailbox=imap:127.0.0.1：无法读取（") and "not today" in said
    assert not Appeal.objects.exists()
