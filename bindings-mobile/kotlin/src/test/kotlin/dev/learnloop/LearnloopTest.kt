package dev.learnloop

import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.time.Duration
import java.time.Instant
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

class LearnloopTest {
    private val now: Instant = Instant.parse("2026-01-05T09:00:00Z")

    @Test
    fun documentedUsage() {
        val fsrs = Fsrs.withDefaults()
        assertEquals(0.9, fsrs.options().desiredRetention)
        val card = newCard("card-1", now)
        val preview = fsrs.preview(card, now)
        assertEquals(now.plus(Duration.ofMinutes(10)), preview.good.card.due)
        val outcome = fsrs.review(card, Rating.GOOD, now)
        assertEquals(CardState.LEARNING, outcome.card.state)
        assertEquals(preview.good.card, outcome.card)
        val custom = Fsrs(defaultFsrsOptions().copy(desiredRetention = 0.85, learningSteps = listOf(300L)))
        assertEquals(listOf(300L), custom.options().learningSteps)
        val state = fsrs.memoryState(listOf(Rating.AGAIN, Rating.GOOD), listOf(0u, 1u))
        assertTrue(state.stability > 0 && state.difficulty in 1.0..10.0)
        val batch = fsrs.reviewMany(listOf(outcome.card), listOf(Rating.GOOD), outcome.card.due)
        assertEquals(CardState.REVIEW, batch[0].state)
        assertEquals(batch[0], cardFromJson(cardToJson(batch[0])))
    }

    @Test
    fun errorsAreExceptionsWithCodeAndField() {
        val fsrs = Fsrs.withDefaults()
        val card = fsrs.review(newCard("c", now), Rating.EASY, now).card
        val order = assertThrows<LearnloopException.OutOfOrder> {
            fsrs.review(card, Rating.GOOD, now.minusSeconds(1))
        }
        assertEquals("now", order.field)
        val rating = assertThrows<LearnloopException.InvalidRating> { ratingFromNumber(5) }
        assertEquals("invalid_rating", rating.code)
        val params = assertThrows<LearnloopException.InvalidParameter> {
            Fsrs(defaultFsrsOptions().copy(parameters = List(21) { 1.0 }))
        }
        assertEquals("parameters[7]", params.field)
        val retention = assertThrows<LearnloopException.InvalidInput> {
            Fsrs(defaultFsrsOptions().copy(desiredRetention = 1.5))
        }
        assertEquals("desired_retention", retention.field)
        val broken = card.copy(memory = MemoryState(stability = -1.0, difficulty = 5.0))
        val batch = assertThrows<LearnloopException.InvalidInput> {
            fsrs.reviewMany(listOf(card, broken), listOf(Rating.GOOD, Rating.GOOD), now.plus(Duration.ofDays(9)))
        }
        assertEquals("cards[1].memory.stability", batch.field)
        val json = assertThrows<LearnloopException.InvalidInput> { cardFromJson("{\"id\": 3}") }
        assertEquals("id", json.field)
    }

    @Test
    fun sm2AndAnkiAreSchedulersToo() {
        val sm2 = Sm2(defaultSm2Options().copy(maximumInterval = 365u))
        val first = sm2.reviewQuality(newCard("q", now), 5u, now).card
        assertEquals(1u, first.scheduledDays)
        assertEquals(365u, sm2.options().maximumInterval)
        val anki = AnkiSm2.withDefaults()
        assertEquals(4u, anki.review(newCard("q", now), Rating.EASY, now).log.scheduledDays)
        val due = dueQueue(listOf(first, newCard("n", now)), now.plus(Duration.ofDays(2)), defaultQueueOptions().copy(newLimit = 0u))
        assertEquals(listOf(0u), due)
    }

