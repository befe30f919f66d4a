package dev.learnloop

import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.time.Instant

/** The stable code and the field of any learnloop exception. */
internal fun codeAndField(e: LearnloopException): Pair<String, String> = when (e) {
    is LearnloopException.InvalidInput -> e.code to e.field
    is LearnloopException.InvalidParameter -> e.code to e.field
    is LearnloopException.InvalidRating -> e.code to e.field
    is LearnloopException.OutOfOrder -> e.code to e.field
    is LearnloopException.NotEstimable -> e.code to e.field
    is LearnloopException.NotFound -> e.code to e.field
    is LearnloopException.StorageBusy -> e.code to e.field
    is LearnloopException.StorageFull -> e.code to e.field
    is LearnloopException.StorageReadOnly -> e.code to e.field
    is LearnloopException.StorageCorrupt -> e.code to e.field
    is LearnloopException.StorageFailed -> e.code to e.field
    is LearnloopException.NewerVersion -> e.code to e.field
    is LearnloopException.MigrationChanged -> e.code to e.field
    is LearnloopException.Conflict -> e.code to e.field
}

/** Learner models and the adaptive engine: the shared cases of
 *  tests/fixtures/conformance/learner.json, a session, the unhappy paths. */
class LearnerTest {
    private val fixtures = System.getProperty("learnloop.fixtures") ?: "../../tests/fixtures"

    private fun same(got: Any?, want: Any?, path: String) {
        when (want) {
            is JSONObject -> {
                val g = got as? Map<*, *> ?: error("$path: expected an object, got $got")
                assertEquals(want.keySet(), g.keys.map { it.toString() }.toSet(), path)
                for (k in want.keySet()) same(g[k], want.get(k), "$path.$k")
            }
            is JSONArray -> {
                val g = got as? List<*> ?: error("$path: expected a list, got $got")
                assertEquals(want.length(), g.size, path)
                for (i in 0 until want.length()) same(g[i], want.get(i), "$path[$i]")
            }
            JSONObject.NULL -> assertEquals(null, got, path)
            is Number -> {
                val g = (got as? Number)?.toDouble() ?: (got as? UInt)?.toDouble() ?: (got as? ULong)?.toDouble()
                    ?: error("$path: expected a number, got $got")
                val w = want.toDouble()
                assertTrue(Math.abs(g - w) <= 1e-12 * Math.max(Math.abs(w), 1.0), "$path: $g != $w")
            }
            else -> assertEquals(want, got, path)
        }
    }

    /** A JSON value as plain Kotlin (for engine states compared field by field). */
    private fun plain(v: Any?): Any? = when (v) {
        is JSONObject -> v.keySet().associateWith { plain(v.get(it)) }
        is JSONArray -> (0 until v.length()).map { plain(v.get(it)) }
        JSONObject.NULL -> null
        else -> v
    }

    private fun item(o: JSONObject) = ItemParameters(o.getDouble("discrimination"), o.getDouble("difficulty"), o.getDouble("guessing"))
    private fun items(a: JSONArray) = (0 until a.length()).map { item(a.getJSONObject(it)) }
    private fun cells(s: String) = s.map { if (it == '.') null else it == '1' }
    private fun rating(o: JSONObject) = EloRating(o.getDouble("rating"), o.getInt("answers").toUInt())
    private fun ratingMap(r: EloRating) = mapOf("rating" to r.rating, "answers" to r.answers)
    private fun itemMap(i: ItemParameters) = mapOf("discrimination" to i.discrimination, "difficulty" to i.difficulty, "guessing" to i.guessing)
    private fun abilityMap(e: AbilityEstimate) = mapOf("theta" to e.theta, "standard_error" to e.standardError)
    private fun bools(a: JSONArray) = (0 until a.length()).map { a.getBoolean(it) }
    private fun bkt(o: JSONObject) = BktParameters(prior = o.getDouble("prior"), learn = o.getDouble("learn"), forget = o.getDouble("forget"), guess = o.getDouble("guess"), slip = o.getDouble("slip"))
    private fun instant(s: String) = Instant.parse(s)

