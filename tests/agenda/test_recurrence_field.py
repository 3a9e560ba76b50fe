"""Recurrence edited in plain French: the controls compile to RRULE strings and back."""

from datetime import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from django import forms
from django.http import QueryDict

from agenda.recurrence import describe
from agenda.recurrence_field import (
    Recurrence,
    RecurrenceField,
    RecurrenceWidget,
    Repeat,
    check_against_start,
    with_recurrence,
)

PARIS = ZoneInfo("Europe/Paris")
# Friday 23 October 2026, 9 h in Paris.
START = "2026-10-23 09:00"


class EventForm(forms.Form):
    start = forms.DateTimeField()
    recurrence = RecurrenceField()

    def clean(self):
        cleaned = super().clean()
        check_against_start(self)
        return cleaned


def posted(start: str = START, **controls) -> QueryDict:
    """What a browser posts for these controls (lists for the day checkboxes)."""
    data = QueryDict(mutable=True)
    data["start"] = start
    controls.setdefault("repeat", "")
    for key, value in controls.items():
        data.setlist(f"recurrence_{key}", value if isinstance(value, list) else [value])
    return data


def submit(**controls) -> EventForm:
    form = EventForm(posted(**controls))
    form.is_valid()
    return form


class FormValues(HTMLParser):
    """The values a browser would submit from rendered controls."""

    def __init__(self):
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input":
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.values.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self._select, self._options = attrs["name"], []
        elif tag == "option":
            self._options.append((attrs["value"], "selected" in attrs))

    def handle_endtag(self, tag):
        if tag == "select":
            chosen = [value for value, selected in self._options if selected]
            self.values.append((self._select, (chosen or [self._options[0][0]])[0]))


def browser_values(html: str) -> QueryDict:
    parser = FormValues()
    parser.feed(html)
    data = QueryDict(mutable=True)
    data["start"] = START
    for name, value in parser.values:
        data.appendlist(name, value)
    return data


def render(rule: str) -> str:
    return RecurrenceWidget().render("recurrence", rule, {"id": "id_recurrence"})


KINDS = [
    ({"repeat": ""}, ""),
    ({"repeat": "daily"}, "FREQ=DAILY"),
    ({"repeat": "weekly", "days": ["FR"]}, "FREQ=WEEKLY;BYDAY=FR"),
    ({"repeat": "weeks", "interval": "3", "days": ["WE"]}, "FREQ=WEEKLY;INTERVAL=3;BYDAY=WE"),
    ({"repeat": "monthday"}, "FREQ=MONTHLY"),
    ({"repeat": "nth", "ordinal": "3", "weekday": "WE"}, "FREQ=MONTHLY;BYDAY=3WE"),
    ({"repeat": "nth", "ordinal": "-1", "weekday": "FR"}, "FREQ=MONTHLY;BYDAY=-1FR"),
    ({"repeat": "yearly"}, "FREQ=YEARLY"),
    (
        {"repeat": "daily", "end": "until", "until": "2026-12-18"},
        "FREQ=DAILY;UNTIL=20261218T235959",
    ),
    ({"repeat": "yearly", "end": "count", "count": "5"}, "FREQ=YEARLY;COUNT=5"),
]


@pytest.mark.parametrize(("controls", "rule"), KINDS)
def test_every_repetition_compiles_to_its_rule_and_renders_back_to_the_same_controls(
    controls, rule
):
    form = submit(**controls)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["recurrence"] == rule
    assert Recurrence.from_rrule(rule).to_rrule() == rule
    # Rendered, then posted back untouched as a browser would: the same rule.
    again = EventForm(browser_values(render(rule)))
    assert again.is_valid(), again.errors
    assert again.cleaned_data["recurrence"] == rule


@pytest.mark.parametrize(
    ("controls", "rule", "french"),
    [
        ({"repeat": "weekly", "days": ["FR"]}, "FREQ=WEEKLY;BYDAY=FR", "chaque vendredi"),
        (
            {"repeat": "weeks", "interval": "2", "days": ["TH", "TU"]},
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
            "toutes les 2 semaines le mardi et jeudi",
        ),
        (
            {"repeat": "nth", "ordinal": "1", "weekday": "MO"},
            "FREQ=MONTHLY;BYDAY=1MO",
            "le premier lundi du mois",
        ),
        (
            {"repeat": "weekly", "days": ["FR"], "end": "until", "until": "30/06/2027"},
            "FREQ=WEEKLY;BYDAY=FR;UNTIL=20270630T235959",
            "chaque vendredi, jusqu'au 30/06/2027",
        ),
        (
            {"repeat": "weekly", "days": ["FR"], "end": "count", "count": "10"},
            "FREQ=WEEKLY;BYDAY=FR;COUNT=10",
            "chaque vendredi, 10 fois",
        ),
    ],
)
def test_the_issue_s_examples_compile_and_read_back_in_french(controls, rule, french):
    form = submit(**controls)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["recurrence"] == rule
    assert describe(rule) == french


