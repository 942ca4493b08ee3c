"""A seeded, deterministic demo workspace: realistic fact sheets, relations, tags, users and subscriptions.

Notebooks, tests and benchmarks all need a workspace that looks like a real one (gaps, archived fact sheets,
past end-of-life components, skewed usage) and that is identical on every run. Everything here is drawn
from one ``random.Random(seed)`` (ids included) and dated relative to :data:`REFERENCE_DATE`, never the
wall clock, so the same seed always yields the same store. The generator reads the meta model, so a custom
meta model gets sensible values for fields and relations it has never heard of.

``generate_workspace(as_of=day)`` gives the same workspace as it was on an earlier day; when each part
came about is drawn from a second stream (:mod:`kit.sandbox.demo_history`), so the reference day's draws,
and the store they give, never change.

What public clients read beyond GraphQL's basics (IT component hierarchies, documents, several roles with
comments on one subscription, the custom fields of :data:`kit.sandbox.metamodel.CUSTOM_FIELDS`, successor
relations) is drawn last, from a third stream (``"{seed}/extras"``): adding it left every earlier draw, and so
every fact sheet, value and relation id of a seed, as it was.
"""

from __future__ import annotations

import gc
import random
from bisect import bisect_right
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import cache, partial
from itertools import accumulate
from typing import Any

from kit.errors import LxkitError
from kit.leanix.metamodel import FactSheetTypeDef, FieldDef, FieldKind, MetaModel
from kit.sandbox.demo_history import HISTORY_START, REFERENCE_DATE, Past, clock_of
from kit.sandbox.guards import as_of_date
from kit.sandbox.metamodel import CUSTOM_FIELDS, DEFAULT_METAMODEL
from kit.sandbox.store import Store

__all__ = [
    "HISTORY_START",
    "REFERENCE_DATE",
    "TYPE_WEIGHTS",
    "allocate",
    "generate_workspace",
    "uuid4_from_bits",
]

_REFERENCE_DT = datetime.combine(REFERENCE_DATE, datetime.min.time(), tzinfo=UTC)
_EPOCH = datetime.combine(HISTORY_START, datetime.min.time(), tzinfo=UTC)

TYPE_WEIGHTS: dict[str, float] = {
    "Application": 20,
    "ITComponent": 24,
    "Interface": 12,
    "BusinessCapability": 6,
    "DataObject": 6,
    "Provider": 4,
    "Project": 4,
    "Initiative": 3,
    "Process": 4,
    "UserGroup": 3,
    "Organization": 3,
    "BusinessContext": 3,
    "TechnicalStack": 1.5,
    "Objective": 1.5,
    "Platform": 1,
}
"""Relative share of each type; types of a custom meta model that are missing here weigh 1."""

# Share of source fact sheets that have the relation, and how many targets they get (min, max).
_FAN_OUT: dict[str, tuple[float, int, int]] = {
    "relApplicationToITComponent": (0.9, 1, 6),
    "relApplicationToBusinessCapability": (0.8, 1, 3),
    "relInterfaceToProviderApplication": (0.95, 1, 1),
    "relInterfaceToConsumerApplication": (0.9, 1, 3),
    "relInterfaceToDataObject": (0.8, 1, 3),
    "relApplicationToDataObject": (0.5, 1, 4),
    "relITComponentToProvider": (0.85, 1, 1),
    "relITComponentToTechnologyStack": (0.8, 1, 1),
    "relApplicationToUserGroup": (0.6, 1, 3),
    "relApplicationToOrganization": (0.7, 1, 2),
    "relApplicationToProcess": (0.4, 1, 3),
    "relApplicationToBusinessContext": (0.3, 1, 2),
    "relProjectToApplication": (0.85, 1, 5),
    "relInitiativeToApplication": (0.7, 1, 4),
    "relInitiativeToObjective": (0.6, 1, 2),
    "relObjectiveToBusinessCapability": (0.6, 1, 3),
    "relPlatformToApplication": (0.9, 2, 8),
    "relBusinessCapabilityToBusinessContext": (0.3, 1, 2),
}
_DEFAULT_FAN_OUT = (0.5, 1, 2)
# Relations whose targets are chosen with a heavy skew (a few ITComponents serve many applications).
_SKEWED = {"relApplicationToITComponent", "relITComponentToTechnologyStack", "relApplicationToUserGroup"}

# --- word lists ---------------------------------------------------------------------------------------------

