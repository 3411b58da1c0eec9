"""Load and check the catalogue: every YAML file under ``data/`` (plus a user's extra file or
folder), validated by the schema, then checked for references between entries.

Every problem is reported as ``file:line: field: what is wrong``; all problems of a load are
collected before :class:`CatalogueError` is raised, so that one run shows them all.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from passend.catalogue.schema import (
    Activity,
    AppliesTo,
    Bottleneck,
    CatalogueFile,
    ContractForm,
    Dated,
    Document,
    Exemption,
    FinancerKind,
    Law,
    Meta,
    PolicyDefault,
    Professional,
    ProviderKind,
    Route,
    Sector,
    Setting,
    Source,
    Specialty,
    Tariff,
    TariffOverride,
    Title,
)
from passend.messages import Message

DATA_DIR = Path(__file__).parent / "data"
_FAST_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
EXTRA_ENV = "PASSEND_CATALOGUE_EXTRA"
"""Environment variable naming a user's extra catalogue file or folder (e.g. tariff overrides)."""

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)
YearStatus = Literal["reviewed", "announced"]
"""reviewed: a year of the catalogue's reviewed range; announced: a later year whose rules the
catalogue holds as announced, not final (``meta.announced``)."""


@dataclass(frozen=True)
class CatalogueIssue:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.field or '(file)'}: {self.message}"


