package dev.learnloop.tutor

import dev.learnloop.AppliedChanges
import dev.learnloop.LearnloopException
import dev.learnloop.RecordedEvent
import dev.learnloop.StoredReplica
import org.json.JSONObject
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Instant

/** What one exchange with the backend did. */
data class SyncOutcome(
    /** Events this device sent. */
    val sent: ULong,
    /** Events received that were new here. */
    val received: ULong,
    /** Events the backend found this device lacking: more than a handful means it was stale. */
    val missing: Int,
    /** The backend's digest after the exchange. */
    val backendDigest: ULong,
    /** This device's digest after the exchange. */
    val digest: ULong,
    /** Whether this device was behind the backend's compacted events and started again from its snapshot. */
    val resynced: Boolean,
    /** Events the backend compacted after this exchange. */
    val compacted: Int,
)

/** Thrown when the backend refuses an exchange. */
class SyncFailed(val status: Int, body: String) : Exception("backend answered $status: $body")

/**
 * The phone side of the tutor app: the learner's answers and reviews are
 * recorded in the phone's own store first (so they survive the app being
 * killed offline), then exchanged with the backend when there is a network.
 */
class TutorClient(
    private val baseUrl: String,
    private val learner: String,
    private val device: String,
    private val replica: StoredReplica,
) {
    private val http = HttpClient.newHttpClient()

    fun addCard(card: String, at: Instant): RecordedEvent =
        record(JSONObject().put("kind", "card_added").put("card", card).put("at", at.toString()))

    fun review(card: String, rating: Int, at: Instant): RecordedEvent =
        record(
            JSONObject().put("kind", "review").put("card", card).put("rating", rating)
                .put("reviewed_at", at.toString()),
        )

    fun answer(session: String, question: String, correct: Boolean, at: Instant): RecordedEvent =
        record(
            JSONObject().put("kind", "answer").put("session", session).put(
                "interaction",
                JSONObject().put("question_id", question).put("correct", correct).put("at", at.toString()),
            ),
        )

    private fun record(body: JSONObject): RecordedEvent = replica.record(body.toString(), Instant.now())

    /** Send what the backend has not acknowledged; apply what it sends back. */
    fun sync(): SyncOutcome {
        val outbox = replica.outbox(BACKEND)
        val request = HttpRequest.newBuilder(URI("$baseUrl/learners/$learner/sync"))
            .header("X-Device", device)
            .header("X-Learnloop-Vector", JSONObject(replica.vector().mapValues { it.value.toLong() }).toString())
            .header("X-Learnloop-Clock", replica.clock().toString())
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(outbox))
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofByteArray())
        if (response.statusCode() != 200) throw SyncFailed(response.statusCode(), String(response.body()))
        var resynced = false
        val received: AppliedChanges = try {
            replica.apply(response.body(), Instant.now())
        } catch (behind: LearnloopException.Conflict) {
            if (behind.code != "resync_needed") throw behind
            // The backend compacted events this device never received:
            // start again from its snapshot, then take the same change set.
            replica.resync(fetch("snapshot"), Instant.now())
            resynced = true
            replica.apply(response.body(), Instant.now())
        }
        val header = { name: String -> response.headers().firstValue(name).orElseThrow() }
        val backendVector = JSONObject(header("X-Learnloop-Vector")).toMap()
            .mapValues { (it.value as Number).toLong().toULong() }
        replica.acknowledge(BACKEND, backendVector)
        return SyncOutcome(
            sent = JSONObject(header("X-Learnloop-Applied")).getLong("new").toULong(),
            received = received.new,
            missing = header("X-Learnloop-Missing").toInt(),
            backendDigest = header("X-Learnloop-Digest").toULong(),
            digest = replica.digest(),
            resynced = resynced,
            compacted = header("X-Learnloop-Compacted").toInt(),
        )
    }

    private fun fetch(what: String): ByteArray {
        val request = HttpRequest.newBuilder(URI("$baseUrl/learners/$learner/$what")).build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofByteArray())
        if (response.statusCode() != 200) throw SyncFailed(response.statusCode(), String(response.body()))
        return response.body()
    }

    /** The learner's state as this device holds it (JSON). */
    fun state(): JSONObject = JSONObject(replica.stateJson())

    fun digest(): ULong = replica.digest()

    companion object {
        const val BACKEND = "backend"
    }
}
