"""A mail backend whose server goes down for some addresses: the crash the alerts must survive."""

from django.core.mail.backends.locmem import EmailBackend


class ServerDownFor(EmailBackend):
    """Delivers like the test backend, except to addresses containing "panne"."""

    def send_messages(self, messages):
        for message in messages:
            if any("panne" in address for address in message.to):
                raise ConnectionError("Le serveur de courrier ne répond pas.")
        return super().send_messages(messages)
