from ninja import Field, Schema

from hotline.core.enums import TicketStatus

MAX_TOP = 50


class SimilarFilters(Schema):
    text: str = Field(
        ..., min_length=1, max_length=5000, description="title and content, or what the operator is typing"
    )
    address: str = Field("", max_length=300)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    category_id: int | None = Field(None, ge=1)
    top: int = Field(5, ge=1, le=MAX_TOP)


class SimilarTicket(Schema):
    id: int
    number: str
    title: str
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
