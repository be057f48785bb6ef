"""The workspace configuration: one TOML file, validated before any work (SPEC §3, §6.3, §9).

Every problem is reported at once, each with the file and key it came from; a
configuration error stops the run before any write (exit 2).
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sos_sync.domain.forms import FORM_KINDS, FormKind, FormSpec, build_forms
from sos_sync.domain.programme import Programme, load_programme
from sos_sync.errors import ConfigError
from sos_sync.resources import config_dir
from sos_sync.run.mail import MailSettings

CONFIG_NAME = "sos-sync.toml"
DATA = config_dir()

DEFAULT_CRITERIA: tuple[tuple[str, str, str], ...] = (
    ("L1", "LEARN", "staff and governors learn about sanctuary and can support new arrivals"),
    ("L2", "LEARN", "pupils learn about forced migration across the curriculum"),
    ("E3", "EMBED", "a whole-school culture of welcome that meets new arrivals' needs"),
    ("E4", "EMBED", "Refugee Week or similar celebrations are marked"),
    ("E5", "EMBED", "pupil voice and leadership of sanctuary activities"),
    ("S6", "SHARE", "a public commitment: the City of Sanctuary organisational pledge"),
    ("S7", "SHARE", "the school publicly shares its welcome activities"),
    ("S8", "SHARE", "links with local sanctuary organisations and the wider network"),
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Resource(_Strict):
    title: str
    url: str = ""


class Criterion(_Strict):
    code: str
    group: Literal["LEARN", "EMBED", "SHARE"]
    title: str
    actions: tuple[str, ...] = ()
    resources: tuple[Resource, ...] = ()


class FormConfig(_Strict):
    file: str = ""
    form_id: str = ""
    response_tab: str = ""
    questions: dict[str, str] = Field(default_factory=dict)


class LocalConfig(_Strict):
    inbox: str = "inbox"
    tracker: str = "tracker.xlsx"
    calendar: str = "calendar.ics"
    documents: str = "docs"
    # calendar.ics is shared: attendees' e-mails go to `calendar_private` unless "shared"
    calendar_attendees: Literal["private", "shared"] = "private"
    calendar_private: str = "calendar-attendees.ics"
    calendar_uid_namespace: str = Field(default="", pattern=r"^[a-z0-9-]*$")
    calendar_feed: str = ""  # also publish calendar.ics here (a web or synced folder)


class GoogleConfig(_Strict):
    spreadsheet_id: str = ""
    calendar_id: str = ""
    documents_folder_id: str = ""
    auth: Literal["oauth", "service_account", "adc"] = "oauth"
    service_account_file: str = ""
    base_url: str = ""
    # `demo --backend emulator`: the emulator's saved world; commands serve it themselves
    emulator_state: str = ""
    send_updates: bool = False
    share_documents: bool = False
    full_pass_every_days: int = Field(default=7, ge=1)
    overlap_minutes: int = Field(default=60, ge=0)
    # documents written at once (each waits on Google); 1 writes them one after another
    document_workers: int = Field(default=4, ge=1, le=8)


class DocumentsConfig(_Strict):
    max_per_night: int = Field(default=100, ge=0)
    templates: str = ""
    reminder_every_days: int = Field(default=30, ge=1)  # one reminder per school and reason


class LetterheadConfig(_Strict):
    """The team's letterhead on every document: postal address (lines) and a logo image."""

    address: str = ""
    logo: str = ""  # path to a PNG or JPEG, relative to the workspace


class ReportConfig(_Strict):
    mail: MailSettings | None = None


class BackupsConfig(_Strict):
    keep: int = Field(default=14, ge=0)


class LogsConfig(_Strict):
    keep: int = Field(default=30, ge=1)


class RetentionConfig(_Strict):
    # personal details (names, e-mails) in responses older than this are erased; 0 = keep
    responses_days: int = Field(default=0, ge=0)


class RulesConfig(_Strict):
    stalled_after_days: int = Field(default=90, ge=1)
    renewal_years: int = Field(default=3, ge=1)
    renewal_warning_days: int = Field(default=90, ge=0)
    name_match_score: float = Field(default=92.0, ge=50, le=100)


class CriteriaConfig(_Strict):
    version: str = "Schools of Sanctuary minimum criteria (default wording)"
    file: str = ""


