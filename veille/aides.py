"""Import calls from the public API format of Aides-territoires (the State's catalogue of aid).

The source is a JSON file or an http(s) URL holding one page of the API: `{"count", "next",
"results": [...]}` (a bare list of records is read too). `next` is followed: another URL for a
URL source, a file beside the first one for a file source (offline dumps, tests).

Each record is one call, found again by its Aides-territoires id: a second import updates it
instead of duplicating it, and an identical record is left unchanged. A record with a missing id
or name, an unreadable date or dates in the wrong order is skipped with its reason; a record is
saved whole or not at all (one transaction each). Provenance is kept on the page: source, id,
link and the source's last update. `dry_run` reads and checks everything and saves nothing.
"""

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import Request, urlopen

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

from structures.models import Term, Vocabulary
from veille.models import (
    AppelKind,
    AppelPage,
    Funder,
    FunderKind,
    Recurrence,
    Scope,
    Source,
    Theme,
    VeilleIndexPage,
)
from website.imports import Action, ImportReport, Outcome
from website.models.pages import RICH_TEXT_FEATURES
from website.progress import Progress

SITE = "https://aides-territoires.beta.gouv.fr"
MAX_PAGE_BYTES = 20 * 1024 * 1024
MAX_PAGES = 500
MAX_TEXT = 100_000
TIMEOUT_SECONDS = 30
TITLE_LENGTH = 255

RECURRENCES = {
    "oneoff": Recurrence.ONE_OFF,
    "ongoing": Recurrence.PERMANENT,
    "recurring": Recurrence.RECURRING,
}
AUDIENCES = {
    "association": "ASSO",
    "commune": "MUNI",
    "epci": "EPCI",
    "department": "CD",
    "region": "REG",
}
SCALES = {
    "commune": Scope.COMMUNE,
    "epci": Scope.INTERCOMMUNAL,
    "department": Scope.DEPARTMENT,
    "region": Scope.REGION,
    "country": Scope.NATIONAL,
    "continent": Scope.EUROPE,
}
# A funder's kind, guessed from its name the first time the import meets it (facilitators
# correct it in the admin; later imports leave it as they set it).
FUNDER_KINDS = [
    (r"\b(union européenne|europ|feder|fse|leader)\b", FunderKind.EUROPE),
    (r"\b(caisse d.allocations familiales|caf)\b", FunderKind.CAF),
    (r"\brégion\b", FunderKind.REGION),
    (r"\b(département|conseil départemental)\b", FunderKind.DEPARTMENT),
    (r"\b(communauté|métropole|agglomération|intercommunal)", FunderKind.INTERCOMMUNAL),
    (r"\b(commune|mairie|ville)\b", FunderKind.COMMUNE),
    (r"\bfondation\b", FunderKind.FOUNDATION),
    (
        r"\b(ministère|agence nationale|anct|état|préfecture|banque des territoires|ademe)\b",
        FunderKind.STATE,
    ),
    (r"\b(sa|sas|entreprise|groupe)\b", FunderKind.COMPANY),
]


class SourceRefused(Exception):
    """The source as a whole cannot be read; the message is French."""


# --- Reading ---------------------------------------------------------------------------------


def _decode(data: bytes, where: str):
    if len(data) > MAX_PAGE_BYTES:
        raise SourceRefused(
            _("%(where)s dépasse %(limit)s Mo : découpez l'export.")
            % {"where": where, "limit": MAX_PAGE_BYTES // 1024 // 1024}
        )
    try:
        return json.loads(data.decode("utf-8-sig"))
    except json.JSONDecodeError as error:
        raise SourceRefused(
            _("%(where)s n'est pas du JSON lisible (ligne %(line)s, colonne %(column)s).")
            % {"where": where, "line": error.lineno, "column": error.colno}
        ) from None
    except UnicodeDecodeError as error:
        raise SourceRefused(
            _(
                "%(where)s n'est pas du JSON lisible (pas en UTF-8 : octet illisible à la "
                "position %(position)s)."
            )
            % {"where": where, "position": error.start}
        ) from None
    except (ValueError, RecursionError):
        # A number of thousands of digits, or lists nested thousands deep.
        raise SourceRefused(
            _("%(where)s n'est pas du JSON lisible (nombre démesuré ou imbrication sans fin).")
            % {"where": where}
        ) from None


def _fetch(url: str) -> bytes:
    request = Request(url, headers={"Accept": "application/json", "User-Agent": "Relais"})  # noqa: S310
    try:
        with urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http(s) only)
            return response.read(MAX_PAGE_BYTES + 1)
    except OSError as error:
        raise SourceRefused(
            _("Impossible de lire %(url)s : %(error)s") % {"url": url, "error": error}
        ) from None


