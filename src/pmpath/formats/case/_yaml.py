"""The imported ladder as a framework YAML file an author can keep editing."""

from __future__ import annotations

from typing import Any

from pmpath.formats.case._ladder import CaseImport

_SECTION_COMMENTS = {
    "scale": "# The proficiency scale",
    "areas": "# Competency areas",
    "competencies": "# Competencies, with observable behaviours for every level of the scale",
    "stages": "# Stages of the career, in order",
    "roles": "# Roles, each with an expected level in every competency",
}


def ladder_yaml(result: CaseImport, source: str) -> str:
    """The YAML text of ``result``: a ladder file, or a competency library that says what
    it still lacks in its opening comment."""
    import yaml

    if result.framework is not None:
        # The validated model, so the file holds exactly what was checked; defaults left out.
        data = result.framework.model_dump(mode="json", exclude_defaults=True)
        data = {"format": result.framework.format, **data}
        for role in [*data.get("roles", []), *data.get("exits", [])]:
            role["expectations"] = {
                key: value["level"] if set(value) == {"level"} else value
                for key, value in role.get("expectations", {}).items()
            }
    else:
        data = dict(result.data)
    for competency in data.get("competencies", []):
        # JSON turned the level keys into strings; YAML authors write them as numbers.
        competency["behaviours"] = {int(k): v for k, v in competency.get("behaviours", {}).items()}
    header = [
        f"# Imported from the CASE package {source} by `pmpath framework import`.",
        "# Format reference: docs/framework-format.md. Check changes with: "
        "pmpath framework validate FILE",
    ]
    if result.framework is None:
        header += [
            "#",
            "# NOT YET A LADDER: a CASE package holds competencies, not careers. Add:",
            *[f"#   - {line}" for line in result.missing],
        ]
    parts = ["\n".join(header) + "\n"]
    for key, value in data.items():
        comment = _SECTION_COMMENTS.get(key)
        block = yaml.dump(
            {key: value},
            Dumper=_dumper(),
            sort_keys=False,
            allow_unicode=True,
            width=100,
            default_flow_style=False,
        )
        parts.append(f"\n{comment}\n{block}" if comment else block)
    return "".join(parts)


def _dumper() -> Any:
    """PyYAML's safe dumper, indenting list items under their key as the bundled ladder does."""
    import yaml

    class Dumper(yaml.SafeDumper):
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
            return super().increase_indent(flow, False)

    return Dumper
