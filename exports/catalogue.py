"""The files of a release that catalogues and statistics programs read: `datapackage.json`
(Frictionless), `ddi.xml` (DDI-Codebook 2.5) and, for a CSV release, `release.do` (Stata) and
`release.sps` (SPSS). Call inside `flask_babel.force_locale(lang)`."""

from __future__ import annotations

from flask_babel import gettext as _

from analysis.disclosure import SUPPRESSED_CODE
from exports import datapackage, ddi, syntax
from exports.build import BuiltRelease
from exports.datapackage import Publication
from exports.params import ReleaseParams


def release_id(key: str) -> str:
    return f"ipbes-release-{key[:8]}"


def title(waves: list[dict]) -> str:
    names = ", ".join(f"{wave['name']} ({wave['year']})" for wave in waves)
    return _("IPBES stakeholder survey, anonymised release: %(waves)s", waves=names)


def disclosure_note(release: BuiltRelease, params: ReleaseParams) -> str:
    return " ".join(
        [
            _(
                "Disclosure control: names, contact details, organisation names, internal identifiers and free text "
                "(unless asked for, then scrubbed) are left out; times are cut to the day; respondents are "
                "pseudonyms made with a key that was thrown away."
            ),
            _(
                "Within each wave, every combination of the quasi-identifiers (%(names)s) is shared by at least "
                "%(k)s records (k asked %(asked)s): rare values were recoded up their hierarchy or suppressed "
                "(code %(code)s).",
                names=", ".join(release.quasi),
                k=int(release.after.min_frequency),
                asked=params.k,
                code=SUPPRESSED_CODE,
            ),
            *(
                [
                    _(
                        "Repeat tables (%(names)s) hold only instances of the released responses; their "
                        "quasi-identifiers are made k-anonymous together with those of the response.",
                        names=", ".join(repeat.name for repeat in release.repeats),
                    )
                ]
                if release.repeats
                else []
            ),
        ]
    )


def _document_descriptions(fmt: str) -> list[tuple[str, str]]:
    descriptions = {
        "README.txt": _("What the release holds"),
        "codebook.csv": _("Codebook"),
        "codebook.json": _("Codebook"),
        "codebook.html": _("Codebook"),
        "disclosure_report.json": _("Disclosure report"),
        "disclosure_report.html": _("Disclosure report"),
        "ddi.xml": "DDI-Codebook 2.5",
        "release.do": _("Stata syntax that opens the data with its labels"),
        "release.sps": _("SPSS syntax that opens the data with its labels"),
    }
    syntax_files = ("release.do", "release.sps")
    return [(path, text) for path, text in descriptions.items() if fmt == "csv" or path not in syntax_files]


def _sources(waves: list[dict]) -> list[dict]:
    return [
        {
            "title": _(
                "%(wave)s (%(year)s), %(instrument)s version %(version)s, open %(opens)s to %(closes)s",
                wave=wave["name"],
                year=wave["year"],
                instrument=wave["instrument"],
                version=wave["version"],
                opens=wave["opens_on"],
                closes=wave["closes_on"],
            )
        }
        for wave in waves
    ]


def catalogue_files(
    release: BuiltRelease,
    params: ReleaseParams,
    *,
    key: str,
    waves: list[dict],
    data_file: str,
    codes: dict[str, dict[str, int]],
    publication: Publication,
) -> dict[str, bytes]:
    """`waves`: name, year, instrument, version, opens_on and closes_on (YYYY-MM-DD) of each wave."""
    identifier, name = release_id(key), title(waves)
    abstract = _(
        "Answers of stakeholders of IPBES to its survey, anonymised by the platform: %(rows)s responses, "
        "%(variables)s variables.",
        rows=release.rows,
        variables=len(release.variables),
    )
    keywords = ["IPBES", "stakeholder engagement", "survey", "biodiversity"]
    files = {}
    documents = _document_descriptions(params.format)
    if params.format == "csv":
        files["release.do"] = syntax.stata_do(release, data_file).encode("utf-8")
        files["release.sps"] = syntax.spss_sps(release, data_file).encode("utf-8")
        for repeat in release.repeats:
            stem = repeat.file("csv")[: -len(".csv")]
            files[f"{stem}.do"] = syntax.stata_do(repeat, repeat.file("csv"), f"{stem}.do").encode("utf-8")
            files[f"{stem}.sps"] = syntax.spss_sps(repeat, repeat.file("csv")).encode("utf-8")
            documents += [
                (f"{stem}.do", _("Stata syntax that opens the repeat table %(file)s", file=repeat.file("csv"))),
                (f"{stem}.sps", _("SPSS syntax that opens the repeat table %(file)s", file=repeat.file("csv"))),
            ]
    descriptor = datapackage.release_package(
        release,
        name=identifier,
        title=name,
        description=f"{abstract} {disclosure_note(release, params)}",
        data_file=data_file,
        data_format=params.format,
        documents=documents,
        sources=_sources(waves),
        keywords=keywords,
        publication=publication,
    )
    files["datapackage.json"] = datapackage.to_json(descriptor)
    study = ddi.Study(
        id=identifier,
        title=name,
        abstract=abstract,
        lang=params.lang,
        created=publication.created.date().isoformat() if publication.created else "",
        waves=waves,
        data_file=data_file,
        data_format=params.format,
        disclosure=disclosure_note(release, params),
        licence=publication.licence,
        keywords=keywords,
    )
    files["ddi.xml"] = ddi.codebook_xml(release, study, codes)
    return files
