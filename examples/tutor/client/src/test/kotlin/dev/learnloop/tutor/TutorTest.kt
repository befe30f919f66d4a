package dev.learnloop.tutor

import dev.learnloop.Store
import dev.learnloop.defaultStoreOptions
import org.json.JSONObject
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.net.ServerSocket
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.time.Instant

/**
 * The tutor app end to end, as its users would run it: the FastAPI backend
 * (a real uvicorn process on its own SQLite file) and phones running the
 * Kotlin client on their own stores. Two devices answer offline and
 * converge; the backend decides a difficulty while a phone answers
 * offline, and the phone's answers still count; the backend is killed and
 * restarted and the session resumes whole; a stale laptop is detected and
 * brought up to date; the backend compacts once every device it counts on
 * has acknowledged, a retired watch stops holding that back, and when it
 * comes back it resyncs from the snapshot without losing its offline answer.
 */
class TutorTest {
    private val dir: Path = Files.createTempDirectory("tutor")
    private val port = ServerSocket(0).use { it.localPort }
    private val url = "http://127.0.0.1:$port"
    private val http = HttpClient.newHttpClient()
    private var backend: Process? = null

    private fun startBackend() {
        val python = System.getProperty("tutor.python") ?: "python3"
        val app = System.getProperty("tutor.backend") ?: "../backend"
        val process = ProcessBuilder(
            python, "-m", "uvicorn", "app:app", "--app-dir", app,
            "--host", "127.0.0.1", "--port", "$port", "--log-level", "warning",
        ).redirectErrorStream(true).redirectOutput(dir.resolve("backend.log").toFile()).also {
            it.environment()["TUTOR_DB"] = dir.resolve("backend.db").toString()
        }.start()
        backend = process
        val deadline = Instant.now().plusSeconds(30)
        while (Instant.now() < deadline) {
            check(process.isAlive) { "the backend exited: " + Files.readString(dir.resolve("backend.log")) }
            try {
                if (get("/health").statusCode() == 200) return
            } catch (_: java.io.IOException) {
                Thread.sleep(100)
            }
        }
        error("the backend did not answer within 30 s")
    }

    /** Kill -9: whatever the backend acknowledged is in its database. */
    private fun killBackend() {
        backend?.destroyForcibly()?.waitFor()
        backend = null
    }

    @AfterEach
    fun stop() = killBackend()

