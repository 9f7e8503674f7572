"""Reports: the report form, grid and chart, drill-down and export."""
