# Loaded with the first service: every ORM flush is checked against the declared column limits (issue 20 item 9).
from crmterm.services import column_limits as _column_limits  # noqa: F401