def test_an_end_date_includes_the_sessions_of_that_day():
    from agenda.recurrence import PARIS as AGENDA_PARIS
    from agenda.recurrence import expand

    rule = submit(repeat="weekly", days=["WE"], end="until", until="2027-06-30")
    start = datetime(2027, 6, 2, 9, tzinfo=AGENDA_PARIS)
    sessions = expand(
        start=start,
        rule=rule.cleaned_data["recurrence"],
        window_start=start,
        window_end=datetime(2027, 12, 31, tzinfo=AGENDA_PARIS),
    )
    assert sessions[-1] == datetime(2027, 6, 30, 9, tzinfo=AGENDA_PARIS)


def test_weekly_without_a_day_ticked_repeats_on_the_start_s_weekday():
    form = submit(repeat="weekly")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["recurrence"] == "FREQ=WEEKLY;BYDAY=FR"
    form = submit(start="2026-10-20 14:00", repeat="weeks", interval="2", end="count", count="6")
    assert form.cleaned_data["recurrence"] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=6"


def test_only_the_chosen_repetition_s_controls_make_the_rule():
    form = submit(repeat="monthday", days=["MO", "TU"], interval="4", end="never", count="3")
    assert form.cleaned_data["recurrence"] == "FREQ=MONTHLY"
    assert submit(repeat="", days=["MO"], end="count", count="3").cleaned_data["recurrence"] == ""


@pytest.mark.parametrize(
    ("controls", "message"),
    [
        ({"repeat": "weeks", "interval": "0"}, "entre 1 et 52"),
        ({"repeat": "weeks", "interval": "53"}, "entre 1 et 52"),
        ({"repeat": "weeks", "interval": "-2"}, "entre 1 et 52"),
        ({"repeat": "weeks", "interval": ""}, "toutes les combien de semaines"),
        ({"repeat": "daily", "end": "count", "count": "0"}, "entre 1 et 1000"),
        ({"repeat": "daily", "end": "count", "count": "1001"}, "entre 1 et 1000"),
        ({"repeat": "daily", "end": "count", "count": "9" * 5000}, "entre 1 et 1000"),
        ({"repeat": "daily", "end": "count"}, "Indiquez le nombre de fois"),
        ({"repeat": "daily", "end": "until", "until": ""}, "Indiquez la date de fin"),
        ({"repeat": "daily", "end": "until", "until": "31/02/2027"}, "Date de fin illisible"),
        ({"repeat": "daily", "end": "until", "until": "9999-12-31"}, "entre 2000 et 2100"),
        (
            {"repeat": "daily", "end": "until", "until": "2026-10-22"},
            "doit finir après le début de l'événement (le 23/10/2026)",
        ),
    ],
)
def test_bad_input_gets_a_clear_french_message_on_the_field(controls, message):
    form = submit(**controls)
    assert not form.is_valid()
    assert any(message in error for error in form.errors["recurrence"])
    assert "recurrence" not in form.cleaned_data


def test_an_end_on_the_start_s_day_is_one_session_and_allowed():
    form = submit(repeat="daily", end="until", until="2026-10-23")
    assert form.cleaned_data["recurrence"] == "FREQ=DAILY;UNTIL=20261023T235959"


@pytest.mark.parametrize(
    ("controls", "message"),
    [
        ({"repeat": "FREQ=SECONDLY"}, "Choisissez une répétition dans la liste"),
        ({"repeat": "weekly", "days": ["FR", "FREQ=SECONDLY"]}, "Cochez des jours"),
        ({"repeat": "weeks", "interval": "1;FREQ=SECONDLY"}, "entre 1 et 52"),
        ({"repeat": "nth", "ordinal": "5"}, "premier, deuxième"),
        ({"repeat": "nth", "weekday": "XX"}, "jour de la semaine"),
        ({"repeat": "daily", "end": "forever"}, "comment la répétition se termine"),
        ({"repeat": "keep", "kept": "FREQ=SECONDLY"}, "quotidienne, hebdomadaire"),
        ({"repeat": "keep", "kept": "FREQ=DAILY;BYHOUR=8,9,10"}, "plus de 1000 dates"),
        ({"repeat": "keep", "kept": "FREQ=DAILY;X-EVIL=1"}, "illisible"),
        ({"repeat": "keep", "kept": "FREQ=DAILY;COUNT=2;UNTIL=20270101"}, "pas les deux"),
        ({"repeat": "keep", "kept": "FREQ=DAILY;BYDAY=<script>"}, "illisible"),
        ({"repeat": "keep", "kept": "FREQ=WEEKLY;" + "BYDAY=MO;" * 60}, "500 caractères"),
        ({"repeat": "keep", "kept": ""}, "pas de règle à garder"),
    ],
)
def test_hostile_sub_inputs_are_refused_and_never_stored(controls, message):
    form = submit(**controls)
    assert not form.is_valid()
    assert any(message in error for error in form.errors["recurrence"]), form.errors
    assert "recurrence" not in form.cleaned_data


