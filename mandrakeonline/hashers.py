"""The password hasher: Argon2id at the cost OWASP gives as its minimum.

OWASP's Password Storage Cheat Sheet recommends Argon2id with at least 19 MiB of memory, two
passes and one lane. Django's default Argon2 (100 MiB, two passes, eight lanes) costs about
six times as much CPU per login, which a burst of logins after a release announcement turns
into minutes of queueing on a small web server; this cost keeps the same protection the
recommendation asks for. Hashes made with other parameters (Django's default, PBKDF2)
still verify, and Django re-hashes them with these at the customer's next login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher

# OWASP's minimum for Argon2id: m = 19 MiB, t = 2, p = 1.
OWASP_MIN_MEMORY_KIB = 19 * 1024
OWASP_MIN_TIME_COST = 2
OWASP_MIN_PARALLELISM = 1


class Argon2idPasswordHasher(Argon2PasswordHasher):
    # The same algorithm name as Django's hasher, so that every existing "argon2" hash is
    # recognised; Django's Argon2 hasher is Argon2id, with its parameters read from each hash.
    time_cost = OWASP_MIN_TIME_COST
    memory_cost = OWASP_MIN_MEMORY_KIB
    parallelism = OWASP_MIN_PARALLELISM
