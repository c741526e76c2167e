"""1EdTech CASE (Competencies and Academic Standards Exchange): the ladder as a CFPackage.

:func:`export_package` writes a CASE 1.1 CFPackage JSON: each area and competency a CFItem,
the tree as isChildOf associations, each competency's behaviours a CFRubric with one level per
step of the scale, and what CASE has no class for (the scale's summaries, stages, roles and
their expectations, backgrounds, learning, specialisations, exits) in the package's
``extensions.pmpath``, so a ladder comes back from its package unchanged.

:func:`import_package` reads a CFPackage of CASE 1.0 or 1.1, pmpath's own or anyone's, and
:func:`ladder_yaml` writes the result as a framework file. docs/formats.md ("CASE") tells what
travels and what does not.

Modules: :mod:`._writing` (the package), :mod:`._reading` (JSON to a checked item tree),
:mod:`._ladder` (the tree to a ladder), :mod:`._yaml` (the ladder file), :mod:`._reports`
(what the commands report), :mod:`._vocabulary`.
"""

from pmpath.formats.case._ladder import CaseImport, import_package
from pmpath.formats.case._reports import CaseExport, CaseImportReport
from pmpath.formats.case._writing import ExportOptions, export_package, package, to_json
from pmpath.formats.case._yaml import ladder_yaml

__all__ = [
    "CaseExport",
    "CaseImport",
    "CaseImportReport",
    "ExportOptions",
    "export_package",
    "import_package",
    "ladder_yaml",
    "package",
    "to_json",
]
