"""Collections: receivables imported from billing, their aging per customer and per payer (a structure node
and everyone below it), the dunning process on the route engine started by the collections scan, promised
payments tracked against their day (broken ones flagged and escalated), and the aging and collections
reports.

It stands above billing (it reads invoices through billing's adapter), customers, inquiries, routing, work and
reports, which it uses; none of them imports it.

Public: receivables, aging, dunning, promises, collections_reports, collections_demo; internal: cases.
Faces and other domains import only the public modules (pyproject's protected contracts check it).
"""