    @Test
    fun rescheduleMistakesAndSmallRulesComeFromTheCore() {
        val card = newCard("c", now)
        val later = now.plus(Duration.ofDays(3))
        assertEquals(later, reschedule(card, later, now).due)
        val past = assertThrows<LearnloopException.InvalidInput> { reschedule(card, now.minusSeconds(86400), now) }
        assertEquals("due", past.field)
        val answers = listOf(
            AnsweredQuestion("q1", false), AnsweredQuestion("q2", true),
            AnsweredQuestion("q1", false), AnsweredQuestion("q3", false),
        )
        assertEquals(listOf("q1"), cardsFromMistakes(answers, now, listOf(newCard("q3", now))).map { it.id })
        assertEquals(2, cardsFromMistakes(answers, now).size)
        assertEquals(listOf(8u, 12u), fuzzRange(10u, 36500u))
        assertEquals(fuzzFactor("card-1", 3u), fuzzFactor("card-1", 3u))
        assertEquals(listOf(false, true, true, true), Rating.values().map { ratingIsPass(it) })
        assertEquals(listOf<UByte>(2u, 3u, 4u, 5u), Rating.values().map { sm2QualityOf(it) })
        assertTrue(isMastered(0.99) && !isMastered(0.5) && isMastered(0.5, 0.4))
        val fsrs = Fsrs.withDefaults()
        assertEquals(10u, fsrs.reviewInterval(10.0))
        // A non-finite or out-of-range argument is the library's error, naming it.
        val nan = assertThrows<LearnloopException.InvalidInput> { fsrs.reviewInterval(Double.NaN) }
        assertEquals("stability", nan.field)
        assertThrows<LearnloopException.InvalidInput> { fsrs.nextInterval(5.0, 2.0, Rating.GOOD) }
        assertThrows<LearnloopException.InvalidInput> { isMastered(Double.NaN) }
        val m = fsrs.memoryStateFromSm2(2.5, 10.0, 0.9)
        assertTrue(m.stability > 0 && m.difficulty in 1.0..10.0)
        assertThrows<LearnloopException.InvalidInput> { fsrs.memoryStateFromSm2(0.5, 10.0, 0.9) }
    }

    @Test
    fun loadBalancingReadsTheLoadGiven() {
        val fsrs = Fsrs(defaultFsrsOptions().copy(enableFuzzing = true, loadBalancing = true))
        var card = newCard("c", now)
        repeat(4) { card = fsrs.review(card, Rating.GOOD, card.due).card }
        val at = card.due
        val days = Duration.between(at, Fsrs.withDefaults().review(card, Rating.GOOD, at).card.due).toDays()
        val (low, high) = fuzzRange(days.toUInt(), 36500u)
        assertTrue(low < high)
        for (quiet in listOf(low, high)) {
            val load = MutableList(high.toInt() + 1) { 1000u }
            load[quiet.toInt()] = 0u
            val balanced = fsrs.review(card, Rating.GOOD, at, DueLoad(load)).card
            assertEquals(quiet.toLong(), Duration.between(at, balanced.due).toDays())
            assertEquals(balanced.due, fsrs.preview(card, at, DueLoad(load)).good.card.due)
        }
    }

    @Test
    fun sessionDocumentsUpgrade() {
        val dir = System.getProperty("learnloop.fixtures") ?: "../../tests/fixtures"
        val legacy = File(dir, "sessions/v1_legacy.json").readText()
        assertEquals(1L, sessionVersion(legacy))
        assertTrue(sessionVersion(upgradeSession(legacy)) > 1)
        assertThrows<LearnloopException.NewerVersion> { upgradeSession(File(dir, "sessions/v3_newer.json").readText()) }
    }