class RawConfig(_Strict):
    backend: Literal["local", "google"] = "local"
    leads: tuple[str, ...] = ("Schools of Sanctuary local leads",)
    team: str = "Schools of Sanctuary local leads"  # `init` writes the team's own name
    team_email: str = ""
    programme: str = "programme.toml"
    local: LocalConfig = LocalConfig()
    google: GoogleConfig = GoogleConfig()
    forms: dict[str, FormConfig] = Field(default_factory=dict)
    criteria: CriteriaConfig = CriteriaConfig()
    documents: DocumentsConfig = DocumentsConfig()
    letterhead: LetterheadConfig = LetterheadConfig()
    rules: RulesConfig = RulesConfig()
    report: ReportConfig = ReportConfig()
    backups: BackupsConfig = BackupsConfig()
    logs: LogsConfig = LogsConfig()
    retention: RetentionConfig = RetentionConfig()


@dataclass(frozen=True)
class Config:
    """The validated configuration of one workspace."""

    workspace: Path
    raw: RawConfig
    forms: dict[FormKind, FormSpec]
    form_settings: dict[FormKind, FormConfig]
    criteria: tuple[Criterion, ...]
    criteria_version: str
    programme: Programme
    source: Path = field(default=Path(CONFIG_NAME))

    @property
    def backend(self) -> str:
        return self.raw.backend

    @property
    def rules(self) -> RulesConfig:
        return self.raw.rules

    @property
    def templates_dir(self) -> Path:
        from sos_sync.domain.documents import default_templates_dir

        t = self.raw.documents.templates
        return self.path(t) if t else default_templates_dir()

    def path(self, relative: str) -> Path:
        p = Path(relative)
        return p if p.is_absolute() else self.workspace / p

    def question_titles(self, kind: FormKind) -> dict[str, str]:
        """Field name -> question title, after the workspace's rewordings."""
        return {f.name: f.title for f in self.forms[kind].fields}


