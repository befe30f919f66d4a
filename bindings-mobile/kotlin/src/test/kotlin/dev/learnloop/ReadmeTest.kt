package dev.learnloop

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File
import java.time.Instant

/** The Kotlin blocks of bindings-mobile/README.md, compiled and run: each
 *  block's statements stand below between `README block N` markers, and the
 *  test checks that they are the README's text, line for line (so an edit to
 *  either side that is not made to the other fails here). */
class ReadmeTest {
    private val fixtures = System.getProperty("learnloop.fixtures") ?: "../../tests/fixtures"
    private val readme = File(fixtures, "../../bindings-mobile/README.md")
    private val source = File("src/test/kotlin/dev/learnloop/ReadmeTest.kt")

    private fun blocks(text: String): List<List<String>> =
        Regex("^```kotlin\\n(.*?)^```", setOf(RegexOption.MULTILINE, RegexOption.DOT_MATCHES_ALL))
            .findAll(text)
            .map { m -> m.groupValues[1].lines().map { it.trimEnd() }.filter { it.isNotEmpty() } }
            .toList()

    private fun region(n: Int): List<String> {
        val lines = source.readLines()
        val start = lines.indexOfFirst { it.trim() == "// README block $n" }
        val end = lines.indexOfFirst { it.trim() == "// end of README block $n" }
        assertTrue(start >= 0 && end > start, "markers of README block $n")
        return lines.subList(start + 1, end).map { it.trim() }.filter { it.isNotEmpty() }
    }

    @Test
    fun theReadmeBlocksAreTheCodeThatRunsHere() {
        val readmeBlocks = blocks(readme.readText())
        assertEquals(1, readmeBlocks.size, "README kotlin blocks")
        readmeBlocks.forEachIndexed { i, block ->
            val (imports, statements) = block.partition { it.startsWith("import ") }
            assertEquals(statements.map { it.trim() }, region(i + 1))
            val header = source.readLines().filter { it.startsWith("import ") }
            // This file is in the package the README imports.
            imports.filter { it != "import dev.learnloop.*" }
                .forEach { assertTrue(it in header, "the README's `$it` is imported here") }
        }
    }

    @Test
    fun readmeBlock1Runs() {
        // README block 1
        val fsrs = Fsrs.withDefaults()                 // or Fsrs(defaultFsrsOptions().copy(desiredRetention = 0.85))
        val now = Instant.parse("2026-01-05T09:00:00Z")
        val card = newCard("card-1", now)
        val preview = fsrs.preview(card, now)          // Preview(again, hard, good, easy)
        val (next, log) = fsrs.review(card, Rating.GOOD, now)
        val cards = fsrs.reviewMany(listOf(next), listOf(Rating.GOOD), next.due)
        val json = cardToJson(next)                    // the same JSON every learnloop language uses
        // end of README block 1
        assertEquals(preview.good.card, next)
        assertEquals(Rating.GOOD, log.rating)
        assertEquals(1, cards.size)
        assertTrue(json.contains("\"card-1\""))
    }
}
