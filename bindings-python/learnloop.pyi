"""learnloop: adaptive-learning engine (FSRS-6 and SM-2 spaced repetition,
learner models, the adaptive engine, a SQLite store).

Every datetime argument is required and must be timezone-aware (naive
datetimes raise InvalidInputError); every datetime returned is in UTC.
Settings are keyword arguments; each one left out takes the core's default
(`learnloop.options(name)` shows them). Records cross as JSON-ready dicts in
the core's shapes.
"""

import os
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar, Final, Literal, TypedDict

from typing_extensions import Unpack

__version__: Final[str]

JsonDict = dict[str, Any]
Seconds = float | timedelta
OptionsName = Literal[
    "fsrs", "sm2", "anki_sm2", "queue", "engine", "calibration",
    "item_selector", "bkt_fit", "pfa", "normal_prior", "elo",
]

OPTIONS_NAMES: Final[list[str]]
"""Every options name `options` takes, from the core's table."""

def options(name: OptionsName, **options: Any) -> JsonDict:
    """The options `name` resolves to from these keyword arguments, the
    core's defaults for the rest."""

class Rating:
    """The learner's answer; compares equal to its number 1-4."""

    AGAIN: ClassVar[Rating]
    HARD: ClassVar[Rating]
    GOOD: ClassVar[Rating]
    EASY: ClassVar[Rating]
    def __int__(self) -> int: ...
    def __hash__(self) -> int: ...
    def is_pass(self) -> bool:
        """Whether the rating counts as recalled (Hard, Good, Easy)."""

class State:
    """Where a card is in its life; compares equal to its number 0-3."""

    NEW: ClassVar[State]
    LEARNING: ClassVar[State]
    REVIEW: ClassVar[State]
    RELEARNING: ClassVar[State]
    def __int__(self) -> int: ...
    def __hash__(self) -> int: ...

RatingLike = Rating | int
Ratings = bytes | bytearray | Sequence[RatingLike]

class Card:
    """A reviewable item and its scheduling state. Immutable: reviews return a new card."""

    def __init__(self, card_id: str, now: datetime) -> None: ...
    @staticmethod
    def new(card_id: str, now: datetime) -> Card: ...
    @property
    def id(self) -> str: ...
    @property
    def state(self) -> State: ...
    @property
    def step(self) -> int | None: ...
    @property
    def due(self) -> datetime: ...
    @property
    def stability(self) -> float | None: ...
    @property
    def difficulty(self) -> float | None: ...
    @property
    def last_review(self) -> datetime | None: ...
    @property
    def scheduled_days(self) -> int: ...
    @property
    def reps(self) -> int: ...
    @property
    def lapses(self) -> int: ...
    def to_dict(self) -> JsonDict: ...
    @staticmethod
    def from_dict(value: JsonDict) -> Card: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(text: str) -> Card: ...

class ReviewLog:
    """The record of one review."""

    @property
    def card_id(self) -> str: ...
    @property
    def rating(self) -> Rating: ...
    @property
    def state(self) -> State: ...
    @property
    def reviewed_at(self) -> datetime: ...
    @property
    def elapsed_days(self) -> int: ...
    @property
    def scheduled_days(self) -> int: ...
    @property
    def duration_ms(self) -> int | None: ...
    def to_dict(self) -> JsonDict: ...

class CardBatch:
    """Many cards in native memory, for batch work without a Python object per card.

    Mutable: `review_batch` updates it in place. Safe to share between
    threads: every call takes the batch's own lock.
    """

    def __init__(self, cards: Sequence[Card] = ...) -> None: ...
    @staticmethod
    def new_cards(prefix: str, count: int, now: datetime) -> CardBatch: ...
    def append(self, card: Card) -> None: ...
    def __len__(self) -> int: ...
    def __getitem__(self, index: int) -> Card: ...
    def __setitem__(self, index: int, card: Card) -> None: ...
    def to_list(self) -> list[Card]: ...
    def due_timestamps(self) -> list[float]: ...

class _Scheduler:
    """What every scheduler offers. Immutable and safe to share between threads."""

    @property
    def options(self) -> JsonDict: ...
    def review(
        self,
        card: Card,
        rating: RatingLike,
        now: datetime,
        duration_ms: int | None = None,
        *,
        load: Sequence[int] | None = None,
    ) -> tuple[Card, ReviewLog]:
        """`load`: cards already due on each coming day (`forecast`), read
        when load balancing is on."""
    def preview(
        self, card: Card, now: datetime, *, load: Sequence[int] | None = None
    ) -> dict[Rating, Card]: ...
    def review_many(self, cards: Sequence[Card], ratings: Ratings, now: datetime) -> list[Card]: ...
    def review_batch(self, batch: CardBatch, ratings: Ratings, now: datetime) -> None: ...