    private fun run(c: JSONObject): Any? {
        val x = c.getJSONObject("input")
        return when (c.getString("op")) {
            "elo_update" -> {
                val u = Elo(EloOptions(x.getDouble("alpha"), x.getDouble("beta")))
                    .update(rating(x.getJSONObject("learner")), rating(x.getJSONObject("item")), x.getDouble("score"), x.getInt("options").toUInt())
                mapOf("learner" to ratingMap(u.learner), "item" to ratingMap(u.item), "predicted" to u.predicted)
            }
            "irt_item" -> {
                val i = item(x.getJSONObject("item"))
                mapOf("probability" to itemProbability(i, x.getDouble("theta")), "information" to itemInformation(i, x.getDouble("theta")))
            }
            "irt_eap" -> abilityMap(estimateAbilityEap(items(x.getJSONArray("items")), cells(x.getString("responses")), NormalPrior(x.getDouble("prior_mean"), x.getDouble("prior_sd"))))
            "irt_mle" -> abilityMap(estimateAbilityMle(items(x.getJSONArray("items")), cells(x.getString("responses"))))
            "irt_calibrate" -> {
                val model = when (x.getString("model")) { "1PL" -> IrtModel.ONE_PL; "2PL" -> IrtModel.TWO_PL; else -> IrtModel.THREE_PL }
                val rows = x.getJSONArray("rows").let { a -> (0 until a.length()).map { cells(a.getString(it)) } }
                val fit = calibrate(rows, defaultCalibrationOptions().copy(model = model))
                mapOf(
                    "items" to fit.items.map { itemMap(it) },
                    "log_likelihood" to fit.logLikelihood,
                    "iterations" to fit.iterations,
                    "converged" to fit.converged,
                    "first_abilities" to fit.abilities.take(3).map { abilityMap(it) },
                )
            }
            "irt_select" -> {
                val r = x.getJSONObject("rule")
                val defaults = defaultItemSelectorOptions()
                val options = if (r.getString("rule") == "success_band") {
                    defaults.copy(rule = SelectionRule.SUCCESS_BAND, low = r.getDouble("low"), high = r.getDouble("high"))
                } else {
                    defaults
                }
                val administered = x.getJSONArray("administered").let { a -> (0 until a.length()).map { a.getInt(it).toUInt() } }
                val chosen = ItemSelector(options.copy(randomesque = x.getInt("randomesque").toUInt()))
                    .select(items(x.getJSONArray("items")), x.getDouble("theta"), administered, emptyList(), 0uL, x.getLong("seed").toULong())
                mapOf("item" to chosen?.toInt())
            }
            "bkt_trace" -> {
                val p = bkt(x.getJSONObject("parameters"))
                val answers = bools(x.getJSONArray("answers"))
                mapOf("predictions" to bktPredictSequence(p, answers), "known" to bktTrace(p, answers))
            }
            "bkt_parameters" -> bktCheck(bkt(x))
            "bkt_fit" -> {
                val a = x.getJSONArray("answers")
                val answers = (0 until a.length()).map { a.getJSONArray(it).let { t -> BktAnswer(t.getString(0), t.getString(1), t.getBoolean(2)) } }
                fitBkt(answers, defaultBktFitOptions().copy(forgetting = x.getBoolean("forgetting"))).map {
                    mapOf(
                        "skill" to it.skill,
                        "parameters" to mapOf("prior" to it.parameters.prior, "learn" to it.parameters.learn, "forget" to it.parameters.forget, "guess" to it.parameters.guess, "slip" to it.parameters.slip),
                        "log_likelihood" to it.logLikelihood,
                        "answers" to it.answers, "students" to it.students, "iterations" to it.iterations, "converged" to it.converged,
                    )
                }
            }
            "pfa" -> {
                val a = x.getJSONArray("answers")
                val answers = (0 until a.length()).map {
                    val t = a.getJSONArray(it)
                    val skills = t.getJSONArray(1).let { s -> (0 until s.length()).map { k -> s.getString(k) } }
                    PfaAnswer(t.getString(0), skills, t.getBoolean(2))
                }
                val p = x.getJSONArray("practice")
                val practice = (0 until p.length()).map { p.getJSONArray(it).let { t -> SkillPractice(t.getString(0), t.getInt(1).toUInt(), t.getInt(2).toUInt()) } }
                Pfa.fit(answers, PfaOptions(x.getDouble("l2"))).use { pfa ->
                    mapOf("probability" to pfa.probability(practice), "intercept" to pfa.intercept(), "skills" to plain(JSONObject(pfa.skillsJson())))
                }
            }
            "engine" -> {
                val cfg = x.getJSONObject("config")
                val elo = cfg.getJSONObject("elo")
                val config = EngineConfig(
                    successBandLow = cfg.getDouble("success_band_low"), successBandHigh = cfg.getDouble("success_band_high"),
                    seed = cfg.getLong("seed").toULong(), trendWindow = cfg.getInt("trend_window").toUInt(),
                    smoothing = cfg.getDouble("smoothing"), maxStep = cfg.getDouble("max_step"),
                    difficultyScale = cfg.getDouble("difficulty_scale"), hintPenalty = cfg.getDouble("hint_penalty"),
                    expectedResponseMs = cfg.getLong("expected_response_ms").toULong(),
                    elo = EloOptions(elo.getDouble("alpha"), elo.getDouble("beta")),
                )
                AdaptiveEngine(config).use { engine ->
                    var state = engine.initialStateJson(instant(x.getString("start")))
                    val list = x.getJSONArray("interactions")
                    (0 until list.length()).map { k ->
                        val i = list.getJSONObject(k)
                        fun optD(key: String) = if (i.isNull(key)) null else i.getDouble(key)
                        fun optL(key: String) = if (i.isNull(key)) null else i.getLong(key).toULong()
                        val o = engine.observe(state, Interaction(
                            questionId = i.getString("question_id"), score = i.getDouble("score"), at = instant(i.getString("at")),
                            difficulty = optD("difficulty"), responseTimeMs = optL("response_time_ms"), expectedTimeMs = optL("expected_time_ms"),
                            confidence = optD("confidence"), hintsUsed = i.getInt("hints_used").toUInt(),
                            contentFormat = if (i.isNull("content_format")) null else i.getString("content_format"),
                        ))
                        state = o.stateJson
                        mapOf(
                            "state" to plain(JSONObject(o.stateJson)),
                            "record" to mapOf(
                                "timestamp" to o.record.timestamp.toString().replace(".000Z", "Z"),
                                "questionId" to o.record.questionId, "adaptiveDifficulty" to o.record.adaptiveDifficulty,
                                "adaptationReasoning" to o.record.adaptationReasoning, "performanceContext" to o.record.performanceContext,
                            ),
                            "predictedSuccess" to o.predictedSuccess, "nextPredictedSuccess" to o.nextPredictedSuccess,
                            "nextContentFormat" to o.nextContentFormat,
                        )
                    }
                }
            }
            else -> error("unknown op ${c.getString("op")}")
        }
    }

