from typing import Annotated

from ninja import Field, Schema

from hotline.core.api import NoNul, WholePoint, bounded
from hotline.core.enums import TicketStatus
from hotline.core.http import MAX_URL_LENGTH
from hotline.dedup.embedders import MAX_CHARS

MAX_TOP = 50


class SimilarFilters(WholePoint):
    # Control characters refused as in every text the API takes (core.api.NoNul): nothing a person
    # types, and the address and text reach the gazetteer's matching and the embedder as they are.
    text: Annotated[str, bounded(5000), NoNul] = Field(
        ...,
        description=(
            "title and content, or what the operator is typing; only its first "
            f"{MAX_CHARS} characters are compared with the tickets', as a stored ticket's are, so a "
            f"client need send no more (the whole URL is limited to {MAX_URL_LENGTH} characters, a "
            "Chinese character taking 9 once encoded)"
        ),
    )
    address: Annotated[str, bounded(300, required=False), NoNul] = ""
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    category_id: int | None = Field(None, ge=1)
    top: int = Field(5, ge=1, le=MAX_TOP)


class SimilarTicket(Schema):
    id: int
    number: str
    title: str = Field(description="as the ticket list shows it: every number in it masked")
    status: TicketStatus
    score: float = Field(description="combined score: text similarity adjusted by place, category and time")
    similarity: float = Field(description="cosine similarity of the texts")
    duplicate: bool = Field(description="the score reaches the configured threshold")
    reason: str


class SimilarOut(Schema):
    items: list[SimilarTicket]
    area: str | None = Field(description="the area found from the address (or the point, or the text)")
    threshold: float
    embedder: str
