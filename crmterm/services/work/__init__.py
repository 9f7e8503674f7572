"""Work: what an agent owes beyond the queues — callbacks promised to customers (a number, a time window, an
agent or a queue; kept by registering an outbound phone contact), tasks (to-dos with a due date and a
priority), the escalation of overdue callbacks (like SLA warnings), and "My work", the one list that merges
them with the inquiries an agent holds and the ones whose customer's e-mail awaits a reply; the Dashboard's
tiles (counts of one's own work, queues and SLA breaches).

Public: assignment, callbacks, callback_done, callback_scan, tasks, my_work, dashboard.
"""
