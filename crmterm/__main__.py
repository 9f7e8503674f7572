from crmterm.cli import app

app(prog_name="crmterm")
