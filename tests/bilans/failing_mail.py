"""A mail backend for reminder runs that go wrong: the server refuses any email addressed to
someone whose address contains "panne" (the run goes on), and the process dies on an email to
"crash" (the run stops there)."""

from django.core.mail.backends.locmem import EmailBackend


class Breakdown(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            addresses = " ".join(message.recipients())
            if "panne" in addresses:
                raise ConnectionError("Le serveur de courrier ne répond pas.")
            if "crash" in addresses:
                raise RuntimeError("Le processus s'arrête.")
            super().send_messages([message])
        return len(messages)
