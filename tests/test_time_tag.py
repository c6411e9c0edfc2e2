"""{% time_tag %}: the date for people in the active language, ISO 8601 for machines."""

import datetime

from django.template import Context, Template
from django.utils import timezone, translation


def render(value, *args) -> str:
    arguments = " ".join(f'"{argument}"' for argument in args)
    return Template("{% load dates %}{% time_tag value " + arguments + " %}").render(Context({"value": value}))


def test_a_moment_shows_in_local_time_with_its_offset_for_machines(settings):
    settings.TIME_ZONE = "Europe/Paris"
    moment = datetime.datetime(2026, 11, 26, 14, 5, 9, 123456, tzinfo=datetime.UTC)
    with translation.override("en"), timezone.override("Europe/Paris"):
        english = render(moment)
    with translation.override("fr"), timezone.override("Europe/Paris"):
        french = render(moment, "DATE_FORMAT")

    assert english == '<time datetime="2026-11-26T15:05:09+01:00">Nov. 26, 2026, 3:05 p.m.</time>'
    assert french == '<time datetime="2026-11-26T15:05:09+01:00">26 novembre 2026</time>'


def test_a_day_and_nothing():
    with translation.override("en"):
        assert render(datetime.date(2027, 2, 4), "DATE_FORMAT") == '<time datetime="2027-02-04">Feb. 4, 2027</time>'
    assert render(None) == ""
