"""A real SMTP server for tests (aiosmtpd) that records what it accepted and can misbehave on demand."""

from __future__ import annotations

import asyncio
import email
import socket
import threading
import time
from collections import Counter

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SinkHandler:
    """Accepts mail and records each accepted message's outbox id (header X-Orientation-Outbox-Id).

    - `refuse_next`: answer "451 try later" to the next N messages (counted at DATA);
    - `reject`: recipients refused at RCPT with "550 user unknown";
    - `delay`: seconds spent on each message before answering (a slow server);
    - `hold_at`: the n-th message (1-based) waits until `release` is set, then is refused and
      not recorded — a deterministic "worker killed mid-send" point (`held` is set meanwhile).
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.accepted: list[str] = []
            self.messages: list[email.message.Message] = []
            self.refuse_next = 0
            self.refused = 0
            self.reject: set[str] = set()
            self.delay = 0.0
            self.hold_at: int | None = None
            self.seen = 0
            self.held = threading.Event()
            self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 Utilisateur inconnu"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.seen += 1
            seen = self.seen
            if self.refuse_next > 0:
                self.refuse_next -= 1
                self.refused += 1
                return "451 4.3.0 Réessayez plus tard"
        if self.hold_at is not None and seen == self.hold_at:
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
            return "451 4.3.0 Interrompu"
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.accepted.append(message["X-Orientation-Outbox-Id"] or message["Message-ID"])
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def counts(self) -> Counter:
        with self.lock:
            return Counter(self.accepted)


class SmtpSink:
    def __init__(self):
        self.handler = SinkHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.handler.release.set()
        self.controller.stop()

    def wait_for(self, count: int, seconds: float = 15) -> Counter:
        deadline = time.monotonic() + seconds
        while sum(self.handler.counts().values()) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.handler.counts()
