"""An ESP for the tests: anymail's test backend, with hooks around each API call."""

from anymail.backends.test import EmailBackend
from anymail.message import AnymailRecipientStatus


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so no `except Exception` of ours catches it."""


class ScriptedESP(EmailBackend):
    # Set by the `scripted_esp` fixture, reset after each test.
    before_call = None  # called with the message before the ESP takes it; may raise
    after_accept = None  # called once the ESP has taken it (and the copies are out)
    statuses: dict[str, str] = {}  # address prefix -> what the ESP answers for it

    def post_to_esp(self, payload, message):
        if ScriptedESP.before_call is not None:
            ScriptedESP.before_call(message)
        response = super().post_to_esp(payload, message)
        for email, status in response["recipient_status"].items():
            for prefix, answer in ScriptedESP.statuses.items():
                if email.startswith(prefix):
                    response["recipient_status"][email] = AnymailRecipientStatus(status.message_id, answer)
        if ScriptedESP.after_accept is not None:
            ScriptedESP.after_accept(message)
        return response
