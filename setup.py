"""The wheel's layout: the top-level templates/ and migrations/ ship inside it as outreach.templates and outreach.migrations."""

from setuptools import find_namespace_packages, setup

# pyproject.toml cannot both discover packages and map extra ones in, so the list is built here. Every folder is
# listed, data-only ones too (outreach/static, templates/auth), as setuptools wants; the files each ships are under
# [tool.setuptools.package-data], and outreach/core/paths.py finds them in a checkout and in an installed wheel.
ASSETS = {"outreach.templates": "templates", "outreach.migrations": "migrations"}
NOT_SHIPPED = ["*__pycache__"]


def mapped(package: str, folder: str) -> list[str]:
    """The package a top-level folder becomes, and one for each folder inside it."""
    return [package, *(f"{package}.{sub}" for sub in find_namespace_packages(where=folder, exclude=NOT_SHIPPED))]


setup(
    packages=[
        *find_namespace_packages(include=["outreach", "outreach.*"], exclude=NOT_SHIPPED),
        *(name for package, folder in ASSETS.items() for name in mapped(package, folder)),
    ],
    package_dir=ASSETS,
)