def _loc(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def load_criteria(path: Path) -> tuple[Criterion, ...]:
    """Read a criteria file (`[[criterion]]` tables of code, group, title, actions, resources)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(Criterion(**c) for c in data.get("criterion", []))


def default_criteria() -> tuple[Criterion, ...]:
    """The 8 default criteria, with suggested actions and resources where the package has them."""
    guidance: dict[str, Criterion] = {}
    packaged = DATA / "criteria-default.toml"
    if packaged.exists():
        try:
            guidance = {c.code: c for c in load_criteria(packaged)}
        except (ValueError, TypeError, tomllib.TOMLDecodeError):
            guidance = {}
    out = []
    for code, group, title in DEFAULT_CRITERIA:
        g = guidance.get(code)
        out.append(
            Criterion(
                code=code,
                group=group,  # type: ignore[arg-type]
                title=title,
                actions=g.actions if g else (),
                resources=g.resources if g else (),
            )
        )
    return tuple(out)


def load_config(
    workspace: Path, *, programme_optional: bool = False, forms_optional: bool = False
) -> Config:
    """Read and validate `sos-sync.toml` in `workspace`; raise ConfigError listing every problem.

    `programme_optional` lets `programme import` run when the programme file is missing
    or broken (it is about to be written); `forms_optional` lets `forms create` run on a
    google workspace whose forms do not exist yet (it is about to make them).
    """
    workspace = workspace.resolve()
    source = workspace / CONFIG_NAME
    raw = _read_raw(workspace, source)
    problems: list[str] = []
    criteria = _criteria(workspace, raw, problems)
    forms, form_settings = _forms(raw, criteria, problems)
    programme = _programme(workspace, raw, programme_optional, problems)
    if raw.backend == "google":
        _google_problems(raw, form_settings, forms_optional, problems)
    if problems:
        raise ConfigError(problems)
    return Config(
        workspace=workspace,
        raw=raw,
        forms=forms,
        form_settings=form_settings,
        criteria=criteria,
        criteria_version=raw.criteria.version,
        programme=programme,
        source=source,
    )


def _read_raw(workspace: Path, source: Path) -> RawConfig:
    """The file parsed and checked against the models; every unknown key named at once."""
    if not workspace.is_dir():
        raise ConfigError(
            f"{workspace}: no such workspace folder. Create one with `sos-sync init`."
        )
    if not source.exists():
        raise ConfigError(
            f"{source}: no configuration here. Create a workspace with `sos-sync init {workspace}`."
        )
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{CONFIG_NAME}: not valid TOML: {exc}") from exc
    try:
        return RawConfig(**data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = _loc(tuple(err["loc"]))
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                last = str(err["loc"][-1])
                known = _known_keys(tuple(err["loc"][:-1]))
                close = difflib.get_close_matches(last, known, n=1)
                msg = "unknown setting" + (f" (did you mean `{close[0]}`?)" if close else "")
            problems.append(f"{CONFIG_NAME}: {loc}: {msg}")
        raise ConfigError(problems) from None


def _criteria(workspace: Path, raw: RawConfig, problems: list[str]) -> tuple[Criterion, ...]:
    criteria = default_criteria()
    if raw.criteria.file:
        cpath = workspace / raw.criteria.file
        try:
            criteria = load_criteria(cpath)
        except FileNotFoundError:
            problems.append(f"{CONFIG_NAME}: criteria.file: {cpath} does not exist")
        except (ValueError, TypeError, tomllib.TOMLDecodeError) as exc:
            problems.append(f"{raw.criteria.file}: {exc}")
    codes = [c.code for c in criteria]
    if len(set(codes)) != len(codes):
        problems.append(f"{CONFIG_NAME}: criteria: two criteria share a code ({', '.join(codes)})")
    return criteria


def _forms(
    raw: RawConfig, criteria: tuple[Criterion, ...], problems: list[str]
) -> tuple[dict[FormKind, FormSpec], dict[FormKind, FormConfig]]:
    """The five forms with the workspace's rewordings and export names."""
    name = CONFIG_NAME
    forms = build_forms(tuple((c.code, c.title) for c in criteria))
    form_settings: dict[FormKind, FormConfig] = {}
    for key in raw.forms:
        if key not in FORM_KINDS:
            close = difflib.get_close_matches(key, FORM_KINDS, n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            problems.append(
                f"{name}: forms.{key}: unknown form{hint}; forms are {', '.join(FORM_KINDS)}"
            )
    for kind in FORM_KINDS:
        fc = raw.forms.get(kind, FormConfig())
        form_settings[kind] = fc
        spec = forms[kind]
        names = {f.name for f in spec.fields}
        for fname, title in fc.questions.items():
            if fname not in names:
                close = difflib.get_close_matches(fname, sorted(names), n=1)
                hint = f" (did you mean `{close[0]}`?)" if close else ""
                problems.append(f"{name}: forms.{kind}.questions.{fname}: unknown field{hint}")
            elif not title.strip():
                problems.append(f"{name}: forms.{kind}.questions.{fname}: the title is empty")
        spec = replace(
            spec,
            fields=tuple(replace(f, title=fc.questions.get(f.name, f.title)) for f in spec.fields),
            inbox_file=fc.file or spec.inbox_file,
        )
        titles = [f.title for f in spec.fields]
        dup = {t for t in titles if titles.count(t) > 1}
        if dup:
            problems.append(
                f"{name}: forms.{kind}.questions: two fields share the title {sorted(dup)}"
            )
        forms[kind] = spec
    return forms, form_settings


def _programme(workspace: Path, raw: RawConfig, optional: bool, problems: list[str]) -> Programme:
    ppath = workspace / raw.programme
    if not ppath.exists():
        if not optional:
            problems.append(
                f"{CONFIG_NAME}: programme: {ppath} does not exist "
                "(see `sos-sync programme import`)"
            )
        return Programme()
    try:
        return load_programme(ppath)
    except ValidationError as exc:
        if not optional:
            for err in exc.errors():
                problems.append(f"{raw.programme}: {_loc(tuple(err['loc']))}: {err['msg']}")
    except (ValueError, TypeError, tomllib.TOMLDecodeError) as exc:
        if not optional:
            problems.append(f"{raw.programme}: {exc}")
    return Programme()  # with `optional`: about to be replaced by `programme import`


def _google_problems(
    raw: RawConfig,
    form_settings: dict[FormKind, FormConfig],
    forms_optional: bool,
    problems: list[str],
) -> None:
    name = CONFIG_NAME
    g = raw.google
    if not g.spreadsheet_id:
        problems.append(f"{name}: google.spreadsheet_id: required for the google backend")
    for kind in FORM_KINDS:
        fc = form_settings[kind]
        if not fc.form_id and not fc.response_tab and not forms_optional:
            problems.append(
                f"{name}: forms.{kind}: set form_id (Forms API) or response_tab (linked sheet)"
            )
    if g.auth == "service_account" and not g.service_account_file:
        problems.append(
            f"{name}: google.service_account_file: required when auth is service_account"
        )


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    model: Any = RawConfig
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(model, "model_fields", {})
        if part in fields:
            ann = fields[part].annotation
            model = ann
        elif model is dict or str(model).startswith("dict"):
            model = FormConfig
        else:
            return []
    if str(model).startswith("dict"):
        return list(FORM_KINDS)
    return list(getattr(model, "model_fields", {}))
