"""Plans as data, the committee's names from a year on, the year a cell leaves

- ``plan``: the plan a campaign year carries out (was ``campaign.plan_number`` and
  ``campaign.plan_date``); each distinct plan of the campaigns becomes a row, issued by the
  committee, covering the years of its campaigns.
- ``committee.from_year``: the first year a set of names is in force; the existing row serves
  from the first campaign year.
- ``cell.left_year``: the first year a cell no longer takes part in. A cell that was
  deactivated took part in every year up to its last report (deactivating used to remove it
  from the rankings of every year; now it keeps its results).

Revision ID: 5c1f0e2a9b7d
Revises: 31ba8db1d205
Create Date: 2026-12-02 19:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5c1f0e2a9b7d'
down_revision = '31ba8db1d205'
branch_labels = None
depends_on = None

DEFAULT_TITLE = "Thi đua nâng cao chất lượng sinh hoạt chi bộ"
FIRST_YEAR_FALLBACK = 2022


def upgrade():
    connection = op.get_bind()

    op.create_table(
        'plan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=60), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.Column('issuing_body', sa.String(length=200), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('first_year', sa.Integer(), nullable=False),
        sa.Column('last_year', sa.Integer(), nullable=False),
        sa.CheckConstraint(
            'first_year BETWEEN 2000 AND 2100 AND last_year BETWEEN first_year AND 2100',
            name=op.f('ck_plan_year_range'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan')),
        sa.UniqueConstraint('number', name=op.f('uq_plan_number')),
    )

    committee_name = connection.execute(
        sa.text("SELECT name FROM committee ORDER BY id LIMIT 1")
    ).scalar() or ""
    plans = connection.execute(
        sa.text(
            "SELECT plan_number, plan_date, min(year), max(year) FROM campaign "
            "GROUP BY plan_number, plan_date ORDER BY min(year)"
        )
    ).all()
    plan_table = sa.table(
        'plan',
        sa.column('number', sa.String),
        sa.column('issued_on', sa.Date),
        sa.column('issuing_body', sa.String),
        sa.column('title', sa.String),
        sa.column('first_year', sa.Integer),
        sa.column('last_year', sa.Integer),
    )
    seen = set()
    for number, issued_on, first_year, last_year in plans:
        if number in seen:  # one number issued on two dates: keep the first
            continue
        seen.add(number)
        if isinstance(issued_on, str):
            import datetime as dt

            issued_on = dt.date.fromisoformat(issued_on[:10])
        connection.execute(
            plan_table.insert().values(
                number=number,
                issued_on=issued_on,
                issuing_body=committee_name,
                title=DEFAULT_TITLE,
                first_year=first_year,
                last_year=last_year,
            )
        )

    with op.batch_alter_table('campaign') as batch_op:
        batch_op.add_column(sa.Column('plan_id', sa.Integer(), nullable=True))
    connection.execute(
        sa.text(
            "UPDATE campaign SET plan_id = (SELECT plan.id FROM plan "
            "WHERE plan.number = campaign.plan_number)"
        )
    )
    with op.batch_alter_table('campaign') as batch_op:
        batch_op.alter_column('plan_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_campaign_plan_id'), ['plan_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_campaign_plan_id_plan'), 'plan', ['plan_id'], ['id']
        )
        batch_op.create_check_constraint(op.f('ck_campaign_year_range'), 'year BETWEEN 2000 AND 2100')
        batch_op.drop_column('plan_number')
        batch_op.drop_column('plan_date')

    first_year = connection.execute(sa.text("SELECT min(year) FROM campaign")).scalar()
    with op.batch_alter_table('committee') as batch_op:
        batch_op.add_column(sa.Column('from_year', sa.Integer(), nullable=True))
    connection.execute(
        sa.text("UPDATE committee SET from_year = :year + id - (SELECT min(id) FROM committee)"),
        {"year": first_year or FIRST_YEAR_FALLBACK},
    )
    with op.batch_alter_table('committee') as batch_op:
        batch_op.alter_column('from_year', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_committee_from_year'), ['from_year'])
        batch_op.create_check_constraint(
            op.f('ck_committee_from_year_range'), 'from_year BETWEEN 2000 AND 2100'
        )

    with op.batch_alter_table('cell') as batch_op:
        batch_op.add_column(sa.Column('left_year', sa.Integer(), nullable=True))
    # A deactivated cell took part up to the last year it reported in; without any report,
    # in no year from its joined year (or the first campaign) on.
    connection.execute(
        sa.text(
            "UPDATE cell SET left_year = coalesce("
            " (SELECT max(campaign.year) + 1 FROM report"
            "  JOIN campaign ON campaign.id = report.campaign_id WHERE report.cell_id = cell.id),"
            " coalesce(joined_year, :first_year)) "
            "WHERE active = false"
        ),
        {"first_year": first_year or FIRST_YEAR_FALLBACK},
    )
    with op.batch_alter_table('cell') as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_cell_leaves_after_joining'),
            'left_year IS NULL OR joined_year IS NULL OR left_year >= joined_year',
        )


def downgrade():
    with op.batch_alter_table('cell') as batch_op:
        batch_op.drop_constraint(op.f('ck_cell_leaves_after_joining'), type_='check')
        batch_op.drop_column('left_year')

    connection = op.get_bind()
    # Keep the earliest names: the single committee row of the old schema.
    connection.execute(
        sa.text("DELETE FROM committee WHERE from_year > (SELECT min(from_year) FROM committee)")
    )
    with op.batch_alter_table('committee') as batch_op:
        batch_op.drop_constraint(op.f('ck_committee_from_year_range'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_committee_from_year'), type_='unique')
        batch_op.drop_column('from_year')

    with op.batch_alter_table('campaign') as batch_op:
        batch_op.add_column(sa.Column('plan_number', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('plan_date', sa.Date(), nullable=True))
    connection.execute(
        sa.text(
            "UPDATE campaign SET plan_number = (SELECT number FROM plan WHERE plan.id = "
            "campaign.plan_id), plan_date = (SELECT issued_on FROM plan WHERE plan.id = "
            "campaign.plan_id)"
        )
    )
    with op.batch_alter_table('campaign') as batch_op:
        batch_op.alter_column('plan_number', existing_type=sa.String(length=60), nullable=False)
        batch_op.alter_column('plan_date', existing_type=sa.Date(), nullable=False)
        batch_op.drop_constraint(op.f('ck_campaign_year_range'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_campaign_plan_id_plan'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_campaign_plan_id'))
        batch_op.drop_column('plan_id')
    op.drop_table('plan')
