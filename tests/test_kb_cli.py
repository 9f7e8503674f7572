"""`crmterm kb …` on both databases: import from Markdown with front matter (all or nothing, errors as
file:line, re-import by slug), search, show, the life-cycle, and the public static site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_cli import app, cli_on, runner

ROAMING = """---
slug: roaming-on
title: Turning roaming on
lang: en
keywords: [roaming, abroad]
topics: [roaming]
products: roaming
visibility: public
status: approved
---
# Before your Zanzibar trip

Dial **\\*100#** or open [settings](https://example.com/roaming).

[bold]not markup[/bold] <script>alert(1)</script> [click](javascript:alert(1))
"""
ROAMING_RU = """---
slug: roaming-on
title: Как включить роуминг
lang: ru
keywords: роуминг, за границей
topics: [roaming]
products: [roaming]
visibility: public
status: approved
---
Наберите **\\*100#** перед поездкой на Занзибар.
"""
INTERNAL = """---
id: apn-manual
title: APN by hand
keywords: [apn]
status: draft
---
Set the APN to `internet`.
"""


@pytest.fixture
def cli(demo_url, tmp_path):
    return cli_on(demo_url, tmp_path / "home")


def articles(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    return folder


def test_import_search_show_and_reimport(cli, tmp_path):
    folder = articles(tmp_path / "kb", roaming=ROAMING, roaming_ru=ROAMING_RU, apn=INTERNAL)
    done = cli("kb", "import", str(folder), "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == {"created": 2, "updated": 1, "unchanged": 0, "files": 3}
    again = json.loads(cli("kb", "import", str(folder), "--json").stdout)
    assert again == {"created": 0, "updated": 0, "unchanged": 3, "files": 3}

    hits = json.loads(cli("kb", "search", "zanzibar trip", "--json").stdout)
    assert [(h["slug"], h["lang"]) for h in hits] == [("roaming-on", "en")]
    assert json.loads(cli("kb", "search", "занзибаре", "--lang", "ru", "--json").stdout)[0]["slug"] == "roaming-on"
    assert "apn-manual" in [h["slug"] for h in json.loads(cli("kb", "search", "apn hand", "--json").stdout)]
    assert json.loads(cli("kb", "search", "zanzibar", "--topic", "apn_settings", "--json").stdout) == []

    shown = cli("kb", "show", "roaming-on", "--lang", "en")
    assert shown.exit_code == 0, shown.output
    assert "Before your Zanzibar trip" in shown.stdout and "[bold]not markup[/bold]" in shown.stdout
    assert json.loads(cli("kb", "show", "roaming-on", "--json").stdout)["opened"] == 2

    (folder / "apn.md").write_text(INTERNAL.replace("by hand", "by hand, v2"), encoding="utf-8")
    assert json.loads(cli("kb", "import", str(folder), "--json").stdout)["updated"] == 1


def test_life_cycle_commands(cli, tmp_path):
    cli("kb", "import", str(articles(tmp_path / "kb", apn=INTERNAL)))
    assert "review" in cli("kb", "submit", "apn-manual").stdout
    approved = json.loads(cli("kb", "approve", "apn-manual", "--json").stdout)
    assert (approved["status"], approved["approved_by"]) == ("approved", "system")
    stale = cli("kb", "retire", "apn-manual", "--version", "1")
    assert stale.exit_code == 1 and "Article apn-manual was changed by system at " in stale.stderr
    assert cli("kb", "retire", "apn-manual").exit_code == 0
    again = cli("kb", "retire", "apn-manual")
    assert again.exit_code == 1 and again.stderr.startswith("error:") and "Traceback" not in again.output


def test_a_bad_file_writes_nothing_and_names_file_and_line(cli, tmp_path):
    bad_topic = INTERNAL.replace("keywords: [apn]", "keywords: [apn]\ntopics: [no_such_topic]")
    folder = articles(tmp_path / "kb", roaming=ROAMING, bad=bad_topic,
                      broken="---\ntitle: [unclosed\n---\nbody\n", nofront="just text\n",
                      unknown="---\nslug: x\ntitle: X\ncolour: red\n---\n")
    result = cli("kb", "import", str(folder))
    assert result.exit_code == 1
    assert f"{folder / 'bad.md'}:5: topics: unknown topic no_such_topic" in result.stderr
    assert f"{folder / 'broken.md'}:" in result.stderr and f"{folder / 'nofront.md'}:1:" in result.stderr
    assert f"{folder / 'unknown.md'}:4: colour: unknown key" in result.stderr
    assert json.loads(cli("kb", "search", "zanzibar trip", "--json").stdout) == []  # nothing written


def test_export_public_writes_a_safe_static_site(cli, tmp_path):
    cli("kb", "import", str(articles(tmp_path / "kb", roaming=ROAMING, roaming_ru=ROAMING_RU, apn=INTERNAL)))
    site = tmp_path / "site"
    done = json.loads(cli("kb", "export-public", str(site), "--json").stdout)
    assert (done["articles"], done["pages"]) == (10, 20)  # with the demo's public articles
    names = {p.name for p in site.iterdir()}
    assert {"index.html", "roaming-on.en.html", "roaming-on.ru.html"} <= names and "apn-manual.en.html" not in names
    assert "roaming-not-working.en.html" not in names  # an internal demo article
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="roaming-on.ru.html">Как включить роуминг</a>' in index and "APN by hand" not in index
    page = (site / "roaming-on.en.html").read_text(encoding="utf-8")
    assert "<h1>Before your Zanzibar trip</h1>" in page and "<strong>*100#</strong>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "javascript:" not in page.replace("[click](javascript:alert(1))", "")
    assert 'href="https://example.com/roaming"' in page


def test_agents_search_approved_articles_but_may_not_import_or_publish(demo_url, tmp_path):
    cli_on(demo_url, tmp_path / "home")("kb", "import", str(articles(tmp_path / "kb", roaming=ROAMING, apn=INTERNAL)))
    env = {"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": "agent", "CRMTERM_PASSWORD": "agent"}

    def as_agent(*args: str):
        return runner.invoke(app, ["--db", demo_url, *args], env=env)

    found = [h["slug"] for h in json.loads(as_agent("kb", "search", "zanzibar hand", "--json").stdout)]
    assert "roaming-on" in found and "apn-manual" not in found  # any word, and still no draft
    for args in (("kb", "import", str(tmp_path / "kb")), ("kb", "export-public", str(tmp_path / "site")),
                 ("kb", "approve", "apn-manual")):
        result = as_agent(*args)
        assert result.exit_code == 1 and "agent may not do this" in result.stderr, result.output
    assert not (tmp_path / "site").exists()
