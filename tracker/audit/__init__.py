"""The admin's audit log: every recorded action, filterable by user, cell and date."""
