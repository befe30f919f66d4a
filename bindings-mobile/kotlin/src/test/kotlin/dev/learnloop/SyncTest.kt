package dev.learnloop

import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.nio.file.Files
import java.time.Instant

/** Sync from Kotlin: replicas converge, a stored replica survives reopening,
 *  the golden fold of tests/fixtures/conformance/sync.json is bit-identical. */
class SyncTest {
    private val fixtures = System.getProperty("learnloop.fixtures") ?: "../../tests/fixtures"
    private val t0 = Instant.parse("2026-01-05T09:00:00Z")

    private fun review(card: String, rating: Int, at: Instant) =
        JSONObject(mapOf("kind" to "review", "card" to card, "rating" to rating, "reviewed_at" to at.toString())).toString()

    private fun added(card: String, at: Instant) =
        JSONObject(mapOf("kind" to "card_added", "card" to card, "at" to at.toString())).toString()

    @Test
    fun twoDevicesOfflineConvergeAndBothReviewsCount() {
        val phone = Replica("phone")
        val laptop = Replica.withFsrs("laptop", Fsrs.withDefaults())
        phone.record(added("c1", t0), t0)
        laptop.apply(phone.changesSince(laptop.vector()), t0)
        phone.record(review("c1", 3, t0.plusSeconds(60)), t0)
        laptop.record(review("c1", 1, t0.plusSeconds(120)), t0)
        laptop.apply(phone.changesSince(laptop.vector()), t0)
        phone.apply(laptop.changesSince(phone.vector()), t0)
        assertEquals(phone.stateJson(), laptop.stateJson())
        assertEquals(phone.digest(), laptop.digest())
        assertEquals(2, JSONObject(phone.stateJson()).getJSONObject("cards").getJSONObject("c1").getInt("reps"))
        assertEquals(mapOf("phone" to 2uL, "laptop" to 1uL), phone.vector())
        val again = laptop.apply(phone.changesSince(emptyMap()), t0)
        assertEquals(AppliedChanges(0uL, 3uL), again)
    }

    @Test
    fun badInputAndConflictsAreTypedExceptions() {
        val a = Replica("a")
        val bad = assertThrows<LearnloopException.InvalidInput> { a.record(review("c1", 7, t0), t0) }
        assertEquals("body.rating", bad.field)
        assertThrows<LearnloopException.InvalidInput> { a.apply(byteArrayOf(1, 2, 3), t0) }
        assertThrows<LearnloopException.NewerVersion> { a.apply(byteArrayOf(9), t0) }
        val first = Replica("phone")
        val impostor = Replica("phone")
        first.record(review("c1", 3, t0), t0)
        impostor.record(review("c1", 1, t0), t0)
        a.apply(first.changesSince(emptyMap()), t0)
        assertThrows<LearnloopException.Conflict> { a.apply(impostor.changesSince(emptyMap()), t0) }
        assertEquals(first.digest(), a.digest())
        val own = a.recordOther("streak_freeze", 2u, byteArrayOf(1), t0)
        assertEquals("streak_freeze", own.kind)
    }

    @Test
    fun aStoredReplicaSurvivesReopening() {
        val path = Files.createTempDirectory("learnloop-sync").resolve("phone.db").toString()
        val phone = Store.open(path, defaultStoreOptions()).replica("ada", "phone", t0)
        phone.record(added("c1", t0), t0)
        phone.record(review("c1", 3, t0), t0)
        val backend = Replica("backend")
        backend.apply(phone.outbox("backend"), t0)
        phone.acknowledge("backend", backend.vector())
        assertEquals(0, ChangeSetSize.events(phone.outbox("backend")))
        val digest = phone.digest()
        val store = Store.open(path, defaultStoreOptions())
        val reopened = store.replica("ada", "phone", t0)
        assertEquals(digest, reopened.digest())
        assertEquals(backend.digest(), reopened.digest())
        assertEquals(1u, store.card("ada", "c1").reps)
        assertEquals(mapOf("phone" to 2uL), reopened.acknowledged("backend"))
    }

    private fun answer(session: String, question: String, correct: Boolean, at: Instant) =
        JSONObject(mapOf("kind" to "answer", "session" to session,
            "interaction" to mapOf("question_id" to question, "correct" to correct, "at" to at.toString()))).toString()