_DOMAINS = (
    "Finance", "Accounting", "HR", "Payroll", "Sales", "Marketing", "Customer", "Supplier", "Procurement",
    "Logistics", "Warehouse", "Manufacturing", "Quality", "Maintenance", "Service", "Billing", "Treasury", "Tax",
    "Legal", "Compliance", "Risk", "Product", "Pricing", "Order", "Inventory", "Fleet", "Travel", "Learning",
    "Recruiting", "Analytics", "Identity", "Document", "Contract", "Partner", "Field Service", "E-Commerce",
    "Loyalty", "Claims", "Asset", "Workforce",
)  # fmt: skip
_APP_THINGS = (
    "Portal", "Management", "Hub", "Platform", "Engine", "Tracker", "Planner", "Gateway", "Workbench",
    "Reporting", "Suite", "App", "Center", "Cloud", "Manager", "Service", "System", "Console", "Repository",
    "Scheduler",
)  # fmt: skip
_REGIONS = (
    "EMEA", "APAC", "Americas", "Germany", "France", "UK", "US", "Japan", "Brazil", "India", "Nordics", "Global",
    "Spain", "Italy", "Mexico", "China", "Canada", "Benelux", "Poland", "Australia",
)  # fmt: skip
_VENDOR_APPS = (
    "SAP S/4HANA Finance", "SAP S/4HANA Sales", "SAP S/4HANA Procurement", "SAP SuccessFactors", "SAP Ariba",
    "SAP Concur", "SAP BW/4HANA", "SAP Commerce Cloud", "Salesforce Sales Cloud", "Salesforce Service Cloud",
    "Workday HCM", "ServiceNow ITSM", "Microsoft Dynamics 365", "Oracle E-Business Suite", "Adobe Experience Manager",
    "Atlassian Jira", "Atlassian Confluence", "Coupa Procurement", "Zendesk Support", "HubSpot Marketing",
    "Tableau Server", "Microsoft Power BI", "Snowflake Data Cloud", "Siemens Teamcenter", "Dassault CATIA",
    "Veeva Vault", "Guidewire ClaimCenter", "Infor LN", "Kronos Workforce", "DocuSign eSignature",
)  # fmt: skip
_BUSINESS_OBJECTS = (
    "Customer", "Order", "Invoice", "Employee", "Material", "Price", "Payment", "Supplier", "Contract", "Product",
    "Shipment", "Asset", "Account", "Lead", "Opportunity", "Ticket", "Timesheet", "Budget", "Forecast",
    "Inventory", "Claim", "Policy", "Campaign", "Vendor", "Cost Center",
)  # fmt: skip
_INTERFACE_KINDS = ("Interface", "Feed", "Sync", "API", "Export", "Import", "Upload", "Replication")
_DATA_QUALIFIERS = (
    "Master Data",
    "Record",
    "Document",
    "Transaction",
    "Data",
    "Header",
    "Line Item",
    "History",
)
# (vendor, product, versions, stack, category)
_TECH = (
    ("Oracle", "Oracle Database", ("11g", "12c", "19c", "21c", "23ai"), "Databases", "software"),
    ("Microsoft", "Microsoft SQL Server", ("2014", "2016", "2017", "2019", "2022"), "Databases", "software"),
    ("PostgreSQL Global Development Group", "PostgreSQL", ("11", "12", "13", "14", "15", "16"), "Databases", "software"),
    ("MongoDB", "MongoDB Enterprise", ("4.4", "5.0", "6.0", "7.0"), "Databases", "software"),
    ("SAP", "SAP HANA", ("1.0 SPS12", "2.0 SPS05", "2.0 SPS07"), "Databases", "software"),
    ("Red Hat", "Red Hat Enterprise Linux", ("6", "7", "8", "9"), "Operating Systems", "software"),
    ("Microsoft", "Windows Server", ("2008 R2", "2012 R2", "2016", "2019", "2022"), "Operating Systems", "software"),
    ("Canonical", "Ubuntu Server", ("18.04 LTS", "20.04 LTS", "22.04 LTS", "24.04 LTS"), "Operating Systems", "software"),
    ("Oracle", "Java SE", ("8", "11", "17", "21"), "Runtimes", "software"),
    ("Apache Software Foundation", "Apache Tomcat", ("7", "8.5", "9", "10.1"), "Application Servers", "software"),
    ("IBM", "IBM WebSphere Application Server", ("8.5", "9.0"), "Application Servers", "software"),
    ("SAP", "SAP NetWeaver AS ABAP", ("7.40", "7.50", "7.52"), "Application Servers", "software"),
    ("OpenJS Foundation", "Node.js", ("14", "16", "18", "20", "22"), "Runtimes", "software"),
    ("Python Software Foundation", "Python", ("3.8", "3.10", "3.11", "3.12"), "Runtimes", "software"),
    ("Google", "Angular", ("8", "12", "15", "17"), "Frontend Frameworks", "software"),
    ("Meta", "React", ("16", "17", "18"), "Frontend Frameworks", "software"),
    ("Apache Software Foundation", "Apache Kafka", ("2.8", "3.4", "3.7"), "Middleware", "software"),
    ("IBM", "IBM MQ", ("8.0", "9.1", "9.3"), "Middleware", "software"),
    ("Elastic", "Elasticsearch", ("6.8", "7.17", "8.12"), "Analytics", "software"),
    ("F5", "NGINX Plus", ("R28", "R30", "R31"), "Network", "software"),
    ("Dell Technologies", "Dell PowerEdge", ("R630", "R640", "R740", "R750"), "Server Hardware", "hardware"),
    ("Hewlett Packard Enterprise", "HPE ProLiant", ("DL360 Gen9", "DL360 Gen10", "DL380 Gen10"), "Server Hardware", "hardware"),
    ("Cisco", "Cisco Catalyst", ("3850", "9300", "9500"), "Network", "hardware"),
    ("NetApp", "NetApp AFF", ("A250", "A400", "A800"), "Storage", "hardware"),
    ("IBM", "IBM Power", ("S922", "E980"), "Server Hardware", "hardware"),
    ("Atos", "Managed Backup Service", ("Standard", "Premium"), "Infrastructure Services", "service"),
    ("Kyndryl", "Data Center Hosting", ("Frankfurt", "Dallas", "Singapore"), "Infrastructure Services", "service"),
    ("Accenture", "Application Management Service", ("Tier 1", "Tier 2"), "Infrastructure Services", "service"),
    ("Salesforce", "Salesforce Platform", ("Enterprise", "Unlimited"), "SaaS Applications", "saas"),
    ("Microsoft", "Microsoft 365", ("E3", "E5"), "SaaS Applications", "saas"),
    ("Slack", "Slack Enterprise Grid", ("Standard",), "Collaboration", "saas"),
    ("Zoom", "Zoom Workplace", ("Business", "Enterprise"), "Collaboration", "saas"),
    ("Datadog", "Datadog Infrastructure Monitoring", ("Pro", "Enterprise"), "Monitoring", "saas"),
    ("Amazon Web Services", "AWS EC2", ("eu-central-1", "us-east-1", "ap-southeast-1"), "Cloud Infrastructure", "iaas"),
    ("Amazon Web Services", "AWS S3", ("eu-central-1", "us-east-1"), "Cloud Infrastructure", "iaas"),
    ("Microsoft", "Azure Virtual Machines", ("West Europe", "East US"), "Cloud Infrastructure", "iaas"),
    ("Google", "Google Compute Engine", ("europe-west3", "us-central1"), "Cloud Infrastructure", "iaas"),
    ("Amazon Web Services", "AWS Lambda", ("eu-central-1", "us-east-1"), "Cloud Platform Services", "paas"),
    ("Microsoft", "Azure App Service", ("West Europe", "East US"), "Cloud Platform Services", "paas"),
    ("SAP", "SAP BTP Cloud Foundry", ("eu10", "us10"), "Cloud Platform Services", "paas"),
    ("Amazon Web Services", "Amazon RDS for PostgreSQL", ("eu-central-1", "us-east-1"), "Cloud Platform Services", "paas"),
    ("Google", "Google Cloud Run", ("europe-west3", "us-central1"), "Cloud Platform Services", "paas"),
)  # fmt: skip
_SITES = ("fra", "ams", "dal", "sin", "lon", "par", "muc", "tyo")
_PROVIDER_PREFIXES = (
    "Nord",
    "Blue",
    "Silver",
    "Bright",
    "Cloud",
    "Data",
    "Peak",
    "Iron",
    "Swift",
    "Alpha",
    "Terra",
    "Nova",
)
_PROVIDER_STEMS = (
    "wind",
    "stone",
    "line",
    "bridge",
    "works",
    "logic",
    "soft",
    "path",
    "gate",
    "field",
    "point",
)
_PROVIDER_KINDS = ("Systems", "Solutions", "Consulting", "Technologies", "Software", "Labs", "Services")
_LEGAL = ("GmbH", "Ltd", "Inc.", "AG", "SAS", "B.V.", "LLC")
_CAPABILITIES = (
    "Finance", "Human Resources", "Sales", "Marketing", "Procurement", "Supply Chain", "Manufacturing",
    "Customer Service", "Research & Development", "IT Management", "Legal & Compliance", "Strategy & Planning",
    "Logistics", "Product Management",
)  # fmt: skip
_CAPABILITY_TOPICS = (
    "Accounts Payable", "Accounts Receivable", "General Ledger", "Talent", "Payroll", "Lead", "Opportunity",
    "Campaign", "Supplier", "Contract", "Demand", "Inventory", "Production", "Quality", "Case", "Field Service",
    "Patent", "Asset", "Risk", "Tax", "Treasury", "Pricing", "Order", "Returns", "Warehouse", "Transport",
    "Workforce", "Learning", "Product Data", "Customer Data", "Brand", "Partner", "Portfolio", "Budget",
)  # fmt: skip
_CAPABILITY_AREAS = ("Management", "Operations", "Services", "Strategy", "Controlling")
_CAPABILITY_ACTIVITIES = (
    "Planning", "Execution", "Monitoring", "Reporting", "Analysis", "Governance", "Optimization", "Administration",
)  # fmt: skip
_PROCESSES = (
    "Order to Cash", "Procure to Pay", "Hire to Retire", "Record to Report", "Plan to Produce", "Issue to Resolution",
    "Idea to Market", "Lead to Order", "Design to Release", "Acquire to Retire", "Forecast to Plan",
)  # fmt: skip
_PROCESS_ACTIVITIES = (
    "Processing",
    "Approval",
    "Capture",
    "Verification",
    "Settlement",
    "Review",
    "Handling",
)
_CHANGE_SUBJECTS = (
    "ERP", "CRM", "HR", "Data Center", "Cloud", "Network", "Finance", "Analytics", "Mobile", "Identity", "S/4HANA",
    "Integration", "E-Commerce", "Service Desk", "Data Platform", "Workplace", "Security", "Supply Chain",
)  # fmt: skip
_CHANGE_ACTIONS = (
    "Migration", "Consolidation", "Modernization", "Rollout", "Upgrade", "Replacement", "Harmonization",
    "Decommissioning", "Transformation", "Program",
)  # fmt: skip
_OBJECTIVES = (
    "Reduce IT Costs", "Reduce Time to Market", "Increase Customer Satisfaction", "Rationalize Application Portfolio",
    "Accelerate Cloud Adoption", "Improve Data Quality", "Strengthen Security Posture", "Improve Operational Efficiency",
    "Improve Employee Experience", "Reduce Carbon Footprint", "Increase Release Frequency", "Grow Digital Revenue",
    "Consolidate ERP Landscape", "Ensure Regulatory Compliance", "Retire Legacy Systems",
)  # fmt: skip
_ENVIRONMENTS = ("Production", "Test", "Development", "Staging", "Disaster Recovery", "Shared")
_ORG_WORDS = ("Department", "Division", "Team", "Unit", "Office", "Competence Center")
_CONTEXT_WORDS = ("Journey", "Value Stream", "Onboarding", "Fulfilment", "Experience", "Lifecycle")
_USER_ROLES = ("Users", "Power Users", "Agents", "Managers", "Specialists", "Administrators", "Analysts")
_STACKS = (
    "Databases", "Operating Systems", "Application Servers", "Runtimes", "Frontend Frameworks", "Middleware",
    "Analytics", "Network", "Server Hardware", "Storage", "Infrastructure Services", "SaaS Applications",
    "Collaboration", "Monitoring", "Cloud Infrastructure", "Cloud Platform Services",
)  # fmt: skip
_FIRST_NAMES = (
    "Anna", "Ben", "Clara", "David", "Elif", "Felix", "Grace", "Hannah", "Ivan", "Julia", "Karim", "Lena", "Marco",
    "Nina", "Oliver", "Priya", "Quentin", "Rosa", "Samir", "Tanja", "Uwe", "Vera", "Wei", "Yuki", "Zoe", "Lukas",
)  # fmt: skip
_LAST_NAMES = (
    "Schmidt", "Müller", "Garcia", "Rossi", "Dubois", "Kowalski", "Nguyen", "Patel", "Smith", "Johansson", "Tanaka",
    "Silva", "Novak", "Weber", "Fischer", "Becker", "Moreau", "Ricci", "Kim", "Larsen", "Yilmaz", "Costa",
)  # fmt: skip
_DESCRIPTION_TEMPLATES = (
    "{name} supports {topic} for {region}.",
    "Central {kind} for {topic}; owned by the {domain} team.",
    "{name} is used to manage {topic} across business units.",
    "Legacy {kind} for {topic}, scheduled for review.",
    "Provides {topic} capabilities to {region} users.",
    "{kind} handling {topic}. See the runbook in Confluence.",
)
_LX_STATES, _LX_STATE_CUM = ("APPROVED", "DRAFT", "BROKEN_QUALITY_SEAL", "REJECTED"), (55, 80, 95, 100)
_SUBSCRIPTION_TYPES, _SUBSCRIPTION_CUM = ("RESPONSIBLE", "ACCOUNTABLE", "OBSERVER"), (50, 80, 100)
_RELEASES = ("1.0", "2.3", "3.1", "2024.1", "2025.2", "11", "7.5")
_STRING_SENTENCES = (
    "Rated in the last portfolio review.",
    "Assessment pending re-validation.",
    "Known performance issues at month end.",
    "Meets all current requirements.",
    "Vendor support ends soon.",
)


