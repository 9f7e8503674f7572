"""Sales: the pipeline as stage columns (Alt+S from the workspace or the command palette) and the quote view
with live totals and configuration problems next to each item."""
