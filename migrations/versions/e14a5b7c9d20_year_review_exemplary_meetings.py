"""The year's review drafts and the exemplary meetings (issue 14)

Revision ID: e14a5b7c9d20
Revises: 7d3e9a41c2b8
Create Date: 2026-12-02 23:05:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e14a5b7c9d20'
down_revision = '7d3e9a41c2b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'year_review',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('document_number', sa.String(length=60), nullable=False),
        sa.Column('document_date', sa.Date(), nullable=True),
        sa.Column('assessment', sa.Text(), nullable=False),
        sa.Column('direction', sa.Text(), nullable=False),
        sa.Column('proposals', sa.Text(), nullable=False),
        sa.Column('recipients', sa.Text(), nullable=False),
        sa.Column('signer_name', sa.String(length=120), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_year_review_campaign_id_campaign')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_year_review_updated_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_year_review')),
        sa.UniqueConstraint('campaign_id', name=op.f('uq_year_review_campaign_id')),
    )
    op.create_table(
        'exemplary_meeting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=1000), nullable=False),
        sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('marked_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['marked_by_id'], ['user_account.id'], name=op.f('fk_exemplary_meeting_marked_by_id_user_account')),
        sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_exemplary_meeting_report_id_report')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exemplary_meeting')),
        sa.UniqueConstraint('report_id', name=op.f('uq_exemplary_meeting_report_id')),
    )


def downgrade():
    op.drop_table('exemplary_meeting')
    op.drop_table('year_review')