def generate_workspace(
    size: int = 2000,
    seed: int = 7,
    metamodel: MetaModel = DEFAULT_METAMODEL,
    as_of: date | None = None,
) -> Store:
    """Build a demo workspace of about ``size`` fact sheets; the same ``seed`` gives an identical store.

    ``as_of`` (:data:`HISTORY_START` to :data:`REFERENCE_DATE`; None is the latter) gives the workspace as it
    was at the start of that day (see :mod:`kit.sandbox.demo_history`): the same fact sheets, values and
    relations as on the reference day, minus those that came later, with that day as the store's today.
    """
    if size < 0:
        raise LxkitError(f"A demo workspace needs a size of 0 or more, not {size}")
    as_of = as_of_date(as_of, strings=False)
    collecting = gc.isenabled()
    gc.disable()  # nothing created here is garbage; the collector's repeated scans of it cost ~15 %
    try:
        return _Generator(size, seed, metamodel, None if as_of == REFERENCE_DATE else as_of).run()
    finally:
        if collecting:
            gc.enable()


def allocate(size: int, metamodel: MetaModel) -> dict[str, int]:
    """Split ``size`` over the meta model's types by :data:`TYPE_WEIGHTS` (largest remainder); every type
    gets at least one fact sheet when ``size`` allows."""
    names = metamodel.type_names
    weights = [TYPE_WEIGHTS.get(n, 1.0) for n in names]
    floor_each = 1 if size >= len(names) else 0
    rest = size - floor_each * len(names)
    total = sum(weights)
    exact = [rest * w / total for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(names)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in by_remainder[: rest - sum(counts)]:
        counts[i] += 1
    return {n: c + floor_each for n, c in zip(names, counts, strict=True)}


class _Rand(random.Random):
    """``random.Random`` plus cheaper draws: ``choice``/``randint``/``choices`` cost several times more."""

    def pick(self, seq: Sequence[Any]) -> Any:
        return seq[int(self.random() * len(seq))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def weighted(self, seq: Sequence[Any], cumulative: Sequence[float]) -> Any:
        """Like ``choices(seq, cum_weights=cumulative)[0]``."""
        return seq[bisect_right(cumulative, self.random() * cumulative[-1])]

    def some(self, seq: Sequence[Any], k: int) -> list[Any]:
        """``k`` distinct items (fewer if ``seq`` is shorter)."""
        n = len(seq)
        if k * 2 >= n:
            return self.sample(seq, min(k, n))
        picked: dict[int, None] = {}
        while len(picked) < k:
            picked[int(self.random() * n)] = None
        return [seq[i] for i in picked]

    def some_of(self, seq: Sequence[Any]) -> list[Any]:
        """Between one and all distinct items of ``seq``."""
        return self.some(seq, self.between(1, len(seq)))


class _Generator:
    """One generation run; all randomness comes from ``self.rng`` in a fixed order (and, before the
    reference day, the past's own stream in ``self.past``)."""

    def __init__(self, size: int, seed: int, metamodel: MetaModel, as_of: date | None = None) -> None:
        self.size = size
        self.rng = _Rand(seed)
        self.seed = seed
        self.metamodel = metamodel
        self.store = Store(
            metamodel,
            workspace_id=self.uid(),
            workspace_name="Demo Corp",
            today=as_of or REFERENCE_DATE,
            clock=clock_of(as_of) if as_of else lambda: _REFERENCE_DT,
        )
        # Before the reference day, the store gets only what existed then; the past has its own draws.
        self.past = Past(self.store, as_of, _Rand(f"{seed}/history"), _timestamp) if as_of else None
        self.taken: dict[str, set[str]] = {}
        self.suffix: dict[str, int] = {}
        self.active: dict[str, list[dict[str, Any]]] = {t: [] for t in metamodel.type_names}
        self.vendor_of: dict[str, str] = {}  # ITComponent id -> vendor
        self.stack_of: dict[str, str] = {}  # ITComponent id -> stack name
        self.user_ids: list[str] = []
        self.subscriptions: list[tuple[str, str, str]] = []  # (fact sheet id, subscription id, type)
        self.roles_by_type: dict[str, list[str]] = {}
        self.tag_plan: list[tuple[list[str], str, float, int, list[str]]] = []
        self.seq = 0
        self.value_makers: dict[str, list[tuple[str, Callable[[str], Any]]]] = {}

    def uid(self) -> str:
        return uuid4_from_bits(self.rng.getrandbits(128))

    # -- orchestration ---------------------------------------------------------------------------------------

    def run(self) -> Store:
        self._users_and_roles()
        self._tags()
        counts = allocate(self.size, self.metamodel)
        for tdef in self.metamodel.types:
            self._factsheets(tdef, counts[tdef.name])
        self._relations()
        _Extras(self, _Rand(f"{self.seed}/extras")).run()
        return self.store

    def _users_and_roles(self) -> None:
        rng, store = self.rng, self.store
        emails: set[str] = set()
        for _ in range(50):
            first, last = rng.pick(_FIRST_NAMES), rng.pick(_LAST_NAMES)
            base = f"{first}.{last}".lower().replace("ü", "ue")
            email, n = f"{base}@demo-corp.example", 2
            while email in emails:
                email, n = f"{base}{n}@demo-corp.example", n + 1
            emails.add(email)
            self.user_ids.append(store.add_user(first, last, email, id=self.uid())["id"])
        roles = (
            ("Business Owner", "ACCOUNTABLE", "Accountable for the business use."),
            ("IT Owner", "RESPONSIBLE", "Responsible for operations and change."),
            ("Application Owner", "RESPONSIBLE", "Owns the application end to end."),
            ("Product Owner", "RESPONSIBLE", "Prioritises the product backlog."),
            ("Data Steward", "RESPONSIBLE", "Keeps the data correct and complete."),
            ("Project Manager", "RESPONSIBLE", "Runs the project."),
            ("Solution Architect", "OBSERVER", "Reviews architecture decisions."),
        )
        for name, sub_type, text in roles:
            role = store.add_subscription_role(
                name, description=text, subscription_type=sub_type, id=self.uid()
            )
            self.roles_by_type.setdefault(sub_type, []).append(role["id"])

    def _tags(self) -> None:
        store, known = self.store, set(self.metamodel.type_names)

        def group(
            name: str, short: str, mode: str, restrict: Sequence[str], tags: Sequence[str], share: float
        ):
            types = [t for t in restrict if t in known]
            if restrict and not types:
                return
            gid = store.add_tag_group(
                name,
                mode=mode,
                short_name=short,
                restrict_to=types,
                id=self.uid(),
                description=f"{name} tags",
            )["id"]
            ids = [store.add_tag(t, group_id=gid, color=self._color(), id=self.uid())["id"] for t in tags]
            self.tag_plan.append((types, mode, share, 2 if mode == "MULTIPLE" else 1, ids))

        group(
            "Region",
            "RGN",
            "SINGLE",
            ("Application", "ITComponent", "Interface"),
            ("EMEA", "Americas", "APAC", "Global"),
            0.7,
        )
        group(
            "Cloud Readiness", "CR", "SINGLE", ("Application", "ITComponent"),
            ("Cloud Native", "Cloud Ready", "Lift & Shift", "Retain On-Premise", "Retire"), 0.5,
        )  # fmt: skip
        group(
            "TIME Classification",
            "TIME",
            "SINGLE",
            ("Application",),
            ("Tolerate", "Invest", "Migrate", "Eliminate"),
            0.6,
        )
        group(
            "Domain", "DOM", "MULTIPLE", (),
            ("Finance", "HR", "Sales", "Marketing", "Supply Chain", "Manufacturing", "IT", "Customer Service", "Legal", "R&D"),
            0.35,
        )  # fmt: skip
        group("Testing", "TST", "SINGLE", ("Project",), ("TEST_PRJ",), 0.06)
        other = [
            store.add_tag(n, color=self._color(), id=self.uid(), description=d)["id"]
            for n, d in (
                ("Legacy", "Old technology"),
                ("Strategic", None),
                ("GDPR Relevant", None),
                ("Shadow IT", None),
            )
        ]
        self.tag_plan.append(([], "MULTIPLE", 0.1, 1, other))

    def _color(self) -> str:
        return f"#{self.rng.getrandbits(24):06x}"

    # -- fact sheets -----------------------------------------------------------------------------------------

    def _factsheets(self, tdef: FactSheetTypeDef, count: int) -> None:
        if count <= 0:
            return
        rng = self.rng
        if tdef.name == "BusinessCapability" and tdef.hierarchical:
            n1, n2 = max(1, round(count * 0.08)), round(count * 0.27)
            l1 = [self._add(tdef, partial(_nth, _CAPABILITIES, i, rng)) for i in range(min(count, n1))]
            l2 = [
                self._add(
                    tdef, lambda: f"{rng.pick(_CAPABILITY_TOPICS)} {rng.pick(_CAPABILITY_AREAS)}", parents=l1
                )
                for _ in range(min(count - len(l1), n2))
            ]
            for _ in range(count - len(l1) - len(l2)):
                self._add(
                    tdef,
                    lambda: f"{rng.pick(_CAPABILITY_TOPICS)} {rng.pick(_CAPABILITY_ACTIVITIES)}",
                    parents=l2 or l1,
                )
            return
        maker = _NAME_MAKERS.get(tdef.name, _generic_name)
        ordered = _ORDERED_NAMES.get(tdef.name, ())
        child_share = _CHILD_SHARE.get(tdef.name, 0.0) if tdef.hierarchical else 0.0
        roots: list[dict[str, Any]] = []
        for i in range(count):
            is_root_zone = i <= count * 0.3
            parents = roots if child_share and not is_root_zone and rng.random() < child_share else None
            make = partial(_given, ordered[i]) if i < len(ordered) else partial(maker, rng, tdef)
            rec = self._add(tdef, make, parents=parents)
            if is_root_zone:
                roots.append(rec)

    def _add(
        self,
        tdef: FactSheetTypeDef,
        make_name: Callable[[], str | tuple[str, dict[str, Any]]],
        parents: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        rng, store = self.rng, self.store
        taken = self.taken.setdefault(tdef.name, set())
        for _ in range(3):  # a fresh draw usually finds a free name before numbering kicks in
            made = make_name()
            name, extra = (made, {}) if isinstance(made, str) else made
            if name not in taken:
                break
        name = self._unique(tdef.name, name)
        fs_id = self.uid()
        category = extra.get("category") or (rng.pick(tdef.categories) if tdef.categories else None)
        makers = self.value_makers.get(tdef.name)
        if makers is None:
            makers = self.value_makers[tdef.name] = self._value_makers(tdef)
        fields = {f: extra[f] if f in extra else make(name) for f, make in makers}
        archived = rng.random() < 0.03
        created = rng.random() * _SPAN_MS * 0.95
        updated = created + rng.random() * (_SPAN_MS - created)
        state = rng.weighted(_LX_STATES, _LX_STATE_CUM)
        seal = "DISABLED" if tdef.name in ("TechnicalStack", "UserGroup") else None
        description = self._description(tdef, name)
        tags = self._pick_tags(tdef.name)
        rev = 1 + int(rng.expovariate(0.25))
        past = self.past
        if past is None:
            rec = store.add_factsheet(
                tdef.name,
                name,
                id=fs_id,
                description=description,
                category=category,
                status="ARCHIVED" if archived else "ACTIVE",
                fields=fields,
                tags=tags,
                lx_state=state,
                quality_seal=seal,
                rev=rev,
                created_at=_timestamp(created),
                updated_at=_timestamp(updated),
            )
        else:  # a stand-in with the reference day's status and level, whether or not it exists yet
            rec = past.add_factsheet(
                tdef.name,
                name,
                fs_id,
                description=description,
                category=category,
                archived=archived,
                fields=fields,
                tags=tags,
                lx_state=state,
                quality_seal=seal,
                rev=rev,
                created=created,
                updated=updated,
            )
        if "vendor" in extra:
            self.vendor_of[fs_id] = extra["vendor"]
            self.stack_of[fs_id] = extra["stack"]
        if not archived:
            self.active[tdef.name].append(rec)
            if parents:
                parent = parents[int(rng.random() * len(parents))]
                if parent["status"] == "ACTIVE":
                    if past is None:
                        store.add_relation("relToParent", fs_id, parent["id"], id=self.uid())
                    else:
                        past.relate("relToParent", rec, parent, self.uid(), {})
                        rec["level"] = parent["level"] + 1
        self._subscribe(rec)
        return rec

    def _unique(self, type_name: str, name: str) -> str:
        taken = self.taken.setdefault(type_name, set())
        if name in taken:
            n = self.suffix.get(name, 1)
            while True:
                n += 1
                candidate = f"{name} ({n})"
                if candidate not in taken:
                    break
            self.suffix[name] = n
            name = candidate
        taken.add(name)
        return name

    def _description(self, tdef: FactSheetTypeDef, name: str) -> str | None:
        rng = self.rng
        if rng.random() < 0.15:
            return None
        return rng.pick(_DESCRIPTION_TEMPLATES).format(
            name=name,
            topic=f"{rng.pick(_BUSINESS_OBJECTS).lower()} {rng.pick(_CAPABILITY_ACTIVITIES).lower()}",
            region=rng.pick(_REGIONS),
            kind=_words(tdef.name).lower(),
            domain=rng.pick(_DOMAINS),
        )

    def _pick_tags(self, type_name: str) -> list[str]:
        rng, out = self.rng, []
        for types, _mode, share, most, ids in self.tag_plan:
            if types and type_name not in types:
                continue
            if rng.random() < share:
                k = 1 if most == 1 else rng.between(1, most)
                out.extend(rng.some(ids, min(k, len(ids))))
        return out

    def _subscribe(self, rec: dict[str, Any]) -> None:
        rng, users = self.rng, self.user_ids
        if rng.random() >= 0.8 or not users:
            return
        chosen: list[str] = []
        for _ in range(rng.between(1, 3)):
            user = users[int(len(users) * rng.random() ** 1.5)]
            if user in chosen:
                continue
            chosen.append(user)
            sub_type = rng.weighted(_SUBSCRIPTION_TYPES, _SUBSCRIPTION_CUM)
            roles = self.roles_by_type.get(sub_type, [])
            role_ids = [rng.pick(roles)] if roles and rng.random() < 0.7 else []
            sub_id = self.uid()
            self.subscriptions.append((rec["id"], sub_id, sub_type))
            if self.past is None:
                self.store.subscribe(
                    rec["id"], user, sub_type, role_ids, id=sub_id, created_at=rec["createdAt"]
                )
            else:
                self.past.subscribe(rec, user, sub_type, role_ids, sub_id)

    # -- field values ----------------------------------------------------------------------------------------

    def _value_makers(self, tdef: FactSheetTypeDef) -> list[tuple[str, Callable[[str], Any]]]:
        """One value generator per field of the type, decided once instead of per fact sheet (custom fields
        aside: :class:`_Extras` fills them from its own stream)."""
        custom = CUSTOM_FIELDS.get(tdef.name, ())
        return [(f.name, self._value_maker(tdef, f)) for f in tdef.fields if f.name not in custom]

    def _value_maker(self, tdef: FactSheetTypeDef, fdef: FieldDef) -> Callable[[str], Any]:
        rng, kind, values = self.rng, fdef.kind, fdef.values
        r = rng.random
        if kind is FieldKind.LIFECYCLE:
            return lambda name: None if r() < 0.1 else self._lifecycle()
        if kind is FieldKind.SINGLE_SELECT:
            n = len(values)
            weights = tuple(accumulate(1 + 2 * min(i, n - 1 - i) for i in range(n)))
            return lambda name: None if r() < 0.15 else rng.weighted(values, weights)
        if kind is FieldKind.MULTIPLE_SELECT:
            most = min(2, len(values))
            return lambda name: None if r() < 0.2 else rng.some(values, rng.between(1, most))
        if kind is FieldKind.EXTERNALID:
            share = 0.8 if tdef.name in ("Application", "ITComponent") else 0.3
            prefix = {"Application": "APP-", "ITComponent": "CI"}.get(tdef.name, tdef.name[:3].upper() + "-")
            return lambda name: self._external_id(prefix) if r() < share else None
        if kind is FieldKind.DOUBLE:
            return lambda name: None if r() < 0.2 else round(rng.lognormvariate(10.5, 1.3), -2)
        if kind is FieldKind.INTEGER:
            if fdef.name == "progress":
                return lambda name: None if r() < 0.2 else rng.between(0, 100)
            return lambda name: None if r() < 0.2 else int(rng.lognormvariate(5, 1.6)) + 1
        if kind is FieldKind.DATE:
            return lambda name: None if r() < 0.3 else _month(rng.between(2010 * 12, 2027 * 12))
        if fdef.name == "alias":
            return lambda name: _initials(name) if r() < 0.3 else None
        if fdef.name == "release":
            return lambda name: rng.pick(_RELEASES) if r() < 0.4 else None
        return lambda name: rng.pick(_STRING_SENTENCES) if r() < 0.3 else None

    def _lifecycle(self) -> dict[str, str]:
        """Month-start dates; plan/phaseIn are often skipped, phaseOut/endOfLife often open."""
        rng, phases = self.rng, self.metamodel.lifecycle_phases
        month = rng.between(2006 * 12, 2027 * 12)
        gaps = (rng.between(3, 12), rng.between(1, 6), rng.between(36, 120), rng.between(6, 24))
        first = 0 if rng.random() < 0.6 else 2
        last = len(phases) if rng.random() < 0.6 else 3
        out: dict[str, str] = {}
        for i, phase in enumerate(phases):
            if first <= i < last:
                out[phase] = _month(month)
            month += gaps[i] if i < len(gaps) else 12
        return out or {phases[0]: _month(month)}

    def _external_id(self, prefix: str) -> dict[str, Any]:
        self.seq += 1
        value = f"{prefix}{self.seq:07d}"
        return {"externalId": value, "externalUrl": f"https://cmdb.demo-corp.example/item/{value}"}

    # -- relations -------------------------------------------------------------------------------------------

    def _relations(self) -> None:
        for rdef in self.metamodel.relations:
            sources, targets = self.active[rdef.source], self.active[rdef.target]
            if not sources or not targets or rdef.name == _SUCCESSOR:  # successors: see _Extras
                continue
            share, low, high = _FAN_OUT.get(rdef.name, _DEFAULT_FAN_OUT)
            pick = self._matcher(rdef.name, targets)
            makers = self._relation_value_makers(rdef.fields)
            r, add, uid, past = self.rng.random, self.store.add_relation, self.uid, self.past
            for src in sources:
                if r() >= share:
                    continue
                for dst in pick(src, self.rng.between(low, high)):
                    if dst is not src:
                        values = {f: make() for f, share_f, make in makers if r() < share_f}
                        if past is None:
                            add(rdef.name, src["id"], dst["id"], id=uid(), **values)
                        else:
                            past.relate(rdef.name, src, dst, uid(), values)

    def _matcher(self, name: str, targets: list[dict[str, Any]]) -> Callable[[dict, int], list[dict]]:
        rng = self.rng
        if name == "relITComponentToProvider":
            by_name = {t["name"]: t for t in targets}
            return lambda src, k: [by_name.get(self.vendor_of.get(src["id"], "")) or rng.pick(targets)]
        if name == "relITComponentToTechnologyStack":
            by_name = {t["name"]: t for t in targets}
            return lambda src, k: [by_name.get(self.stack_of.get(src["id"], "")) or rng.pick(targets)]
        if name == "relApplicationToBusinessCapability":
            leaves = [t for t in targets if t["level"] >= 3] or targets
            return lambda src, k: rng.some(leaves, min(k, len(leaves)))
        if name in _SKEWED:
            n = len(targets)

            def skewed(src: dict, k: int) -> list[dict]:
                picked: dict[int, None] = {}
                for _ in range(k):
                    picked[int(n * rng.random() ** 2.5)] = None
                return [targets[i] for i in picked]

            return skewed
        return lambda src, k: rng.some(targets, min(k, len(targets)))

    def _relation_value_makers(
        self, fdefs: tuple[FieldDef, ...]
    ) -> list[tuple[str, float, Callable[[], Any]]]:
        """(field, share of relations that have it, generator) per relation field."""
        rng = self.rng
        out: list[tuple[str, float, Callable[[], Any]]] = []
        for f in fdefs:
            values = f.values
            if f.name == "activeFrom":
                out.append((f.name, 0.3, lambda: _month(rng.between(2012 * 12, 2026 * 12))))
            elif f.name == "activeUntil":
                out.append((f.name, 0.1, lambda: _month(rng.between(2024 * 12, 2030 * 12))))
            elif f.name == "description":
                out.append((f.name, 0.1, lambda: "Shared instance"))
            elif f.kind is FieldKind.SINGLE_SELECT:
                out.append((f.name, 0.6, partial(rng.pick, values)))
            elif f.kind is FieldKind.MULTIPLE_SELECT:
                out.append((f.name, 0.6, partial(rng.some_of, values)))
            elif f.kind is FieldKind.DOUBLE:
                out.append((f.name, 0.5, lambda: round(rng.lognormvariate(9, 1.2), -2)))
            elif f.kind is FieldKind.INTEGER:
                out.append((f.name, 0.5, lambda: rng.between(1, 1000)))
        return out


class _Extras:
    """The parts drawn after everything else, from their own stream ``rng`` (see the module docstring):
    IT components under parent IT components of the same vendor, documents (links) on applications and IT
    components, a second role plus comments on some subscriptions, the custom fields and successor relations.

    Draws never depend on ``as_of``: they run over the generator's lists of the reference day (stand-ins before
    it) and only the writes are skipped for what did not exist yet, so a seed's extras are the same on every day.
    """

    def __init__(self, gen: _Generator, rng: _Rand) -> None:
        self.gen, self.rng, self.store = gen, rng, gen.store

    def uid(self) -> str:
        return uuid4_from_bits(self.rng.getrandbits(128))

    def run(self) -> None:
        self._itcomponent_hierarchy()
        self._documents()
        self._subscription_roles()
        self._custom_fields()
        self._successors()

    def _itcomponent_hierarchy(self) -> None:
        """About 15 % of the later IT components get a parent among the first 30 % of the same vendor
        (``Oracle Database 19c fra-042`` under ``Oracle Database 12c``), so relToParent/relToChild are filled."""
        mm, gen = self.gen.metamodel, self.gen
        if not mm.has_type("ITComponent") or "relToParent" not in mm.relations_of("ITComponent"):
            return
        components = gen.active["ITComponent"]
        cut = int(len(components) * 0.3)
        roots: dict[str, list[dict[str, Any]]] = {}
        for rec in components[:cut]:
            roots.setdefault(gen.vendor_of.get(rec["id"], ""), []).append(rec)
        rng = self.rng
        for rec in components[cut:]:
            if rng.random() >= _ITC_CHILD_SHARE:
                continue
            candidates = roots.get(gen.vendor_of.get(rec["id"], ""))
            parent = rng.pick(candidates) if candidates else None
            rel_id = self.uid()
            if parent is None:
                continue
            if gen.past is None:
                self.store.add_relation("relToParent", rec["id"], parent["id"], id=rel_id)
            else:
                gen.past.relate("relToParent", rec, parent, rel_id, {})

    def _documents(self) -> None:
        """Links on a share of applications and IT components; a document exists from its fact sheet's
        creation (so in the past exactly when the fact sheet does), with the fact sheet's createdAt."""
        rng, store = self.rng, self.store
        for type_name, share in _DOCUMENT_SHARE.items():
            for rec in self.gen.active.get(type_name, ()):
                if rng.random() >= share:
                    continue
                picked = rng.some(_DOCUMENTS, rng.between(1, 3))
                ids = [self.uid() for _ in picked]
                stored = store.factsheet(rec["id"])
                if stored is None:
                    continue
                slug = "-".join(stored["name"].lower().split())
                docs = store.documents.setdefault(rec["id"], {})
                for doc_id, (name, url, kind, description) in zip(ids, picked, strict=True):
                    docs[name] = {
                        "id": doc_id,
                        "name": name,
                        "url": url.format(slug=slug, key=_initials(stored["name"])[:6] or "APP"),
                        "description": description,
                        "origin": "CUSTOM_LINK",
                        "documentType": kind,
                        "createdAt": stored["createdAt"],
                    }

    def _subscription_roles(self) -> None:
        """A third of the subscriptions get one or two (more) roles of their type, most with a comment, as
        ``roles { id name comment }`` on a subscription shows them in LeanIX."""
        rng, store, gen = self.rng, self.store, self.gen
        for fs_id, sub_id, sub_type in gen.subscriptions:
            if rng.random() >= _ROLE_SHARE:
                continue
            choices = gen.roles_by_type.get(sub_type, [])
            picked = rng.some(choices, min(rng.between(1, 2), len(choices)))
            comments = [rng.pick(_ROLE_COMMENTS) if rng.random() < 0.7 else None for _ in picked]
            rec = store.factsheet(fs_id)
            sub = None
            if rec is not None:
                sub = next((e.node for e in rec["subscriptions"]["edges"] if e.node["id"] == sub_id), None)
            if sub is None or not picked:
                continue
            roles = {r["id"]: dict(r) for r in sub["roles"]}
            for role_id, comment in zip(picked, comments, strict=True):
                role = roles.setdefault(role_id, dict(store.subscription_roles[role_id]))
                role["comment"] = comment
            sub["roles"] = tuple(roles.values())

    def _custom_fields(self) -> None:
        """Values for the custom fields (:data:`CUSTOM_FIELDS`) of the types that have them, on a share of the
        active fact sheets. A custom field is taken to exist since its fact sheet's creation, so before the
        reference day a fact sheet that exists has the same values. Neither ``rev`` nor ``updatedAt`` moves:
        the values are part of the generated state, not a change."""
        mm, store, rng = self.gen.metamodel, self.store, self.rng
        for type_name, names in CUSTOM_FIELDS.items():
            if not mm.has_type(type_name):
                continue
            tdef = mm.type(type_name)
            fdefs = [f for f in (tdef.field(n) for n in names) if f is not None]
            for rec in self.gen.active.get(type_name, ()):
                values = {
                    f.name: self._custom_value(f) for f in fdefs if rng.random() < _CUSTOM_SHARE[f.kind]
                }
                stored = store.factsheet(rec["id"])
                if stored is None or not values:
                    continue
                rev = stored["rev"]
                store.update_factsheet(rec["id"], updated_at=stored["updatedAt"], **values)
                stored["rev"] = rev  # update_factsheet bumps it; generation is not a change

    def _custom_value(self, fdef: FieldDef) -> Any:
        """A value of a custom field's kind: amounts in euros (capEx, opEx), a ServiceNow id, platforms."""
        rng = self.rng
        if fdef.kind is FieldKind.DOUBLE:
            return round(rng.lognormvariate(9.8, 1.2), -2)
        if fdef.kind is FieldKind.INTEGER:
            return rng.between(1, 1000)
        if fdef.kind is FieldKind.MULTIPLE_SELECT:
            return rng.some(fdef.values, min(rng.between(1, 3), len(fdef.values)))
        if fdef.kind is FieldKind.SINGLE_SELECT:
            return rng.pick(fdef.values)
        return f"SN-{rng.between(100000, 999999)}"

    def _successors(self) -> None:
        """``relToSuccessor`` (and so ``relToPredecessor``) on a share of the active applications and IT
        components: the successor is a later fact sheet of the same family (IT components of the same vendor,
        applications whose names start with the same word, ``Finance Portal`` -> ``Finance Hub``), so a chain
        never loops. Some relations carry ``activeFrom`` (the hand-over) and a description."""
        mm, gen, rng = self.gen.metamodel, self.gen, self.rng
        for type_name, share in _SUCCESSOR_SHARE.items():
            if not mm.has_type(type_name) or _SUCCESSOR not in mm.relations_of(type_name):
                continue
            families: dict[str, list[dict[str, Any]]] = {}
            for rec in gen.active.get(type_name, ()):
                key = gen.vendor_of.get(rec["id"]) or rec["name"].split(" ", 1)[0]
                families.setdefault(key, []).append(rec)
            for family in families.values():
                for i, rec in enumerate(family[:-1]):
                    if rng.random() >= share:
                        continue
                    successor = family[i + 1 + int(rng.random() * (len(family) - i - 1))]
                    rel_id = self.uid()
                    values: dict[str, Any] = {}
                    if rng.random() < 0.5:
                        values["activeFrom"] = _month(rng.between(2022 * 12, 2028 * 12))
                    if rng.random() < 0.3:
                        values["description"] = rng.pick(_SUCCESSOR_NOTES)
                    if gen.past is None:
                        self.store.add_relation(_SUCCESSOR, rec["id"], successor["id"], id=rel_id, **values)
                    else:
                        gen.past.relate(_SUCCESSOR, rec, successor, rel_id, values)


_SUCCESSOR = "relToSuccessor"
_SUCCESSOR_SHARE = {"Application": 0.15, "ITComponent": 0.1}
_SUCCESSOR_NOTES = (
    "Replacement agreed in the target architecture",
    "Users migrate region by region",
    "Data migration planned with the vendor",
)
_CUSTOM_SHARE = {FieldKind.DOUBLE: 0.6, FieldKind.MULTIPLE_SELECT: 0.5}
_CUSTOM_SHARE = {kind: _CUSTOM_SHARE.get(kind, 0.55) for kind in FieldKind}
_ITC_CHILD_SHARE = 0.15
_DOCUMENT_SHARE = {"Application": 0.35, "ITComponent": 0.15}
_ROLE_SHARE = 0.33
# (name, url template, documentType, description)
_DOCUMENTS = (
    ("Runbook", "https://wiki.demo-corp.example/runbooks/{slug}", "documentation", "Operations runbook"),
    ("Architecture Diagram", "https://wiki.demo-corp.example/architecture/{slug}", "diagram", None),
    ("Jira Project", "https://jira.demo-corp.example/projects/{key}", "jira", "Backlog and incidents"),
    ("Service Desk", "https://servicedesk.demo-corp.example/services/{slug}", "website", None),
    ("Contract", "https://contracts.demo-corp.example/{slug}.pdf", "contract", "Current vendor contract"),
)
_ROLE_COMMENTS = (
    "Deputy during parental leave",
    "Interim until the reorganisation",
    "Budget owner",
    "Covers EMEA",
    "Covers Americas",
    "Escalation contact for incidents",
    "Main contact for the vendor",
)


# --- ids, dates and names -----------------------------------------------------------------------------------


def uuid4_from_bits(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))`` at a fraction of the cost (ids are the hot path at 100k)."""
    h = "%032x" % ((bits & ~(0xF000 << 64) | (4 << 76)) & ~(0xC000 << 48) | (0x8000 << 48))
    return "-".join((h[:8], h[8:12], h[12:16], h[16:20], h[20:]))


_SPAN_MS = int((_REFERENCE_DT - _EPOCH).total_seconds() * 1000)
_DAYS = [(_EPOCH + timedelta(days=d)).date().isoformat() for d in range(_SPAN_MS // 86_400_000 + 1)]


def _timestamp(ms_after_epoch: float) -> str:
    """Milliseconds after the demo epoch as ``YYYY-MM-DDThh:mm:ss.mmmZ``, without datetime objects."""
    ms = int(ms_after_epoch)
    day, ms = divmod(ms, 86_400_000)
    secs, ms = divmod(ms, 1000)
    return f"{_DAYS[day]}T{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}.{ms:03d}Z"


_MONTHS = {n: f"{n // 12:04d}-{n % 12 + 1:02d}-01" for n in range(1990 * 12, 2060 * 12)}


def _month(n: int) -> str:
    """Month number (year * 12 + month - 1) to its first day; shared strings for common dates."""
    return _MONTHS.get(n) or f"{n // 12:04d}-{n % 12 + 1:02d}-01"


# Name makers: (rng, type) -> name, or (name, extra values such as category and vendor).


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isalnum()).upper()


@cache
def _words(type_name: str) -> str:
    """``BusinessCapability`` -> ``Business Capability``."""
    out = "".join(
        f" {c}" if c.isupper() and i and not type_name[i - 1].isupper() else c
        for i, c in enumerate(type_name)
    )
    return out.strip()


def _generic_name(rng: _Rand, tdef: FactSheetTypeDef) -> str:
    return f"{rng.pick(_DOMAINS)} {_words(tdef.name)}"


def _application_name(rng: _Rand, tdef: FactSheetTypeDef) -> str:
    if rng.random() < 0.2:
        base = rng.pick(_VENDOR_APPS)
        return f"{base} {rng.pick(_REGIONS)}" if rng.random() < 0.5 else base
    base = f"{rng.pick(_DOMAINS)} {rng.pick(_APP_THINGS)}"
    return f"{base} {rng.pick(_REGIONS)}" if rng.random() < 0.4 else base


def _itcomponent_name(rng: _Rand, tdef: FactSheetTypeDef) -> tuple[str, dict[str, Any]]:
    vendor, product, versions, stack, category = rng.pick(_TECH)
    version = rng.pick(versions)
    name = f"{product} {version}"
    if category == "hardware":
        name = f"{name} {rng.pick(_SITES)}-{rng.between(1, 999):03d}"
    elif category != "software" or rng.random() < 0.3:
        name = f"{name} {rng.pick(_ENVIRONMENTS)}"
    extra: dict[str, Any] = {"vendor": vendor, "stack": stack}
    if category in tdef.categories:
        extra["category"] = category
    if tdef.field("version"):
        extra["version"] = version
    return name, extra


def _given(name: str) -> str:
    """A name fixed in advance (a name maker that draws nothing)."""
    return name


def _nth(names: Sequence[str], i: int, rng: _Rand) -> str:
    """The i-th name of a list, then random variants once the list is used up."""
    return names[i] if i < len(names) else f"{rng.pick(names)} {rng.pick(_REGIONS)}"


def _provider_name(rng: _Rand, tdef: FactSheetTypeDef) -> str:
    stem = f"{rng.pick(_PROVIDER_PREFIXES)}{rng.pick(_PROVIDER_STEMS)}"
    return f"{stem} {rng.pick(_PROVIDER_KINDS)} {rng.pick(_LEGAL)}"


def _interface_name(rng: _Rand, tdef: FactSheetTypeDef) -> str:
    base = f"{rng.pick(_DOMAINS)} {rng.pick(_BUSINESS_OBJECTS)} {rng.pick(_INTERFACE_KINDS)}"
    return f"{base} {rng.pick(_REGIONS)}" if rng.random() < 0.3 else base


def _data_object_name(rng: _Rand, tdef: FactSheetTypeDef) -> str:
    return f"{rng.pick(_BUSINESS_OBJECTS)} {rng.pick(_DATA_QUALIFIERS)}"


def _change_name(rng: _Rand, tdef: FactSheetTypeDef) -> str:
    base = f"{rng.pick(_CHANGE_SUBJECTS)} {rng.pick(_CHANGE_ACTIONS)}"
    roll = rng.random()
    if roll < 0.3:
        return f"{base} {rng.between(2019, 2028)}"
    if roll < 0.5:
        return f"{base} Wave {rng.between(1, 5)}"
    return f"{base} {rng.pick(_REGIONS)}" if roll < 0.7 else base


def _objective_name(rng: _Rand, tdef: FactSheetTypeDef) -> str:
    base = rng.pick(_OBJECTIVES)
    roll = rng.random()
    if roll < 0.4:
        return f"{base} by {rng.between(2025, 2030)}"
    return f"{base} in {rng.pick(_REGIONS)}" if roll < 0.7 else base


def _organization_name(rng: _Rand, tdef: FactSheetTypeDef) -> str:
    base = f"{rng.pick(_DOMAINS)} {rng.pick(_ORG_WORDS)}"
    return f"{base} {rng.pick(_REGIONS)}" if rng.random() < 0.5 else base


def _process_name(rng: _Rand, tdef: FactSheetTypeDef) -> str:
    return f"{rng.pick(_BUSINESS_OBJECTS)} {rng.pick(_PROCESS_ACTIVITIES)}"


def _user_group_name(rng: _Rand, tdef: FactSheetTypeDef) -> str:
    base = f"{rng.pick(_DOMAINS)} {rng.pick(_USER_ROLES)}"
    return f"{base} {rng.pick(_REGIONS)}" if rng.random() < 0.5 else base


def _stack_name(rng: _Rand, tdef: FactSheetTypeDef) -> str:
    return (
        f"{rng.pick(_STACKS)} {rng.pick(('Legacy', 'Strategic', 'Edge', 'On-Premise', 'Cloud', 'Regional'))}"
    )


def _platform_name(rng: _Rand, tdef: FactSheetTypeDef) -> str:
    base = f"{rng.pick(_DOMAINS)} Platform"
    return f"{base} {rng.pick(_REGIONS)}" if rng.random() < 0.3 else base


def _context_name(rng: _Rand, tdef: FactSheetTypeDef) -> str:
    return f"{rng.pick(_DOMAINS)} {rng.pick(_CONTEXT_WORDS)}"


_NAME_MAKERS: dict[str, Callable[[_Rand, FactSheetTypeDef], Any]] = {
    "Application": _application_name,
    "ITComponent": _itcomponent_name,
    "Provider": _provider_name,
    "Interface": _interface_name,
    "DataObject": _data_object_name,
    "Project": _change_name,
    "Initiative": _change_name,
    "Objective": _objective_name,
    "Organization": _organization_name,
    "Process": _process_name,
    "UserGroup": _user_group_name,
    "TechnicalStack": _stack_name,
    "Platform": _platform_name,
    "BusinessContext": _context_name,
}

# Types whose first fact sheets take these names in order (so ITComponents find their vendor and stack).
_ORDERED_NAMES: dict[str, tuple[str, ...]] = {
    "Provider": tuple(dict.fromkeys(vendor for vendor, *_ in _TECH)),
    "TechnicalStack": _STACKS,
    "Process": _PROCESSES,
}
# Share of the later fact sheets of a hierarchical type that get a parent among the first 30 %.
_CHILD_SHARE = {
    "Application": 0.12,
    "Process": 0.5,
    "Organization": 0.4,
    "TechnicalStack": 0.3,
    "Objective": 0.2,
}