EasyDays = Sequence[float]

class Fsrs(_Scheduler):
    """The FSRS-6 scheduler."""

    def __init__(
        self,
        *,
        parameters: Sequence[float] = ...,
        desired_retention: float = ...,
        learning_steps: Sequence[Seconds] = ...,
        relearning_steps: Sequence[Seconds] = ...,
        maximum_interval: int = ...,
        enable_fuzzing: bool = ...,
        load_balancing: bool = ...,
        easy_days: EasyDays | None = ...,
        interval_order: bool = ...,
    ) -> None: ...
    @property
    def parameters(self) -> list[float]: ...
    @property
    def desired_retention(self) -> float: ...
    @property
    def maximum_interval(self) -> int: ...
    def retrievability(self, card: Card, now: datetime) -> float: ...
    def memory_state(
        self, history: Sequence[tuple[RatingLike, int]], start: tuple[float, float] | None = None
    ) -> tuple[float, float]: ...
    def retrievability_after(self, elapsed_days: float, stability: float) -> float: ...
    def next_states(
        self, memory: tuple[float, float] | None, desired_retention: float, days_elapsed: int
    ) -> dict[Rating, tuple[float, float, float]]: ...
    def next_interval(
        self, stability: float | None, desired_retention: float, rating: RatingLike
    ) -> float: ...
    def review_interval(self, stability: float) -> int: ...
    def memory_state_from_sm2(
        self, ease_factor: float, interval: float, sm2_retention: float
    ) -> tuple[float, float]: ...

class Sm2(_Scheduler):
    """SuperMemo's SM-2 (quality 0-5; the four ratings are qualities 2-5)."""

    def __init__(
        self,
        *,
        maximum_interval: int = ...,
        enable_fuzzing: bool = ...,
        load_balancing: bool = ...,
        easy_days: EasyDays | None = ...,
    ) -> None: ...
    def review_quality(self, card: Card, quality: int, now: datetime) -> tuple[Card, ReviewLog]: ...
    @staticmethod
    def quality_of(rating: RatingLike) -> int: ...

class AnkiSm2(_Scheduler):
    """Anki's SM-2 variant (four buttons, ease steps, multipliers)."""

    def __init__(
        self,
        *,
        learning_steps: Sequence[Seconds] = ...,
        relearning_steps: Sequence[Seconds] = ...,
        graduating_interval: int = ...,
        easy_interval: int = ...,
        starting_ease: float = ...,
        easy_bonus: float = ...,
        hard_multiplier: float = ...,
        interval_modifier: float = ...,
        lapse_multiplier: float = ...,
        minimum_lapse_interval: int = ...,
        maximum_interval: int = ...,
        enable_fuzzing: bool = ...,
        load_balancing: bool = ...,
        easy_days: EasyDays | None = ...,
    ) -> None: ...

QueueOrder = Literal["retrievability", "due", "shuffled"]

class QueueOptions(TypedDict, total=False):
    """The due queue's options (keyword arguments); each one left out takes
    the core's default."""

    new_limit: int
    review_limit: int
    order: QueueOrder
    seed: int
    learn_ahead: Seconds
    review_ahead: Seconds

def due_queue(
    cards: Sequence[Card] | CardBatch, now: datetime, **options: Unpack[QueueOptions]
) -> list[int]: ...
def forecast(cards: Sequence[Card] | CardBatch, now: datetime, days: int) -> list[int]: ...
def reschedule(card: Card, due: datetime, now: datetime) -> Card: ...

class AnsweredQuestion(TypedDict):
    question_id: str
    correct: bool

def cards_from_mistakes(
    answers: Sequence[AnsweredQuestion], now: datetime, existing: Sequence[Card] = ...
) -> list[Card]: ...
def fuzz_range(interval: int, maximum_interval: int) -> tuple[int, int]: ...
def fuzz_factor(card_id: str, reps: int) -> float: ...
def upgrade_session(document: JsonDict) -> JsonDict: ...
def session_from_json(text: str) -> JsonDict: ...
def session_version(document: JsonDict) -> int: ...

Purpose = Literal["analytics", "research"]

