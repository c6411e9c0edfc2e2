"""Benchmark data: the portal as it would be with a million customers, loaded with COPY.

``BenchData(scale=1.0, seed=42).load()`` fills every table the customer pages and the admin
read: customers (their numbers recorded as issued), 20 mailing lists with subscriptions and
their consent events, products, registrations with their computers' configurations, store
orders with their lines, status history, payments, invoices and credit notes (numbered
without gaps in each series, the counters left at the last number) and donations. At scale
1.0 that is 1,000,000 customers, 2,000,000 subscriptions, 500,000 registrations and
1,000,000 orders; the same seed gives the same data.

Rows are generated as text and streamed to PostgreSQL's COPY, table by table, Python
writing the next rows while the server stores the previous ones. Every account shares one
password (BENCH_PASSWORD), hashed once with the production hasher: this data is for
benchmarks only, and ``manage.py generate_bench_data`` refuses to run in production.

Some accounts are there for the benchmarks: PROFILE_COUNT customers each with 10 lists,
5 registrations and 20 orders (the account overview's target), the EXPORT customer with
1,000 orders and 100 registrations, and a STAFF member for the admin, with an authenticator.
"""

import base64
import datetime
import json
import random
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import customer_numbers, two_factor
from accounts.customer_numbers import BODY_LENGTH
from accounts.models import AccountEvent, Customer, IssuedCustomerNumber
from billing import documents
from billing.models import (
    DocumentCounter,
    Donation,
    Invoice,
    InvoiceLine,
    Order,
    OrderLine,
    OrderStatusChange,
    Payment,
    Refund,
)
from billing.money import line_amounts
from mailinglists.models import MailingList, Subscription, SubscriptionEvent
from registrations.models import Configuration, Product, Registration, RegistrationEvent

BENCH_PASSWORD = "mandrake-bench-2026"  # noqa: S105 (published on purpose: benchmark data only)
PROFILE_COUNT = 50
PROFILE_EMAIL = "overview{:03d}@bench.example.net"
EXPORT_EMAIL = "export@bench.example.net"
STAFF_EMAIL = "staff@bench.example.net"

SCALE_ONE = {"customers": 1_000_000, "registrations": 500_000, "orders": 1_000_000}
# How many customers (in percent) are on 0, 1, 2... lists: two lists each on average, so
# 2,000,000 subscriptions at scale 1.0.
LISTS_PER_CUSTOMER = [15, 25, 25, 20, 10, 5]
DONATIONS_PER_ORDER = 0.1
PROFILE = {"lists": 10, "registrations": 5, "orders": 20}
EXPORT = {"lists": 10, "registrations": 100, "orders": 1000}

FIRST_NAMES = [
    "Alice",
    "Amélie",
    "Anaïs",
    "Antoine",
    "Arthur",
    "Béatrice",
    "Camille",
    "Céline",
    "Chloé",
    "Clément",
    "Damien",
    "Élodie",
    "Émile",
    "Étienne",
    "Fabien",
    "Françoise",
    "Gaël",
    "Hélène",
    "Hugo",
    "Inès",
    "Jacques",
    "Jérôme",
    "Julie",
    "Karim",
    "Laure",
    "Léa",
    "Louis",
    "Lucie",
    "Manon",
    "Marc",
    "Margaux",
    "Mathieu",
    "Nadia",
    "Nicolas",
    "Noémie",
    "Olivier",
    "Pauline",
    "Pierre",
    "Quentin",
    "Raphaël",
    "Romain",
    "Sarah",
    "Sébastien",
    "Sophie",
    "Thomas",
    "Valérie",
    "Victor",
    "Yann",
    "Zoé",
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Emma",
    "Frank",
    "Grace",
    "Hans",
    "Ingrid",
    "John",
    "Katrin",
    "Lars",
    "Maria",
    "Nils",
    "Paolo",
    "Ruth",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Schmidt",
    "Weber",
    "Rossi",
    "Smith",
    "Jones",
    "Müller",
    "Fernández",
    "Novak",
    "Jensen",
    "Kowalski",
    "Öztürk",
    "Van",
    "den",
    "Berg",
    "O'Brien",
]
# (postal code, city, region, country)
PLACES = [
    ("75011", "Paris", "", "FR"),
    ("69003", "Lyon", "", "FR"),
    ("13001", "Marseille", "", "FR"),
    ("31000", "Toulouse", "", "FR"),
    ("33000", "Bordeaux", "", "FR"),
    ("59000", "Lille", "", "FR"),
    ("44000", "Nantes", "", "FR"),
    ("67000", "Strasbourg", "", "FR"),
    ("35000", "Rennes", "", "FR"),
    ("06000", "Nice", "", "FR"),
    ("1000", "Bruxelles", "", "BE"),
    ("4000", "Liège", "", "BE"),
    ("1201", "Genève", "", "CH"),
    ("1003", "Lausanne", "", "CH"),
    ("H2X 1Y4", "Montréal", "QC", "CA"),
    ("G1R 4P5", "Québec", "QC", "CA"),
    ("10115", "Berlin", "", "DE"),
    ("80331", "München", "", "DE"),
    ("28013", "Madrid", "", "ES"),
    ("08001", "Barcelona", "", "ES"),
    ("00184", "Roma", "", "IT"),
    ("20121", "Milano", "", "IT"),
    ("94105", "San Francisco", "CA", "US"),
    ("10001", "New York", "NY", "US"),
    ("SW1A 1AA", "London", "", "GB"),
    ("1012", "Amsterdam", "", "NL"),
    ("1100-053", "Lisboa", "", "PT"),
    ("00-001", "Warszawa", "", "PL"),
]
STREETS = [
    "rue de la République",
    "avenue Jean Jaurès",
    "boulevard Voltaire",
    "rue Victor Hugo",
    "place du Marché",
    "chemin des Vignes",
    "rue des Lilas",
    "allée des Tilleuls",
    "Hauptstraße",
    "Main Street",
    "calle Mayor",
    "via Roma",
    "High Street",
    "Kerkstraat",
]
LANGUAGES = ["en", "fr"]
DONATION_AMOUNTS = ["10.00", "25.00", "50.00", "100.00"]
EMAIL_DOMAINS = ["example.com", "example.net", "example.org"]

