"""The morning e-mail: the night's report sent over SMTP (optional, `[report.mail]`).

The subject is the headline; the body the Markdown report. The password is read from the
environment, never from the configuration; a failure is one plain sentence.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from sos_sync.domain.headline import headline
from sos_sync.domain.report import RunReport
from sos_sync.errors import ConfigError, SosSyncError
from sos_sync.run.morning_report import render_markdown

if TYPE_CHECKING:  # the mail modules are loaded only on nights that send
    import smtplib
    from email.message import EmailMessage


class MailSettings(BaseModel):
    """`[report.mail]` in the workspace configuration. The password is never stored here:
    it is read from the environment variable named by `password_env`."""

    # Unknown keys (a typo, or a `password` someone put in the file) are errors, and
    # validation errors never echo the values they were given.
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    enabled: bool = False
    host: str
    port: int = Field(default=587, ge=1, le=65535)
    starttls: bool = True
    username: str = ""
    password_env: str = "SOS_SYNC_SMTP_PASSWORD"
    sender: str
    recipients: list[str]
    timeout_seconds: float = 30.0


class ReportNotSent(SosSyncError):
    """The morning e-mail could not be delivered; the message says why in one sentence."""


def build_message(settings: MailSettings, s: RunReport) -> EmailMessage:
    """The morning e-mail: the headline as subject, the Markdown report as plain text."""
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    msg = EmailMessage()
    # Never shortened: the end of the headline says whether anything needs a person.
    msg["Subject"] = f"sos-sync: {headline(s)}"
    msg["From"] = settings.sender
    msg["To"] = ", ".join(settings.recipients)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="sos-sync.invalid")
    msg.set_content(render_markdown(s))
    return msg


def send_report(settings: MailSettings, s: RunReport) -> None:
    """E-mail the morning report over SMTP (STARTTLS unless turned off).

    Does nothing when `settings.enabled` is False.

    Raises:
        ConfigError: a username is set but its password variable is empty, or there
            are no recipients.
        ReportNotSent: the server could not be reached or refused the message; the
            message is one sentence saying what to check.
    """
    if not settings.enabled:
        return
    if not settings.recipients:
        raise ConfigError("report.mail.recipients is empty: list who should get the report.")
    password = ""
    if settings.username:
        password = os.environ.get(settings.password_env, "")
        if not password:
            raise ConfigError(
                f"report.mail: username {settings.username!r} is set but the environment "
                f"variable {settings.password_env} is empty. Put the SMTP password there "
                "(systemd EnvironmentFile, CI secret), never in the config file."
            )
    import smtplib
    import ssl

    msg = build_message(settings, s)
    where = f"{settings.host}:{settings.port}"
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds) as smtp:
            smtp.ehlo()
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.username:
                smtp.login(settings.username, password)
            refused = smtp.send_message(msg, settings.sender, settings.recipients)
    except smtplib.SMTPNotSupportedError as exc:
        raise ReportNotSent(
            f"The morning report was not sent: the mail server {where} does not offer "
            f"{'STARTTLS' if settings.starttls else 'login'} ({_smtp_text(exc)}); check "
            "report.mail.port and report.mail.starttls."
        ) from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise ReportNotSent(
            f"The morning report was not sent: {where} refused the login for "
            f"{settings.username!r} ({_smtp_text(exc)}); check the username and "
            f"{settings.password_env}."
        ) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise ReportNotSent(
            f"The morning report was not sent: {where} refused every recipient "
            f"({', '.join(sorted(exc.recipients))}); check report.mail.recipients."
        ) from exc
    except smtplib.SMTPSenderRefused as exc:
        raise ReportNotSent(
            f"The morning report was not sent: {where} refused the sender {exc.sender!r} "
            f"({_smtp_text(exc)}); check report.mail.sender."
        ) from exc
    except smtplib.SMTPException as exc:
        raise ReportNotSent(
            f"The morning report was not sent: {where} answered {_smtp_text(exc)}."
        ) from exc
    except ssl.SSLError as exc:
        raise ReportNotSent(
            f"The morning report was not sent: the TLS handshake with {where} failed "
            f"({exc.reason or exc}); check report.mail.host and port."
        ) from exc
    except OSError as exc:
        raise ReportNotSent(
            f"The morning report was not sent: could not reach the mail server {where} "
            f"({exc.strerror or exc}); check report.mail.host and port and the network."
        ) from exc
    if refused:
        raise ReportNotSent(
            f"The morning report was sent, but {where} refused "
            f"{', '.join(sorted(refused))}; check report.mail.recipients."
        )


def _smtp_text(exc: smtplib.SMTPException) -> str:
    code = getattr(exc, "smtp_code", None)
    raw = getattr(exc, "smtp_error", b"")
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or exc)
    return f"{code} {text}".strip() if code else text.strip() or type(exc).__name__
