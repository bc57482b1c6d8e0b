"""Word lists enforced by the database: a named CHECK constraint on every column that holds a vocabulary value.

The values are written out here, as they were at this revision (outreach/domain/vocabulary.py may
grow later: adding a value is a migration that replaces the constraint). A row holding a value
outside its list stops the upgrade with a sentence naming it, instead of a constraint error.

SQLite rebuilds each table to add a CHECK (batch mode); env.py keeps foreign-key actions off meanwhile.
Later rebuilds carry named CHECKs over (Alembic reflects them), but dropping or renaming one of these
columns must drop its constraint first; tests/schema compares the database's CHECKs with the models'.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# table → (column, the values it may hold); the constraint is ck_<table>_<column>.
WORDS = {
    "contacts": [("kind", ("influencer", "alliance_partner", "podcast_guest", "peer"))],
    "touches": [
        (
            "kind",
            ("comment", "share", "email", "dm", "purchase", "call", "meeting", "introduction", "collaboration"),
        ),
        ("direction", ("outbound", "inbound")),
    ],
    "busy_periods": [("source", ("manual", "imported"))],
    "campaigns": [("kind", ("podcast_season", "launch", "event", "course", "other"))],
    "asks": [
        ("outcome", ("pending", "yes", "no", "not_now", "no_response")),
        (
            "reason",
            (
                "full_plate",
                "track_record",
                "audience_mismatch",
                "audience_too_small",
                "connection_too_shallow",
                "timing",
                "other",
            ),
        ),
    ],
    "reminders": [
        ("kind", ("ask", "target", "keep_warm", "follow_up", "interview")),
        ("state", ("open", "snoozed", "done", "dismissed", "withdrawn")),
    ],
    "episodes": [("stage", ("invited", "booked", "recorded", "published"))],
    "offers": [
        ("direction", ("gave", "received")),
        ("kind", ("free_call", "guest_post", "recommendation", "interview", "affiliate", "other")),
    ],
    "wins": [("kind", ("yes", "kind_reply", "testimonial", "result"))],
}


def _condition(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def _refuse_strays() -> None:
    """Every stored value must be in its list before the constraint can hold."""
    bind = op.get_bind()
    strays = []
    for table, columns in WORDS.items():
        for column, values in columns:
            rows = bind.execute(
                sa.text(f"SELECT {column}, COUNT(*) FROM {table} WHERE NOT ({_condition(column, values)}) GROUP BY {column}")
            ).all()
            strays += [f"{table}.{column} = {value!r} in {count} row(s)" for value, count in rows]
    if strays:
        raise RuntimeError(
            "cannot upgrade: some rows hold a value that is not in its word list ("
            + "; ".join(strays)
            + "). Change those rows to one of the listed values (see migrations/versions/0010_vocabulary_checks.py), "
            "then run the upgrade again."
        )


def upgrade():
    _refuse_strays()
    for table, columns in WORDS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, values in columns:
                batch_op.create_check_constraint(op.f(f"ck_{table}_{column}"), _condition(column, values))


def downgrade():
    for table, columns in WORDS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, _ in columns:
                batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
