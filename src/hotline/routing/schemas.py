"""Shapes of the routing API: the explain console's question and answer, and the dispatch queue."""

from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import model_validator

from hotline.core.api import (
    MAX_ID,
    MAX_PAGE_SIZE,
    CategoryRef,
    DepartmentRef,
    Id,
    InSchema,
    LocalDateTime,
    NoNul,
    WholePoint,
    bounded,
)
from hotline.core.enums import Kind, RoutingMode, SuggestionSource, Urgency
from hotline.intake.schemas import Address

OptionalTitle = Annotated[str, bounded(200, required=False), NoNul]
OptionalContent = Annotated[str, bounded(20_000, required=False), NoNul]


class ExplainIn(InSchema, WholePoint):
    title: OptionalTitle = ""
    text: OptionalContent = Field("", description="the appeal's content")
    address: Address = ""
    category_id: Id | None = Field(None, description="as the operator would choose it; default: predicted")
    area_id: Id | None = Field(None, description="as the operator would choose it; default: located")
    latitude: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    longitude: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)

    @model_validator(mode="after")
    def _something_to_read(self) -> "ExplainIn":
        if not self.title and not self.text:
            raise ValueError(_("title 和 text 至少填写一项"))
        return self


class RuleRef(Schema):
    id: int
    name: str


class TermOut(Schema):
    term: str
    weight: float = Field(description="the term's share of the class's margin in the linear model")


class SuggestionOut(Schema):
    lead: DepartmentRef
    co: list[DepartmentRef]
    category: CategoryRef | None
    confidence: float
    source: SuggestionSource
    reason: str
    rule: RuleRef | None
    label: str = Field(description="the classifier's class behind the suggestion, if any")
    probability: float | None
    terms: list[TermOut] = Field(description="the words that pushed the classifier towards `label`")


class RuleCheckOut(Schema):
    rule: RuleRef
    fired: bool
    applies: bool
    priority: int
    is_active: bool
    matched: dict[str, Any] = Field(description="category, area, keywords that matched")
    failures: list[str]
    outranked_by: RuleRef | None


class RulesOut(Schema):
    fired: RuleCheckOut | None
    considered: list[RuleCheckOut]
    note: str


class ExplainOut(Schema):
    mode: RoutingMode = Field(description="what would happen at intake: auto(-dispatch) or queue")
    confidence: float | None
    threshold: float
    auto_dispatch: bool
    place: dict[str, Any]
    urgency: dict[str, Any]
    category: CategoryRef | None
    category_given: bool
    predictions: list[dict[str, Any]]
    kind_predictions: list[dict[str, Any]] = Field(
        default_factory=list, description="the kind model's most likely kinds (诉求类型), once trained"
    )
    model_version: str | None
    rules: RulesOut
    suggestions: list[SuggestionOut]
    notes: list[str]


class QueueFilters(Schema):
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=MAX_ID)


class QueueItem(Schema):
    id: int
    number: str
    title: str
    address: str
    kind: Kind
    urgency: Urgency
    category: CategoryRef | None
    area: DepartmentRef | None
    created_at: LocalDateTime
    decided_at: LocalDateTime | None = Field(description="when routing ran; null: computed now")
    confidence: float | None
    suggestions: list[SuggestionOut]


class QueuePage(Schema):
    count: int
    offset: int
    limit: int
    items: list[QueueItem]
    routing_failed: int = Field(description="tickets in the queue whose routing after intake failed")
