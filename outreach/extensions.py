"""Extensions, created unbound and bound to the app in ``setup.register_extensions``."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase, Session

# Named constraints, so SQLite batch migrations can drop and recreate them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    if TYPE_CHECKING:
        __table__: ClassVar[Table]  # each model maps one table (SQLAlchemy allows any selectable)


if TYPE_CHECKING:

    class ScopedSession(Session):
        """What db.session is to a type checker: scoped_session proxies each Session method to the current one."""

        def remove(self) -> None: ...


class Database(SQLAlchemy):
    """Flask-SQLAlchemy, its scoped session typed as the Session it stands in for."""

    if TYPE_CHECKING:
        # Services take a plain Session and callers pass db.session: one declaration, no cast at each call.
        session: ScopedSession  # type: ignore[assignment]


db = Database(model_class=Base)
if TYPE_CHECKING:
    Model = Base  # what type checkers can follow as a base class
else:
    Model = db.Model  # Base with Flask-SQLAlchemy's table naming and query property
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# No default or application limits: only routes that ask for one (the login form) are ever limited.
# Its storage (RATELIMIT_STORAGE_URI) is made anew by each init_app, so every app counts afresh.
limiter = Limiter(key_func=get_remote_address, default_limits=[], application_limits=[])
