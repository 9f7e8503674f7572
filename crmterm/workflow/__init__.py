"""Rules (CEL), and later the route engine, SLA clocks and scripts."""