def _is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def pages(source: str, report: ImportReport) -> Iterator[tuple[int, list]]:
    """Each page's number and records, following `next`."""
    seen = set()
    current: str | None = source
    number = 0
    while current and number < MAX_PAGES:
        number += 1
        if current in seen:
            report.note(_("La page suivante renvoie à une page déjà lue : lecture arrêtée."))
            return
        seen.add(current)
        if _is_url(current):
            data = _decode(_fetch(current), current)
        else:
            path = Path(current)
            if not path.is_file():
                raise SourceRefused(_("Le fichier %(path)s n'existe pas.") % {"path": current})
            if path.stat().st_size > MAX_PAGE_BYTES:
                _decode(b"x" * (MAX_PAGE_BYTES + 1), current)
            data = _decode(path.read_bytes(), current)
        if isinstance(data, list):
            yield number, data
            return
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise SourceRefused(
                _("%(where)s n'a pas la forme de l'API Aides-territoires (une liste « results »).")
                % {"where": current}
            )
        yield number, data["results"]
        current = _next(current, data.get("next"), report)
    if current:
        report.note(_("Plus de %(max)s pages : la suite n'a pas été lue.") % {"max": MAX_PAGES})


def _next(current: str, following, report: ImportReport) -> str | None:
    if not following:
        return None
    following = str(following)
    if _is_url(current):
        target = urljoin(current, following)
        if urlsplit(target).netloc != urlsplit(current).netloc:
            report.note(_("Page suivante sur un autre site, non lue : %(url)s") % {"url": target})
            return None
        return target
    if _is_url(following):
        report.note(
            _("Page suivante en ligne, non lue depuis un fichier : %(url)s") % {"url": following}
        )
        return None
    target = Path(current).parent / following
    if ".." in Path(following).parts or Path(following).is_absolute():
        report.note(
            _("Page suivante hors du dossier du fichier, non lue : %(path)s") % {"path": following}
        )
        return None
    return str(target)


# --- One record ------------------------------------------------------------------------------


class RecordRefused(Exception):
    pass


def _text(value, limit: int = MAX_TEXT) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise RecordRefused(_("un champ texte contient autre chose que du texte"))
    text = str(value).replace("\x00", "").strip()
    if len(text) > limit:
        raise RecordRefused(_("un texte dépasse %(limit)s caractères") % {"limit": limit})
    return text


def _html(value, features=RICH_TEXT_FEATURES) -> str:
    """HTML from the source, reduced to what the page's rich text allows (no script, no style,
    no javascript: link)."""
    text = _text(value)
    if not text:
        return ""
    if "<" not in text:
        text = "".join(f"<p>{line}</p>" for line in text.split("\n") if line.strip())
    return EditorHTMLConverter(features=features).to_database_format(text)


