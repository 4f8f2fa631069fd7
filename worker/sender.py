"""SMTP delivery with aiosmtplib, and the failure policy.

A Sender keeps one SMTP connection open across messages and opens a new one after
any error. Failures are classified for the outbox: a reply with a 5xx code about this
message (sender, recipient or content refused) is permanent; everything else (the
server is down or unreachable, a timeout, a 4xx reply, a failed login or STARTTLS,
which are problems of the server or its configuration, not of the message) is
transient and retried later.
"""

from __future__ import annotations

import asyncio
from email.headerregistry import Address
from email.utils import parseaddr

import aiosmtplib

from booker.settings import Settings


class DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


def classify(exc: BaseException) -> DeliveryError:
    """The outbox's view of an SMTP failure."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        text = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
        return DeliveryError(f"recipient refused: {text}", permanent=all(c >= 500 for c in codes))
    if isinstance(
        exc, aiosmtplib.SMTPSenderRefused | aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError
    ):
        return DeliveryError(f"{exc.code} {exc.message}", permanent=exc.code >= 500)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return DeliveryError(f"SMTP server: {exc.code} {exc.message}", permanent=False)
    if isinstance(exc, TimeoutError | aiosmtplib.SMTPTimeoutError):
        return DeliveryError(f"SMTP timeout: {exc}", permanent=False)
    return DeliveryError(f"SMTP connection: {type(exc).__name__}: {exc}", permanent=False)


def check_recipient(address: str) -> None:
    """A recipient goes on RCPT TO exactly as stored, or not at all: an address the mail
    libraries refuse (aiosmtplib raises ValueError for `a<b>@c.de`) or would read as another
    mailbox (`a"b@c.de` as `a`, `a(b)@c.de` as `a@c.de`) is a permanent failure of this
    message alone. The database's rule (domain booking.email_address) lets none in; rows
    queued before that rule, or by hand, are caught here."""
    try:
        parsed = Address(addr_spec=address).addr_spec
    except Exception as exc:  # HeaderParseError, ValueError, IndexError: whatever the parser raises
        raise DeliveryError(f"recipient {address!r} is not a deliverable address: {exc}",
                            permanent=True) from exc
    if parsed != address or not address.isascii():
        raise DeliveryError(f"recipient {address!r} would be read as {parsed!r}", permanent=True)


class Sender:
    """One SMTP connection, used for one message at a time."""

    def __init__(self, settings: Settings, timeout: float = 30):
        self.settings = settings
        self.timeout = timeout
        self.envelope_from = parseaddr(settings.mail_from)[1]
        self._smtp: aiosmtplib.SMTP | None = None

    async def _connection(self) -> aiosmtplib.SMTP:
        if self._smtp is not None and self._smtp.is_connected:
            return self._smtp
        s = self.settings
        # Port 465 is SMTP over TLS from the first byte (RFC 8314); elsewhere SMTP_STARTTLS decides.
        implicit_tls = s.smtp_port == 465 and not s.smtp_starttls
        smtp = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password,
            use_tls=implicit_tls,
            start_tls=s.smtp_starttls,
            timeout=self.timeout,
        )
        await smtp.connect()
        self._smtp = smtp
        return smtp

    async def send(self, message: bytes, recipient: str) -> None:
        """Deliver one message; raises DeliveryError."""
        check_recipient(recipient)
        try:
            smtp = await self._connection()
            await smtp.sendmail(self.envelope_from, [recipient], message)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            await self.close()
            raise classify(exc) from exc

    async def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None or not smtp.is_connected:
            return
        try:
            await asyncio.wait_for(smtp.quit(), timeout=2)
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            smtp.close()
