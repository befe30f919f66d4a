"""The tutor backend (seed 000): a FastAPI service keeping each learner's
replica in a learnloop Store, exchanging change sets with the phone app.

    TUTOR_DB=tutor.db uvicorn app:app --port 8000

and open http://127.0.0.1:8000/web/?learner=ada for the browser client.

The phone sends what the backend has not acknowledged (change-set bytes),
its version vector and its clock; the backend applies it in one
transaction, answers with what the phone lacks, and says how many events
that is (a phone that was away long is "stale" and catches up in the same
exchange). The backend can also decide a session's difficulty (an
authority event): it wins over the answers it had seen, and a phone's
offline answer it had not seen still counts.

After every exchange the backend compacts what every device it knows has
acknowledged (the events fold into a snapshot and leave the log). A device
that has not synced for long holds that back; retire it with
`DELETE /learners/{id}/peers/{device}`. Should it come back, the change set
it receives is refused by its replica as "resync needed": it fetches
`GET /learners/{id}/snapshot`, resyncs from it, and applies the change set
again.
"""

import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path

import learnloop
from fastapi import FastAPI, Header, HTTPException, Request, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field, TypeAdapter

DEVICE = "backend"
VECTOR = TypeAdapter(dict[str, int])

app = FastAPI(title="tutor backend")
# The browser client (a plain page, ../web) and the npm package it imports
# (bindings-wasm/pkg after scripts/build-wasm.sh, or TUTOR_WASM_PKG).
app.mount("/web", StaticFiles(directory=Path(__file__).parent.parent / "web", html=True), name="web")
WASM_PKG = Path(os.environ.get("TUTOR_WASM_PKG", Path(__file__).parents[3] / "bindings-wasm" / "pkg"))
if WASM_PKG.is_dir():
    app.mount("/pkg", StaticFiles(directory=WASM_PKG), name="pkg")
store = learnloop.Store(os.environ.get("TUTOR_DB", "tutor.db"))
replicas: dict[str, learnloop.StoredReplica] = {}
lock = threading.Lock()


def now() -> datetime:
    return datetime.now(timezone.utc)


def replica(learner_id: str) -> learnloop.StoredReplica:
    """The learner's replica, opened (and folded from the store) on first use."""
    if learner_id not in replicas:
        replicas[learner_id] = store.replica(learner_id, DEVICE, now())
    return replicas[learner_id]


def missing(ours: dict[str, int], theirs: dict[str, int]) -> int:
    """How many of our events a replica with vector `theirs` lacks."""
    return sum(max(0, seq - theirs.get(device, 0)) for device, seq in ours.items())


class SyncStatus(BaseModel):
    digest: str = Field(description="64-bit digest of the learner's events, decimal")
    vector: dict[str, int]


class SessionView(BaseModel):
    session_id: str
    difficulty: float
    answers: int
    adaptive_state: dict


class Decision(BaseModel):
    difficulty: float = Field(ge=0.0, le=1.0)


@app.exception_handler(learnloop.LearnloopError)
async def library_error(_: Request, error: learnloop.LearnloopError) -> Response:
    status = 409 if isinstance(error, learnloop.ConflictError) else 422
    body = {"detail": str(error), "code": error.code, "field": error.field}
    return Response(json.dumps(body), status_code=status, media_type="application/json")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/learners/{learner_id}/sync")
async def sync(
    learner_id: str,
    request: Request,
    x_device: str = Header(),
    x_learnloop_vector: str = Header(default="{}"),
    x_learnloop_clock: int | None = Header(default=None, ge=0, lt=2**64),
) -> Response:
    """Apply the phone's change set; answer with what the phone lacks."""
    theirs = VECTOR.validate_json(x_learnloop_vector)
    changes = await request.body()
    with lock:
        r = replica(learner_id)
        applied = r.apply(changes, now()) if changes else {"new": 0, "duplicates": 0}
        r.acknowledge(x_device, theirs, x_learnloop_clock)
        compacted = r.compact(now())
        ours = r.vector()
        reply = r.changes_since(theirs)
        headers = {
            "X-Learnloop-Digest": str(r.digest()),
            "X-Learnloop-Vector": json.dumps(ours),
            "X-Learnloop-Applied": json.dumps(applied),
            "X-Learnloop-Missing": str(missing(ours, theirs)),
            "X-Learnloop-Compacted": str(compacted),
        }
    return Response(reply, media_type="application/octet-stream", headers=headers)


@app.get("/learners/{learner_id}/snapshot")
def snapshot(learner_id: str) -> Response:
    """The snapshot a device too far behind resyncs from (bytes)."""
    with lock:
        return Response(replica(learner_id).snapshot(), media_type="application/octet-stream")


@app.get("/learners/{learner_id}/peers")
def peers(learner_id: str) -> list[str]:
    """The devices whose acknowledgements compaction waits for."""
    with lock:
        return replica(learner_id).peers()


@app.delete("/learners/{learner_id}/peers/{device}")
def forget_peer(learner_id: str, device: str) -> dict[str, bool]:
    """Retire a device: it no longer holds back compaction."""
    with lock:
        if not replica(learner_id).forget_peer(device):
            raise HTTPException(404, f"no device {device!r} for learner {learner_id!r}")
    return {"forgotten": True}


@app.get("/learners/{learner_id}/sync", response_model=SyncStatus)
def status(learner_id: str) -> SyncStatus:
    with lock:
        r = replica(learner_id)
        return SyncStatus(digest=str(r.digest()), vector=r.vector())


@app.get("/learners/{learner_id}/sessions/{session_id}", response_model=SessionView)
def session(learner_id: str, session_id: str) -> SessionView:
    """A session's adaptive state as the store holds it (derived rows)."""
    with lock:
        folded = replica(learner_id).state()["sessions"].get(session_id)
        if folded is None:
            raise HTTPException(404, f"no session {session_id!r}")
        state = store.adaptive_state(session_id)
    return SessionView(
        session_id=session_id,
        difficulty=state["adaptiveDifficultyLevel"],
        answers=len(folded["answers"]),
        adaptive_state=state,
    )


@app.post("/learners/{learner_id}/sessions/{session_id}/decision", response_model=SessionView)
def decide(learner_id: str, session_id: str, decision: Decision) -> SessionView:
    """The backend's authority over a session's difficulty, on what it has seen."""
    with lock:
        r = replica(learner_id)
        folded = r.state()["sessions"].get(session_id)
        if folded is None:
            raise HTTPException(404, f"no session {session_id!r}")
        state = dict(folded["state"], adaptiveDifficultyLevel=decision.difficulty)
        body = {"kind": "authority", "session": session_id, "state": state, "seen": r.vector()}
        r.record(body, now())
    return session(learner_id, session_id)
