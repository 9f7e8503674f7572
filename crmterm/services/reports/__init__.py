"""Reports: the built-in and custom reports, their SQL, drill-downs and scopes, and the exporters (CSV,
JSON, XLSX, HTML, RTF).

Public: exports, exports_values, report_builder, report_definitions, report_table, reports, reports_custom,
reports_daily, reports_drill, reports_qos, reports_scope; internal: builder_drill, builder_groups, builder_measures,
exports_html, exports_rtf, exports_svg, exports_text, exports_xlsx, reports_operators, reports_repeats, reports_sla,
reports_sql, reports_topics. Faces and other domains import only the public
modules (pyproject's protected contracts check it).
"""
