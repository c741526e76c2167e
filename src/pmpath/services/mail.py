"""Sending email through an SMTP server (the standard library's smtplib).

Configured by the ``smtp_*`` settings; without ``smtp_host`` pmpath sends nothing and the
features that would email (invitations) hand out links instead.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from pmpath.errors import PmpathError
from pmpath.settings import Settings

#: Seconds to wait for the server: a hung server must not hold a request for long.
SMTP_TIMEOUT = 10


@dataclass(frozen=True)
class Mailer:
    host: str
    port: int
    sender: str
    starttls: bool = False
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Mailer | None:
        """The mailer the settings describe, or None when no SMTP server is set."""
        if not settings.smtp_host:
            return None
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            starttls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=password,
        )

    def send(self, to: str, subject: str, body: str) -> None:
        """Send one plain-text message; a PmpathError says why the server refused it or could
        not be reached."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT) as server:
                if self.starttls:
                    # smtplib's own default context checks no certificate: a server
                    # in the middle would read the credentials and every link.
                    server.starttls(context=ssl.create_default_context())
                if self.username is not None and self.password is not None:
                    server.login(self.username, self.password)
                server.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise PmpathError(f"the email to {to} could not be sent: {exc}") from exc
