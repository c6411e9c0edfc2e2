"""Several querysets in one round trip to PostgreSQL.

A page made of independent sections (the account overview) would run one query per section,
each paying a round trip and Django's cost per query. ``fetch_together`` runs them as a
single SELECT: each queryset becomes one column, ARRAY(SELECT ... FROM (<its SQL>)), whose
elements are its rows with every value as JSON text. Each value is read back into what the
database driver would have returned for its column, then Django's own machinery (its
converters, and the populators of select_related) makes the model instances, so the
querysets give exactly the objects they give alone.
"""

import json
from collections.abc import Callable, Hashable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.utils.dateparse import parse_date, parse_datetime


def _date(text: str):
    return parse_date(json.loads(text))


def _datetime(text: str):
    return parse_datetime(json.loads(text))


# How the JSON text of a value becomes what psycopg2 returns for the column; JSON's own
# types (strings, numbers, booleans, arrays) need nothing more.
_READERS: dict[str, Callable[[str], Any]] = {
    "DateTimeField": _datetime,
    "DateField": _date,
    "DecimalField": Decimal,  # a JSON number's text is a Decimal literal, exact to the last digit
    # psycopg2 gives Django a JSONField's text, which the field's own converter parses.
    "JSONField": str,
}
_UNSUPPORTED = {"BinaryField", "DurationField", "TimeField", "UUIDField"}

K = TypeVar("K", bound=Hashable)


def _reader(output_field) -> Callable[[str], Any]:
    internal_type = output_field.get_internal_type()
    if internal_type in _UNSUPPORTED:
        raise ValueError(f"fetch_together does not read {internal_type} columns")
    return _READERS.get(internal_type, json.loads)


def _check(queryset: QuerySet) -> None:
    if queryset._iterable_class is not ModelIterable:
        raise ValueError("fetch_together takes querysets of model instances, not values()")
    if queryset._prefetch_related_lookups or queryset._known_related_objects:
        raise ValueError("fetch_together takes select_related, not prefetch_related or related managers")


def _instances(compiler, rows: list[list[str | None]]) -> list:
    readers = [_reader(expression.output_field) for expression, _sql, _alias in compiler.select]
    values = [[None if text is None else read(text) for read, text in zip(readers, row, strict=True)] for row in rows]
    # From here on, as Django's ModelIterable does with the rows of a cursor.
    klass_info = compiler.klass_info
    select_fields = klass_info["select_fields"]
    start, end = select_fields[0], select_fields[-1] + 1
    init_list = [column[0].target.attname for column in compiler.select[start:end]]
    populators = get_related_populators(klass_info, compiler.select, compiler.using)
    instances = []
    for row in compiler.results_iter(results=[values]):
        instance = klass_info["model"].from_db(compiler.using, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, instance)
        for name, position in compiler.annotation_col_map.items():
            setattr(instance, name, row[position])
        instances.append(instance)
    return instances


def fetch_together(querysets: Mapping[K, QuerySet]) -> dict[K, list]:
    """Evaluate the querysets in one query; each key gets the list its queryset would give."""
    if not querysets:
        return {}
    databases = {queryset.db for queryset in querysets.values()}
    if len(databases) != 1:
        raise ValueError("fetch_together runs its querysets on one database")
    connection = connections[databases.pop()]
    columns, params, compilers = [], [], {}
    for key, queryset in querysets.items():
        _check(queryset)
        compiler = queryset.query.get_compiler(connection=connection)
        try:
            sql, query_params = compiler.as_sql(with_col_aliases=True)
        except EmptyResultSet:
            continue  # .none(), or a filter on an empty list: nothing to ask the database
        values = ", ".join(f"to_json(r.{connection.ops.quote_name(alias)})::text" for _e, _s, alias in compiler.select)
        # ARRAY(subquery) keeps the subquery's order, so ORDER BY and LIMIT hold. The SQL is
        # Django's own for the queryset, its parameters passed apart.
        columns.append(f"ARRAY(SELECT ARRAY[{values}] FROM ({sql}) AS r)")  # noqa: S608
        params.extend(query_params)
        compilers[key] = compiler
    found: dict[K, list] = {key: [] for key in querysets}
    if compilers:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(columns), params)
            arrays = cursor.fetchone()
        for (key, compiler), rows in zip(compilers.items(), arrays, strict=True):
            found[key] = _instances(compiler, rows)
    return found