    @Test
    fun sharedLearnerCases() {
        val cases = JSONObject(File(fixtures, "conformance/learner.json").readText()).getJSONArray("cases")
        for (i in 0 until cases.length()) {
            val c = cases.getJSONObject(i)
            val name = c.getString("name")
            if (c.has("error")) {
                val e = c.getJSONObject("error")
                val thrown = assertThrows<LearnloopException>(name) { run(c) }
                assertEquals(e.getString("code") to e.getString("field"), codeAndField(thrown), name)
            } else {
                same(run(c), c.get("expected"), name)
            }
        }
        assertTrue(cases.length() >= 50)
    }

    @Test
    fun aSessionAdaptsAndTheStoreKeepsIt() {
        val start = Instant.parse("2026-03-02T09:00:00Z")
        AdaptiveEngine(defaultEngineConfig().copy(seed = 5uL)).use { engine ->
            var state = engine.initialStateJson(start)
            val levels = mutableListOf<Double>()
            for (k in 0 until 16) {
                val answer = answered("q$k", k >= 4, start.plusSeconds(40L * k)).copy(contentFormat = "video")
                val o = engine.observe(state, answer)
                state = o.stateJson
                levels.add(o.record.adaptiveDifficulty)
                assertTrue(o.record.adaptationReasoning.isNotEmpty())
            }
            assertTrue(levels[3] < levels[0] && levels[15] > levels[4], "$levels")
            Store.inMemory().use { store ->
                store.saveSession("learner-1", "session-1", File(fixtures, "sessions/v2_current.json").readText())
                store.saveAdaptiveState("session-1", state, start)
                assertEquals(JSONObject(state).getJSONObject("learnerModel").getInt("answers"), JSONObject(store.adaptiveState("session-1")).getJSONObject("learnerModel").getInt("answers"))
            }
            val bad = assertThrows<LearnloopException.InvalidInput> {
                engine.observe(state, answered("q", true, start).copy(confidence = 2.0))
            }
            assertEquals("confidence", bad.field)
        }
        val none = assertThrows<LearnloopException.NotEstimable> {
            estimateAbilityMle(listOf(ItemParameters(1.0, 0.0, 0.0)), listOf(true))
        }
        assertEquals("responses", none.field)
    }

    /** The defaults case of every options struct (tests/fixtures/conformance/defaults.json). */
    @Test
    fun everyOptionsStructDefaultsToTheCores() {
        val fixture = JSONObject(File(fixtures, "conformance/defaults.json").readText())
        val options = fixture.getJSONObject("options")
        assertEquals(options.keySet(), optionsNames().toSet())
        for (name in options.keySet()) {
            same(plain(JSONObject(optionsJson(name, "{}"))), options.getJSONObject(name), name)
        }
        // Objects built with no settings hold exactly the core's defaults.
        assertEquals(defaultFsrsOptions(), Fsrs.withDefaults().options())
        assertEquals(defaultSm2Options(), Sm2.withDefaults().options())
        assertEquals(defaultAnkiSm2Options(), AnkiSm2.withDefaults().options())
        assertEquals(options.getJSONObject("fsrs").getDouble("desired_retention"), defaultFsrsOptions().desiredRetention)
        assertEquals(options.getJSONObject("queue").getInt("review_limit").toUInt(), defaultQueueOptions().reviewLimit)
        assertEquals(options.getJSONObject("engine").getDouble("success_band_low"), defaultEngineConfig().successBandLow)
        assertEquals(fixture.getJSONObject("store").getString("actor"), defaultStoreOptions().actor)
        val changed = JSONObject(optionsJson("queue", "{\"order\": \"due\"}"))
        assertEquals("due", changed.getString("order"))
        val typo = assertThrows<LearnloopException.InvalidInput> { optionsJson("queue", "{\"new_limt\": 3}") }
        assertEquals("new_limt", typo.field)
    }
}
