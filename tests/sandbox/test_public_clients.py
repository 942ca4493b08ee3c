"""Public LeanIX client packages from PyPI, driven unchanged against the sandbox over loopback.

Each package builds ``{base URL}/services/...`` URLs; the test hands it the sandbox's URL the way the package
takes a base URL (a constructor argument, a plugin option, the token's ``instanceUrl`` claim) and calls its
real functions: the MTM token exchange, a GraphQL query, a REST fact sheet read and (mkdocs-leanix-plugin) an
MTM user read. Expected values are the hand-built workspace of ``test_rest`` (a fact sheet "CRM" with a tag
"EMEA" #ff0000, a "Runbook" document, Anna Schmidt subscribed as Business Owner, lifecycle phases).

Packages (pins in pyproject's test extra): leanix-az-py 0.0.6, mkdocs-leanix-plugin 1.0.2, leanix-py 0.0.8.
A package that is not installed skips with the reason pip gave, never passes silently.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from types import ModuleType, SimpleNamespace

import pytest
import requests

from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions
from tests.sandbox.test_rest import USER, WS, _workspace


def _package(module: str, requirement: str) -> ModuleType:
    """Import ``module``; if that fails, skip with pip's own error line for ``requirement``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        answer = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", requirement],
            capture_output=True,
            text=True,
            check=False,
        )
        errors = [line for line in answer.stderr.splitlines() if line.startswith("ERROR")]
        pytest.skip(f"{requirement} is not installed ({errors[0] if errors else 'pip found it: install it'})")


@pytest.fixture(scope="module")
def server():
    with Sandbox(SandboxOptions(), store=_workspace()) as sb:
        yield sb


def test_sandbox_holds_the_fact_sheet(server):
    """The values the clients must find, read with plain requests first (GraphQL, not the REST under test)."""
    token = requests.post(
        f"{server.url}/services/mtm/v1/oauth2/token",
        auth=("apitoken", SANDBOX_TOKEN),
        data={"grant_type": "client_credentials"},
        timeout=10,
    ).json()["access_token"]
    answer = requests.post(
        f"{server.url}/services/pathfinder/v1/graphql",
        headers={"Authorization": f"Bearer {token}"},
        json={"query": '{ factSheet(id: "app-1") { name tags { name color } } }'},
        timeout=10,
    ).json()
    assert answer["data"]["factSheet"] == {"name": "CRM", "tags": [{"name": "EMEA", "color": "#ff0000"}]}


def test_leanix_az_py(server):
    auth = _package("leanixpy_az.auth", "leanix-az-py==0.0.6")
    graphql = _package("leanixpy_az.graphql", "leanix-az-py==0.0.6")
    header = auth.getBearerToken(server.url, SANDBOX_TOKEN)
    assert header["Authorization"].startswith("Bearer ")
    # runGraphql reads the instance URL from the token's instanceUrl claim: the sandbox's own URL
    response = graphql.runGraphql(header, json.dumps({"query": '{ factSheet(id: "app-1") { name type } }'}))
    assert response.json()["data"]["factSheet"] == {"name": "CRM", "type": "Application"}
    listing = graphql.runGraphql(
        header, json.dumps({"query": "{ allFactSheets(factSheetType: ITComponent) { totalCount } }"})
    )
    assert listing.json()["data"]["allFactSheets"]["totalCount"] == 2  # Linux, Linux 9 (Old Box is archived)


def test_mkdocs_leanix_plugin(server, tmp_path):
    plugin_module = _package("leanix.plugin", "mkdocs-leanix-plugin==1.0.2")
    plugin = plugin_module.LeanIXPlugin()
    errors, warnings = plugin.load_config(
        {"api_token": SANDBOX_TOKEN, "base_url": server.url, "material": False}
    )
    assert errors == [] and warnings == []
    plugin.on_config({"docs_dir": str(tmp_path), "theme": SimpleNamespace(name="mkdocs")})
    # the plugin read workspace id and name from the access token's principal.permission claims
    assert (plugin.workspace_id, plugin.workspace_name) == (WS, "REST test")
    page = plugin.on_page_markdown("Intro\n\n```leanix-factsheet\napp-1\n```\n")
    assert page.startswith("Intro")
    assert "## CRM" in page  # REST factSheets/{id}: displayName
    assert "Customer data" in page  # description
    assert (
        "background-color:#ff0000" in page and "color:#fff" in page and ">EMEA</span>" in page
    )  # tag bgColor
    assert "* [Runbook](https://wiki.example/crm)" in page  # documents
    # subscriptions: the user comes from MTM workspaces/{ws}/users/{id}, the roles from linkedRoles
    assert "| [Anna Schmidt](mailto:anna.schmidt@example.com)| Accountable | Business Owner |" in page
    assert "* 2020-01-01 - active" in page and "* 2030-01-01 - endOfLife" in page  # fields: lifecycle
    assert plugin.get_user(USER) == "[Anna Schmidt](mailto:anna.schmidt@example.com)"


def test_mkdocs_leanix_plugin_unknown_fact_sheet(server, tmp_path):
    plugin_module = _package("leanix.plugin", "mkdocs-leanix-plugin==1.0.2")
    plugin = plugin_module.LeanIXPlugin()
    plugin.load_config({"api_token": SANDBOX_TOKEN, "base_url": server.url, "material": False})
    plugin.on_config({"docs_dir": str(tmp_path), "theme": SimpleNamespace(name="mkdocs")})
    with pytest.raises(requests.HTTPError) as caught:
        plugin.on_page_markdown("```leanix-factsheet\nno-such-id\n```\n")
    assert caught.value.response.status_code == 404


def test_leanix_py(server):
    """leanix-py takes the base URL as ``baseurl`` (it adds a trailing '/' and posts the token request to
    ``{baseurl}/services/...``, a path with '//' that the sandbox answers like LeanIX)."""
    leanix = _package("LeanIX", "leanix-py==0.0.8")
    lix = leanix.LeanIX(api_token=SANDBOX_TOKEN, workspaceid=WS, baseurl=server.url)
    found = lix.factsheets.getByID("app-1", "description")
    assert found["data"]["factSheet"]["name"] == "CRM"
    assert found["data"]["factSheet"]["description"] == "Customer data"
    assert [t["name"] for t in found["data"]["factSheet"]["tags"]] == ["EMEA"]
    trimmed = lix.graph.execGraphQLTrimmed(
        "{ allFactSheets(factSheetType: ITComponent) { edges { node { name } } } }"
    )
    # execGraphQLTrimmed drops the edges/node levels
    assert trimmed["data"]["allFactSheets"] == [{"name": "Linux"}, {"name": "Linux 9"}]
