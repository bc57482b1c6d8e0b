"""Where the top-level templates/ and migrations/ live, in a checkout or an installed package."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
PROJECT_ROOT = _PACKAGE.parent


def _asset(name: str) -> Path:
    # A checkout (or editable install) has them beside the package; a wheel ships them inside it.
    in_checkout = (PROJECT_ROOT / "pyproject.toml").is_file()
    return PROJECT_ROOT / name if in_checkout else _PACKAGE / name


TEMPLATES_DIR = _asset("templates")
MIGRATIONS_DIR = _asset("migrations")
