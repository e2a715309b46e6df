"""Cell joined year: the first campaign year a cell takes part in (NULL: every year)

Revision ID: 31ba8db1d205
Revises: 827821ee7711
Create Date: 2026-11-26 16:14:17.986049

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '31ba8db1d205'
down_revision = '827821ee7711'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("cell", sa.Column("joined_year", sa.Integer(), nullable=True))


def downgrade():
    # Both databases drop a column in place (SQLite since 3.35): a batch copy of the table
    # would have to drop "cell", which the foreign keys of the other tables refuse.
    op.execute("ALTER TABLE cell DROP COLUMN joined_year")