LISTS = [
    ("announce", "Mandrake announcements", "Annonces Mandrake", 0.30),
    ("security", "Security advisories", "Bulletins de sécurité", 0.14),
    ("cooker", "Cooker (development)", "Cooker (développement)", 0.08),
    ("expert", "Expert support", "Support expert", 0.06),
    ("newbie", "Newcomers' help", "Aide aux débutants", 0.06),
    ("french-users", "French users", "Utilisateurs francophones", 0.05),
    ("store-news", "MandrakeStore news", "Nouvelles de MandrakeStore", 0.05),
    ("club", "Mandrake Club", "Club Mandrake", 0.04),
    ("kde", "KDE on Mandrake", "KDE sur Mandrake", 0.03),
    ("gnome", "GNOME on Mandrake", "GNOME sur Mandrake", 0.03),
    ("server", "Servers", "Serveurs", 0.03),
    ("laptop", "Laptops", "Portables", 0.02),
    ("games", "Games", "Jeux", 0.02),
    ("devel", "Developers", "Développeurs", 0.02),
    ("i18n", "Translation", "Traduction", 0.01),
    ("docs", "Documentation", "Documentation", 0.01),
    ("german-users", "German users", "Utilisateurs germanophones", 0.01),
    ("spanish-users", "Spanish users", "Utilisateurs hispanophones", 0.01),
    ("contrib", "Contributed packages", "Paquets contribués", 0.01),
    ("bugs", "Bug reports", "Rapports de bogues", 0.02),
]
RELEASES = {
    "7.0": datetime.date(2000, 1, 31),
    "7.1": datetime.date(2000, 6, 20),
    "7.2": datetime.date(2000, 10, 30),
    "8.0": datetime.date(2001, 4, 20),
    "8.1": datetime.date(2001, 9, 28),
    "8.2": datetime.date(2002, 3, 21),
    "9.0": datetime.date(2002, 10, 1),
    "9.1": datetime.date(2003, 3, 25),
    "9.2": datetime.date(2003, 10, 14),
    "10.0": datetime.date(2004, 3, 17),
    "10.1": datetime.date(2004, 10, 5),
}
EDITIONS = {"Standard": 30, "PowerPack": 60, "ProSuite": 90}
SERIAL_PATTERN = r"MDK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}"
KEY_SPREAD = 0x5DEECE66D
PROCESSORS = [
    ("i386", "Intel Pentium III", 800),
    ("i386", "AMD Athlon Thunderbird", 1000),
    ("i386", "Intel Pentium 4", 1800),
    ("i386", "AMD Athlon XP 1800+", 1533),
    ("x86_64", "AMD Athlon 64", 2000),
    ("ppc", "PowerPC G4", 867),
    ("sparc", "UltraSPARC IIi", 440),
]
CARDS = [
    ("nVidia GeForce2 MX 400", "Creative SB Live!", "Realtek RTL8139"),
    ("ATI Radeon 7500", "VIA AC'97", "3Com 3c905C"),
    ("Matrox G400", "Ensoniq AudioPCI", "Intel EtherExpress Pro/100"),
    ("S3 Savage4", "ESS Maestro", "D-Link DFE-530TX"),
]
PRINTERS = ["", "HP DeskJet 840C (USB)", "Epson Stylus Color 680", "Canon BJC-2100", ""]

# The store's catalogue: SKU, name, unit price excluding VAT.
CATALOGUE = [
    ("MDK-STD-BOX", "Mandrake Linux Standard (boxed)", "29.00"),
    ("MDK-PP-BOX", "Mandrake Linux PowerPack (boxed)", "69.00"),
    ("MDK-PRO-BOX", "Mandrake Linux ProSuite (boxed)", "199.00"),
    ("MDK-PP-DL", "Mandrake Linux PowerPack (download)", "49.00"),
    ("MDK-CLUB-1Y", "Mandrake Club, one year", "60.00"),
    ("MDK-TSHIRT", "Mandrake T-shirt", "15.00"),
    ("MDK-MUG", "Mandrake mug", "9.00"),
    ("MDK-BOOK", "The official Mandrake Linux guide", "35.00"),
    ("MDK-SUPPORT", "Installation support, 5 incidents", "99.00"),
    ("MDK-CD-SET", "Mandrake Linux CD set", "19.00"),
]
# What ships in a parcel; an order of downloads only goes from paid to delivered.
PHYSICAL = {"MDK-STD-BOX", "MDK-PP-BOX", "MDK-PRO-BOX", "MDK-TSHIRT", "MDK-MUG", "MDK-BOOK", "MDK-CD-SET"}
CURRENCIES = [("EUR", "20.00", 0.8), ("USD", "0.00", 0.1), ("GBP", "20.00", 0.05), ("CHF", "8.10", 0.05)]
CARRIERS = [
    ("Colissimo", "https://www.laposte.fr/outils/suivre-vos-envois?code="),
    ("DHL", "https://www.dhl.com/track?id="),
]
PROVIDERS = ["Stripe", "PayPal"]
CAMPAIGNS = ["", "Mandrake 9.0", "Mandrake 10.0", "Mandrake Club"]

# Order statuses by share, each with the statuses it went through.
ORDER_PATHS = [
    ("delivered", ("placed", "paid", "shipped", "delivered"), 0.62),
    ("delivered", ("placed", "paid", "delivered"), 0.10),
    ("shipped", ("placed", "paid", "shipped"), 0.10),
    ("paid", ("placed", "paid"), 0.08),
    ("placed", ("placed",), 0.04),
    ("cancelled", ("placed", "cancelled"), 0.04),
    ("refunded", ("placed", "paid", "delivered", "refunded"), 0.02),
]

