"""The document register under /api/v1/documents. What each user sees is decided by
the access policy in the data layer; these routes only pass the principal along."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel

from phalanx.domain.access.policy import Marking
from phalanx.services import documents as docs
from phalanx.web.auth import Reader, Releaser, Writer
from phalanx.web.deps import DB, Conn, Id, Offset
from phalanx.web.problem_document import problem_responses

router = APIRouter(tags=["documents"])


class DocumentPage(BaseModel):
    items: list[docs.DocumentOut]
    total: int


Q = Annotated[str | None, Query(max_length=200, description="Text in the title or body.")]
MarkingQ = Annotated[Marking | None, Query()]
OwnerQ = Annotated[str | None, Query(max_length=64)]


@router.get("/documents", response_model=DocumentPage)
def list_documents(response: Response, actor: Reader, conn: Conn, q: Q = None,
                   marking: MarkingQ = None, owner: OwnerQ = None,
                   limit: Annotated[int, Query(ge=1, le=500)] = 50,
                   offset: Offset = 0) -> DocumentPage:
    """The documents the reader may read: a page of `limit` from `offset`; `total` and,
    as on the other lists, the header X-Total-Count say how many there are in all."""
    items, total = docs.search(conn, actor=actor, q=q, marking=marking, owner=owner,
                               limit=limit, offset=offset)
    response.headers["X-Total-Count"] = str(total)
    return DocumentPage(items=items, total=total)


@router.post("/documents", response_model=docs.DocumentOut, status_code=201)
def create_document(data: docs.DocumentIn, actor: Writer, db: DB) -> docs.DocumentOut:
    return docs.create(db, data, actor=actor)


@router.get("/documents/export.csv", response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}}}})
def export_documents(actor: Reader, db: DB, q: Q = None, marking: MarkingQ = None,
                     owner: OwnerQ = None) -> StreamingResponse:
    def rows() -> object:
        with db.read() as conn:
            yield from docs.export_csv(conn, actor=actor, q=q, marking=marking, owner=owner)

    return StreamingResponse(rows(), media_type="text/csv",  # type: ignore[arg-type]
                             headers={"content-disposition": "attachment; filename=documents.csv"})


@router.get("/documents/stats", response_model=docs.DocumentStats)
def document_stats(actor: Reader, conn: Conn) -> docs.DocumentStats:
    return docs.stats(conn, actor=actor)


@router.get("/documents/{doc_id}", response_model=docs.DocumentOut)
def get_document(doc_id: Id, actor: Reader, conn: Conn) -> docs.DocumentOut:
    return docs.get(conn, doc_id, actor=actor)


@router.post("/documents/{doc_id}/marking", response_model=docs.DocumentOut,
             responses=problem_responses(409))
def remark_document(doc_id: Id, data: docs.RemarkIn, actor: Releaser,
                    db: DB) -> docs.DocumentOut:
    """Re-mark a document or release it to observers (its owner only; audited)."""
    return docs.remark(db, doc_id, data, actor=actor)


