"""The site's look, shipped inside the package: theme overrides, stylesheet, scripts, share picture.

They live in ``generator/site/overrides/`` (package data) and the MkDocs plugin
puts that folder into the theme's search path, just in front of material's own
templates, so a compound's repository needs no copy of them: its
``mkdocs.yml`` names the theme and the plugin, nothing more. A repository's own
``custom_dir`` still comes first, so it can override any of these files.
Non-template files in the folder (``assets/``) are copied into the site by
MkDocs as theme files; a file of the same name in ``docs_dir`` wins.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

STYLESHEETS = ("assets/trustfund.css",)


class ThemeError(Exception):
    pass


def overrides_dir() -> Path:
    """The folder of the package's theme overrides, on disk (a wheel installs its data as plain files)."""
    folder = files("generator.site") / "overrides"
    path = Path(str(folder))
    if not (path / "main.html").is_file():
        raise ThemeError(f"the trustfund package has no theme overrides at {path}; reinstall trustfund "
                         "(pip install --force-reinstall trustfund)")
    return path