class Store:
    """An embedded learnloop database (SQLite, WAL), migrated on open.

    Documents are JSON-ready dicts in the core's serialized shapes (seed 000's
    camelCase field names for sessions). Every call releases the GIL: one
    Store can serve a whole FastAPI thread pool, or each thread can open its
    own on the same file.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        actor: str = ...,
        durability: Literal["process", "full"] = ...,
        busy_timeout: Seconds = ...,
        audit_key: str = ...,
    ) -> None: ...
    @staticmethod
    def in_memory() -> Store: ...
    @staticmethod
    def from_bytes(image: bytes) -> Store: ...
    @property
    def options(self) -> JsonDict: ...
    def to_bytes(self) -> bytes: ...
    def schema_version(self) -> int: ...
    def save_session(self, learner_id: str, session_id: str, document: JsonDict) -> None: ...
    def load_session(self, session_id: str) -> JsonDict: ...
    def save_adaptive_state(self, session_id: str, state: JsonDict, at: datetime) -> None: ...
    def adaptive_state(self, session_id: str) -> JsonDict: ...
    def set_session_state(
        self, session_id: str, state: Literal["active", "completed"], *, at: datetime
    ) -> None: ...
    def active_sessions(self, learner_id: str, limit: int) -> list[JsonDict]: ...
    def append_adaptation(self, session_id: str, record: JsonDict) -> None: ...
    def adaptation_history(self, session_id: str, since: datetime | None = None) -> list[JsonDict]: ...
    def put_cards(self, learner_id: str, cards: Sequence[Card] | CardBatch, at: datetime) -> None: ...
    def record_review(self, learner_id: str, card: Card, log: ReviewLog) -> None: ...
    def record_reviews(self, learner_id: str, reviews: Sequence[tuple[Card, ReviewLog]]) -> None: ...
    def card(self, learner_id: str, card_id: str) -> Card: ...
    def cards(self, learner_id: str) -> CardBatch: ...
    def review_logs(self, learner_id: str, card_id: str) -> list[ReviewLog]: ...
    def due_queue(
        self, learner_id: str, now: datetime, **options: Unpack[QueueOptions]
    ) -> list[Card]: ...
    def forecast(self, learner_id: str, now: datetime, days: int) -> list[int]: ...
    def append_events(self, learner_id: str, events: Sequence[JsonDict]) -> int: ...
    def events(self, learner_id: str) -> list[JsonDict]: ...
    def set_consent(self, learner_id: str, purpose: Purpose, granted: bool, at: datetime) -> None: ...
    def consent(self, learner_id: str, purpose: Purpose) -> JsonDict | None: ...
    def export_learner(self, learner_id: str) -> JsonDict: ...
    def import_learner(self, export: JsonDict) -> None: ...
    def erase_learner(self, learner_id: str) -> int: ...
    def analytics_export(self, key: bytes) -> list[JsonDict]: ...
    def purge_events_before(self, cutoff: datetime) -> int: ...
    def audit_log(self, learner_id: str | None = None) -> list[JsonDict]: ...
    def audit_subject(self, learner_id: str) -> str: ...
    def replica(
        self,
        learner_id: str,
        device: str,
        now: datetime,
        *,
        scheduler: Fsrs | Sm2 | AnkiSm2 | None = None,
        engine: AdaptiveEngine | None = None,
    ) -> StoredReplica: ...

# ---- learner models ---------------------------------------------------------

Answer = bool | int | float | None
"""One answer cell: True/1 right, False/0 wrong; None, NaN or a negative code
(-1) not answered. numpy scalars and arrays are accepted."""

class EloRating(TypedDict, total=False):
    """A rating (logits) and the number of answers it rests on; a key left
    out is a newcomer's (rating 0, no answers)."""

    rating: float
    answers: int

class EloAnswer(TypedDict, total=False):
    learner_id: str
    item_id: str
    score: float
    options: int

class EloFit(TypedDict):
    learners: dict[str, EloRating]
    items: dict[str, EloRating]
    predicted: list[float]

class EloUpdate(TypedDict):
    learner: EloRating
    item: EloRating
    predicted: float

class Elo:
    """Elo for learners and items, uncertainty alpha / (1 + beta n) (Pelanek 2016)."""

    def __init__(self, *, alpha: float = ..., beta: float = ...) -> None: ...
    @property
    def options(self) -> JsonDict: ...
    def uncertainty(self, answers: int) -> float: ...
    def fit(self, answers: Sequence[EloAnswer]) -> EloFit: ...
    def probability(self, learner: EloRating, item: EloRating, *, options: int | None = None) -> float: ...
    def update(
        self, learner: EloRating, item: EloRating, score: float, *, options: int | None = None
    ) -> EloUpdate: ...

class ItemDict(TypedDict, total=False):
    discrimination: float
    difficulty: float
    guessing: float

