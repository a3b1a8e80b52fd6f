"""How a rendered message leaves: e-mail over SMTP (Flask-Mailman) and SMS through a provider.

Every failure is classified: `TransientError` (try again later: connection refused, timeout,
SMTP 4xx, HTTP 5xx/429) or `PermanentError` (never going to work: invalid address, SMTP 5xx such
as 550, HTTP 4xx, a number that is not a French mobile). The delivery decides what to do with it.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import smtplib
import threading
from email.header import Header
from email.message import Message
from pathlib import Path

import email_validator
import httpx
import phonenumbers
from flask import current_app
from flask_mailman import EmailMultiAlternatives

from orientation import clock
from orientation.notifications.rendering import Rendered

log = logging.getLogger(__name__)

FRENCH_REGIONS = {"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF"}  # metropolitan + overseas
MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


class DeliveryError(Exception):
    pass


class TransientError(DeliveryError):
    """Worth trying again later."""


class PermanentError(DeliveryError):
    """Will never work for this message: fail it with the reason."""


# ---- addresses --------------------------------------------------------------------------------


def normalise_french_mobile(raw: str) -> str:
    """'06 12 34 56 78' → '+33612345678'; PermanentError if not a valid French mobile number."""
    try:
        number = phonenumbers.parse(raw, "FR")
    except phonenumbers.NumberParseException as error:
        raise PermanentError("numéro de téléphone illisible") from error
    if not phonenumbers.is_valid_number(number) or phonenumbers.region_code_for_number(number) not in FRENCH_REGIONS:
        raise PermanentError("numéro de téléphone français invalide")
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise PermanentError("ce numéro n'est pas un mobile : il ne peut pas recevoir de SMS")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@functools.lru_cache(maxsize=4096)
def check_email_address(address: str) -> str:
    """The normalised address (PermanentError if invalid); memoised: checked before rendering and again at sending."""
    try:
        return email_validator.validate_email(address, check_deliverability=False).normalized
    except email_validator.EmailNotValidError as error:
        raise PermanentError(f"adresse e-mail invalide : {error}") from error


def mask_recipient(recipient: str) -> str:
    """'camille@exemple.fr' → 'c***@exemple.fr'; '+33612345678' → '06 ** ** ** 78'; a webhook URL → its host."""
    if recipient.startswith(("https://", "http://")):
        from urllib.parse import urlsplit

        return urlsplit(recipient).hostname or "***"
    if "@" in recipient:
        local, _, domain = recipient.partition("@")
        return f"{local[:1]}***@{domain}"
    digits = "".join(ch for ch in recipient if ch.isdigit())
    if digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    if len(digits) < 4:
        return "***"
    return f"{digits[:2]} ** ** ** {digits[-2:]}"


# ---- e-mail -----------------------------------------------------------------------------------


class _Email(EmailMultiAlternatives):
    """An e-mail whose encoded subject is folded knowing the « Subject: » before it.

    Flask-Mailman encodes a non-ASCII subject as one encoded word sized for a line of its own; a
    subject such as « Nouvelle orientation numérique pour … » then no longer fits after
    « Subject: », the generator breaks the line before it, and mail readers show the subject
    with a leading space. Encoding it with its header name splits the words where they fit.
    """

    def message(self):
        message = super().message()
        if not self.subject.isascii():
            del message["Subject"]
            # Message.__setitem__: the checks of Flask-Mailman's __setitem__ (no newline) already ran.
            Message.__setitem__(message, "Subject", Header(self.subject, "utf-8", header_name="Subject"))
        return message


class EmailChannel:
    """E-mail through Flask-Mailman; over SMTP one connection per worker process is kept open."""

    _local = threading.local()

    def check_recipient(self, recipient: str) -> str:
        return check_email_address(recipient)

    def send(self, message_id: int, recipient: str, rendered: Rendered, headers: dict[str, str]) -> None:
        address = check_email_address(recipient)
        email = _Email(subject=rendered.subject, body=rendered.text, to=[address], headers=headers)
        if rendered.html:
            email.attach_alternative(rendered.html, "text/html")
        if current_app.config["MAIL_BACKEND"] != "smtp":
            email.send()  # file, console, locmem: nothing to keep open
            return
        try:
            self._send_smtp(email)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            reason = "; ".join(f"{code} {msg.decode(errors='replace')}" for code, msg in error.recipients.values())
            raise (PermanentError if all(c >= 500 for c in codes) else TransientError)(
                f"destinataire refusé par le serveur SMTP : {reason}"
            ) from error
        except smtplib.SMTPResponseException as error:
            text = error.smtp_error
            reason = f"{error.smtp_code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
            self._reset()
            if 500 <= error.smtp_code < 600:
                raise PermanentError(f"refus définitif du serveur SMTP : {reason}") from error
            raise TransientError(f"refus temporaire du serveur SMTP : {reason}") from error
        except (smtplib.SMTPException, OSError) as error:  # OSError: refused, timeout, reset
            self._reset()
            raise TransientError(f"serveur SMTP injoignable : {type(error).__name__}: {error}") from error

    def _send_smtp(self, email) -> None:
        connection = self._connection()
        try:
            connection.send_messages([email])
        except smtplib.SMTPServerDisconnected:
            # A kept-open connection may have been closed by the server while idle: one fresh try.
            self._reset()
            self._connection().send_messages([email])

    def _connection(self):
        state = self._local
        key = (os.getpid(), id(current_app._get_current_object()))
        if getattr(state, "key", None) != key or getattr(state, "connection", None) is None:
            state.connection = current_app.extensions["mailman"].get_connection()
            state.key = key
        if state.connection.connection is None:
            state.connection.open()  # opened here, so send_messages() leaves it open
        return state.connection

    def _reset(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 (closing a broken connection: nothing more to do)
                log.debug("closing a broken SMTP connection failed", exc_info=True)


# ---- SMS --------------------------------------------------------------------------------------


class SmsBackend:
    """What an SMS provider must do; `phone` is a valid French mobile in E.164."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class HttpSmsBackend(SmsBackend):
    """A generic JSON API: POST SMS_API_URL {"sender", "recipient", "content"} with a bearer key.

    The shape most French providers accept (or that a small adapter maps); 2xx is success, 429 and
    5xx and network errors are transient, other 4xx are permanent.
    """

    _clients: dict[tuple, httpx.Client] = {}

    def __init__(self, url: str, api_key: str | None, sender: str, timeout: float = 10.0):
        if not url:
            raise RuntimeError("SMS_BACKEND=http demande SMS_API_URL")
        self.url, self.api_key, self.sender, self.timeout = url, api_key, sender, timeout

    def _client(self) -> httpx.Client:
        key = (os.getpid(), self.url, self.timeout)
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = httpx.Client(timeout=self.timeout)
        return client

    def send(self, phone: str, text: str) -> None:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            response = self._client().post(
                self.url, json={"sender": self.sender, "recipient": phone, "content": text}, headers=headers
            )
        except httpx.TransportError as error:
            raise TransientError(f"fournisseur SMS injoignable : {type(error).__name__}") from error
        if response.is_success:
            return
        detail = f"HTTP {response.status_code} {response.text[:200]}".strip()
        if response.status_code == 429 or response.status_code >= 500:
            raise TransientError(f"fournisseur SMS indisponible : {detail}")
        raise PermanentError(f"SMS refusé par le fournisseur : {detail}")