# The path an order of downloads takes instead of one through "shipped".
SHIPLESS_PATH = {0: 1, 2: 3}
ORDER_COLUMNS = [
    "id",
    "number",
    "customer_id",
    "currency",
    "status",
    "placed_at",
    "status_changed_at",
    "total_net",
    "total_vat",
    "total_gross",
    "billing_name",
    "billing_address",
    "billing_country",
    "shipping_name",
    "shipping_address",
    "shipping_country",
    "carrier",
    "tracking_number",
    "tracking_url",
]
LINE_COLUMNS = [
    "position",
    "sku",
    "name",
    "quantity",
    "unit_price",
    "vat_rate",
    "net_amount",
    "vat_amount",
    "gross_amount",
]
INVOICE_COLUMNS = [
    "id",
    "kind",
    "series",
    "sequence",
    "number",
    "order_id",
    "corrects_id",
    "issued_at",
    "paid_at",
    "reason",
    "currency",
    "total_net",
    "total_vat",
    "total_gross",
    "seller_name",
    "seller_address",
    "seller_vat_number",
    "seller_registration",
    "seller_legal_notice",
    "buyer_name",
    "buyer_address",
    "buyer_country",
    "buyer_customer_number",
]

EPOCH = datetime.date(2000, 1, 1)
DAY_SECONDS = 86_400
# Times of day between 07:00 and 19:00 UTC: the same date in Paris, so a document's number
# series (its year in Paris) is the year of its date.
FIRST_SECOND, LAST_SECOND = 7 * 3600, 19 * 3600


NULL = "\\N"  # NULL in COPY's text format