    @Test
    fun aBackendCompactsAndAStaleTabletResyncsFromTheSnapshot() {
        val path = Files.createTempDirectory("learnloop-compact").resolve("backend.db").toString()
        val backend = Store.open(path, defaultStoreOptions()).replica("ada", "backend", t0)
        val phone = Replica("phone")
        for (q in 0 until 6) phone.record(answer("s1", "q$q", q % 2 == 0, t0.plusSeconds(60L * q)), t0)
        backend.apply(phone.changesSince(backend.vector()), t0)
        phone.apply(backend.changesSince(phone.vector()), t0)
        backend.acknowledge("phone", phone.vector(), phone.clock())
        backend.acknowledge("old-tablet", emptyMap())
        assertEquals(listOf("old-tablet", "phone"), backend.peers())
        assertEquals(0uL, backend.compact(t0), "the old tablet holds it back")
        assertTrue(backend.forgetPeer("old-tablet"))
        assertEquals(5uL, backend.compact(t0), "the last answer, at the phone's clock, stays")

        val tablet = Replica("tablet")
        tablet.record(review("c1", 3, t0.plusSeconds(3600)), t0.plusSeconds(3600))
        val behind = assertThrows<LearnloopException.Conflict> { tablet.apply(backend.changesSince(tablet.vector()), t0) }
        assertEquals("resync_needed", behind.code)
        tablet.resync(backend.snapshot())
        tablet.apply(backend.changesSince(tablet.vector()), t0)
        backend.apply(tablet.changesSince(backend.vector()), t0)
        assertEquals(backend.digest(), tablet.digest())
        assertTrue(JSONObject(tablet.stateJson()).similar(JSONObject(backend.stateJson())))

        // Reopened, the stored replica resumes from its snapshot.
        val reopened = Store.open(path, defaultStoreOptions()).replica("ada", "backend", t0)
        assertEquals(backend.digest(), reopened.digest())
        assertThrows<LearnloopException.InvalidInput> { reopened.resync(byteArrayOf(1, 123), t0) }
        assertThrows<LearnloopException.InvalidInput> { reopened.forgetPeer("") }
    }

    @Test
    fun anInMemoryReplicaCompactsWhatTheOthersReported() {
        val phone = Replica("phone")
        val laptop = Replica("laptop")
        for (q in 0 until 4) phone.record(answer("s1", "q$q", true, t0.plusSeconds(60L * q)), t0.plusSeconds(60L * q))
        laptop.apply(phone.changesSince(laptop.vector()), t0)
        assertEquals(0uL, phone.compact(emptyList()))
        assertEquals(3uL, phone.compact(listOf(Acknowledgement(laptop.vector(), laptop.clock()))))
        val fresh = Replica("tablet")
        val behind = assertThrows<LearnloopException.Conflict> { fresh.apply(phone.changesSince(fresh.vector()), t0) }
        assertEquals("resync_needed", behind.code)
        fresh.resync(phone.snapshot())
        fresh.apply(phone.changesSince(fresh.vector()), t0)
        assertEquals(phone.digest(), fresh.digest())
    }

    @Test
    fun theGoldenFoldIsBitIdentical() {
        val doc = JSONObject(File("$fixtures/conformance/sync.json").readText())
        val cases = doc.getJSONArray("cases")
        for (i in 0 until cases.length()) {
            val case = cases.getJSONObject(i)
            val receiver = Replica(case.getString("device"))
            val now = Instant.parse(case.getString("now"))
            val sets = case.getJSONArray("change_sets")
            for (j in 0 until sets.length()) receiver.apply(hex(sets.getString(j)), now)
            val expected = case.getJSONObject("expected")
            assertTrue(JSONObject(receiver.stateJson()).similar(expected.getJSONObject("state")), case.getString("name"))
            assertEquals(expected.getString("digest"), receiver.digest().toString())
            assertEquals(expected.getJSONObject("vector").toMap().mapValues { (it.value as Number).toLong().toULong() }, receiver.vector())
        }
    }

    private fun hex(text: String) = ByteArray(text.length / 2) { text.substring(2 * it, 2 * it + 2).toInt(16).toByte() }
}

/** How many events a change set's bytes hold, by applying them to a scratch replica. */
object ChangeSetSize {
    fun events(bytes: ByteArray): Int =
        Replica("scratch").apply(bytes, Instant.parse("2026-01-05T09:00:00Z")).new.toInt()
}