class FileSmsBackend(SmsBackend):
    """Development: one text file per SMS under instance/sms/."""

    def __init__(self, path: str):
        self.path = Path(path)

    def send(self, phone: str, text: str) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        stamp = clock.now().strftime("%Y%m%d-%H%M%S-%f")
        (self.path / f"{stamp}-{os.getpid()}.txt").write_text(f"À : {phone}\n\n{text}\n", encoding="utf-8")


class ConsoleSmsBackend(SmsBackend):
    def send(self, phone: str, text: str) -> None:
        print(json.dumps({"sms_to": phone, "text": text}, ensure_ascii=False))  # noqa: T201


class MemorySmsBackend(SmsBackend):
    """Tests: the SMS sent, in `MemorySmsBackend.outbox` (a list of (phone, text))."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


def sms_backend() -> SmsBackend:
    config = current_app.config
    name = config["SMS_BACKEND"]
    if name == "http":
        return HttpSmsBackend(
            config["SMS_API_URL"],
            config.get("SMS_API_KEY"),
            config["SMS_SENDER"],
            timeout=config.get("SMS_TIMEOUT", 10),
        )
    if name == "file":
        return FileSmsBackend(config["SMS_FILE_PATH"])
    if name == "console":
        return ConsoleSmsBackend()
    if name == "memory":
        return MemorySmsBackend()
    raise RuntimeError(f"SMS_BACKEND inconnu : {name!r} (http, file, console, memory)")


class SmsChannel:
    def check_recipient(self, recipient: str) -> str:
        return normalise_french_mobile(recipient)

    def send(self, message_id: int, recipient: str, rendered: Rendered, headers: dict[str, str]) -> None:
        sms_backend().send(normalise_french_mobile(recipient), rendered.text)
