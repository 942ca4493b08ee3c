"""The meta model read by introspection from the sandbox over loopback HTTP equals the one it declares."""

from __future__ import annotations

from kit.leanix import INTROSPECTION_QUERY, FieldKind, MetaModel
from kit.sandbox.metamodel import DEFAULT_METAMODEL


def shape(mm: MetaModel) -> tuple:
    """Everything but the GraphQL type names and categories (introspection cannot see categories)."""
    types = [(t.name, t.hierarchical, [(f.name, f.kind, f.values) for f in t.fields]) for t in mm.types]
    relations = {
        t: {
            c: (r.target, r.reverse_name, [(f.name, f.kind, f.values) for f in r.fields])
            for c, r in rels.items()
        }
        for t in mm.type_names
        for rels in [mm.relations_of(t)]
    }
    return types, relations, mm.lifecycle_phases


def test_introspection_over_http_gives_the_declared_meta_model(client):
    model = MetaModel.from_introspection(client.graphql(INTROSPECTION_QUERY))
    assert shape(model) == shape(DEFAULT_METAMODEL)


def test_kinds_values_and_relations_as_written_by_hand(ws):
    model = ws.model
    app = model.type("Application")
    crit = app.field("businessCriticality")
    assert crit is not None and crit.kind is FieldKind.SINGLE_SELECT
    assert crit.values == (
        "administrativeService",
        "businessOperational",
        "businessCritical",
        "missionCritical",
    )
    assert crit.graphql_type == "ApplicationBusinessCriticality"
    personal = model.type("DataObject").field("personalData")
    assert personal is not None and personal.kind is FieldKind.MULTIPLE_SELECT
    assert personal.values == ("contactData", "financialData", "healthData", "hrData")
    kinds = {f.name: f.kind for f in app.fields}
    assert kinds["alias"] is FieldKind.STRING
    assert kinds["numberOfUsers"] is FieldKind.INTEGER
    assert kinds["totalAnnualCost"] is FieldKind.DOUBLE
    assert kinds["goLiveDate"] is FieldKind.DATE
    assert kinds["lifecycle"] is FieldKind.LIFECYCLE
    assert kinds["externalId"] is FieldKind.EXTERNALID
    assert "name" not in kinds and "tags" not in kinds  # base fields are not a type's own fields
    rel = model.relation("Application", "relApplicationToITComponent")
    assert (rel.source, rel.target, rel.reverse_name) == (
        "Application",
        "ITComponent",
        "relITComponentToApplication",
    )
    assert [f.name for f in rel.fields] == [
        "activeFrom",
        "activeUntil",
        "description",
        "technicalSuitability",
        "costTotalAnnual",
    ]
    provider = model.relation("Application", "relProviderApplicationToInterface")
    assert (provider.target, provider.reverse_name) == ("Interface", "relInterfaceToProviderApplication")
    assert model.type("BusinessCapability").hierarchical and not model.type("Interface").hierarchical
    assert model.lifecycle_phases == ("plan", "phaseIn", "active", "phaseOut", "endOfLife")


def test_ws_model_survives_its_json_form(ws):
    assert MetaModel.from_dict(ws.model.to_dict()) == ws.model