    @Test
    fun storeEventsBatchesAndSessions() {
        val dir = System.getProperty("learnloop.fixtures") ?: "../../tests/fixtures"
        Store.inMemory().use { store ->
            val document = File(dir, "sessions/v2_current.json").readText()
            store.saveSession("learner-1", "session-1", document)
            val events = """[{"device": "phone", "seq": 1, "at": "2026-01-05T09:00:00Z", "kind": "answer", "payload": {}},
                {"device": "phone", "seq": 2, "at": "2026-01-05T09:01:00Z", "kind": "answer", "payload": {}}]"""
            assertEquals(2UL, store.appendEvents("learner-1", events))
            assertEquals(0UL, store.appendEvents("learner-1", events))
            assertEquals(2, JSONArray(store.events("learner-1")).length())
            val fsrs = Fsrs.withDefaults()
            store.recordReviews("learner-1", listOf("a", "b").map { fsrs.review(newCard(it, now), Rating.GOOD, now) })
            assertEquals(2, store.cards("learner-1").size)
            store.setSessionState("session-1", SessionState.COMPLETED, now)
            assertEquals(0, JSONArray(store.activeSessions("learner-1", 10u)).length())
            assertEquals(
                JSONObject(document).getJSONArray("questionAdaptationHistory").length(),
                JSONArray(store.adaptationHistory("session-1")).length(),
            )
            assertTrue(store.auditSubject("learner-1").startsWith("learner:"))
        }
    }

    @Test
    fun eloFitTestInformationAndMemoryFromAStart() {
        Elo(defaultEloOptions()).use { elo ->
            val fit = elo.fit(listOf(
                EloAnswer("ann", "q1", 1.0, 0u), EloAnswer("bob", "q1", 0.0, 4u), EloAnswer("ann", "q2", 1.0, 0u),
            ))
            assertEquals(setOf("ann", "bob"), fit.learners.keys)
            assertEquals(2u, fit.learners.getValue("ann").answers)
            assertEquals(3, fit.predicted.size)
        }
        val items = listOf(ItemParameters(1.2, 0.0, 0.0), ItemParameters(0.8, 1.0, 0.0))
        assertEquals(items.sumOf { itemInformation(it, 0.3) }, testInformation(items, 0.3), 1e-12)
        val fsrs = Fsrs.withDefaults()
        val whole = fsrs.memoryState(listOf(Rating.GOOD, Rating.GOOD, Rating.HARD), listOf(0u, 3u, 7u))
        val first = fsrs.memoryState(listOf(Rating.GOOD, Rating.GOOD), listOf(0u, 3u))
        assertEquals(whole, fsrs.memoryState(listOf(Rating.HARD), listOf(7u), first))
        assertEquals(0.9, fsrs.retrievabilityAfter(10.0, 10.0), 1e-12)
    }

    @Test
    fun oneSchedulerSharedByEightThreads() {
        val fsrs = Fsrs.withDefaults()
        val cards = (0 until 200).map { newCard("t$it", now) }
        val expected = cards.map { fsrs.review(it, Rating.GOOD, now).card }
        val pool = Executors.newFixedThreadPool(8)
        val futures = (0 until 8).map {
            pool.submit<List<Card>> { cards.map { c -> fsrs.review(c, Rating.GOOD, now).card } }
        }
        futures.forEach { assertEquals(expected, it.get(60, TimeUnit.SECONDS)) }
        pool.shutdown()
    }

    // ---- the shared cross-language cases (tests/fixtures/conformance/srs.json) ----

    private val ratings = mapOf(1 to Rating.AGAIN, 2 to Rating.HARD, 3 to Rating.GOOD, 4 to Rating.EASY)

    private fun scheduler(spec: JSONObject): Fsrs {
        val params = spec.optJSONArray("parameters")
        val defaults = defaultFsrsOptions()
        return Fsrs(
            defaults.copy(
                parameters = params?.let { a -> List(a.length()) { a.getDouble(it) } } ?: defaults.parameters,
                desiredRetention = spec.getDouble("desired_retention"),
                learningSteps = spec.getJSONArray("learning_steps").let { a -> List(a.length()) { a.getLong(it) } },
                relearningSteps = spec.getJSONArray("relearning_steps").let { a -> List(a.length()) { a.getLong(it) } },
                maximumInterval = spec.getInt("maximum_interval").toUInt(),
            ),
        )
    }

