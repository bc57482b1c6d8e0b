"""Where the top-level templates/ and migrations/ live, in a checkout or an installed package."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
PROJECT_ROOT = _PACKAGE.parent
# A checkout (or an editable install) keeps them beside the package; a wheel ships them inside it.
IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "templates").is_dir()


def _asset(name: str) -> Path:
    # pip installs wheels unzipped, so the package's resources are plain directories Flask and Alembic can read.
    return PROJECT_ROOT / name if IN_CHECKOUT else Path(str(files("outreach") / name))


TEMPLATES_DIR = _asset("templates")
MIGRATIONS_DIR = _asset("migrations")
# An installed copy has no project folder of its own: Flask's default, <prefix>/var/outreach-instance, then.
INSTANCE_DIR = str(PROJECT_ROOT / "instance") if IN_CHECKOUT else None