class ItemParameters:
    """A 1PL/2PL/3PL item: P = c + (1 - c) / (1 + exp(-a (theta - b)))."""

    def __init__(self, discrimination: float, difficulty: float, guessing: float | None = None) -> None: ...
    @property
    def discrimination(self) -> float: ...
    @property
    def difficulty(self) -> float: ...
    @property
    def guessing(self) -> float: ...
    def probability(self, theta: float) -> float: ...
    def information(self, theta: float) -> float: ...
    def to_dict(self) -> ItemDict: ...

Items = Sequence[ItemParameters | ItemDict]

class AbilityEstimate(TypedDict):
    theta: float
    standard_error: float

def estimate_ability_eap(
    items: Items, responses: Sequence[Answer], *, mean: float = ..., sd: float = ...
) -> AbilityEstimate: ...
def test_information(items: Items, theta: float) -> float: ...
def estimate_ability_mle(items: Items, responses: Sequence[Answer]) -> AbilityEstimate:
    """Raises NotEstimableError for all-right or all-wrong answers."""

class Calibration(TypedDict):
    items: list[ItemDict]
    abilities: list[AbilityEstimate]
    log_likelihood: float
    iterations: int
    converged: bool

def calibrate(
    responses: Iterable[Iterable[Answer]],
    *,
    model: Literal["1PL", "2PL", "3PL"] = ...,
    fixed_discrimination: float = ...,
    quadrature_points: int = ...,
    quadrature_bound: float = ...,
    tolerance: float = ...,
    max_iterations: int = ...,
    guessing_prior: tuple[float, float] = ...,
) -> Calibration:
    """Marginal maximum likelihood (Bock-Aitkin EM); runs without the GIL."""

class ItemSelector:
    def __init__(
        self,
        rule: Literal["maximum_information", "success_band"] | None = None,
        *,
        low: float = ...,
        high: float = ...,
        randomesque: int = ...,
        max_exposure_rate: float | None = ...,
    ) -> None: ...
    @property
    def options(self) -> JsonDict: ...
    def select(
        self,
        items: Items,
        theta: float,
        *,
        administered: Sequence[int] = ...,
        exposure: Sequence[int] = ...,
        sessions: int | None = None,
        seed: int | None = None,
    ) -> int | None: ...

class BktDict(TypedDict):
    prior: float
    learn: float
    forget: float
    guess: float
    slip: float

class BktParameters:
    """Bayesian Knowledge Tracing parameters of one skill (guess + slip < 1)."""

    def __init__(
        self, prior: float, learn: float, guess: float, slip: float, forget: float | None = None
    ) -> None: ...
    @property
    def prior(self) -> float: ...
    @property
    def learn(self) -> float: ...
    @property
    def forget(self) -> float: ...
    @property
    def guess(self) -> float: ...
    @property
    def slip(self) -> float: ...
    def predict(self, known: float) -> float: ...
    def posterior(self, known: float, correct: bool) -> float: ...
    def update(self, known: float, correct: bool) -> float: ...
    def trace(self, answers: Sequence[bool]) -> float: ...
    def predict_sequence(self, answers: Sequence[bool]) -> list[float]: ...
    def to_dict(self) -> BktDict: ...

MASTERY_THRESHOLD: float

def is_mastered(known: float, threshold: float | None = None) -> bool: ...

class BktSkillFit(TypedDict):
    skill: str
    parameters: BktDict
    log_likelihood: float
    answers: int
    students: int
    iterations: int
    converged: bool

def fit_bkt(
    answers: Iterable[tuple[object, object, bool | int]],
    *,
    forgetting: bool = ...,
    max_guess: float = ...,
    max_slip: float = ...,
    tolerance: float = ...,
    max_iterations: int = ...,
    initial: BktDict = ...,
) -> list[BktSkillFit]:
    """(student, skill, correct) in order (ids that are not str are str()-ed);
    one fit per skill, sorted by skill."""

class Pfa:
    """Performance Factors Analysis (Pavlik, Cen & Koedinger 2009)."""

    @staticmethod
    def fit(answers: Sequence[tuple[str, Sequence[str], bool]], *, l2: float = ...) -> Pfa: ...
    def probability(self, practice: Sequence[tuple[str, int, int]]) -> float: ...
    @property
    def intercept(self) -> float: ...
    @property
    def skills(self) -> dict[str, dict[str, float]]: ...
    @property
    def log_likelihood(self) -> float: ...

