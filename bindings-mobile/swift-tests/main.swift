// Swift tests of the uniffi bindings, compiled with swiftc together with the
// generated Learnloop.swift and run against liblearnloop_mobile.so.
// Ends with "N passed, N failed".
import Foundation

var passed = 0
var failed = 0
func check(_ cond: Bool, _ what: String) {
    if cond { passed += 1 } else { failed += 1; print("FAILED: \(what)") }
}

let now = ISO8601DateFormatter().date(from: "2026-01-05T09:00:00Z")!

// The documented usage.
do {
    let fsrs = Fsrs.withDefaults()
    check(fsrs.desiredRetention() == 0.9, "default retention")
    let card = try newCard(id: "card-1", now: now)
    let preview = try fsrs.preview(card: card, now: now)
    check(preview.good.due == now.addingTimeInterval(600), "Good is due in 10 minutes")
    let outcome = try fsrs.review(card: card, rating: .good, now: now)
    check(outcome.card == preview.good, "review equals the preview")
    check(outcome.card.state == .learning, "learning after the first Good")
    let state = try fsrs.memoryState(ratings: [.again, .good], daysElapsed: [0, 1])
    check(state.stability > 0 && (1...10).contains(state.difficulty), "memory state in bounds")
    let json = try cardToJson(card: outcome.card)
    check(try cardFromJson(json: json) == outcome.card, "JSON round trip")
} catch {
    check(false, "documented usage threw \(error)")
}

// Errors are Swift errors with code and field.
do {
    _ = try ratingFromNumber(value: 9)
    check(false, "rating 9 must throw")
} catch let LearnloopException.InvalidRating(code, field, _) {
    check(code == "invalid_rating" && field == "rating", "InvalidRating with code and field")
} catch {
    check(false, "unexpected error \(error)")
}
do {
    _ = try Fsrs(options: FsrsOptions(parameters: Array(repeating: 1.0, count: 21)))
    check(false, "out-of-range parameters must throw")
} catch let LearnloopException.InvalidParameter(_, field, _) {
    check(field == "parameters[7]", "InvalidParameter names parameters[7]")
} catch {
    check(false, "unexpected error \(error)")
}
do {
    let fsrs = Fsrs.withDefaults()
    let card = try fsrs.review(card: try newCard(id: "c", now: now), rating: .easy, now: now).card
    _ = try fsrs.review(card: card, rating: .good, now: now.addingTimeInterval(-1))
    check(false, "a review before the last must throw")
} catch let LearnloopException.ReviewOrder(code, field, _) {
    check(code == "review_before_last_review" && field == "now", "ReviewOrder")
} catch {
    check(false, "unexpected error \(error)")
}

// One scheduler shared by eight threads gives every thread the same answers.
do {
    let fsrs = Fsrs.withDefaults()
    let cards = try (0..<200).map { try newCard(id: "t\($0)", now: now) }
    let expected = try cards.map { try fsrs.review(card: $0, rating: .good, now: now).card }
    let lock = NSLock()
    var agreeing = 0
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
        let got = try? cards.map { try fsrs.review(card: $0, rating: .good, now: now).card }
        lock.lock(); if got == expected { agreeing += 1 }; lock.unlock()
    }
    check(agreeing == 8, "eight threads agree (\(agreeing))")
} catch {
    check(false, "threads: \(error)")
}

// The shared conformance cases: reviews, previews, memory states, errors.
let fixtures = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "../../tests/fixtures"
let data = try! Data(contentsOf: URL(fileURLWithPath: fixtures + "/conformance/srs.json"))
let doc = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
let cases = doc["cases"] as! [[String: Any]]
let iso = ISO8601DateFormatter()
let ratings: [Int: Rating] = [1: .again, 2: .hard, 3: .good, 4: .easy]

func scheduler(_ spec: [String: Any]) throws -> Fsrs {
    try Fsrs(options: FsrsOptions(
        parameters: (spec["parameters"] as? [Double]) ?? [],
        desiredRetention: spec["desired_retention"] as! Double,
        learningSteps: (spec["learning_steps"] as! [Int]).map { UInt32($0) },
        relearningSteps: (spec["relearning_steps"] as! [Int]).map { UInt32($0) },
        maximumInterval: UInt32(spec["maximum_interval"] as! Int)))
}
func card(_ value: Any) throws -> Card {
    let json = String(data: try JSONSerialization.data(withJSONObject: value), encoding: .utf8)!
    return try cardFromJson(json: json)
}
func sameCard(_ got: Card, _ want: Any) throws -> Bool {
    let g = try JSONSerialization.jsonObject(with: cardToJson(card: got).data(using: .utf8)!) as! NSDictionary
    return g.isEqual(to: want as! [String: Any])
}

