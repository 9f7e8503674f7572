"""Sales: the catalogue (products, options, bundles with configuration rules in CEL) and price lists per client
category and period, quotes (configured, priced with the customer's structural discounts, revised, sent by
e-mail, exported), opportunities along configurable sales processes, orders handled on routes, forecasts and
sales analysis, and the demo pipeline.

Public: catalogue, forecast, opportunities, orders, pipeline, pricing, quote_documents, quote_states, quote_views,
quotes, sales_demo, sales_demo_orders, sales_reports; internal: catalogue_config, config_fields, configuration,
order_config, process_config (registered with the directory), sales_access. Faces and other domains import only
the public modules (pyproject's protected contracts check it).

Activities (item 4): public activities, activity_calls, activity_demo, activity_reminders; internal
activity_plans (registered with the directory, run by opportunities when a stage is entered).
"""

from crmterm.services.directory import registry

# Config as code reads the sections from the registry rather than importing them (directory/registry.py says why).
registry.register_section("products", "crmterm.services.sales.catalogue_config:ProductsSection")
registry.register_section("price_lists", "crmterm.services.sales.catalogue_config:PriceListsSection")
registry.register_section("sales_processes", "crmterm.services.sales.process_config:SalesProcessesSection")
registry.register_section("discount_limits", "crmterm.services.sales.process_config:DiscountLimitsSection")
registry.register_section("order_types", "crmterm.services.sales.order_config:OrderTypesSection")
registry.register_section("activity_plans", "crmterm.services.sales.activity_plans:ActivityPlansSection")
