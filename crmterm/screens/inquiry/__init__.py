"""The inquiry screen: its timeline, form, moves and business functions."""
