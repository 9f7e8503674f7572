"""`crmterm bench`: the operations agents wait on, measured at scale beside the raw-SQL limit."""