def test_a_hostile_kept_rule_is_ignored_once_another_repetition_is_chosen():
    form = submit(repeat="weekly", days=["FR"], kept="FREQ=SECONDLY")
    assert form.cleaned_data["recurrence"] == "FREQ=WEEKLY;BYDAY=FR"


def test_a_rule_the_controls_cannot_show_is_described_kept_and_replaced_only_on_request():
    rule = "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"
    html = render(rule)
    assert "Règle actuelle" in html
    assert describe(rule) in html
    assert 'value="keep" selected' in html
    assert "ne savent pas montrer cette règle" in html
    kept = EventForm(browser_values(html))
    assert kept.is_valid(), kept.errors
    assert kept.cleaned_data["recurrence"] == rule
    changed = browser_values(html)
    changed["recurrence_repeat"] = "yearly"
    replaced = EventForm(changed)
    assert replaced.is_valid(), replaced.errors
    assert replaced.cleaned_data["recurrence"] == "FREQ=YEARLY"


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MONTHLY;BYMONTH=1,7",
        "FREQ=MONTHLY;INTERVAL=3",
        "FREQ=MONTHLY;BYMONTHDAY=15",
        "FREQ=DAILY;INTERVAL=2",
        "FREQ=WEEKLY;BYDAY=FR;UNTIL=20270630T120000",
        "FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=SU",
    ],
)
def test_rules_beyond_the_controls_are_kept_unchanged(rule):
    assert Recurrence.from_rrule(rule).repeat == Repeat.KEEP
    form = EventForm(browser_values(render(rule)))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["recurrence"] == rule


def test_a_stored_rule_with_markup_is_shown_escaped():
    html = render('FREQ=WEEKLY;BYDAY=FR"><script>alert(1)</script>')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_every_control_has_a_visible_label_or_legend():
    class Labels(HTMLParser):
        def __init__(self):
            super().__init__()
            self.controls, self.labelled, self.fieldsets, self.legends = [], set(), 0, 0

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag in ("input", "select") and attrs.get("type") != "hidden":
                self.controls.append(attrs["id"])
            elif tag == "label":
                self.labelled.add(attrs["for"])
            self.fieldsets += tag == "fieldset"
            self.legends += tag == "legend"

    for rule in ("", "FREQ=MONTHLY;BYSETPOS=1;BYDAY=MO"):
        parser = Labels()
        parser.feed(render(rule))
        # Seven days; repetition, interval, ordinal, weekday, end date, count; three ends.
        assert len(parser.controls) == 7 + 6 + 3
        assert set(parser.controls) <= parser.labelled
        assert parser.fieldsets == parser.legends == 3
    html = render("")
    for text in ("Répétition", "Les jours", "Intervalle", "Fin de la répétition", "jamais"):
        assert text in html


def test_a_rule_posted_as_plain_text_is_read_and_written_in_the_controls_form():
    data = QueryDict(mutable=True)
    data.update({"start": START, "recurrence": "rrule:freq=weekly;byday=fr;until=20270630"})
    form = EventForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["recurrence"] == "FREQ=WEEKLY;BYDAY=FR;UNTIL=20270630T235959"
    data["recurrence"] = "FREQ=SECONDLY"
    assert not EventForm(data).is_valid()


def test_a_form_without_the_controls_leaves_the_value_alone():
    widget = RecurrenceWidget()
    assert widget.value_omitted_from_data({}, {}, "recurrence")
    assert not widget.value_omitted_from_data({"recurrence_repeat": ""}, {}, "recurrence")


def test_the_field_says_whether_the_rule_changed():
    field = RecurrenceField()
    same = {"repeat": "weekly", "days": ["FR"]}
    assert not field.has_changed("FREQ=WEEKLY;BYDAY=FR", same)
    assert field.has_changed("FREQ=WEEKLY;BYDAY=FR", {"repeat": "weekly", "days": ["MO"]})
    assert field.has_changed("", {"repeat": "bogus"})


def test_with_recurrence_gives_any_form_the_controls_and_the_start_checks():
    class Plain(forms.Form):
        start = forms.DateTimeField()
        recurrence = forms.CharField(required=False)

    form_class = with_recurrence(Plain)
    assert isinstance(form_class.base_fields["recurrence"], RecurrenceField)
    form = form_class(posted(repeat="weekly", end="until", until="2026-12-31"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["recurrence"] == "FREQ=WEEKLY;BYDAY=FR;UNTIL=20261231T235959"
    early = form_class(posted(repeat="weekly", end="until", until="2026-01-01"))
    assert not early.is_valid()
    assert "doit finir après le début" in early.errors["recurrence"][0]


def test_the_start_s_weekday_is_read_in_paris_time():
    field = RecurrenceField()
    # 23:30 UTC on Thursday is already Friday in Paris.
    start = datetime(2026, 10, 22, 22, 30, tzinfo=ZoneInfo("UTC"))
    assert field.clean_with_start("FREQ=WEEKLY", start) == "FREQ=WEEKLY;BYDAY=FR"
    assert start.astimezone(PARIS).weekday() == 4
