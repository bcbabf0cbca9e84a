"""CRM / account exports (CSV, XLSX, JSON) → one normalised `CRMRecord` per account."""

from __future__ import annotations

import re

from agent.ingest.normalize import (
    country_code,
    domain_of,
    industry_id,
    outcome,
    parse_amount_range,
    parse_date,
    parse_employees,
    parse_money,
    parse_stack,
    region_code,
)
from agent.ingest.tables import Table
from agent.schema import CRMRecord

# field -> header patterns (matched on the last segment of dotted JSON keys, then the whole key)
FIELDS: dict[str, list[str]] = {
    "name": [
        r"^(account|company|organi[sz]ation|customer|client)( ?name)?$",
        r"^name$",
        r"account name|company name",
    ],
    "domain": [r"^(website|domain|url|web ?site|company domain|homepage)$", r"website|domain"],
    "industry": [r"^(industry|vertical|sector)$", r"industry|vertical"],
    "employees": [
        r"^(employees|employee count|employee range|headcount|company size|size|# ?employees|number of employees|staff|fte)$",
        r"employee|headcount",
    ],
    "revenue": [r"^(annual revenue|revenue|turnover|annual_revenue)$", r"revenue"],
    # how many places the account runs: "Number of Locations", "# of sites", "Facilities"
    "locations": [
        r"^(?:(?:number|no\.?|num|count|#) ?(?:of )?)?(?:locations|sites|branches|facilities|clinics|stores|yards|offices|practices|hospitals|restaurants|properties)$",
        r"^(?:location|site|branch|facility|store|clinic) count$",
    ],
    "state": [
        r"^(state|province|state/province|state or province|billing state(/province)?|region|hq state)$",
        r"state|province",
    ],
    "country": [r"^(country|billing country|hq country)$", r"country"],
    "stack": [
        r"^(tech ?stack|stack|technologies|tools|tech|integrations|software|systems)$",
        r"stack|technolog",
    ],
    "erp": [
        r"^(erp|erp system|accounting system|system of record|erp/crm|crm system|helpdesk|crm)$",
        r"\berp\b",
    ],
    "stage": [
        r"^(stage|status|deal stage|lifecycle( stage)?|opportunity stage|outcome|account status|customer status)$",
        r"stage",
    ],
    "acv": [
        r"^(acv|annual contract value|contract value|amount|arr|deal size|deal value|mrr)$",
        r"\bacv\b|contract value",
    ],
    "expansion": [r"^(expansion( arr)?|upsell|expansion revenue|expansion_arr)$", r"expansion"],
    "close_date": [r"^(close ?date|closed( date)?|close_date|won date|date closed)$", r"close"],
}
_REQUIRED_SIGNALS = ("industry", "employees", "stage", "domain", "revenue", "stack")


def _normal(header: str) -> str:
    return re.sub(r"[_\s]+", " ", header.lower()).strip()


def map_columns(table: Table) -> dict[str, str]:
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for field, patterns in FIELDS.items():
        for pattern in patterns:
            regex = re.compile(pattern)
            for header in table.header:
                if header in used:
                    continue
                last = _normal(header.split(".")[-1])
                if regex.search(last) or (
                    pattern == patterns[-1] and regex.search(_normal(header))
                ):
                    if field == "acv" and "expansion" in _normal(header):
                        continue
                    mapping[field] = header
                    used.add(header)
                    break
            if field in mapping:
                break
    return mapping


def is_crm(table: Table) -> bool:
    mapping = map_columns(table)
    return "name" in mapping and sum(1 for f in _REQUIRED_SIGNALS if f in mapping) >= 2


def _locations(value: str) -> int | None:
    """A whole count of places ("11", "5 locations", "2-3" → 2); None when none is said."""
    parsed = parse_amount_range(value) if value else None
    if parsed is None or parsed[0] < 1 or parsed[0] != int(parsed[0]):
        return None
    return int(parsed[0])


def record(row: dict[str, str], mapping: dict[str, str]) -> CRMRecord | None:
    def get(field: str) -> str:
        header = mapping.get(field)
        return row.get(header, "").strip() if header else ""

    name = get("name")
    if not name:
        return None
    employees, band = parse_employees(get("employees")) if get("employees") else (None, None)
    country = country_code(get("country"))
    region, region_country = region_code(get("state"), country)
    stack = parse_stack(get("stack"))
    # an ERP field may name several systems ("Salesforce / NetSuite", "Sage 100; moving to
    # Dynamics"): each is a tool, read like the stack field
    erps = parse_stack(get("erp"))
    erp = erps[0] if erps else None
    stack.extend(t for t in erps if t not in stack)
    return CRMRecord(
        name=name,
        domain=domain_of(get("domain")),
        industry=industry_id(get("industry"), keep_unmatched=True),
        industry_raw=get("industry") or None,
        employees=employees,
        employees_raw=get("employees") or None,
        size_band=band,
        locations=_locations(get("locations")),
        revenue_usd=parse_money(get("revenue")),
        revenue_raw=get("revenue") or None,
        region=region,
        country=country or region_country,
        stack=stack,
        erp=erp,
        stage=outcome(get("stage")),
        stage_raw=get("stage") or None,
        acv=parse_money(get("acv")),
        expansion_arr=parse_money(get("expansion")),
        close_date=parse_date(get("close_date")),
    )
