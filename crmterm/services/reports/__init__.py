"""Reports: the built-in and custom reports, their SQL, drill-downs and scopes, and the exporters (CSV,
JSON, XLSX, HTML, RTF)."""
