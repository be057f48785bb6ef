"""A document as an e-mail to the school, with its PDF attached, over SMTP.

The mail server is the one the morning report uses (`[report.mail]`: host, port, STARTTLS,
login with the password from the environment, sender). One message per document; the
server's answer is sorted into: accepted, the address refused (a `Needs review` row for
the lead), or the server unreachable or failing (nothing was sent; the next night tries
again).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sos_sync.run.mail import MailSettings

if TYPE_CHECKING:  # the mail modules are loaded only on nights that send
    from email.message import EmailMessage


_UNSAFE = re.compile(r"[^\w .,()–-]+")


@dataclass(frozen=True)
class Letter:
    """What goes in one message."""

    key: str
    title: str
    to: str
    contact_name: str
    school: str
    signature: str  # "Maya Okafor and Daniel Price, Coventry EMAS"
    reply_to: str
    pdf: bytes


class Refused(Exception):
    """The mail server refused the school's address (the message names it and the reply)."""


class ServerFailed(Exception):
    """The mail server could not be reached or failed before the message: nothing was sent."""


class Unknown(Exception):
    """The server failed while taking the message: it may or may not have been delivered."""


def build_message(settings: MailSettings, letter: Letter) -> EmailMessage:
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    msg = EmailMessage()
    msg["Subject"] = letter.title
    msg["From"] = settings.sender
    msg["To"] = letter.to
    if letter.reply_to:
        msg["Reply-To"] = letter.reply_to
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="sos-sync.invalid")
    greeting = f"Dear {letter.contact_name}," if letter.contact_name else "Dear colleagues,"
    msg.set_content(
        f"{greeting}\n\nPlease find attached: {letter.title}.\n\n"
        f"With best wishes,\n{letter.signature}\n"
    )
    name = _UNSAFE.sub("", letter.title).strip() or "document"
    msg.add_attachment(letter.pdf, maintype="application", subtype="pdf", filename=f"{name}.pdf")
    return msg


def send_letter(settings: MailSettings, letter: Letter) -> None:
    """Send one letter.

    Raises:
        Refused: the server refused the school's address (nothing was delivered).
        ServerFailed: the server could not be reached, refused the login or the sender:
            nothing was sent, the next night tries again.
        Unknown: the server failed while taking the message: it may have been delivered.
    """
    import smtplib
    import ssl

    password = os.environ.get(settings.password_env, "") if settings.username else ""
    where = f"{settings.host}:{settings.port}"
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
        smtp.ehlo()
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings.username:
            smtp.login(settings.username, password)
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise ServerFailed(f"the mail server {where} could not be used: {exc}") from exc
    with smtp:
        try:
            refused = smtp.send_message(
                build_message(settings, letter), settings.sender, [letter.to]
            )
        except smtplib.SMTPRecipientsRefused as exc:
            reasons = "; ".join(f"{a}: {_text(r)}" for a, r in exc.recipients.items())
            raise Refused(f"{where} refused {reasons}") from exc
        except smtplib.SMTPSenderRefused as exc:
            raise ServerFailed(f"{where} refused the sender {exc.sender!r}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise Unknown(f"{where} failed while taking the message: {exc}") from exc
    if refused:
        raise Refused(f"{where} refused {', '.join(sorted(refused))}")


def _text(reply: tuple[int, bytes]) -> str:
    code, message = reply
    return f"{code} {message.decode('utf-8', 'replace')}"
