"""Business functions shipped as examples of plugins (entry-point group `crmterm.functions`)."""
