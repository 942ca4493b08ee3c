"""The meta model: default types and relations as LeanIX names them, lookups and consistency checks."""

from __future__ import annotations

import pytest

from kit.leanix import (
    RELATION_BASE_FIELDS,
    FactSheetTypeDef,
    FieldDef,
    FieldKind,
    MetaModel,
    MetaModelError,
    RelationDef,
)
from kit.sandbox.metamodel import DEFAULT_METAMODEL

V4 = (
    "Objective",
    "Platform",
    "Initiative",
    "Organization",
    "BusinessCapability",
    "BusinessContext",
    "DataObject",
    "Application",
    "Interface",
    "Provider",
    "ITComponent",
    "TechnicalStack",
)


def test_default_types_cover_meta_model_v4_and_v3():
    names = DEFAULT_METAMODEL.type_names
    assert set(V4) <= set(names)
    assert {"Project", "Process", "UserGroup"} <= set(names)
    assert len(names) == len(set(names)) == 15


def test_single_select_values_keep_their_order():
    app = DEFAULT_METAMODEL.type("Application")
    assert app.field("businessCriticality").values == (
        "administrativeService",
        "businessOperational",
        "businessCritical",
        "missionCritical",
    )
    assert app.field("functionalSuitability").values == (
        "unreasonable",
        "insufficient",
        "appropriate",
        "perfect",
    )
    assert app.field("technicalSuitability").values[-1] == "fullyAppropriate"
    assert app.field("lifecycle").kind is FieldKind.LIFECYCLE
    assert app.field("externalId").kind is FieldKind.EXTERNALID
    assert app.field("totalAnnualCost").kind is FieldKind.DOUBLE
    itc = DEFAULT_METAMODEL.type("ITComponent")
    assert itc.categories == ("software", "hardware", "service", "saas", "iaas", "paas")


def test_relations_of_gives_both_directions_oriented_from_the_type():
    app = DEFAULT_METAMODEL.relations_of("Application")
    itc = DEFAULT_METAMODEL.relations_of("ITComponent")
    forward, reverse = app["relApplicationToITComponent"], itc["relITComponentToApplication"]
    assert (forward.source, forward.target, forward.reverse_name) == (
        "Application",
        "ITComponent",
        "relITComponentToApplication",
    )
    assert (reverse.source, reverse.target, reverse.reverse_name) == (
        "ITComponent",
        "Application",
        "relApplicationToITComponent",
    )
    names = [f.name for f in forward.fields]
    assert names == ["activeFrom", "activeUntil", "description", "technicalSuitability", "costTotalAnnual"]
    assert reverse.fields == forward.fields
    assert "relProviderApplicationToInterface" in app and "relConsumerApplicationToInterface" in app
    assert "relApplicationToProject" in app and "relApplicationToUserGroup" in app
    assert itc["relITComponentToTechnologyStack"].target == "TechnicalStack"


def test_every_relation_carries_the_base_fields_and_hierarchies_have_parent_and_child():
    for tdef in DEFAULT_METAMODEL.types:
        rels = DEFAULT_METAMODEL.relations_of(tdef.name)
        for rel in rels.values():
            assert rel.fields[:3] == RELATION_BASE_FIELDS, rel.name
        if tdef.hierarchical:
            assert (
                rels["relToParent"].target == tdef.name and rels["relToChild"].reverse_name == "relToParent"
            )
        else:
            assert "relToParent" not in rels
    assert not DEFAULT_METAMODEL.type("Interface").hierarchical
    assert DEFAULT_METAMODEL.type("BusinessCapability").hierarchical


def test_lookups_name_what_is_known():
    with pytest.raises(MetaModelError, match="Unknown fact sheet type 'Aplication'.*Application"):
        DEFAULT_METAMODEL.type("Aplication")
    with pytest.raises(MetaModelError, match="has no relation 'relFoo'"):
        DEFAULT_METAMODEL.relation("Application", "relFoo")
    assert "relToChild" in DEFAULT_METAMODEL.relation_names
    assert DEFAULT_METAMODEL.fields_by_name["businessCriticality"].kind is FieldKind.SINGLE_SELECT
    assert DEFAULT_METAMODEL.lifecycle_phases == ("plan", "phaseIn", "active", "phaseOut", "endOfLife")


def test_inconsistent_models_are_rejected():
    a = FactSheetTypeDef("A", (FieldDef("level", FieldKind.STRING),))
    with pytest.raises(MetaModelError, match="'level'"):
        MetaModel((a,), ())
    b = FactSheetTypeDef("B", (FieldDef("x", FieldKind.SINGLE_SELECT, ("ok", "null")),))
    with pytest.raises(MetaModelError, match="invalid or repeated values"):
        MetaModel((b,), ())
    c = FactSheetTypeDef("C")
    with pytest.raises(MetaModelError, match="unknown type 'D'"):
        MetaModel((c,), (RelationDef("relCToD", "C", "D", "relDToC"),))
    twice = (RelationDef("relCToC", "C", "C", "relX"), RelationDef("relCToC", "C", "C", "relY"))
    with pytest.raises(MetaModelError, match="declared twice"):
        MetaModel((c,), twice)
    ok = MetaModel((c,), (RelationDef("relCToC2", "C", "C", "relC2ToC"),))
    assert set(ok.relations_of("C")) == {"relCToC2", "relC2ToC", "relToParent", "relToChild"}
