"""Alert e-mails over SMTP (the standard library's smtplib): STARTTLS with the
certificate checked unless turned off for a relay on this machine, and sign-in when a
name is configured."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from bot.alerts.message import AlertMessage
from bot.settings import AlertsSettings

TIMEOUT_S = 10.0


@dataclass(frozen=True)
class MailSender:
    host: str
    port: int
    mail_from: str
    mail_to: tuple[str, ...]
    starttls: bool = True
    username: str = ""
    password: str = ""
    timeout: float = TIMEOUT_S

    channel = "email"

    @classmethod
    def from_settings(cls, settings: AlertsSettings) -> MailSender | None:
        """None when no mail server or no recipient is configured."""
        if not settings.smtp_host or not settings.mail_to:
            return None
        return cls(host=settings.smtp_host, port=settings.smtp_port,
                   mail_from=settings.mail_from, mail_to=settings.mail_to,
                   starttls=settings.smtp_starttls, username=settings.smtp_username,
                   password=settings.smtp_password)

    def send(self, alert: AlertMessage) -> None:
        """Hand the e-mail to the server; raises OSError or smtplib.SMTPException."""
        message = EmailMessage()
        message["Subject"] = f"[supportbot] {alert.subject}"
        message["From"] = self.mail_from
        message["To"] = ", ".join(self.mail_to)
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="supportbot")
        message["X-Supportbot-Ticket"] = alert.reference
        message["X-Supportbot-Event"] = alert.event
        message.set_content(alert.text)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(message)