    private fun get(path: String): HttpResponse<String> = http.send(
        HttpRequest.newBuilder(URI("$url$path")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString(),
    )

    private fun post(path: String, json: JSONObject): HttpResponse<String> = http.send(
        HttpRequest.newBuilder(URI("$url$path")).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json.toString())).build(),
        HttpResponse.BodyHandlers.ofString(),
    )

    private fun delete(path: String): HttpResponse<String> = http.send(
        HttpRequest.newBuilder(URI("$url$path")).DELETE().build(),
        HttpResponse.BodyHandlers.ofString(),
    )

    private fun client(device: String, file: String?): TutorClient {
        val store = if (file == null) Store.inMemory() else Store.open(dir.resolve(file).toString(), defaultStoreOptions())
        return TutorClient(url, "ada", device, store.replica("ada", device, Instant.now()))
    }

    private fun session(): JSONObject = JSONObject(get("/learners/ada/sessions/s1").body())

    private fun backendDigest(): ULong = JSONObject(get("/learners/ada/sync").body()).getString("digest").toULong()

    @Test
    fun offlineDevicesConvergeTheBackendRestartsAndAStaleLaptopCatchesUp() {
        startBackend()
        val phone = client("phone-7f3a", "phone.db")
        val tablet = client("tablet-19c2", null)
        val laptop = client("laptop-0b44", null)
        laptop.addCard("verb-1", Instant.now())
        assertEquals(1uL, laptop.sync().sent)

        // Both answer offline.
        val t = Instant.now()
        phone.addCard("verb-42", t)
        phone.review("verb-42", 3, t)
        for (q in 1..5) phone.answer("s1", "q$q", q % 2 == 1, t.plusSeconds(q.toLong()))
        for (q in 6..8) tablet.answer("s1", "q$q", true, t.plusSeconds(q.toLong()))
        tablet.review("verb-42", 1, t.plusSeconds(9))

        // Back online: they converge with the backend and each other.
        phone.sync()
        tablet.sync()
        val last = phone.sync()
        assertEquals(last.backendDigest, last.digest)
        assertEquals(phone.digest(), tablet.digest())
        assertEquals(8, session().getInt("answers"))
        val cards = phone.state().getJSONObject("cards")
        assertEquals(2, cards.getJSONObject("verb-42").getInt("reps"), "both offline reviews count")

        // The backend decides the difficulty on the 8 answers it has seen,
        // while the phone answers twice more, offline.
        assertEquals(200, post("/learners/ada/sessions/s1/decision", JSONObject().put("difficulty", 0.9)).statusCode())
        phone.answer("s1", "q9", false, Instant.now())
        phone.answer("s1", "q10", false, Instant.now())
        phone.sync()
        tablet.sync()
        val decided = session()
        assertEquals(10, decided.getInt("answers"), "the answers the decision had not seen still count")
        assertTrue(decided.getDouble("difficulty") < 0.9, "two wrong answers after the decision lower it")
        val phoneSession = phone.state().getJSONObject("sessions").getJSONObject("s1").getJSONObject("state")
        assertTrue(phoneSession.similar(decided.getJSONObject("adaptive_state")), "the phone folds the same session")

        // The backend is killed and restarted: the session resumes whole.
        val digest = backendDigest()
        killBackend()
        startBackend()
        assertEquals(digest, backendDigest())
        assertTrue(session().similar(decided), "the session's full adaptive state survives a restart")

        // The laptop has been away: the backend finds it stale and brings it up to date.
        val caughtUp = laptop.sync()
        assertTrue(caughtUp.missing >= 10, "the laptop lacked ${caughtUp.missing} events")
        assertEquals(caughtUp.backendDigest, caughtUp.digest)
        assertEquals(phone.digest(), laptop.digest())

        // A conflicting client (a reinstall reusing a device id) is refused, and changes nothing.
        val impostor = client("phone-7f3a", null)
        impostor.answer("s1", "other", true, Instant.now())
        val refused = runCatching { impostor.sync() }.exceptionOrNull()
        assertEquals(409, (refused as SyncFailed).status)
        assertEquals(digest, backendDigest())
        assertNotEquals(0uL, digest)

        // A watch syncs once and is put away: while the backend counts on
        // it, nothing the watch lacks is compacted.
        val watch = client("watch-5d1e", null)
        assertEquals(digest, watch.sync().digest)
        val devices = listOf(phone, tablet, laptop)
        phone.answer("s1", "q11", true, Instant.now())
        assertEquals(0, (devices + phone).sumOf { it.sync().compacted }, "the watch holds compaction back")
        assertTrue("watch-5d1e" in JSONObject("{\"peers\": ${get("/learners/ada/peers").body()}}").getJSONArray("peers").toList())

        // Retired, it no longer does: the others' exchanges compact the log.
        assertEquals(200, delete("/learners/ada/peers/watch-5d1e").statusCode())
        assertEquals(404, delete("/learners/ada/peers/watch-5d1e").statusCode())
        // (A device's clock reaches the last event it saw; what comes
        // before every device's clock is compacted: two rounds after q12.)
        phone.answer("s1", "q12", false, Instant.now())
        val compacted = (devices + devices).sumOf { it.sync().compacted }
        assertTrue(compacted >= 10, "compacted $compacted events")

        // The watch comes back with an answer made offline: the backend's
        // change set is refused as "resync needed", the watch starts again
        // from the snapshot, and its answer counts.
        val answersBefore = session().getInt("answers")
        watch.answer("s1", "w1", true, Instant.now())
        val back = watch.sync()
        assertTrue(back.resynced, "the watch was behind the compacted events")
        assertEquals(back.backendDigest, back.digest)
        assertEquals(answersBefore + 1, session().getInt("answers"))
        phone.sync()
        assertEquals(watch.digest(), phone.digest())
        assertTrue(watch.state().similar(phone.state()), "the resynced watch folds the same state")

        // Restarted, the backend resumes from its snapshot and the events after it.
        val compactedDigest = backendDigest()
        val compactedSession = session()
        killBackend()
        startBackend()
        assertEquals(compactedDigest, backendDigest())
        assertTrue(session().similar(compactedSession), "the session survives a restart after compaction")
    }
}