def _date(value, label: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise RecordRefused(
            _("%(label)s illisible (« %(value)s »)") % {"label": label, "value": str(value)[:40]}
        ) from None


def _url(value, outcome: Outcome, label: str) -> str:
    text = _text(value, 500)
    if not text:
        return ""
    if text.startswith("/"):
        text = SITE + text
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        outcome.flag(
            _("%(label)s invalide, non gardé : %(value)s") % {"label": label, "value": text[:80]}
        )
        return ""
    return text


def _rate(value, outcome: Outcome) -> int | None:
    if value in (None, ""):
        return None
    try:
        rate = round(float(value))
    except (TypeError, ValueError, OverflowError):  # OverflowError: an infinite rate
        rate = -1
    if not 0 <= rate <= 100:
        outcome.flag(
            _("taux « %(value)s » hors de 0 à 100, non gardé") % {"value": str(value)[:20]}
        )
        return None
    return rate


def _names(value) -> list[str]:
    if not isinstance(value, list):
        return []
    names = []
    for item in value:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.replace("\x00", "").strip():
            names.append(name.replace("\x00", "").strip()[:200])
    return names


def _kind(raw: dict, title: str) -> str:
    lowered = title.lower()
    if "manifestation d'intérêt" in lowered or re.search(r"\bami\b", lowered):
        return AppelKind.CALL_FOR_INTEREST
    if re.search(r"\b(prix|trophées?)\b", lowered):
        return AppelKind.PRIZE
    if raw.get("is_call_for_project"):
        return AppelKind.CALL_FOR_PROJECTS
    return AppelKind.STANDING_GRANT


def funder_kind(name: str) -> str:
    lowered = name.lower()
    for pattern, kind in FUNDER_KINDS:
        if re.search(pattern, lowered):
            return kind
    return FunderKind.OTHER


def read_record(raw, outcome: Outcome, context: dict) -> dict:
    """The page's fields and relations from one record; RecordRefused says why not."""
    if not isinstance(raw, dict):
        raise RecordRefused(_("l'enregistrement n'est pas un objet JSON"))
    source_id = _text(raw.get("id"), 100)
    if not source_id:
        raise RecordRefused(_("il n'a pas d'identifiant (« id »)"))
    outcome.key = source_id
    title = _text(raw.get("name"), 2000)
    if not title:
        raise RecordRefused(_("il n'a pas de nom (« name »)"))
    if len(title) > TITLE_LENGTH:
        outcome.flag(_("nom raccourci à %(max)s caractères") % {"max": TITLE_LENGTH})
        title = title[: TITLE_LENGTH - 1] + "…"
    outcome.label = title
    opening = _date(raw.get("start_date"), _("date d'ouverture"))
    predeposit = _date(raw.get("predeposit_date"), _("date de pré-dépôt"))
    deadline = _date(raw.get("submission_deadline"), _("date limite"))
    if opening and deadline and deadline < opening:
        raise RecordRefused(_("sa date limite précède son ouverture"))
    if predeposit and deadline and predeposit > deadline:
        raise RecordRefused(_("son pré-dépôt vient après sa date limite"))
    recurrence = RECURRENCES.get(str(raw.get("recurrence") or ""), Recurrence.ONE_OFF)
    rate_min = _rate(raw.get("subvention_rate_lower_bound"), outcome)
    rate_max = _rate(raw.get("subvention_rate_upper_bound"), outcome)
    if rate_min is not None and rate_max is not None and rate_max < rate_min:
        rate_min, rate_max = rate_max, rate_min
    try:
        updated = (
            parse_datetime(str(raw.get("date_updated") or "")) if raw.get("date_updated") else None
        )
    except ValueError:  # well formed but impossible: 2026-13-45T10:00
        updated = None
    if updated is not None and timezone.is_naive(updated):
        updated = timezone.make_aware(updated)
    categories = [
        part.strip() for name in _names(raw.get("categories")) for part in re.split(r"[|>/]", name)
    ]
    themes = {slugify(part) for part in categories} & context["theme_slugs"]
    audiences = [
        AUDIENCES[code] for code in _names(raw.get("targeted_audiences")) if code in AUDIENCES
    ]
    scale = raw.get("perimeter_scale")
    perimeter = raw.get("perimeter")
    if isinstance(perimeter, dict):
        scale = scale or perimeter.get("scale")
        perimeter = perimeter.get("name")
    return {
        "fields": {
            "title": title,
            "summary": _text(raw.get("short_title"), 300),
            "kind": _kind(raw, title),
            "recurrence": recurrence,
            "opening_date": opening,
            "predeposit_date": predeposit,
            "deadline": deadline,
            "rate_min": rate_min,
            "rate_max": rate_max,
            "scope": SCALES.get(str(scale or "").lower(), ""),
            "perimeter": _text(perimeter, 200) if isinstance(perimeter, str) else "",
            "description": _html(raw.get("description")),
            "eligibility": _html(raw.get("eligibility")),
            "contact": _html(raw.get("contact"), features=["bold", "italic", "link"]),
            "official_url": _url(raw.get("origin_url"), outcome, _("lien officiel")),
            "application_url": _url(raw.get("application_url"), outcome, _("lien de candidature")),
            "source": Source.AIDES_TERRITOIRES,
            "source_id": source_id,
            "source_url": _url(raw.get("url"), outcome, _("lien vers la fiche")),
            "source_updated_at": updated,
        },
        "slug": slugify(_text(raw.get("slug"), 500) or title)[:70] or "appel",
        "funders": _names(raw.get("financers")),
        "themes": sorted(themes),
        "typologies": audiences,
    }


# --- Saving ----------------------------------------------------------------------------------


def _relations(page: AppelPage) -> tuple:
    return (
        sorted(funder.name for funder in page.funders.all()),
        sorted(theme.slug for theme in page.themes.all()),
        sorted(term.code for term in page.terms.all()),
    )


def _same(page: AppelPage, record: dict) -> bool:
    fields = record["fields"]
    return all(getattr(page, name) == value for name, value in fields.items()) and _relations(
        page
    ) == (sorted(record["funders"]), record["themes"], sorted(record["typologies"]))


def _funders(names: list[str], outcome: Outcome) -> list[Funder]:
    funders = []
    for name in names:
        funder = Funder.objects.filter(name__iexact=name).first()
        if funder is None:
            funder = Funder.objects.create(name=name, kind=funder_kind(name))
            outcome.note(
                _("financeur ajouté : %(name)s (%(kind)s)")
                % {"name": name, "kind": funder.get_kind_display()}
            )
        funders.append(funder)
    return funders


def _free_slug(parent, slug: str, source_id: str) -> str:
    if not AppelPage.objects.child_of(parent).filter(slug=slug).exists():
        return slug
    return f"{slug}-{slugify(source_id)[:20]}"


def save_record(record: dict, outcome: Outcome, parent: VeilleIndexPage) -> None:
    fields = record["fields"]
    page = AppelPage.objects.filter(
        source=Source.AIDES_TERRITOIRES, source_id=fields["source_id"]
    ).first()
    if page is not None and _same(page, record):
        outcome.action = Action.UNCHANGED
        return
    if page is None:
        page = AppelPage(slug=_free_slug(parent, record["slug"], fields["source_id"]))
        outcome.action = Action.CREATED
    else:
        outcome.action = Action.UPDATED
    for name, value in fields.items():
        setattr(page, name, value)
    page.funders = _funders(record["funders"], outcome)
    page.themes = list(Theme.objects.filter(slug__in=record["themes"]))
    page.terms = list(
        Term.objects.filter(vocabulary=Vocabulary.TYPOLOGIE, code__in=record["typologies"])
    )
    # Saving runs the page's own validation (Page.save and save_revision clean it first).
    if page.pk is None:
        parent.add_child(instance=page)
    page.save_revision().publish()


class _DryRun(Exception):
    pass


def _import_record(raw, outcome: Outcome, context: dict, parent: VeilleIndexPage) -> None:
    try:
        record = read_record(raw, outcome, context)
        with transaction.atomic():
            save_record(record, outcome, parent)
    except RecordRefused as reason:
        outcome.skip(_("Ignoré : %(reason)s") % {"reason": reason})
    except ValidationError as error:
        outcome.skip(_("Ignoré : %(reason)s") % {"reason": " ; ".join(error.messages)})
    except DatabaseError:
        # Its savepoint is rolled back: the others go on.
        outcome.skip(_("Ignoré : la base de données a refusé une de ses valeurs."))


def import_aides(source: str, *, dry_run: bool = False) -> ImportReport:
    """Read and save every record of `source`; the report says what happened to each."""
    report = ImportReport(source=source, dry_run=dry_run)
    parent = VeilleIndexPage.objects.first()
    if parent is None:
        raise SourceRefused(_("La page « Veille financements » n'existe pas : lancez setup_site."))
    context = {"theme_slugs": set(Theme.objects.values_list("slug", flat=True))}
    for page_number, records in pages(source, report):
        # One transaction per page of the API: no write lock is held while the next page is
        # fetched, and what a page saved stays when a later page is refused (records are found
        # again by their id, so the next run completes the import without duplicates).
        progress = Progress(f"Aides-territoires, page {page_number}", len(records))
        try:
            with transaction.atomic():
                for index, raw in enumerate(records, start=1):
                    where = _("page %(page)s, enregistrement %(index)s") % {
                        "page": page_number,
                        "index": index,
                    }
                    _import_record(raw, report.outcome(where), context, parent)
                    progress.advance()
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        progress.finish()
    return report
