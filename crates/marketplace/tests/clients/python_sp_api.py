"""Runs the published SP-API client python-amazon-sp-api (PyPI, tested with
2.1.35) against a running marketplace sandbox: it lists the financial event
groups and downloads a settlement report, without changes to the library.

The library has no setting (file or environment) for the SP-API host or the
LWA token URL. Its public constructor takes two things that are enough:
  * `marketplace`: any object with `endpoint`, `marketplace_id` and
    `region` (the built-in `Marketplaces` enum members are such objects);
    here one whose endpoint is the sandbox;
  * `auth_token_client_class`: the class that fetches LWA tokens; here a
    subclass of its own `AccessTokenClient` with the sandbox as `scheme` and
    `host` (class attributes it reads to build the token URL).

Usage: python python_sp_api.py http://127.0.0.1:PORT
The sandbox's admin API (/sandbox/v1) is used to set up a seller, a private
app, and 30 days of simulated activity; everything else goes through the
library. Exits non-zero on any mismatch.
"""

import json
from decimal import Decimal
import sys
import types
import urllib.parse
import urllib.request

from sp_api.api import FinancesV0, Reports, Sellers
from sp_api.auth import AccessTokenClient

US = "ATVPDKIKX0DER"
DAY_MS = 86_400_000
V2 = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"


def admin(base, path, body):
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def set_up(base):
    seller = admin(base, "/sandbox/v1/sellers", {
        "legal_name": "Python Client Trading Co., Ltd.",
        "business_type": "PRIVATE_LIMITED",
        "country_code": "CN",
        "address": {"line1": "1 Keyuan Road", "city": "Shenzhen", "postal_code": "518057"},
        "primary_user": {"name": "Li Wei", "email": "python-client@shop.example",
                         "password": "correct horse battery"},
        "marketplaces": [{"marketplace_id": US, "store_name": "Python Store"}],
    })
    developer = admin(base, "/sandbox/v1/developers", {"name": "Python client"})
    app = admin(base, "/sandbox/v1/apps", {
        "developer_id": developer["developer_id"],
        "name": "python-amazon-sp-api check",
        "redirect_uris": ["https://client.example/callback"],
        "private_seller_id": seller["seller_id"],
    })
    grant = admin(base, f"/sandbox/v1/apps/{app['application_id']}/self-authorization", {})
    seller_path = f"/sandbox/v1/sellers/{seller['seller_id']}/marketplaces/{US}"
    admin(base, "/sandbox/v1/clock/advance", {"ms": 10 * DAY_MS})
    admin(base, seller_path + "/simulated-activity", {"seed": 42, "orders": 30})
    admin(base, "/sandbox/v1/clock/advance", {"ms": 20 * DAY_MS})
    return {
        "refresh_token": grant["refresh_token"],
        "lwa_app_id": app["client_id"],
        "lwa_client_secret": app["client_secret"],
    }


def client_settings(base):
    parsed = urllib.parse.urlsplit(base)
    marketplace = types.SimpleNamespace(endpoint=base, marketplace_id=US, region="us-east-1")
    token_client = type("SandboxAccessTokenClient", (AccessTokenClient,), {
        "scheme": parsed.scheme + "://",
        "host": parsed.netloc,
    })
    return marketplace, token_client


def main(base):
    base = base.rstrip("/")
    credentials = set_up(base)
    marketplace, token_client = client_settings(base)
    common = dict(marketplace=marketplace, credentials=credentials,
                  refresh_token=credentials["refresh_token"],
                  auth_token_client_class=token_client)

    participations = Sellers(**common).get_marketplace_participation().payload
    marketplace_ids = [p["marketplace"]["id"] for p in participations]
    print(f"getMarketplaceParticipations: {marketplace_ids}")
    assert marketplace_ids, participations

    groups = FinancesV0(**common).list_financial_event_groups(MaxResultsPerPage=10)
    group_list = groups.payload["FinancialEventGroupList"]
    closed = [g for g in group_list if g["ProcessingStatus"] == "Closed"]
    print(f"listFinancialEventGroups: {len(group_list)} groups, {len(closed)} closed")
    assert len(closed) == 2, group_list
    for group in closed:
        print(f"  {group['FinancialEventGroupId']} {group['FinancialEventGroupStart']} -> "
              f"{group['FinancialEventGroupEnd']} {group['OriginalTotal']}")

    reports = Reports(**common)
    listed = reports.get_reports(reportTypes=[V2], pageSize=10).payload["reports"]
    print(f"getReports: {len(listed)} settlement reports")
    assert len(listed) == 2, listed
    totals = [Decimal(str(g["OriginalTotal"]["CurrencyAmount"])) for g in closed]
    for listed_report in listed:
        report = reports.get_report(listed_report["reportId"]).payload
        document = reports.get_report_document(report["reportDocumentId"], download=True)
        check_document(document.payload["document"], totals)
    print("python-amazon-sp-api: OK")


def check_document(text, group_totals):
    """The V2 flat file parses by header and its details add up to the
    summary total, which is one of the groups' totals."""
    lines = text.splitlines()
    header = lines[0].split("\t")
    summary = dict(zip(header, lines[1].split("\t")))
    print(f"getReportDocument: settlement {summary['settlement-id']}, {len(lines) - 2} detail rows, "
          f"total {summary['total-amount']} {summary['currency']}")
    assert header[0] == "settlement-id" and len(header) == 23, header
    total = Decimal(summary["total-amount"])
    detail_sum = sum(Decimal(dict(zip(header, line.split("\t")))["amount"]) for line in lines[2:])
    assert detail_sum == total, (detail_sum, summary)
    # The library parses JSON numbers as floats; compare them as text.
    assert total in group_totals, (total, group_totals)


if __name__ == "__main__":
    main(sys.argv[1])
