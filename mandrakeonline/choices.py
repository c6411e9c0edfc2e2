"""get_FOO_display() without rebuilding every choice on each call.

Django's version builds a dict of all the field's choices on every call, hashing each label:
a lazily translated label is translated to be hashed. A page listing ten history entries of a
field with twenty choices translated two hundred labels to show ten. Here the table of a
field's choices is built once (its labels left lazy) and only the label shown is translated,
in the language active at that moment.
"""

import functools

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


@functools.cache
def choice_labels(field) -> dict:
    """A field's choices, value -> label, labels left lazy (translated when shown)."""
    return {make_hashable(value): label for value, label in field.flatchoices}


class ChoiceLabels:
    """Model mixin (before models.Model in the bases): Django binds each field's
    get_FOO_display() to the class's _get_FIELD_display when the class is made."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(choice_labels(field).get(make_hashable(value), value), strings_only=True)