def auc(predicted: Sequence[float], observed: Sequence[bool]) -> float: ...
def log_loss(predicted: Sequence[float], observed: Sequence[bool]) -> float: ...
def rmse(predicted: Sequence[float], observed: Sequence[bool]) -> float: ...

class EloOptions(TypedDict, total=False):
    alpha: float
    beta: float

class AdaptiveEngine:
    """Observes one interaction at a time; states are the Store's dicts."""

    def __init__(
        self,
        *,
        success_band_low: float = ...,
        success_band_high: float = ...,
        seed: int = ...,
        trend_window: int = ...,
        smoothing: float = ...,
        max_step: float = ...,
        difficulty_scale: float = ...,
        hint_penalty: float = ...,
        expected_response_ms: int = ...,
        elo: EloOptions = ...,
    ) -> None: ...
    @property
    def config(self) -> JsonDict: ...
    def initial_state(self, at: datetime) -> JsonDict: ...
    def predict_success(self, state: JsonDict, difficulty: float) -> float: ...
    def observe(
        self,
        state: JsonDict,
        *,
        question_id: str,
        at: datetime,
        correct: bool = ...,
        score: float = ...,
        difficulty: float | None = ...,
        response_time_ms: int | None = ...,
        expected_time_ms: int | None = ...,
        confidence: float | None = ...,
        hints_used: int = ...,
        content_format: str | None = ...,
    ) -> JsonDict:
        """{"state", "record", "predictedSuccess", "nextPredictedSuccess", "nextContentFormat"}."""

class LearnloopError(Exception):
    kind: str
    code: str
    field: str

class InvalidInputError(LearnloopError): ...
class InvalidParameterError(InvalidInputError): ...
class InvalidRatingError(InvalidInputError): ...
class OutOfOrderError(InvalidInputError): ...

ReviewOrderError = OutOfOrderError

class NotEstimableError(LearnloopError): ...
class NotFoundError(LearnloopError): ...
class StorageError(LearnloopError): ...
class StorageBusyError(StorageError): ...
class StorageFullError(StorageError): ...
class StorageReadOnlyError(StorageError): ...
class StorageCorruptError(StorageError): ...
class VersionTooNewError(LearnloopError): ...
class MigrationChangedError(LearnloopError): ...
class ConflictError(LearnloopError): ...

class Replica:
    """One device's copy of a learner: events in, change sets out, state folded.

    `body` dicts name their kind (`review`, `card_added`, `card_removed`,
    `register`, `answer`, `authority`) and that kind's fields; change sets
    cross as bytes; two replicas with the same events have equal `state()`
    and `digest()`.
    """

    def __init__(
        self,
        device: str,
        *,
        scheduler: Fsrs | Sm2 | AnkiSm2 | None = None,
        engine: AdaptiveEngine | None = None,
    ) -> None: ...
    @property
    def device(self) -> str: ...
    def record(self, body: JsonDict, now: datetime) -> JsonDict: ...
    def record_other(self, kind: str, version: int, payload: bytes, now: datetime) -> JsonDict: ...
    def changes_since(self, vector: dict[str, int] | None = None) -> bytes: ...
    def apply(self, changes: bytes, now: datetime) -> dict[str, int]: ...
    def vector(self) -> dict[str, int]: ...
    def digest(self) -> int: ...
    def state(self) -> JsonDict: ...
    def compact(self, acknowledged: list[tuple[dict[str, int], int]]) -> int: ...
    def snapshot(self) -> bytes: ...
    def resync(self, snapshot: bytes) -> None: ...
    def clock(self) -> int: ...

class StoredReplica:
    """A learner's replica kept in a Store (see `Store.replica`): each
    record and apply commits events and derived rows in one transaction."""

    def record(self, body: JsonDict, now: datetime) -> JsonDict: ...
    def apply(self, changes: bytes, now: datetime) -> dict[str, int]: ...
    def changes_since(self, vector: dict[str, int] | None = None) -> bytes: ...
    @property
    def learner_id(self) -> str: ...
    def outbox(self, peer: str) -> bytes: ...
    def acknowledged(self, peer: str) -> dict[str, int]: ...
    def acknowledge(self, peer: str, vector: dict[str, int], clock: int | None = None) -> None: ...
    def forget_peer(self, peer: str) -> bool: ...
    def peers(self) -> list[str]: ...
    def compact(self, now: datetime) -> int: ...
    def snapshot(self) -> bytes: ...
    def resync(self, snapshot: bytes, now: datetime) -> None: ...
    def clock(self) -> int: ...
    def vector(self) -> dict[str, int]: ...
    def digest(self) -> int: ...
    def state(self) -> JsonDict: ...