class CatalogueError(Exception):
    """The catalogue could not be loaded; ``issues`` says where and why."""

    def __init__(self, issues: list[CatalogueIssue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


class UnknownIdError(ValueError):
    """A query names an id the catalogue does not know; ``suggestions`` are the closest valid
    ones (or the first few when none is close)."""

    def __init__(self, kind: str, value: str, known: list[str]):
        self.kind = kind
        self.value = value
        self.suggestions = get_close_matches(value, known, n=5, cutoff=0.5)
        if not self.suggestions:
            self.suggestions = sorted(known)[:8]
        self.message = Message("unknown_kind_id", kind=kind, value=value, names=self.suggestions)
        super().__init__(self.message)


class YearError(ValueError):
    """A year outside the catalogue's reviewed range that is not an announced year: its rules
    were never reviewed, so nothing can be answered or priced for it. ``text(lang, what)``
    is the message in a language (``what``: how the year was given, e.g. ``--year``)."""

    def __init__(self, year: int, meta: Meta):
        self.year = year
        self.first = meta.first_year
        self.last = meta.last_year
        self.announced = [a.year for a in meta.announced]
        super().__init__(self.text("en"))

    def text(self, lang: str, what: str = "year") -> str:
        return _year_refused(lang, what, self.year, self.first, self.last, self.announced)

    def message(self, what: dict[str, str]) -> Message:
        """The refusal as a file's issue (``CatalogueIssue.message``), shown in the user's
        language; ``what``: how the year was given, per language."""
        return YearRefusal(what, self.year, self.first, self.last, self.announced)


def _year_refused(
    lang: str, what: str, year: int, first: int, last: int, announced: list[int]
) -> str:
    from passend.i18n import YEAR_TEXT

    t = YEAR_TEXT["en" if lang == "en" else "nl"]
    years = ", ".join(map(str, announced))
    return t["refused"].format(
        what=what,
        year=year,
        first=first,
        last=last,
        announced=t["refused_announced"].format(years=years) if years else "",
    )


class YearRefusal(Message):
    """:class:`YearError`'s text as a :class:`passend.messages.Message` (one text, in
    ``passend.i18n.YEAR_TEXT``), for a file that names a year the catalogue cannot answer."""

    def __new__(  # type: ignore[misc]
        cls, what: dict[str, str], year: int, first: int, last: int, announced: list[int]
    ) -> YearRefusal:
        params = {"year": year, "first": first, "last": last, "announced": list(announced)}
        self = str.__new__(cls, _year_refused("en", what["en"], **params))
        self.id = "year_refused"
        self.params = {"what": dict(what), **params}
        self.english = None
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        p = self.params
        return (YearRefusal, (p["what"], p["year"], p["first"], p["last"], p["announced"]))

    def in_lang(self, lang: str) -> str:
        p = self.params
        what = p["what"].get(lang, p["what"]["en"])
        return _year_refused(lang, what, p["year"], p["first"], p["last"], p["announced"])


@dataclass
class Catalogue:
    """The merged, checked catalogue. Dictionaries are keyed by id (titles by code)."""

    meta: Meta
    documents: dict[str, Document]
    laws: dict[str, Law]
    financer_kinds: dict[str, FinancerKind]
    settings: dict[str, Setting]
    specialties: dict[str, Specialty]
    professionals: dict[str, Professional]
    provider_kinds: dict[str, ProviderKind]
    activities: dict[str, Activity]
    sectors: dict[str, Sector]
    contract_forms: dict[str, ContractForm]
    titles: dict[str, Title]
    bottlenecks: dict[str, Bottleneck]
    routes: dict[str, Route]
    exemptions: dict[str, Exemption]
    policy_defaults: dict[str, PolicyDefault] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def not_contracting(self, kind: str) -> Message | None:
        """Why a provider of ``kind`` cannot be paid under a contract or bear a contracted
        cost (``contracting_party: false`` in the vocabulary, with its ``contracting_rule``
        and sources, the same text the wegwijzer gives), or None when it can. Seed 000 theme 7: contracting parties are the provider
        and the insurer; a network is none, one of its providers acts as principal
        contractor (hoofdaannemer)."""
        pk = self.provider_kinds.get(kind)
        if pk is None or pk.contracting_party or pk.contracting_rule is None:
            return None
        src = "; ".join(f"{s.document}, {s.section}" for s in pk.sources)
        return Message("not_contracting", provider_kind=kind, rule=pk.contracting_rule, src=src)

    def check_year(self, year: int) -> YearStatus:
        """Whether the catalogue can answer for ``year``: ``"reviewed"`` from ``first_year``
        to ``last_year``, ``"announced"`` for a year of ``meta.announced`` (answer with
        :meth:`year_warning`), else a :class:`YearError`. Every front end asks it where a
        year enters (population, declaration, wegwijzer), so no answer comes silently from
        rules nobody reviewed for that year."""
        meta = self.meta
        if meta.first_year <= year <= meta.last_year:
            return "reviewed"
        if meta.announced_in(year) is not None:
            return "announced"
        raise YearError(year, meta)

    def year_warning(self, year: int, lang: str) -> str | None:
        """The warning to show with an answer for ``year`` (None for a reviewed year): its
        rules are announced, not final, and what was announced. Raises YearError for a year
        that is neither."""
        if self.check_year(year) == "reviewed":
            return None
        from passend.i18n import YEAR_TEXT

        a = self.meta.announced_in(year)
        assert a is not None
        src = "; ".join(f"{self.documents[s.document].title}, {s.section}" for s in a.sources)
        return YEAR_TEXT[lang]["announced"].format(
            year=year,
            first=self.meta.first_year,
            last=self.meta.last_year,
            rules=a.rules.get(lang),
            sources=src,
        )

    def policy(self, policy_id: str, year: int | None = None) -> Decimal:
        """The value of a policy default in ``year`` (the catalogue's default year when None)."""
        return self.policy_defaults[policy_id].value_in(year or self.meta.default_year).value

    def titles_for(self, activity: str, year: int) -> list[Title]:
        """Titles valid in ``year`` that cover ``activity`` (or include it in their line), in
        catalogue order."""
        return [
            t
            for t in self.titles.values()
            if (activity in t.activities or activity in t.includes) and t.valid_in(year)
        ]


# -- reading YAML with positions ------------------------------------------------------------


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    return y


def line_of(doc: Any, loc: Loc) -> int | None:
    """1-based line of the deepest node of ``loc`` that exists in the parsed document."""
    line: int | None = None
    node = doc
    for key in loc:
        if isinstance(node, CommentedMap) and key in node:
            line = node.lc.key(key)[0] + 1
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
            line = node.lc.item(key)[0] + 1
            node = node[key]
        else:
            break
    if line is None and isinstance(node, CommentedMap | CommentedSeq):
        line = node.lc.line + 1
    return line


def read_yaml_file(path: Path) -> tuple[Any, bytes]:
    """A user's YAML file (contract set, scenario) as a round-trip document with line numbers,
    and its bytes (for a sha256); a missing or unreadable file is a CatalogueError."""
    shown = str(path)
    try:
        raw = path.read_bytes()
        return _yaml().load(raw.decode("utf-8")), raw
    except FileNotFoundError:
        raise CatalogueError([CatalogueIssue(shown, None, "", "file not found")]) from None
    except Exception as e:  # ruamel raises several kinds; all mean "not readable YAML"
        raise CatalogueError([CatalogueIssue(shown, None, "", f"YAML: {e}")]) from None


def validation_issues(
    e: ValidationError, doc: Any, shown: str, prefix: tuple = ()
) -> list[CatalogueIssue]:
    """Pydantic errors as ``file:line: field: reason`` issues (``prefix``: where ``doc``'s
    validated part sits in the file)."""
    from passend.messages import from_pydantic  # the reason in the user's language

    out = []
    for err in e.errors(include_url=False):
        loc = prefix + tuple(err["loc"])
        msg = from_pydantic(err)
        out.append(CatalogueIssue(shown, line_of(doc, loc), ".".join(map(str, loc)), msg))
    return out


def read_model_file(path: Path, model: type[M]) -> tuple[M, Any, bytes]:
    """A user's YAML file validated as ``model``, with the parsed document (for the lines of
    later checks) and its bytes (for its digest); a problem is a CatalogueError with
    ``file:line: field: reason`` for each."""
    doc, raw = read_yaml_file(path)
    try:
        return model.model_validate(doc), doc, raw
    except ValidationError as e:
        raise CatalogueError(validation_issues(e, doc, str(path))) from None


def load_model_file(path: Path, model: type[M]) -> M:
    """A user's YAML file (cost prices, provider costs) validated as ``model``."""
    return read_model_file(path, model)[0]


def _field(loc: Loc) -> str:
    out = ""
    for k in loc:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


def _entry_label(doc: Any, loc: Loc) -> str:
    """The id or code of the entry at loc[:2] (e.g. titles[3] -> 'titles[3] (12010)')."""
    if len(loc) >= 2 and isinstance(loc[1], int):
        try:
            entry = doc[loc[0]][loc[1]]
            ident = entry.get("code") or entry.get("id")
            if ident:
                return f" ({ident})"
        except (KeyError, IndexError, TypeError, AttributeError):
            pass
    return ""


class _FastLoader(_FAST_BASE):  # type: ignore[misc, valid-type]
    """libyaml's safe loader (PyYAML's C parser): some 20 times faster than ruamel's
    round-trip loader, without line numbers and refusing a key given twice."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict:
        keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
        if len(set(keys)) != len(keys):
            raise yaml.constructor.ConstructorError(None, None, "duplicate key", node.start_mark)
        return super().construct_mapping(node, deep=deep)


def read_fast(path: Path) -> Any:
    """A shipped file read by libyaml: a plain document (dicts and lists, no lines). Its
    values are those of the round-trip loader (tests/test_catalogue_schema.py compares
    every shipped file); a user's file is always read with lines, and so is a shipped file
    that has a problem (for the line in its message). Raises yaml.YAMLError."""
    doc = yaml.load(path.read_bytes(), Loader=_FastLoader)  # a safe loader
    return CommentedMap() if doc is None else doc


def _read(path: Path, shown: str, fast: bool = False) -> tuple[Any, list[CatalogueIssue]]:
    if fast:
        try:
            doc = read_fast(path)
        except (yaml.YAMLError, UnicodeDecodeError):
            doc = None  # read again below, for the message and its line
        if isinstance(doc, dict):
            return doc, []
    try:
        with path.open(encoding="utf-8") as fh:
            doc = _yaml().load(fh)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else None
        return None, [CatalogueIssue(shown, line, "", f"YAML: {e.problem or e.context}")]
    except YAMLError as e:
        return None, [CatalogueIssue(shown, None, "", f"YAML: {e}")]
    except UnicodeDecodeError as e:
        return None, [CatalogueIssue(shown, None, "", f"not UTF-8 text: {e.reason}")]
    if doc is None:
        return CommentedMap(), []
    if not isinstance(doc, CommentedMap):
        return None, [CatalogueIssue(shown, 1, "", "the file must be a mapping of lists")]
    return doc, []


def _validate(doc: Any, shown: str) -> tuple[CatalogueFile | None, list[CatalogueIssue]]:
    try:
        return CatalogueFile.model_validate(doc), []
    except ValidationError as e:
        issues = []
        for err in e.errors(include_url=False):
            loc = tuple(err["loc"])
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown field (not in the schema)"
            elif err["type"] == "missing":
                msg = "required field is missing"
            if "input" in err and err["type"] in {"literal_error", "enum"}:
                msg += f" (got {err['input']!r})"
            label = _entry_label(doc, loc)
            issues.append(CatalogueIssue(shown, line_of(doc, loc), _field(loc) + label, msg))
        return None, issues


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.yaml") if p.is_file())


# -- cross-reference checks -----------------------------------------------------------------


class _Checker:
    def __init__(self) -> None:
        self.issues: list[CatalogueIssue] = []

    def add(self, file: str, doc: Any, loc: Loc, message: str) -> None:
        label = _entry_label(doc, loc)
        self.issues.append(CatalogueIssue(file, line_of(doc, loc), _field(loc) + label, message))

    def ref(
        self, file: str, doc: Any, loc: Loc, value: str, known: Iterable[str], what: str
    ) -> None:
        if not isinstance(known, dict | set | frozenset):
            known = list(known)
        if value not in known:
            from difflib import get_close_matches

            close = get_close_matches(value, list(known), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            self.add(file, doc, loc, f"unknown {what} {value!r}{hint}")


def _sources(model: BaseModel, loc: Loc) -> Iterator[tuple[Loc, Source]]:
    """Every Source inside ``model`` with its location."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for i, item in items:
            here = (*loc, name) if i is None else (*loc, name, i)
            if isinstance(item, Source):
                yield here, item
            elif isinstance(item, BaseModel):
                yield from _sources(item, here)


def _dated(model: BaseModel, loc: Loc) -> Iterator[tuple[Loc, Dated | Tariff]]:
    """Every dated part inside ``model`` (itself included): rules with a validity, tariffs
    and grant amounts with a year, each with its location."""
    if isinstance(model, Dated | Tariff):
        yield loc, model
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, list):
            items = [((*loc, name, i), v) for i, v in enumerate(value)]
        elif isinstance(value, dict):
            items = [((*loc, name, k), v) for k, v in value.items()]
        else:
            items = [((*loc, name), value)]
        for here, item in items:
            if isinstance(item, BaseModel):
                yield from _dated(item, here)


def _check_unreviewed_rules(chk: _Checker, meta: Meta, parsed: list) -> None:
    """A rule that starts or ends after the reviewed range (or a tariff of a later year)
    takes effect in a year the catalogue does not answer unless it is announced: name it
    in ``meta.announced``."""
    announced = {a.year for a in meta.announced}
    for file, doc, model in parsed:
        if not file.startswith("catalogue/"):
            continue  # a user's extra file may hold later rules: those years stay refused
        for kind in KINDS:
            for i, entry in enumerate(getattr(model, kind)):
                for loc, d in _dated(entry, (kind, i)):
                    if isinstance(d, Tariff):
                        changes = [("year", d.year)]
                    else:
                        changes = [("valid_from", d.valid_from.year)]
                        if d.valid_to is not None:
                            changes.append(("valid_to", (d.valid_to + dt.timedelta(days=1)).year))
                    for fld, year in changes:
                        if year > meta.last_year and year not in announced:
                            chk.add(
                                file,
                                doc,
                                (*loc, fld),
                                f"changes the rules of {year}, after the reviewed years "
                                f"{meta.first_year}-{meta.last_year}, and {year} is not in "
                                "meta.announced (add it there, with its sources)",
                            )


KINDS = (
    "documents",
    "laws",
    "financer_kinds",
    "settings",
    "specialties",
    "professionals",
    "provider_kinds",
    "activities",
    "sectors",
    "contract_forms",
    "titles",
    "bottlenecks",
    "routes",
    "exemptions",
    "policy_defaults",
)


@functools.cache
def _shipped_or_extra() -> Catalogue:
    return load_catalogue()


def policy_default(policy_id: str, year: int | None = None) -> Decimal:
    """A policy default from the catalogue (with ``$PASSEND_CATALOGUE_EXTRA``), loaded once per
    process: what a model uses when its contract gives no value."""
    return _shipped_or_extra().policy(policy_id, year)


def load_catalogue(extra: Path | str | None = None) -> Catalogue:
    """Load the embedded catalogue, plus ``extra`` (or ``$PASSEND_CATALOGUE_EXTRA``): a YAML
    file or folder with more entries or ``tariff_overrides``. Raises CatalogueError."""
    roots = [DATA_DIR]
    extra = extra if extra is not None else os.environ.get(EXTRA_ENV) or None
    if extra is not None:
        extra_path = Path(extra)
        if not extra_path.exists():
            raise CatalogueError([CatalogueIssue(str(extra_path), None, "", "no such file")])
        roots.append(extra_path)

    files = tuple(
        (str(path), root is DATA_DIR, *_stamp(path)) for root in roots for path in _files(root)
    )
    return _load_files(files)


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_size


@functools.lru_cache(maxsize=8)
def _load_files(files: tuple[tuple[str, bool, int, int], ...]) -> Catalogue:
    """The catalogue of these files (path, shipped, mtime, size), once per process while
    they do not change: the CLI, the models' policy defaults and the runner ask for it
    several times. The same object is returned each time: do not change it. The shipped
    files are read by libyaml; when any file has a problem, every file is read again with
    its lines, so that each issue names its line as before."""
    try:
        return _load_parsed(files, fast=True)
    except CatalogueError:
        return _load_parsed(files, fast=False)


def _load_parsed(files: tuple[tuple[str, bool, int, int], ...], fast: bool) -> Catalogue:
    issues: list[CatalogueIssue] = []
    parsed: list[tuple[str, Any, CatalogueFile]] = []
    shown_files: list[str] = []
    for name, shipped, *_ in files:
        path = Path(name)
        shown = f"catalogue/{path.relative_to(DATA_DIR).as_posix()}" if shipped else name
        shown_files.append(shown)
        doc, errs = _read(path, shown, fast=fast and shipped)
        issues += errs
        if doc is None:
            continue
        model, errs = _validate(doc, shown)
        issues += errs
        if model is not None:
            parsed.append((shown, doc, model))
    if issues:
        raise CatalogueError(issues)
    return _assemble(parsed, shown_files)


def _assemble(parsed: list[tuple[str, Any, CatalogueFile]], shown_files: list[str]) -> Catalogue:
    chk = _Checker()
    merged: dict[str, dict[str, Any]] = {k: {} for k in KINDS}
    where: dict[tuple[str, str], tuple[str, Any, Loc]] = {}
    metas = []
    for file, doc, model in parsed:
        if model.meta is not None:
            metas.append((file, doc, model.meta))
        for kind in KINDS:
            for i, entry in enumerate(getattr(model, kind)):
                key = entry.code if kind == "titles" else entry.id
                loc: Loc = (kind, i, "code" if kind == "titles" else "id")
                if key in merged[kind]:
                    first = where[(kind, key)]
                    chk.add(
                        file,
                        doc,
                        loc,
                        f"{key!r} is defined twice (also at {first[0]}:{line_of(first[1], first[2])})",
                    )
                    continue
                merged[kind][key] = entry
                where[(kind, key)] = (file, doc, loc)
    if len(metas) != 1:
        files = ", ".join(m[0] for m in metas) or "none"
        chk.issues.append(
            CatalogueIssue("catalogue", None, "meta", f"exactly one file must hold meta ({files})")
        )

    m = merged
    if len(metas) == 1:
        file, doc, meta = metas[0]
        for loc, src in _sources(meta, ("meta",)):
            chk.ref(file, doc, (*loc, "document"), src.document, m["documents"], "document")
        _check_unreviewed_rules(chk, meta, parsed)
    for file, doc, model in parsed:
        for kind in KINDS:
            for i, entry in enumerate(getattr(model, kind)):
                for loc, src in _sources(entry, (kind, i)):
                    chk.ref(file, doc, (*loc, "document"), src.document, m["documents"], "document")
        for i, law in enumerate(model.laws):
            for j, fk in enumerate(law.financer_kinds):
                chk.ref(
                    file,
                    doc,
                    ("laws", i, "financer_kinds", j),
                    fk,
                    m["financer_kinds"],
                    "financer kind",
                )
        for i, prof in enumerate(model.professionals):
            for j, pk in enumerate(prof.provider_kinds):
                chk.ref(
                    file,
                    doc,
                    ("professionals", i, "provider_kinds", j),
                    pk,
                    m["provider_kinds"],
                    "provider kind",
                )
        for i, sector in enumerate(model.sectors):
            chk.ref(file, doc, ("sectors", i, "law"), sector.law, m["laws"], "law")
        for i, title in enumerate(model.titles):
            _check_title(chk, file, doc, ("titles", i), title, m)
        for kind in ("bottlenecks", "routes", "exemptions"):
            for i, entry in enumerate(getattr(model, kind)):
                _check_applies(chk, file, doc, (kind, i, "applies_to"), entry.applies_to, m)
        for i, b in enumerate(model.bottlenecks):
            if b.resolution is not None:
                loc = ("bottlenecks", i, "resolution", "applies_to")
                _check_applies(chk, file, doc, loc, b.resolution.applies_to, m)
        for i, act in enumerate(model.activities):
            for j, ca in enumerate(act.counts_as):
                cl = ("activities", i, "counts_as", j)
                for k, p in enumerate(ca.professionals):
                    chk.ref(
                        file, doc, (*cl, "professionals", k), p, m["professionals"], "professional"
                    )
                for k, a in enumerate(ca.activities):
                    chk.ref(file, doc, (*cl, "activities", k), a, m["activities"], "activity")
        for i, route in enumerate(model.routes):
            chk.ref(
                file,
                doc,
                ("routes", i, "financer_kind"),
                route.financer_kind,
                m["financer_kinds"],
                "financer kind",
            )
            if route.grant is not None:
                chk.ref(
                    file,
                    doc,
                    ("routes", i, "grant", "payee_kind"),
                    route.grant.payee_kind,
                    m["provider_kinds"],
                    "provider kind",
                )
        for i, ov in enumerate(model.tariff_overrides):
            for loc, src in _sources(ov, ("tariff_overrides", i)):
                chk.ref(file, doc, (*loc, "document"), src.document, m["documents"], "document")
            chk.ref(file, doc, ("tariff_overrides", i, "code"), ov.code, m["titles"], "title code")

    if chk.issues:
        raise CatalogueError(chk.issues)

    titles: dict[str, Title] = m["titles"]
    for _file, _doc, model in parsed:
        for ov in model.tariff_overrides:
            titles[ov.code] = _apply_override(titles[ov.code], ov)

    return Catalogue(meta=metas[0][2], files=shown_files, **m)


def _apply_override(title: Title, ov: TariffOverride) -> Title:
    new = Tariff(
        year=ov.year,
        cents=ov.cents,
        placeholder=False,
        note=ov.note,
        sources=ov.sources,
        origin="override",
    )
    tariffs = [t for t in title.tariffs if t.year != ov.year] + [new]
    return title.model_copy(update={"tariffs": sorted(tariffs, key=lambda t: t.year)})


def _check_title(chk: _Checker, file: str, doc: Any, loc: Loc, t: Title, m: dict) -> None:
    chk.ref(file, doc, (*loc, "law"), t.law, m["laws"], "law")
    chk.ref(
        file, doc, (*loc, "financer_kind"), t.financer_kind, m["financer_kinds"], "financer kind"
    )
    law = m["laws"].get(t.law)
    if (
        law is not None
        and t.financer_kind in m["financer_kinds"]
        and (t.financer_kind not in law.financer_kinds)
    ):
        chk.add(
            file,
            doc,
            (*loc, "financer_kind"),
            f"{t.financer_kind!r} does not finance care under law {t.law!r}",
        )
    chk.ref(file, doc, (*loc, "sector"), t.sector, m["sectors"], "sector")
    sector = m["sectors"].get(t.sector)
    if sector is not None:
        segments = [s.id for s in sector.segments]
        if segments and t.segment is None:
            chk.add(
                file,
                doc,
                (*loc, "segment"),
                f"sector {t.sector!r} has segments; give one of {', '.join(segments)}",
            )
        elif t.segment is not None:
            chk.ref(file, doc, (*loc, "segment"), t.segment, segments, f"segment of {t.sector}")
    for fld in ("activities", "includes"):
        for j, a in enumerate(getattr(t, fld)):
            chk.ref(file, doc, (*loc, fld, j), a, m["activities"], "activity")
    for j, s in enumerate(t.settings):
        chk.ref(file, doc, (*loc, "settings", j), s, m["settings"], "setting")
    for j, cf in enumerate(t.typical_contract_forms):
        chk.ref(
            file, doc, (*loc, "typical_contract_forms", j), cf, m["contract_forms"], "contract form"
        )
    for j, c in enumerate(t.claimants):
        cl = (*loc, "claimants", j)
        for k, p in enumerate(c.professionals):
            chk.ref(file, doc, (*cl, "professionals", k), p, m["professionals"], "professional")
        for fld in ("specialties", "in_name_of"):
            for k, s in enumerate(getattr(c, fld)):
                chk.ref(file, doc, (*cl, fld, k), s, m["specialties"], "specialty")
        for k, pk in enumerate(c.provider_kinds):
            chk.ref(file, doc, (*cl, "provider_kinds", k), pk, m["provider_kinds"], "provider kind")


def _check_applies(chk: _Checker, file: str, doc: Any, loc: Loc, a: AppliesTo, m: dict) -> None:
    for fld, kind, what in (
        ("titles", "titles", "title code"),
        ("sectors", "sectors", "sector"),
        ("activities", "activities", "activity"),
        ("professionals", "professionals", "professional"),
        ("settings", "settings", "setting"),
    ):
        for j, v in enumerate(getattr(a, fld)):
            chk.ref(file, doc, (*loc, fld, j), v, m[kind], what)


__all__ = ["Catalogue", "CatalogueError", "CatalogueIssue", "YearError", "load_catalogue"]