def _copy_text(value: str) -> str:
    """A value in PostgreSQL's COPY text format."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _ascii(name: str) -> str:
    table = str.maketrans("àâäáãçéèêëíìîïñóòôöõúùûüÿœæøßł", "aaaaaceeeeiiiinooooouuuuyoaosl")
    return "".join(character for character in name.lower().translate(table) if character.isalnum())


class _Stream:
    """A file-like object over an iterator of COPY lines, for psycopg2's copy_expert; it
    counts the lines it gave."""

    def __init__(self, lines: Iterable[str]):
        self._lines = iter(lines)
        self._buffer = b""
        self.count = 0

    def read(self, size: int) -> bytes:
        chunks, length = [self._buffer], len(self._buffer)
        for line in self._lines:
            encoded = line.encode()
            chunks.append(encoded)
            length += len(encoded)
            self.count += 1
            if length >= size:
                break
        data = b"".join(chunks)
        data, self._buffer = data[:size], data[size:]
        return data


@dataclass
class _Customers:
    """What later tables need of each generated customer, kept compact (arrays of ints)."""

    ids: array
    numbers: array
    first: array
    last: array
    place: array
    street: array
    joined_day: array
    language: array


class BenchData:
    def __init__(self, *, scale: float, seed: int, log: Callable[[str], None] = print):
        self.rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
        self.log = log
        self.counts = {name: max(1, round(count * scale)) for name, count in SCALE_ONE.items()}
        self.today = (timezone.localdate() - EPOCH).days
        self.day_text = [(EPOCH + datetime.timedelta(days=day)).isoformat() for day in range(self.today + 1)]
        self.rows: dict[str, int] = {}

    # --- helpers -----------------------------------------------------------------

    def _moment(self, day: int) -> str:
        """A timestamp on that day, at a random time of day."""
        return _timestamp(self.day_text, day * DAY_SECONDS + self.rng.randrange(FIRST_SECOND, LAST_SECOND))

    def _seconds_since(self, day: int, *, latest: int = LAST_SECOND) -> int:
        """A random moment (in seconds since EPOCH) from that day to yesterday, at a time of
        day before `latest`."""
        day += self.rng.randrange(max(1, self.today - day))
        return day * DAY_SECONDS + self.rng.randrange(FIRST_SECOND, latest)

    def _day_after(self, day: int, *, within: int) -> int:
        return min(self.today, day + self.rng.randrange(within + 1))

    def _owners(self, customers: _Customers, count: int, *, profile: int, export: int) -> array:
        """Whose each of `count` rows is: `profile` rows for each profile customer, `export`
        for the export customer, the rest spread at random over the other customers."""
        owners = array("i")
        for index in range(PROFILE_COUNT):
            owners.extend([index] * profile)
        owners.extend([PROFILE_COUNT] * export)
        regular = range(PROFILE_COUNT + 1, len(customers.ids) - 1)
        owners.extend(self.rng.choice(regular) for _ in range(max(0, count - len(owners))))
        return owners

    def _next_id(self, model) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")  # noqa: S608 (our table)
            return cursor.fetchone()[0]

    def _copy(self, model, columns: list[str], lines: Iterator[str]) -> None:
        """Stream the lines into the model's table with COPY.

        The table's secondary indexes are dropped first and built again once its rows are
        in, as pg_restore does: building an index from all its rows at once is several times
        faster than growing it row by row. The indexes of primary keys and unique
        constraints stay, checking every row as it comes.
        """
        table = model._meta.db_table
        started = time.monotonic()
        stream = _Stream(lines)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT indexname, indexdef FROM pg_indexes
                WHERE schemaname = current_schema() AND tablename = %s
                AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conindid <> 0)
                """,
                [table],
            )
            indexes = cursor.fetchall()
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
            # psycopg2's own cursor: Django's wrapper has no copy_expert.
            cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", stream, size=1 << 20)
            for _name, definition in indexes:
                cursor.execute(definition)
        self.rows[table] = self.rows.get(table, 0) + stream.count
        self.log(f"  {table}: {stream.count:,} rows in {time.monotonic() - started:.1f} s")

    # --- the whole load ------------------------------------------------------------

    def load(self) -> dict[str, int]:
        """Generate and store everything; returns the rows written per table."""
        self.password = make_password(BENCH_PASSWORD)
        with transaction.atomic():
            self._skip_foreign_key_checks()
            with connection.cursor() as cursor:
                # Room to sort the rows of an index being built.
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            customers = self._customers()
            self._mailing_lists(customers)
            self._registrations(customers)
            self._orders(customers)
            self._donations(customers)
            self._reset_sequences()
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role TO DEFAULT")
                cursor.execute("SET LOCAL maintenance_work_mem TO DEFAULT")
        with connection.cursor() as cursor:
            # Fresh statistics: the planner's choices, and the admin's estimated counts.
            cursor.execute("ANALYZE")
        self._document_copies()
        return self.rows

    def _document_copies(self) -> None:
        """The PDFs of the export customer's invoices and receipts, as the task drawing each
        one at its issue would have left them (the others' are drawn on first use: drawing a
        million takes hours)."""
        customer = Customer.objects.with_email(EXPORT_EMAIL).get()
        started = time.monotonic()
        drawn = documents.draw_missing_copies(customer, customer.language)
        self.rows["billing_documentcopy"] = drawn
        self.log(f"  billing_documentcopy: {drawn:,} PDFs of the export customer in {time.monotonic() - started:.1f} s")

    def _skip_foreign_key_checks(self) -> None:
        """PostgreSQL checks each row's foreign keys with a trigger, which costs more than
        storing the row; the generated keys are right by construction. Only a superuser may
        turn the triggers off (CHECK and UNIQUE constraints hold either way); other roles get
        the checks, and a slower load."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET LOCAL session_replication_role = replica")

    # --- customers -----------------------------------------------------------------

    def _customer_numbers(self, count: int) -> list[str]:
        taken = set(Customer.objects.values_list("customer_number", flat=True))
        with connection.cursor() as cursor:
            cursor.execute("SELECT number FROM accounts_issuedcustomernumber")
            taken.update(number for (number,) in cursor.fetchall())
        numbers = []
        for body in self.rng.sample(range(10 ** (BODY_LENGTH - 1), 10**BODY_LENGTH), count + len(taken)):
            number = f"{body}{customer_numbers.check_digit(str(body))}"
            if number not in taken:
                numbers.append(number)
                if len(numbers) == count:
                    break
        return numbers

    def _customers(self) -> _Customers:
        total = self.counts["customers"] + PROFILE_COUNT + 2
        first_id = self._next_id(Customer)
        numbers = self._customer_numbers(total)
        rng = self.rng
        kept = _Customers(
            ids=array("q", range(first_id, first_id + total)),
            numbers=array("q", (int(number) for number in numbers)),
            first=array("H", (rng.randrange(len(FIRST_NAMES)) for _ in range(total))),
            last=array("H", (rng.randrange(len(LAST_NAMES)) for _ in range(total))),
            place=array("H", (rng.randrange(len(PLACES)) for _ in range(total))),
            street=array("H", (rng.randrange(len(STREETS)) for _ in range(total))),
            joined_day=array("i", (rng.randrange(self.today - 30) for _ in range(total))),
            language=array("b", (1 if rng.random() < 0.3 else 0 for _ in range(total))),
        )
        staff = total - 1

        def email(index: int) -> str:
            if index < PROFILE_COUNT:
                return PROFILE_EMAIL.format(index)
            if index == PROFILE_COUNT:
                return EXPORT_EMAIL
            if index == staff:
                return STAFF_EMAIL
            first, last = _ascii(FIRST_NAMES[kept.first[index]]), _ascii(LAST_NAMES[kept.last[index]])
            return f"{first}.{last}.{kept.ids[index]}@{EMAIL_DOMAINS[index % len(EMAIL_DOMAINS)]}"

        def customers() -> Iterator[str]:
            for index in range(total):
                postal_code, city, region, country = PLACES[kept.place[index]]
                joined = self._moment(kept.joined_day[index])
                verified = NULL if rng.random() < 0.03 else joined
                last_login = self._moment(self._day_after(kept.joined_day[index], within=3000))
                flag = "t" if index == staff else "f"
                address = f"{rng.randrange(1, 200)} {STREETS[kept.street[index]]}"
                yield (
                    f"{kept.ids[index]}\t{self.password}\t{last_login}\t{flag}\t{numbers[index]}\t{email(index)}\t"
                    f"{verified}\t\t{FIRST_NAMES[kept.first[index]]}\t{_copy_text(LAST_NAMES[kept.last[index]])}\t"
                    f"{address}\t\t{postal_code}\t{city}\t{region}\t{country}\t{LANGUAGES[kept.language[index]]}\t"
                    f"{flag}\tt\t{joined}\t{NULL}\n"
                )

        self._copy(
            Customer,
            [
                "id",
                "password",
                "last_login",
                "is_superuser",
                "customer_number",
                "email",
                "email_verified_at",
                "pending_email",
                "first_name",
                "last_name",
                "address_line1",
                "address_line2",
                "postal_code",
                "city",
                "region",
                "country",
                "language",
                "is_staff",
                "is_active",
                "date_joined",
                "inactivity_warned_at",
            ],
            customers(),
        )
        issued = (
            f"{number}\t{self.day_text[kept.joined_day[index]]} 00:00:00+00\n" for index, number in enumerate(numbers)
        )
        self._copy(IssuedCustomerNumber, ["number", "issued_at"], issued)
        first_event = self._next_id(AccountEvent)

        def events() -> Iterator[str]:
            event_id = first_event
            for index in range(total):
                customer_id = kept.ids[index]
                day = kept.joined_day[index]
                yield f"{event_id}\t{customer_id}\tsigned_up\t[]\t{customer_id}\t{self._moment(day)}\n"
                event_id += 1
                extra = 12 if index <= PROFILE_COUNT else (1 if rng.random() < 0.3 else 0)
                for _ in range(extra):
                    day = self._day_after(day, within=200)
                    kind, fields = rng.choice(
                        [
                            ("details_corrected", '["city", "postal_code"]'),
                            ("password_changed", '["password"]'),
                            ("email_verified", '["email_verified_at"]'),
                            ("details_corrected", '["last_name"]'),
                        ]
                    )
                    yield f"{event_id}\t{customer_id}\t{kind}\t{fields}\t{customer_id}\t{self._moment(day)}\n"
                    event_id += 1

        self._copy(AccountEvent, ["id", "customer_id", "kind", "changed_fields", "actor_id", "created_at"], events())
        # The admin wants staff to pass a second factor: the benchmark reads this key to
        # make the codes.
        TOTPDevice.objects.create(user_id=kept.ids[staff], name=two_factor.AUTHENTICATOR_NAME, confirmed=True)
        return kept

    # --- mailing lists -------------------------------------------------------------

    def _mailing_lists(self, customers: _Customers) -> None:
        lists = []
        for position, (slug, name_en, name_fr, _share) in enumerate(LISTS):
            mailing_list, _created = MailingList.objects.get_or_create(
                slug=slug,
                defaults={
                    "name_en": name_en,
                    "name_fr": name_fr,
                    "description_en": f"{name_en}, for Mandrake Linux users.",
                    "description_fr": f"{name_fr}, pour les utilisateurs de Mandrake Linux.",
                    "address": "" if slug in ("announce", "security", "store-news") else f"{slug}@lists.example.net",
                    "members_may_post": slug not in ("announce", "security", "store-news"),
                    "position": position,
                },
            )
            lists.append(mailing_list.pk)
        weights = [share for *_rest, share in LISTS]
        rng = self.rng
        total = len(customers.ids)
        plan_customer, plan_list, plan_status, plan_day = array("i"), array("b"), array("b"), array("i")
        for index in range(total):
            if index <= PROFILE_COUNT:
                chosen = set(range(PROFILE["lists"]))
            else:
                # Distinct lists, the popular ones more often; two on average.
                count = rng.choices(range(len(LISTS_PER_CUSTOMER)), LISTS_PER_CUSTOMER)[0]
                chosen = set()
                while len(chosen) < count:
                    chosen.add(rng.choices(range(len(lists)), weights)[0])
            for list_index in sorted(chosen):
                plan_customer.append(index)
                plan_list.append(list_index)
                roll = 0.0 if index <= PROFILE_COUNT else rng.random()
                plan_status.append(0 if roll < 0.85 else (1 if roll < 0.97 else 2))
                plan_day.append(self._day_after(customers.joined_day[index], within=1000))
        statuses = ["active", "unsubscribed", "suspended"]
        first_id = self._next_id(Subscription)

        def subscriptions() -> Iterator[str]:
            for position in range(len(plan_customer)):
                key = base64.urlsafe_b64encode(rng.getrandbits(128).to_bytes(16, "big")).rstrip(b"=").decode()
                day = plan_day[position]
                changed = day if plan_status[position] == 0 else self._day_after(day, within=900)
                yield (
                    f"{first_id + position}\t{customers.ids[plan_customer[position]]}\t{lists[plan_list[position]]}\t"
                    f"{statuses[plan_status[position]]}\t{key}\t{self._moment(day)}\t{self._moment(changed)}\n"
                )

        self._copy(
            Subscription,
            ["id", "customer_id", "mailing_list_id", "status", "public_key", "created_at", "status_changed_at"],
            subscriptions(),
        )
        first_event = self._next_id(SubscriptionEvent)

        def events() -> Iterator[str]:
            event_id = first_event
            for position in range(len(plan_customer)):
                customer_id = customers.ids[plan_customer[position]]
                day = plan_day[position]
                yield f"{event_id}\t{first_id + position}\tsubscribed\taccount\t{customer_id}\t{self._moment(day)}\n"
                event_id += 1
                status = plan_status[position]
                if status:
                    kind, source, actor = (
                        ("unsubscribed", "link", NULL) if status == 1 else ("suspended", "bounce", NULL)
                    )
                    moment = self._moment(self._day_after(day, within=900))
                    yield f"{event_id}\t{first_id + position}\t{kind}\t{source}\t{actor}\t{moment}\n"
                    event_id += 1

        self._copy(SubscriptionEvent, ["id", "subscription_id", "kind", "source", "actor_id", "created_at"], events())

    # --- registrations -------------------------------------------------------------

    def _registrations(self, customers: _Customers) -> None:
        products = []
        for version, released in RELEASES.items():
            for edition, days in EDITIONS.items():
                product, _created = Product.objects.get_or_create(
                    name="Mandrake Linux",
                    version=version,
                    edition=edition,
                    defaults={
                        "release_date": released,
                        "serial_pattern": SERIAL_PATTERN,
                        "serial_example": "MDK-7F3K-92QX-L0PA",
                        "support_days": days,
                    },
                )
                products.append((product.pk, (product.release_date - EPOCH).days))
        rng = self.rng
        owners = self._owners(
            customers, self.counts["registrations"], profile=PROFILE["registrations"], export=EXPORT["registrations"]
        )
        first_id = self._next_id(Registration)
        product_of = array("h", (rng.randrange(len(products)) for _ in owners))
        purchased = array("i")
        for position, owner in enumerate(owners):
            released = products[product_of[position]][1]
            start = max(released, customers.joined_day[owner] - 400)
            purchased.append(min(self.today, start + rng.randrange(700)))
        places = ["MandrakeStore", "Fnac", "a bookshop", "a computer shop", ""]

        def serial(registration_id: int) -> str:
            # The id spread over all twelve-character keys (the multiplier has no factor in
            # common with 36**12, so no two ids share a key), so keys look random.
            code = ""
            value = registration_id * KEY_SPREAD % 36**12
            for _ in range(12):
                value, digit = divmod(value, 36)
                code = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[digit] + code
            return f"MDK-{code[:4]}-{code[4:8]}-{code[8:]}"

        def registrations() -> Iterator[str]:
            for position, owner in enumerate(owners):
                day = purchased[position]
                yield (
                    f"{first_id + position}\t{customers.ids[owner]}\t{products[product_of[position]][0]}\t"
                    f"{serial(first_id + position)}\t{self.day_text[day]}\t{rng.choice(places)}\t\t\t\t"
                    f"{self._moment(self._day_after(day, within=30))}\n"
                )

        self._copy(
            Registration,
            [
                "id",
                "customer_id",
                "product_id",
                "serial",
                "purchase_date",
                "place_of_purchase",
                "support_contact_name",
                "support_contact_email",
                "support_contact_phone",
                "registered_at",
            ],
            registrations(),
        )
        first_configuration = self._next_id(Configuration)

        def configurations() -> Iterator[str]:
            for position in range(len(owners)):
                architecture, processor, mhz = rng.choice(PROCESSORS)
                graphics, sound, network = rng.choice(CARDS)
                disks = json.dumps(
                    [{"capacity_mb": rng.choice([10_000, 20_000, 40_000, 80_000]), "description": "IDE"}]
                )
                others = rng.choice(["{}", "{windows_9x}", "{windows_nt}", "{windows_9x,other_linux}"])
                bootloader = "grub" if rng.random() < 0.4 else "lilo"
                kernel = rng.choice(["2.4.8-26mdk", "2.4.18-6mdk", "2.4.21-0.13mdk", "2.6.3-7mdk"])
                moment = self._moment(self._day_after(purchased[position], within=30))
                yield (
                    f"{first_configuration + position}\t{first_id + position}\t{architecture}\t{processor}\t{mhz}\t"
                    f"{rng.choice([128, 256, 512, 1024])}\t{disks}\t{graphics}\t{sound}\t{network}\t"
                    f"{rng.choice(PRINTERS)}\t{others}\t{bootloader}\t{kernel}\t\t[]\t\t{moment}\n"
                )

        self._copy(
            Configuration,
            [
                "id",
                "registration_id",
                "architecture",
                "processor",
                "processor_mhz",
                "memory_mib",
                "disks",
                "graphics_card",
                "sound_card",
                "network_card",
                "printer",
                "other_systems",
                "bootloader",
                "kernel_version",
                "hardware_listing",
                "devices",
                "notes",
                "updated_at",
            ],
            configurations(),
        )
        first_event = self._next_id(RegistrationEvent)

        def events() -> Iterator[str]:
            for position, owner in enumerate(owners):
                customer_id = customers.ids[owner]
                moment = self._moment(self._day_after(purchased[position], within=30))
                yield (
                    f"{first_event + position}\t{customer_id}\t{first_id + position}\t"
                    f"{products[product_of[position]][0]}\tregistered\t[]\t{customer_id}\t{moment}\n"
                )

        self._copy(
            RegistrationEvent,
            ["id", "customer_id", "registration_id", "product_id", "kind", "changed_fields", "actor_id", "created_at"],
            events(),
        )

    # --- orders --------------------------------------------------------------------

    def _orders(self, customers: _Customers) -> None:
        owners = self._owners(customers, self.counts["orders"], profile=PROFILE["orders"], export=EXPORT["orders"])
        plan = _OrderPlan(self, customers, owners, first_id=self._next_id(Order))
        self._copy(Order, ORDER_COLUMNS, plan.orders())
        self._copy(
            OrderLine,
            ["id", *LINE_COLUMNS, "order_id", "refunded_quantity", "serial_number", "download_url"],
            plan.lines(self._next_id(OrderLine)),
        )
        self._copy(
            OrderStatusChange,
            ["id", "order_id", "status", "changed_at"],
            plan.status_changes(self._next_id(OrderStatusChange)),
        )
        self._copy(
            Payment,
            ["id", "provider", "reference", "amount", "currency", "order_id", "paid_at"],
            plan.payments(self._next_id(Payment)),
        )
        counters = dict(DocumentCounter.objects.values_list("series", "last_number"))
        documents = plan.documents(self._next_id(Invoice), counters)
        self._copy(Invoice, INVOICE_COLUMNS, plan.invoices(documents))
        self._copy(
            InvoiceLine, ["id", *LINE_COLUMNS, "invoice_id"], plan.invoice_lines(documents, self._next_id(InvoiceLine))
        )
        self._copy(
            Refund,
            ["id", "provider", "reference", "amount", "currency", "order_id", "credit_note_id", "refunded_at"],
            plan.refunds(documents, self._next_id(Refund)),
        )
        self._save_counters(counters)

    def _save_counters(self, counters: dict[str, int]) -> None:
        for series, last_number in counters.items():
            DocumentCounter.objects.update_or_create(series=series, defaults={"last_number": last_number})

    # --- donations -----------------------------------------------------------------

    def _donations(self, customers: _Customers) -> None:
        rng = self.rng
        count = round(self.counts["orders"] * DONATIONS_PER_ORDER)
        donors = self._owners(customers, count, profile=2, export=5)
        # Receipts are numbered in the order donations came, each year's series after any
        # number already given.
        received = sorted((self._seconds_since(customers.joined_day[donor]), donor) for donor in donors)
        counters = dict(DocumentCounter.objects.values_list("series", "last_number"))
        first_id = self._next_id(Donation)

        def donations() -> Iterator[str]:
            for rank, (seconds, donor) in enumerate(received):
                at = _timestamp(self.day_text, seconds)
                series = f"{settings.BILLING_RECEIPT_PREFIX}-{at[:4]}"
                counters[series] = counters.get(series, 0) + 1
                name = f"{FIRST_NAMES[customers.first[donor]]} {_copy_text(LAST_NAMES[customers.last[donor]])}"
                yield (
                    f"{first_id + rank}\t{PROVIDERS[rank % 2]}\tdon_{first_id + rank}\t{rng.choice(DONATION_AMOUNTS)}\t"
                    f"EUR\t{customers.ids[donor]}\t{series}-{counters[series]:06d}\t{name}\t{rng.choice(CAMPAIGNS)}\t{at}\n"
                )

        columns = ["id", "provider", "reference", "amount", "currency", "customer_id", "receipt_number"]
        self._copy(Donation, [*columns, "donor_name", "campaign", "received_at"], donations())
        self._save_counters(counters)

    def _reset_sequences(self) -> None:
        # COPY wrote the ids; the sequences must start after them.
        models = [
            Customer,
            AccountEvent,
            MailingList,
            Subscription,
            SubscriptionEvent,
            Product,
            Registration,
            Configuration,
            RegistrationEvent,
            Order,
            OrderLine,
            OrderStatusChange,
            Payment,
            Invoice,
            InvoiceLine,
            Refund,
            Donation,
        ]
        with connection.cursor() as cursor:
            for model in models:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) "  # noqa: S608
                    f"FROM {table}"
                )


@dataclass(frozen=True)
class _Document:
    id: int
    kind: str
    series: str
    sequence: int
    issued: str
    order: int


class _OrderPlan:
    """The orders to generate, decided up front (owner, when, path, currency, basket), so that
    each table derived from them (lines, history, payments, invoices) is one pass over it."""

    def __init__(self, data: "BenchData", customers: _Customers, owners: array, *, first_id: int):
        rng = data.rng
        self.data, self.customers, self.owners = data, customers, owners
        path_weights = [share for *_rest, share in ORDER_PATHS]
        currency_weights = [share for *_rest, share in CURRENCIES]
        self.placed = array("q")
        self.paths = array("b")
        self.currencies = array("b")
        self.baskets: list[tuple[tuple[int, int], ...]] = []
        for owner in owners:
            # Its steps follow each other by an hour: the last one must be on the same day.
            self.placed.append(data._seconds_since(customers.joined_day[owner], latest=LAST_SECOND - 4 * 3600))
            skus = rng.sample(range(len(CATALOGUE)), rng.choice([1, 1, 1, 2, 2, 3]))
            self.baskets.append(tuple((sku, rng.choice([1, 1, 1, 2])) for sku in sorted(skus)))
            path = 0 if owner < PROFILE_COUNT else rng.choices(range(len(ORDER_PATHS)), path_weights)[0]
            if "shipped" in ORDER_PATHS[path][1] and not self._ships(len(self.baskets) - 1):
                path = SHIPLESS_PATH[path]
            self.paths.append(path)
            self.currencies.append(rng.choices(range(len(CURRENCIES)), currency_weights)[0])
        # Ids in the order the orders were placed.
        self.by_time = sorted(range(len(owners)), key=self.placed.__getitem__)
        self.ids = array("q", bytes(8 * len(owners)))
        for rank, order in enumerate(self.by_time):
            self.ids[order] = first_id + rank
        self._amounts: dict[tuple[int, int, int], tuple[Decimal, Decimal, Decimal]] = {}

    def _ships(self, order: int) -> bool:
        return any(CATALOGUE[sku][0] in PHYSICAL for sku, _quantity in self.baskets[order])

    def _line(self, sku: int, quantity: int, currency: int) -> tuple[Decimal, Decimal, Decimal]:
        key = (sku, quantity, currency)
        if key not in self._amounts:
            code, rate, _share = CURRENCIES[currency]
            amounts = line_amounts(
                quantity=quantity, unit_price=Decimal(CATALOGUE[sku][2]), vat_rate=Decimal(rate), currency=code
            )
            self._amounts[key] = (amounts.net, amounts.vat, amounts.gross)
        return self._amounts[key]

    def _totals(self, order: int) -> tuple[Decimal, Decimal, Decimal]:
        lines = [self._line(sku, quantity, self.currencies[order]) for sku, quantity in self.baskets[order]]
        net, vat = sum(line[0] for line in lines), sum(line[1] for line in lines)
        return net, vat, net + vat

    def _steps(self, order: int) -> list[tuple[str, str]]:
        # An hour between two steps of an order: its documents' dates stay in the day, and
        # their series in its year.
        start = self.placed[order]
        return [
            (status, _timestamp(self.data.day_text, start + 3600 * step))
            for step, status in enumerate(ORDER_PATHS[self.paths[order]][1])
        ]

    def _name(self, owner: int) -> str:
        customers = self.customers
        return f"{FIRST_NAMES[customers.first[owner]]} {_copy_text(LAST_NAMES[customers.last[owner]])}"

    def _address(self, owner: int) -> str:
        customers = self.customers
        postal_code, city, region, _country = PLACES[customers.place[owner]]
        street = f"{1 + customers.ids[owner] % 199} {STREETS[customers.street[owner]]}"
        return "\\n".join(part for part in (street, f"{postal_code} {city}", region) if part)

    def orders(self) -> Iterator[str]:
        for order in self.by_time:
            owner = self.owners[order]
            steps = self._steps(order)
            net, vat, gross = self._totals(order)
            name, address = self._name(owner), self._address(owner)
            country = PLACES[self.customers.place[owner]][3]
            shipping = f"{name}\t{address}\t{country}" if self._ships(order) else "\t\t"
            tracking = "\t\t"
            if "shipped" in ORDER_PATHS[self.paths[order]][1]:
                carrier, url = CARRIERS[order % len(CARRIERS)]
                number = f"6A{self.ids[order]:011d}"
                tracking = f"{carrier}\t{number}\t{url}{number}"
            yield (
                f"{self.ids[order]}\tWEB-{self.ids[order]}\t{self.customers.ids[owner]}\t"
                f"{CURRENCIES[self.currencies[order]][0]}\t{ORDER_PATHS[self.paths[order]][0]}\t{steps[0][1]}\t"
                f"{steps[-1][1]}\t{net}\t{vat}\t{gross}\t{name}\t{address}\t{country}\t{shipping}\t{tracking}\n"
            )

    def _line_values(self, order: int) -> Iterator[tuple[str, int]]:
        currency = self.currencies[order]
        rate = CURRENCIES[currency][1]
        for position, (sku, quantity) in enumerate(self.baskets[order], start=1):
            code, title, price = CATALOGUE[sku]
            net, vat, gross = self._line(sku, quantity, currency)
            yield f"{position}\t{code}\t{title}\t{quantity}\t{price}\t{rate}\t{net}\t{vat}\t{gross}", quantity

    def lines(self, first_id: int) -> Iterator[str]:
        line_id = first_id
        for order in self.by_time:
            refunded = ORDER_PATHS[self.paths[order]][0] == "refunded"
            for values, quantity in self._line_values(order):
                yield f"{line_id}\t{values}\t{self.ids[order]}\t{quantity if refunded else 0}\t\t\n"
                line_id += 1

    def status_changes(self, first_id: int) -> Iterator[str]:
        change_id = first_id
        for order in self.by_time:
            for status, at in self._steps(order):
                yield f"{change_id}\t{self.ids[order]}\t{status}\t{at}\n"
                change_id += 1

    def _paid(self) -> Iterator[int]:
        return (order for order in self.by_time if "paid" in ORDER_PATHS[self.paths[order]][1])

    def payments(self, first_id: int) -> Iterator[str]:
        for rank, order in enumerate(self._paid()):
            yield (
                f"{first_id + rank}\t{PROVIDERS[order % len(PROVIDERS)]}\tpay_{self.ids[order]}\t"
                f"{self._totals(order)[2]}\t{CURRENCIES[self.currencies[order]][0]}\t{self.ids[order]}\t"
                f"{self._steps(order)[1][1]}\n"
            )

    def documents(self, first_id: int, counters: dict[str, int]) -> list[_Document]:
        """Invoices (when paid) and credit notes (when refunded), numbered one after the other
        in each series (prefix and year) in the order they were issued, after any number
        already given; `counters` is left at each series' last number."""
        issued = []
        for order in self._paid():
            steps = self._steps(order)
            issued.append((steps[1][1], Invoice.Kind.INVOICE, order))
            if ORDER_PATHS[self.paths[order]][0] == "refunded":
                issued.append((steps[-1][1], Invoice.Kind.CREDIT_NOTE, order))
        issued.sort()
        documents = []
        for rank, (at, kind, order) in enumerate(issued):
            prefix = (
                settings.BILLING_INVOICE_PREFIX if kind == Invoice.Kind.INVOICE else settings.BILLING_CREDIT_NOTE_PREFIX
            )
            series = f"{prefix}-{at[:4]}"
            counters[series] = counters.get(series, 0) + 1
            documents.append(_Document(first_id + rank, kind, series, counters[series], at, order))
        return documents

    def invoices(self, documents: list[_Document]) -> Iterator[str]:
        seller = "\t".join(
            _copy_text(value)
            for value in (
                settings.BILLING_SELLER_NAME,
                "\n".join(settings.BILLING_SELLER_ADDRESS),
                settings.BILLING_SELLER_VAT_NUMBER,
                settings.BILLING_SELLER_REGISTRATION,
                settings.BILLING_SELLER_LEGAL_NOTICE,
            )
        )
        invoice_of = {document.order: document.id for document in documents if document.kind == Invoice.Kind.INVOICE}
        for document in documents:
            order, owner = document.order, self.owners[document.order]
            net, vat, gross = self._totals(order)
            if document.kind == Invoice.Kind.CREDIT_NOTE:
                corrects, paid_at, reason = invoice_of[order], NULL, "Returned"
            else:
                corrects, paid_at, reason = NULL, document.issued, ""
            yield (
                f"{document.id}\t{document.kind}\t{document.series}\t{document.sequence}\t"
                f"{document.series}-{document.sequence:06d}\t{self.ids[order]}\t{corrects}\t{document.issued}\t"
                f"{paid_at}\t{reason}\t{CURRENCIES[self.currencies[order]][0]}\t{net}\t{vat}\t{gross}\t{seller}\t"
                f"{self._name(owner)}\t{self._address(owner)}\t{PLACES[self.customers.place[owner]][3]}\t"
                f"{self.customers.numbers[owner]}\n"
            )

    def invoice_lines(self, documents: list[_Document], first_id: int) -> Iterator[str]:
        line_id = first_id
        for document in documents:
            for values, _quantity in self._line_values(document.order):
                yield f"{line_id}\t{values}\t{document.id}\n"
                line_id += 1

    def refunds(self, documents: list[_Document], first_id: int) -> Iterator[str]:
        credit_notes = [document for document in documents if document.kind == Invoice.Kind.CREDIT_NOTE]
        for rank, document in enumerate(credit_notes):
            order = document.order
            yield (
                f"{first_id + rank}\t{PROVIDERS[order % len(PROVIDERS)]}\tre_{self.ids[order]}\t"
                f"{self._totals(order)[2]}\t{CURRENCIES[self.currencies[order]][0]}\t{self.ids[order]}\t"
                f"{document.id}\t{document.issued}\n"
            )


def _timestamp(day_text: list[str], seconds: int) -> str:
    day, second = divmod(seconds, DAY_SECONDS)
    return f"{day_text[day]} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}+00"
