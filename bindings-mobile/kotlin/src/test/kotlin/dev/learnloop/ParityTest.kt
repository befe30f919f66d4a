package dev.learnloop

import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import java.io.File

/** Parity with the core (tests/fixtures/conformance/entry_points.json, which
 *  the core's source generates): every public entry point of the core is in
 *  the generated Kotlin under the name the fixture gives (a class, a method of
 *  it or of its companion, or a top-level function), or the fixture says why
 *  it has none. Swift is generated from the same library by the same tool. */
class ParityTest {
    private val fixtures = System.getProperty("learnloop.fixtures") ?: "../../tests/fixtures"

    /** A method's Kotlin name: the JVM name without the suffix Kotlin adds
     *  to a function taking unsigned numbers (`probability-Qn1smSk`). */
    private fun kotlinName(m: java.lang.reflect.Method) = m.name.substringBefore('-')

    /** Top-level functions of the generated file. */
    private val topLevel = Class.forName("dev.learnloop.Learnloop_mobileKt").methods.map(::kotlinName).toSet()

    private fun exists(name: String): Boolean {
        val parts = name.split(".")
        if (parts.size == 1 && parts[0] in topLevel) return true
        val cls = try {
            Class.forName("dev.learnloop.${parts[0]}")
        } catch (e: ClassNotFoundException) {
            return false
        }
        if (parts.size == 1) return true
        val member = parts[1]
        val companion = cls.declaredClasses.firstOrNull { it.simpleName == "Companion" }
        return cls.methods.any { kotlinName(it) == member } ||
            (companion?.methods?.any { kotlinName(it) == member } ?: false)
    }

    @Test
    fun everyCoreEntryPointHasItsKotlinName() {
        val fixture = JSONObject(File(fixtures, "conformance/entry_points.json").readText())
        val gap = fixture.getString("gap")
        val missing = mutableListOf<String>()
        var gaps = 0
        val entries = fixture.getJSONArray("entry_points")
        for (i in 0 until entries.length()) {
            val entry = entries.getJSONObject(i)
            when (val names = entry.get("mobile")) {
                is String -> if (names == gap) gaps++
                is JSONArray -> for (j in 0 until names.length()) {
                    val name = names.getString(j)
                    if (!exists(name)) missing.add("${entry.getString("core")} -> $name")
                }
            }
        }
        assertEquals(emptyList<String>(), missing, "core entry points without their Kotlin name")
        println("${entries.length()} core entry points; $gaps not yet bound in Kotlin and Swift")
    }
}