    private fun close(a: Double, b: Double) = Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(b), 1.0)

    private fun assertSameCard(got: Card, want: JSONObject, name: String) {
        val g = JSONObject(cardToJson(got))
        for (key in listOf("id", "state", "step", "due", "last_review", "scheduled_days", "reps", "lapses")) {
            assertEquals(want.opt(key)?.toString(), g.opt(key)?.toString(), "$name: $key")
        }
        val wm = want.optJSONObject("memory")
        val gm = g.optJSONObject("memory")
        if (wm == null) {
            assertTrue(gm == null, name)
        } else {
            assertTrue(close(gm!!.getDouble("stability"), wm.getDouble("stability")), name)
            assertTrue(close(gm.getDouble("difficulty"), wm.getDouble("difficulty")), name)
        }
    }

    private fun run(c: JSONObject): Any {
        val now = { Instant.parse(c.getString("now")) }
        return when (c.getString("op")) {
            "new_scheduler" -> scheduler(c.getJSONObject("scheduler"))
            "memory_state" -> {
                val h = c.getJSONArray("history")
                Fsrs.withDefaults().memoryState(
                    List(h.length()) { ratings.getValue(h.getJSONArray(it).getInt(0)) },
                    List(h.length()) { h.getJSONArray(it).getInt(1).toUInt() },
                )
            }
            "review_many" -> {
                val cards = c.getJSONArray("cards")
                val rs = c.getJSONArray("ratings")
                scheduler(c.getJSONObject("scheduler")).reviewMany(
                    List(cards.length()) { cardFromJson(cards.getJSONObject(it).toString()) },
                    List(rs.length()) { ratings.getValue(rs.getInt(it)) },
                    now(),
                )
            }
            "decode_card" -> cardFromJson(c.getJSONObject("card").toString())
            "preview" -> scheduler(c.getJSONObject("scheduler")).preview(cardFromJson(c.getJSONObject("card").toString()), now())
            "review" -> {
                val rating = ratingFromNumber(c.getLong("rating"))
                scheduler(c.getJSONObject("scheduler")).review(cardFromJson(c.getJSONObject("card").toString()), rating, now())
            }
            else -> error("unknown op")
        }
    }

    @Test
    fun sharedConformanceCases() {
        val dir = System.getProperty("learnloop.fixtures") ?: "../../tests/fixtures"
        val cases = JSONObject(File(dir, "conformance/srs.json").readText()).getJSONArray("cases")
        var checked = 0
        for (i in 0 until cases.length()) {
            val c = cases.getJSONObject(i)
            val name = c.getString("name")
            val expect = c.getJSONObject("expect")
            val op = c.getString("op")
            if (op == "next_states") {
                val m = c.optJSONArray("memory")
                val got = Fsrs.withDefaults().nextStates(
                    m?.let { MemoryState(it.getDouble(0), it.getDouble(1)) },
                    c.getDouble("desired_retention"),
                    c.getInt("days_elapsed").toUInt(),
                )
                for ((key, item) in listOf("again" to got.again, "hard" to got.hard, "good" to got.good, "easy" to got.easy)) {
                    val want = expect.getJSONArray(key)
                    assertTrue(close(item.memory.stability, want.getDouble(0)), name)
                    assertTrue(close(item.memory.difficulty, want.getDouble(1)), name)
                    assertTrue(close(item.interval, want.getDouble(2)), name)
                }
                checked++
                continue
            }
            if (expect.has("error")) {
                val e = expect.getJSONObject("error")
                val thrown = assertThrows<LearnloopException>(name) { run(c) }
                val (code, field) = codeAndField(thrown)
                assertEquals(e.getString("code"), code, name)
                assertEquals(e.getString("field"), field, name)
            } else {
                when (val got = run(c)) {
                    is Preview -> {
                        assertSameCard(got.again.card, expect.getJSONObject("again"), name)
                        assertSameCard(got.hard.card, expect.getJSONObject("hard"), name)
                        assertSameCard(got.good.card, expect.getJSONObject("good"), name)
                        assertSameCard(got.easy.card, expect.getJSONObject("easy"), name)
                    }
                    is ReviewOutcome -> {
                        assertSameCard(got.card, expect.getJSONObject("card"), name)
                        assertEquals(expect.getInt("scheduled_days").toUInt(), got.log.scheduledDays, name)
                    }
                    is MemoryState -> {
                        assertTrue(close(got.stability, expect.getDouble("stability")), name)
                        assertTrue(close(got.difficulty, expect.getDouble("difficulty")), name)
                    }
                    else -> error("$name: unexpected result $got")
                }
            }
            checked++
        }
        assertTrue(checked > 100, "checked $checked cases")
    }

    @Test
    fun storeKeepsSessionsAndReviewsAcrossReopening() {
        val dir = java.nio.file.Files.createTempDirectory("learnloop")
        val path = dir.resolve("learner.db").toString()
        val fixtures = System.getProperty("learnloop.fixtures") ?: "../../tests/fixtures"
        val legacy = File(fixtures, "sessions/v1_firestore_times.json").readText()
        Store.open(path, defaultStoreOptions()).use { store ->
            assertTrue(store.schemaVersion() >= 3)
            store.saveSession("learner-1", "session-1", legacy)
            val state = JSONObject(store.adaptiveState("session-1"))
            state.put("adaptiveDifficultyLevel", 0.72)
            store.saveAdaptiveState("session-1", state.toString(), now)
            val outcome = Fsrs.withDefaults().review(newCard("c1", now), Rating.GOOD, now)
            store.recordReview("learner-1", outcome.card, outcome.log)
        }
        Store.open(path, defaultStoreOptions().copy(actor = "kotlin-test")).use { store ->
            assertEquals("kotlin-test", store.options().actor)
            assertEquals(0.72, JSONObject(store.adaptiveState("session-1")).getDouble("adaptiveDifficultyLevel"))
            assertEquals("session-1", JSONArray(store.activeSessions("learner-1", 10u)).getJSONObject(0).getString("id"))
            val card = store.card("learner-1", "c1")
            assertEquals(CardState.LEARNING, card.state)
            assertEquals(listOf(CardState.NEW), store.reviewLogs("learner-1", "c1").map { it.state })
            assertEquals(listOf(card), store.dueQueue("learner-1", card.due, defaultQueueOptions()))
            val missing = assertThrows<LearnloopException.NotFound> { store.card("learner-1", "nope") }
            assertEquals("not_found", missing.code)
            assertEquals("card", missing.field)

            store.setConsent("learner-1", ConsentPurpose.ANALYTICS, true, now)
            assertEquals(true, store.consentGranted("learner-1", ConsentPurpose.ANALYTICS))
            val export = store.exportLearner("learner-1")
            Store.inMemory().use { other ->
                other.importLearner(export)
                assertEquals(export, other.exportLearner("learner-1"))
            }
            assertTrue(store.eraseLearner("learner-1") > 0u)
            assertThrows<LearnloopException.NotFound> { store.loadSession("session-1") }
            assertEquals("erase", store.auditActions("learner-1").last())
        }
    }

    @Test
    fun storeIsSharedByEightThreads() {
        Store.inMemory().use { store ->
            val pool = Executors.newFixedThreadPool(8)
            val fsrs = Fsrs.withDefaults()
            val jobs = (0 until 8).map { t ->
                pool.submit {
                    repeat(25) { i ->
                        val outcome = fsrs.review(newCard("t$t-c$i", now), Rating.GOOD, now)
                        store.recordReview("learner", outcome.card, outcome.log)
                    }
                }
            }
            jobs.forEach { it.get() }
            pool.shutdown()
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS))
            assertEquals(200, store.cards("learner").size)
        }
    }
}