var checkedCases = 0
for c in cases {
    let name = c["name"] as! String
    let op = c["op"] as! String
    let expect = c["expect"] as! [String: Any]
    if op == "next_states" { continue }
    do {
        switch op {
        case "new_scheduler":
            _ = try scheduler(c["scheduler"] as! [String: Any])
        case "memory_state":
            let h = c["history"] as! [[Int]]
            let m = try Fsrs.withDefaults().memoryState(ratings: h.map { ratings[$0[0]]! }, daysElapsed: h.map { UInt32($0[1]) })
            check(abs(m.stability - (expect["stability"] as! Double)) <= 1e-12 * max(1, m.stability), name)
        case "preview":
            let p = try scheduler(c["scheduler"] as! [String: Any]).preview(card: card(c["card"]!), now: iso.date(from: c["now"] as! String)!)
            check(try sameCard(p.again, expect["again"]!) && sameCard(p.hard, expect["hard"]!) && sameCard(p.good, expect["good"]!) && sameCard(p.easy, expect["easy"]!), name)
        case "review":
            let r = try ratingFromNumber(value: Int64(c["rating"] as! Int))
            let o = try scheduler(c["scheduler"] as! [String: Any]).review(card: card(c["card"]!), rating: r, now: iso.date(from: c["now"] as! String)!)
            check(try sameCard(o.card, expect["card"]!), name)
        case "review_many":
            let cards = try (c["cards"] as! [Any]).map { try card($0) }
            _ = try scheduler(c["scheduler"] as! [String: Any]).reviewMany(cards: cards, ratings: (c["ratings"] as! [Int]).map { ratings[$0]! }, now: iso.date(from: c["now"] as! String)!)
        default:
            check(false, "unknown op \(op)")
        }
        check(expect["error"] == nil, "\(name): expected an error")
    } catch let e as LearnloopException {
        let want = expect["error"] as? [String: String]
        let got: (String, String)
        switch e {
        case let .InvalidInput(code, field, _), let .InvalidParameter(code, field, _),
             let .InvalidRating(code, field, _), let .ReviewOrder(code, field, _),
             let .NotFound(code, field, _), let .Storage(code, field, _):
            got = (code, field)
        }
        check(want?["code"] == got.0 && want?["field"] == got.1, "\(name): error \(got)")
    } catch {
        check(false, "\(name): \(error)")
    }
    checkedCases += 1
}
check(checkedCases > 100, "checked \(checkedCases) shared cases")

// The store: a session and a review survive reopening the file.
do {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("learnloop-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("learner.db").path
    let legacy = try String(contentsOfFile: fixtures + "/sessions/v1_firestore_times.json", encoding: .utf8)
    do {
        let store = try Store.open(path: path)
        check(try store.schemaVersion() >= 3, "schema version")
        try store.saveSession(learnerId: "learner-1", sessionId: "session-1", json: legacy)
        let outcome = try Fsrs.withDefaults().review(card: try newCard(id: "c1", now: now), rating: .good, now: now)
        try store.recordReview(learnerId: "learner-1", card: outcome.card, log: outcome.log)
    }
    let store = try Store.open(path: path)
    check(try store.card(learnerId: "learner-1", cardId: "c1").state == .learning, "card survives reopening")
    check(try store.reviewLogs(learnerId: "learner-1", cardId: "c1").map { $0.state } == [.new], "log survives")
    check(try store.activeSessions(learnerId: "learner-1", limit: 10).contains("session-1"), "active session")
    do {
        _ = try store.card(learnerId: "learner-1", cardId: "nope")
        check(false, "missing card throws")
    } catch let LearnloopException.NotFound(code, field, _) {
        check(code == "not_found" && field == "card", "NotFound names the card")
    }
    let export = try store.exportLearner(learnerId: "learner-1")
    let other = try Store.inMemory()
    try other.importLearner(json: export)
    check(try other.exportLearner(learnerId: "learner-1") == export, "export imports back equal")
    check(try store.eraseLearner(learnerId: "learner-1") > 0, "erase deletes rows")
    check(try store.auditActions(learnerId: "learner-1").last == "erase", "erasure is audited")
} catch {
    check(false, "store threw \(error)")
}

print("\(passed) passed, \(failed) failed")
exit(failed == 0 ? 0 : 1)
