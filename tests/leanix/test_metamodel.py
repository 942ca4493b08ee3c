"""The meta model's JSON form, lookups with hints, hand-written introspection answers, record accessors."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kit.leanix import (
    FactSheetTypeDef,
    FieldDef,
    FieldKind,
    MetaModel,
    MetaModelError,
    RelationDef,
    UnknownFactSheetType,
    UnknownField,
    record,
)
from kit.sandbox.metamodel import DEFAULT_METAMODEL

SMALL = MetaModel(
    (
        FactSheetTypeDef(
            "Application",
            (
                FieldDef("criticality", FieldKind.SINGLE_SELECT, ("low", "high"), "AppCriticality"),
                FieldDef("users", FieldKind.INTEGER),
            ),
            categories=("business",),
        ),
        FactSheetTypeDef("ITComponent", hierarchical=False),
    ),
    (
        RelationDef(
            "relApplicationToITComponent",
            "Application",
            "ITComponent",
            "relITComponentToApplication",
            (FieldDef("cost", FieldKind.DOUBLE),),
        ),
        RelationDef("relToSuccessor", "ITComponent", "ITComponent", ""),
    ),
    ("plan", "active"),
)


def test_json_form_round_trips_exactly():
    for model in (SMALL, DEFAULT_METAMODEL):
        text = json.dumps(model.to_dict())
        assert MetaModel.from_dict(json.loads(text)) == model
    assert SMALL.to_dict() == {
        "types": [
            {
                "name": "Application",
                "fields": [
                    {
                        "name": "criticality",
                        "kind": "SINGLE_SELECT",
                        "values": ["low", "high"],
                        "graphqlType": "AppCriticality",
                    },
                    {"name": "users", "kind": "INTEGER"},
                ],
                "hierarchical": True,
                "categories": ["business"],
            },
            {"name": "ITComponent", "fields": [], "hierarchical": False, "categories": []},
        ],
        "relations": [
            {
                "name": "relApplicationToITComponent",
                "source": "Application",
                "target": "ITComponent",
                "reverseName": "relITComponentToApplication",
                "fields": [{"name": "cost", "kind": "DOUBLE"}],
            },
            {
                "name": "relToSuccessor",
                "source": "ITComponent",
                "target": "ITComponent",
                "reverseName": "",
                "fields": [],
            },
        ],
        "lifecyclePhases": ["plan", "active"],
    }


def test_json_form_errors_name_the_right_key():
    good = SMALL.to_dict()
    bad = json.loads(json.dumps(good))
    bad["types"][0]["fields"][1] = {"name": "users", "type": "INTEGER"}
    with pytest.raises(MetaModelError, match="Unknown key 'type' in a field of Application. Did you mean"):
        MetaModel.from_dict(bad)
    bad["types"][0]["fields"][1] = {"name": "users", "kind": "INTEGR"}
    with pytest.raises(MetaModelError, match="unknown kind 'INTEGR'. Did you mean 'INTEGER'"):
        MetaModel.from_dict(bad)
    with pytest.raises(MetaModelError, match="needs 'types'"):
        MetaModel.from_dict({"relations": []})
    with pytest.raises(MetaModelError, match="hierarchical must be true or false"):
        MetaModel.from_dict({"types": [{"name": "A", "hierarchical": "no"}]})
    with pytest.raises(MetaModelError, match="unknown type 'Nope'"):
        MetaModel.from_dict(
            {"types": [{"name": "A"}], "relations": [{"name": "relAToNope", "source": "A", "target": "Nope"}]}
        )


def test_lookups_raise_with_close_matches():
    with pytest.raises(UnknownFactSheetType, match="'Aplication'. Did you mean 'Application'"):
        SMALL.type("Aplication")
    with pytest.raises(
        UnknownField, match="Application has no field 'critcality'. Did you mean 'criticality'"
    ):
        SMALL.field("Application", "critcality")
    with pytest.raises(UnknownField, match="has no relation 'relApplicationToITComponen'. Did you mean"):
        SMALL.relation("Application", "relApplicationToITComponen")
    assert issubclass(UnknownField, MetaModelError) and issubclass(UnknownFactSheetType, MetaModelError)


def test_base_fields_relations_both_ways_and_one_way():
    assert SMALL.field("Application", "name").kind is FieldKind.STRING
    category = SMALL.field("Application", "category")
    assert category.kind is FieldKind.SINGLE_SELECT and category.values == ("business",)
    assert [f.name for f in SMALL.fields_of("Application")][-2:] == ["criticality", "users"]
    back = SMALL.relation("ITComponent", "relITComponentToApplication")
    assert (back.source, back.target, back.reverse_name) == (
        "ITComponent",
        "Application",
        "relApplicationToITComponent",
    )
    assert set(SMALL.relations_of("ITComponent")) == {"relITComponentToApplication", "relToSuccessor"}
    assert set(SMALL.relations_of("Application")) == {
        "relApplicationToITComponent",
        "relToParent",
        "relToChild",
    }


def _type(name: str, fields: list[dict]) -> dict:
    return {"name": name, "kind": "OBJECT", "enumValues": None, "fields": fields}


def _field(name: str, kind: str, type_name: str, list_of: bool = False) -> dict:
    ref = {"kind": kind, "name": type_name, "ofType": None}
    if list_of:
        ref = {"kind": "LIST", "name": None, "ofType": ref}
    return {"name": name, "type": ref}


def test_hand_written_introspection_answer():
    """A LeanIX-like answer: custom fields of every kind, a relation pair, and a successor relation."""
    answer = {
        "__schema": {
            "types": [
                {
                    "name": "FactSheetType",
                    "kind": "ENUM",
                    "enumValues": [{"name": "Application"}, {"name": "ITComponent"}],
                    "fields": None,
                },
                {
                    "name": "Crit",
                    "kind": "ENUM",
                    "enumValues": [{"name": "low"}, {"name": "high"}],
                    "fields": None,
                },
                {
                    "name": "Pd",
                    "kind": "ENUM",
                    "enumValues": [{"name": "hr"}, {"name": "finance"}],
                    "fields": None,
                },
                _type(
                    "Lifecycle",
                    [
                        _field("asString", "SCALAR", "String"),
                        _field("phases", "OBJECT", "LifecyclePhase", True),
                    ],
                ),
                _type("ExternalId", [_field("externalId", "SCALAR", "String")]),
                _type("Location", [_field("rawAddress", "SCALAR", "String")]),
                _type(
                    "Application",
                    [
                        _field("id", "SCALAR", "ID"),
                        _field("name", "SCALAR", "String"),
                        _field("tags", "OBJECT", "Tag", True),
                        _field("crit", "ENUM", "Crit"),
                        _field("pd", "ENUM", "Pd", True),
                        _field("count", "SCALAR", "Long"),
                        _field("cost", "SCALAR", "Double"),
                        _field("flag", "SCALAR", "Boolean"),
                        _field("since", "SCALAR", "Date"),
                        _field(
                            "keywords", "SCALAR", "String", True
                        ),  # a list of strings (naFields is a base field)
                        _field("lifecycle", "OBJECT", "Lifecycle"),
                        _field("serviceNowId", "OBJECT", "ExternalId"),
                        _field("location", "OBJECT", "Location"),
                        _field("relToParent", "OBJECT", "RelAppParentConn"),
                        _field("relToChild", "OBJECT", "RelAppChildConn"),
                        _field("relApplicationToITComponent", "OBJECT", "RelA2IConn"),
                    ],
                ),
                _type(
                    "ITComponent",
                    [
                        _field("id", "SCALAR", "ID"),
                        _field("relITComponentToApplication", "OBJECT", "RelI2AConn"),
                        _field("relToSuccessor", "OBJECT", "RelSuccConn"),
                        _field("relToPredecessor", "OBJECT", "RelPredConn"),
                    ],
                ),
                *_connection("RelAppParentConn", "RelAppParent", "Application", []),
                *_connection("RelAppChildConn", "RelAppChild", "Application", []),
                *_connection(
                    "RelA2IConn",
                    "RelA2I",
                    "ITComponent",
                    [_field("usage", "ENUM", "Pd", True), _field("cost", "SCALAR", "Float")],
                ),
                *_connection(
                    "RelI2AConn",
                    "RelI2A",
                    "Application",
                    [_field("usage", "ENUM", "Pd", True), _field("cost", "SCALAR", "Float")],
                ),
                *_connection("RelSuccConn", "RelSucc", "ITComponent", []),
                *_connection("RelPredConn", "RelPred", "ITComponent", []),
            ]
        }
    }
    model = MetaModel.from_introspection({"data": answer})
    assert model.type_names == ("Application", "ITComponent")
    app = model.type("Application")
    assert [(f.name, f.kind.value, f.values) for f in app.fields] == [
        ("crit", "SINGLE_SELECT", ("low", "high")),
        ("pd", "MULTIPLE_SELECT", ("hr", "finance")),
        ("count", "INTEGER", ()),
        ("cost", "DOUBLE", ()),
        ("flag", "BOOLEAN", ()),
        ("since", "DATE", ()),
        ("keywords", "LIST", ()),
        ("lifecycle", "LIFECYCLE", ()),
        ("serviceNowId", "EXTERNALID", ()),
        ("location", "LOCATION", ()),
    ]
    assert app.hierarchical and not model.type("ITComponent").hierarchical
    assert [(r.name, r.source, r.target, r.reverse_name) for r in model.relations] == [
        ("relApplicationToITComponent", "Application", "ITComponent", "relITComponentToApplication"),
        ("relToSuccessor", "ITComponent", "ITComponent", "relToPredecessor"),
    ]
    assert [(f.name, f.kind.value) for f in model.relations[0].fields] == [
        ("usage", "MULTIPLE_SELECT"),
        ("cost", "DOUBLE"),
    ]


def _connection(name: str, node: str, target: str, fields: list[dict]) -> list[dict]:
    return [
        _type(name, [_field("totalCount", "SCALAR", "Int"), _field("edges", "OBJECT", f"{node}Edge", True)]),
        _type(f"{node}Edge", [_field("node", "OBJECT", node)]),
        _type(node, [_field("id", "SCALAR", "ID"), *fields, _field("factSheet", "OBJECT", target)]),
    ]


REC = {
    "id": "a1",
    "status": "ARCHIVED",
    "externalId": {"externalId": "APP-1"},
    "tags": [
        {"id": "t1", "name": "EMEA", "tagGroup": {"id": "g1", "name": "Region"}},
        {"id": "t2", "name": "Old", "tagGroup": None},
    ],
    "lifecycle": {
        "asString": "active",
        "phases": [
            {"phase": "plan", "startDate": "2020-01-01"},
            {"phase": "active", "startDate": "2021-01-01"},
            {"phase": "phaseIn", "startDate": "2021-01-01"},
            {"phase": "endOfLife", "startDate": "2030-01-01"},
        ],
    },
    "subscriptions": {"edges": [{"node": {"id": "s1", "type": "RESPONSIBLE", "user": {"id": "u1"}}}]},
    "relApplicationToITComponent": {"edges": [{"node": {"id": "r1", "factSheet": {"id": "i1"}}}]},
}


def test_record_accessor():
    assert record.external_id(REC) == "APP-1" and record.external_id(REC, "sapId") is None
    assert record.tag_names(REC) == ["EMEA", "Old"] and record.tag_ids(REC) == ["t1", "t2"]
    assert [record.tag_group_id(t) for t in REC["tags"]] == ["g1", None]
    assert record.current_phase(REC) == "active"
    assert record.current_phase(REC, date(2021, 6, 1)) == "active"  # same start day: the later phase wins
    assert record.current_phase(REC, date(2020, 6, 1)) == "plan"
    assert record.current_phase(REC, date(2019, 6, 1)) is None
    assert record.current_phase({"id": "x"}) is None
    assert record.subscribers(REC) == ["u1"]
    assert record.related_ids(REC, "relApplicationToITComponent") == ["i1"]
    assert record.edges(REC, "relNone") == () and record.is_archived(REC)
