"""A real SMTP server on this machine (aiosmtpd), for tests that send e-mail through Django's
SMTP backend and read what arrives as a mail client would (email.parser)."""

import asyncio
import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Handler:
    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.server.refused:
            return "550 5.1.1 Mailbox unavailable"
        if address.lower() in self.server.deferred:
            return "451 4.3.2 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server.lock:
            self.server.messages.append(message)
            self.server.arrived.notify_all()
        if self.server.hold:  # the message is here; the sender waits for the answer until released
            self.server.received.set()
            await asyncio.get_running_loop().run_in_executor(None, self.server.released.wait)
        return "250 Message accepted for delivery"


class SMTPServer:
    """`with SMTPServer() as smtp:` a server on a free port; `smtp.messages` are what arrived
    (email.message.EmailMessage), `smtp.refused` the addresses it answers 550 to (for good),
    `smtp.deferred` those it answers 451 to (for now), and `smtp.settings()` the Django settings
    that send through it.

    `SMTPServer(hold=True)`: once a message's content has arrived, `smtp.received` is set and
    the sender is left waiting for the server's answer until `smtp.release()` (a message in
    flight, for a test to kill its sender then)."""

    def __init__(self, hold=False):
        self.messages, self.refused, self.deferred = [], set(), set()
        self.hold, self.received, self.released = hold, threading.Event(), threading.Event()
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        self.port = free_port()
        self.controller = Controller(Handler(self), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.release()
        self.controller.stop()

    def release(self):
        """Answer the held message (and any later one) at once."""
        self.released.set()

    def settings(self):
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }

    def wait_for(self, count, timeout=10):
        """Wait until `count` messages have arrived; return them all."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
            return list(self.messages)

    def to(self, address):
        return [message for message in self.messages if address in message["To"]]
