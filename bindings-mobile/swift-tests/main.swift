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

/// The stable code and the field of any learnloop error.
func codeAndField(_ e: LearnloopException) -> (String, String) {
    switch e {
    case let .InvalidInput(code, field, _), let .InvalidParameter(code, field, _),
         let .InvalidRating(code, field, _), let .OutOfOrder(code, field, _),
         let .NotEstimable(code, field, _), let .NotFound(code, field, _),
         let .StorageBusy(code, field, _), let .StorageFull(code, field, _),
         let .StorageReadOnly(code, field, _), let .StorageCorrupt(code, field, _),
         let .StorageFailed(code, field, _), let .NewerVersion(code, field, _),
         let .MigrationChanged(code, field, _), let .Conflict(code, field, _):
        return (code, field)
    }
}

// The documented usage.
do {
    let fsrs = Fsrs.withDefaults()
    check(fsrs.options().desiredRetention == 0.9, "default retention")
    var options = defaultFsrsOptions()
    options.desiredRetention = 0.85
    options.learningSteps = [300]
    check(try Fsrs(options: options).options().learningSteps == [300], "options from the defaults")
    let card = try newCard(id: "card-1", now: now)
    let preview = try fsrs.preview(card: card, now: now)
    check(preview.good.card.due == now.addingTimeInterval(600), "Good is due in 10 minutes")
    let outcome = try fsrs.review(card: card, rating: .good, now: now)
    check(outcome.card == preview.good.card, "review equals the preview")
    check(outcome.card.state == .learning, "learning after the first Good")
    let state = try fsrs.memoryState(ratings: [.again, .good], daysElapsed: [0, 1])
    check(state.stability > 0 && (1...10).contains(state.difficulty), "memory state in bounds")
    let json = cardToJson(card: outcome.card)
    check(try cardFromJson(json: json) == outcome.card, "JSON round trip")
    var sm2Options = defaultSm2Options()
    sm2Options.maximumInterval = 365
    let sm2 = try Sm2(options: sm2Options)
    check(try sm2.reviewQuality(card: card, quality: 5, now: now).card.scheduledDays == 1, "SM-2 first interval")
    check(try AnkiSm2.withDefaults().review(card: card, rating: .easy, now: now).log.scheduledDays == 4, "Anki easy interval")
} catch {
    check(false, "documented usage threw \(error)")
}

// Reschedule, cards from mistakes, load balancing and the small rules, all the core's.
do {
    let card = try newCard(id: "c", now: now)
    let later = now.addingTimeInterval(3 * 86400)
    check(try reschedule(card: card, due: later, now: now).due == later, "reschedule")
    do {
        _ = try reschedule(card: card, due: now.addingTimeInterval(-86400), now: now)
        check(false, "a due date in the past must throw")
    } catch let e as LearnloopException {
        check(codeAndField(e).1 == "due", "the error names due")
    }
    let answers = [AnsweredQuestion(questionId: "q1", correct: false), AnsweredQuestion(questionId: "q2", correct: true),
                   AnsweredQuestion(questionId: "q1", correct: false), AnsweredQuestion(questionId: "q3", correct: false)]
    check(try cardsFromMistakes(answers: answers, now: now, existing: [newCard(id: "q3", now: now)]).map { $0.id } == ["q1"], "cards from mistakes")
    check(fuzzRange(interval: 10, maximumInterval: 36500) == [8, 12], "fuzz range")
    check([Rating.again, .hard, .good, .easy].map { ratingIsPass(rating: $0) } == [false, true, true, true], "is pass")
    check([Rating.again, .hard, .good, .easy].map { sm2QualityOf(rating: $0) } == [2, 3, 4, 5], "SM-2 qualities")
    check(try isMastered(known: 0.99) && !isMastered(known: 0.5) && isMastered(known: 0.5, threshold: 0.4), "mastery")
    var options = defaultFsrsOptions()
    options.enableFuzzing = true
    options.loadBalancing = true
    let fsrs = try Fsrs(options: options)
    var reviewed = card
    for _ in 0..<4 { reviewed = try fsrs.review(card: reviewed, rating: .good, now: reviewed.due).card }
    let at = reviewed.due
    let days = UInt32((try Fsrs.withDefaults().review(card: reviewed, rating: .good, now: at).card.due.timeIntervalSince(at) / 86400).rounded(.down))
    let range = fuzzRange(interval: days, maximumInterval: 36500)
    for quiet in range {
        var load = [UInt32](repeating: 1000, count: Int(range[1]) + 1)
        load[Int(quiet)] = 0
        let balanced = try fsrs.review(card: reviewed, rating: .good, now: at, load: DueLoad(counts: load)).card
        check(UInt32((balanced.due.timeIntervalSince(at) / 86400).rounded(.down)) == quiet, "load balancing picks the quiet day")
    }
    let legacy = try String(contentsOfFile: (CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "../../tests/fixtures") + "/sessions/v1_legacy.json", encoding: .utf8)
    check(try sessionVersion(json: legacy) == 1 && sessionVersion(json: upgradeSession(json: legacy)) > 1, "session upgrade")
} catch {
    check(false, "core rules threw \(error)")
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
    var options = defaultFsrsOptions()
    options.parameters = Array(repeating: 1.0, count: 21)
    _ = try Fsrs(options: options)
    check(false, "out-of-range parameters must throw")
} catch let LearnloopException.InvalidParameter(_, field, _) {
    check(field == "parameters[7]", "InvalidParameter names parameters[7]")
} catch {
    check(false, "unexpected error \(error)")
}
do {
    let fsrs = Fsrs.withDefaults()
    let card = try fsrs.review(card: newCard(id: "c", now: now), rating: .easy, now: now).card
    _ = try fsrs.review(card: card, rating: .good, now: now.addingTimeInterval(-1))
    check(false, "a review before the last must throw")
} catch let LearnloopException.OutOfOrder(code, field, _) {
    check(code == "review_before_last_review" && field == "now", "OutOfOrder")
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
    var options = defaultFsrsOptions()
    if let parameters = spec["parameters"] as? [Double] { options.parameters = parameters }
    options.desiredRetention = spec["desired_retention"] as! Double
    options.learningSteps = (spec["learning_steps"] as! [Int]).map { Int64($0) }
    options.relearningSteps = (spec["relearning_steps"] as! [Int]).map { Int64($0) }
    options.maximumInterval = UInt32(spec["maximum_interval"] as! Int)
    return try Fsrs(options: options)
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
    do {
        switch op {
        case "next_states":
            let m = (c["memory"] as? [Double]).map { MemoryState(stability: $0[0], difficulty: $0[1]) }
            let n = try Fsrs.withDefaults().nextStates(memory: m, desiredRetention: c["desired_retention"] as! Double,
                                                        daysElapsed: UInt32(c["days_elapsed"] as! Int))
            for (key, item) in [("again", n.again), ("hard", n.hard), ("good", n.good), ("easy", n.easy)] {
                let want = expect[key] as! [Double]
                check(same([item.memory.stability, item.memory.difficulty, item.interval], want, "\(name).\(key)"), name)
            }
        case "new_scheduler":
            _ = try scheduler(c["scheduler"] as! [String: Any])
        case "memory_state":
            let h = c["history"] as! [[Int]]
            let m = try Fsrs.withDefaults().memoryState(ratings: h.map { ratings[$0[0]]! }, daysElapsed: h.map { UInt32($0[1]) })
            check(abs(m.stability - (expect["stability"] as! Double)) <= 1e-12 * max(1, m.stability), name)
        case "decode_card":
            _ = try card(c["card"]!)
        case "preview":
            let p = try scheduler(c["scheduler"] as! [String: Any]).preview(card: card(c["card"]!), now: iso.date(from: c["now"] as! String)!)
            check(try sameCard(p.again.card, expect["again"]!) && sameCard(p.hard.card, expect["hard"]!) && sameCard(p.good.card, expect["good"]!) && sameCard(p.easy.card, expect["easy"]!), name)
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
        let got = codeAndField(e)
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
        let store = try Store.open(path: path, options: defaultStoreOptions())
        check(try store.schemaVersion() >= 3, "schema version")
        try store.saveSession(learnerId: "learner-1", sessionId: "session-1", json: legacy)
        let outcome = try Fsrs.withDefaults().review(card: newCard(id: "c1", now: now), rating: .good, now: now)
        try store.recordReview(learnerId: "learner-1", card: outcome.card, log: outcome.log)
    }
    var storeOptions = defaultStoreOptions()
    storeOptions.actor = "swift-test"
    let store = try Store.open(path: path, options: storeOptions)
    check(store.options().actor == "swift-test", "store options")
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

// ---- learner models and the adaptive engine (tests/fixtures/conformance/learner.json) ----

func number(_ v: Any?) -> Double? {
    switch v {
    case let d as Double: return d
    case let i as Int: return Double(i)
    case let u as UInt32: return Double(u)
    case let u as UInt64: return Double(u)
    case let i as Int64: return Double(i)
    case let n as NSNumber: return n.doubleValue
    default: return nil
    }
}

/// Equal structures; numbers to 1e-12 relative.
func same(_ got: Any?, _ want: Any?, _ path: String) -> Bool {
    if want == nil || want is NSNull {
        if got == nil || got is NSNull { return true }
        if case Optional<Any>.some(let inner) = got, "\(inner)" == "nil" { return true }
        print("  \(path): \(String(describing: got)) != null"); return false
    }
    if let g = got as? Bool, !(got is Double) {
        if let w = want as? Bool, g == w { return true }
        print("  \(path): \(g) != \(want!)"); return false
    }
    if let w = want as? [String: Any] {
        guard let g = got as? [String: Any?] ?? (got as? [String: Any])?.mapValues({ Optional($0) }) else {
            print("  \(path): not an object: \(String(describing: got))"); return false
        }
        if Set(g.keys) != Set(w.keys) { print("  \(path): keys \(g.keys.sorted()) != \(w.keys.sorted())"); return false }
        return w.keys.allSatisfy { same(g[$0] ?? nil, w[$0], "\(path).\($0)") }
    }
    if let w = want as? [Any] {
        guard let g = got as? [Any?] ?? (got as? [Any])?.map({ Optional($0) }), g.count == w.count else {
            print("  \(path): list \(String(describing: got))"); return false
        }
        return zip(g, w).enumerated().allSatisfy { same($0.element.0, $0.element.1, "\(path)[\($0.offset)]") }
    }
    if let w = want as? String {
        if let g = got as? String, g == w { return true }
        print("  \(path): \(String(describing: got)) != \(w)"); return false
    }
    if let w = number(want), let g = number(got) {
        if abs(g - w) <= 1e-12 * max(abs(w), 1) { return true }
        print("  \(path): \(g) != \(w)"); return false
    }
    print("  \(path): \(String(describing: got)) vs \(String(describing: want))"); return false
}

func jsonValue(_ text: String) -> Any {
    try! JSONSerialization.jsonObject(with: text.data(using: .utf8)!, options: [.fragmentsAllowed])
}
func itemOf(_ o: Any?) -> ItemParameters {
    let d = o as! [String: Any]
    return ItemParameters(discrimination: number(d["discrimination"])!, difficulty: number(d["difficulty"])!, guessing: number(d["guessing"])!)
}
func cellsOf(_ s: String) -> [Bool?] { s.map { $0 == "." ? nil : $0 == "1" } }
func ratingOf(_ o: Any?) -> EloRating {
    let d = o as! [String: Any]
    return EloRating(rating: number(d["rating"])!, answers: UInt32(number(d["answers"])!))
}
func ratingMap(_ r: EloRating) -> [String: Any] { ["rating": r.rating, "answers": r.answers] }
func itemMap(_ i: ItemParameters) -> [String: Any] { ["discrimination": i.discrimination, "difficulty": i.difficulty, "guessing": i.guessing] }
func abilityMap(_ e: AbilityEstimate) -> [String: Any] { ["theta": e.theta, "standard_error": e.standardError] }
func bktOf(_ o: Any?) -> BktParameters {
    let d = o as! [String: Any]
    return BktParameters(prior: number(d["prior"])!, learn: number(d["learn"])!, forget: number(d["forget"])!, guess: number(d["guess"])!, slip: number(d["slip"])!)
}

func runLearner(_ c: [String: Any]) throws -> Any? {
    let x = c["input"] as! [String: Any]
    switch c["op"] as! String {
    case "elo_update":
        let u = try Elo(options: EloOptions(alpha: number(x["alpha"])!, beta: number(x["beta"])!))
            .update(learner: ratingOf(x["learner"]), item: ratingOf(x["item"]), score: number(x["score"])!, options: UInt32(number(x["options"])!))
        return ["learner": ratingMap(u.learner), "item": ratingMap(u.item), "predicted": u.predicted] as [String: Any]
    case "irt_item":
        let i = itemOf(x["item"]); let t = number(x["theta"])!
        return ["probability": try itemProbability(item: i, theta: t), "information": try itemInformation(item: i, theta: t)] as [String: Any]
    case "irt_eap":
        return abilityMap(try estimateAbilityEap(items: (x["items"] as! [Any]).map(itemOf), responses: cellsOf(x["responses"] as! String),
                                                 prior: NormalPrior(mean: number(x["prior_mean"])!, sd: number(x["prior_sd"])!)))
    case "irt_mle":
        return abilityMap(try estimateAbilityMle(items: (x["items"] as! [Any]).map(itemOf), responses: cellsOf(x["responses"] as! String)))
    case "irt_calibrate":
        let model: IrtModel = ["1PL": .onePl, "2PL": .twoPl][x["model"] as! String] ?? .threePl
        var options = defaultCalibrationOptions()
        options.model = model
        let fit = try calibrate(responses: (x["rows"] as! [String]).map(cellsOf), options: options)
        return ["items": fit.items.map(itemMap), "log_likelihood": fit.logLikelihood, "iterations": fit.iterations,
                "converged": fit.converged, "first_abilities": fit.abilities.prefix(3).map(abilityMap)] as [String: Any]
    case "irt_select":
        let r = x["rule"] as! [String: Any]
        var options = defaultItemSelectorOptions()
        if (r["rule"] as! String) == "success_band" {
            options.rule = .successBand
            options.low = number(r["low"])!
            options.high = number(r["high"])!
        }
        options.randomesque = UInt32(number(x["randomesque"])!)
        let chosen = try ItemSelector(options: options)
            .select(items: (x["items"] as! [Any]).map(itemOf), theta: number(x["theta"])!,
                    administered: (x["administered"] as! [Any]).map { UInt32(number($0)!) }, exposure: [], sessions: 0, seed: UInt64(number(x["seed"])!))
        return ["item": chosen as Any] as [String: Any]
    case "bkt_trace":
        let p = bktOf(x["parameters"]); let a = x["answers"] as! [Bool]
        return ["predictions": try bktPredictSequence(parameters: p, answers: a), "known": try bktTrace(parameters: p, answers: a)] as [String: Any]
    case "bkt_parameters":
        return try bktCheck(parameters: bktOf(x))
    case "bkt_fit":
        let answers = (x["answers"] as! [[Any]]).map { BktAnswer(student: $0[0] as! String, skill: $0[1] as! String, correct: $0[2] as! Bool) }
        var options = defaultBktFitOptions()
        options.forgetting = x["forgetting"] as! Bool
        return try fitBkt(answers: answers, options: options).map { f -> [String: Any] in
            let p = f.parameters
            return ["skill": f.skill, "parameters": ["prior": p.prior, "learn": p.learn, "forget": p.forget, "guess": p.guess, "slip": p.slip],
                    "log_likelihood": f.logLikelihood, "answers": f.answers, "students": f.students, "iterations": f.iterations, "converged": f.converged]
        }
    case "pfa":
        let answers = (x["answers"] as! [[Any]]).map { PfaAnswer(student: $0[0] as! String, skills: $0[1] as! [String], correct: $0[2] as! Bool) }
        let practice = (x["practice"] as! [[Any]]).map { SkillPractice(skill: $0[0] as! String, successes: UInt32(number($0[1])!), failures: UInt32(number($0[2])!)) }
        let pfa = try Pfa.fit(answers: answers, options: PfaOptions(l2: number(x["l2"])!))
        return ["probability": try pfa.probability(practice: practice), "intercept": pfa.intercept(), "skills": jsonValue(pfa.skillsJson())] as [String: Any]
    case "engine":
        let cfg = x["config"] as! [String: Any]; let elo = cfg["elo"] as! [String: Any]
        let engine = try AdaptiveEngine(config: EngineConfig(
            successBandLow: number(cfg["success_band_low"])!, successBandHigh: number(cfg["success_band_high"])!,
            seed: UInt64(number(cfg["seed"])!), trendWindow: UInt32(number(cfg["trend_window"])!),
            smoothing: number(cfg["smoothing"])!, maxStep: number(cfg["max_step"])!,
            difficultyScale: number(cfg["difficulty_scale"])!, hintPenalty: number(cfg["hint_penalty"])!,
            expectedResponseMs: UInt64(number(cfg["expected_response_ms"])!),
            elo: EloOptions(alpha: number(elo["alpha"])!, beta: number(elo["beta"])!)))
        var state = engine.initialStateJson(at: iso.date(from: x["start"] as! String)!)
        var seen: [Any] = []
        for i in x["interactions"] as! [[String: Any]] {
            let o = try engine.observe(stateJson: state, interaction: Interaction(
                questionId: i["question_id"] as! String, score: number(i["score"])!, at: iso.date(from: i["at"] as! String)!,
                difficulty: number(i["difficulty"]), responseTimeMs: number(i["response_time_ms"]).map { UInt64($0) },
                expectedTimeMs: number(i["expected_time_ms"]).map { UInt64($0) }, confidence: number(i["confidence"]),
                hintsUsed: UInt32(number(i["hints_used"])!), contentFormat: i["content_format"] as? String))
            state = o.stateJson
            let record: [String: Any] = [
                "timestamp": iso.string(from: o.record.timestamp), "questionId": o.record.questionId,
                "adaptiveDifficulty": o.record.adaptiveDifficulty, "adaptationReasoning": o.record.adaptationReasoning,
                "performanceContext": o.record.performanceContext]
            seen.append(["state": jsonValue(o.stateJson), "record": record, "predictedSuccess": o.predictedSuccess,
                         "nextPredictedSuccess": o.nextPredictedSuccess, "nextContentFormat": o.nextContentFormat as Any] as [String: Any])
        }
        return seen
    default:
        check(false, "unknown learner op \(c["op"]!)")
        return nil
    }
}

do {
    let learnerData = try Data(contentsOf: URL(fileURLWithPath: fixtures + "/conformance/learner.json"))
    let learnerCases = (try JSONSerialization.jsonObject(with: learnerData) as! [String: Any])["cases"] as! [[String: Any]]
    check(learnerCases.count >= 50, "learner cases present")
    for c in learnerCases {
        let name = c["name"] as! String
        do {
            let got = try runLearner(c)
            if c["error"] != nil { check(false, "\(name): expected an error") } else { check(same(got, c["expected"], name), name) }
        } catch let e as LearnloopException {
            let want = c["error"] as? [String: String]
            let (code, field) = codeAndField(e)
            check(want?["code"] == code && want?["field"] == field, "\(name): error \(code) \(field)")
        }
    }
} catch {
    check(false, "learner cases threw \(error)")
}

// A session driven answer by answer, and an estimate that does not exist.
do {
    var config = defaultEngineConfig()
    config.seed = 5
    let engine = try AdaptiveEngine(config: config)
    var state = engine.initialStateJson(at: now)
    var levels: [Double] = []
    for k in 0..<16 {
        var answer = answered(questionId: "q\(k)", correct: k >= 4, at: now.addingTimeInterval(Double(40 * k)))
        answer.contentFormat = "video"
        let o = try engine.observe(stateJson: state, interaction: answer)
        state = o.stateJson
        levels.append(o.record.adaptiveDifficulty)
    }
    check(levels[3] < levels[0] && levels[15] > levels[4], "difficulty follows the answers \(levels)")
    do {
        _ = try estimateAbilityMle(items: [ItemParameters(discrimination: 1, difficulty: 0, guessing: 0)], responses: [true])
        check(false, "all-correct MLE must throw")
    } catch let LearnloopException.NotEstimable(code, field, _) {
        check(code == "not_estimable" && field == "responses", "NotEstimable names the responses")
    }
} catch {
    check(false, "engine session threw \(error)")
}

// The defaults case of every options struct (tests/fixtures/conformance/defaults.json).
do {
    let defaultsData = try Data(contentsOf: URL(fileURLWithPath: fixtures + "/conformance/defaults.json"))
    let defaults = try JSONSerialization.jsonObject(with: defaultsData) as! [String: Any]
    let options = defaults["options"] as! [String: Any]
    check(Set(options.keys) == Set(optionsNames()), "every options struct has a defaults case")
    for (name, want) in options {
        check(same(jsonValue(try optionsJson(name: name, given: "{}")), want, name), "defaults of \(name)")
    }
    check(Fsrs.withDefaults().options() == defaultFsrsOptions(), "Fsrs with no settings")
    check(Sm2.withDefaults().options() == defaultSm2Options(), "Sm2 with no settings")
    check(AnkiSm2.withDefaults().options() == defaultAnkiSm2Options(), "AnkiSm2 with no settings")
    let fsrsWant = options["fsrs"] as! [String: Any]
    check(defaultFsrsOptions().desiredRetention == number(fsrsWant["desired_retention"]), "FSRS default retention")
    check((defaults["store"] as! [String: Any])["actor"] as? String == defaultStoreOptions().actor, "store default actor")
} catch {
    check(false, "defaults threw \(error)")
}

// Sync: the golden fold of tests/fixtures/conformance/sync.json is bit-identical,
// two replicas converge, a conflict is a typed error.
func bytes(hex: String) -> Data {
    var data = Data()
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        data.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return data
}
do {
    let syncData = try Data(contentsOf: URL(fileURLWithPath: fixtures + "/conformance/sync.json"))
    let sync = try JSONSerialization.jsonObject(with: syncData) as! [String: Any]
    for case let c as [String: Any] in sync["cases"] as! [Any] {
        let receiver = try Replica(device: c["device"] as! String)
        let at = ISO8601DateFormatter().date(from: c["now"] as! String)!
        for case let hex as String in c["change_sets"] as! [Any] {
            _ = try receiver.apply(changes: bytes(hex: hex), now: at)
        }
        let expected = c["expected"] as! [String: Any]
        let name = c["name"] as! String
        check(same(jsonValue(receiver.stateJson()), expected["state"], "sync \(name)"), "golden fold state: \(name)")
        check(String(receiver.digest()) == expected["digest"] as! String, "golden fold digest: \(name)")
        let vector = (expected["vector"] as! [String: Any]).mapValues { UInt64(($0 as! NSNumber).int64Value) }
        check(receiver.vector() == vector, "golden fold vector: \(name)")
    }
    let phone = try Replica(device: "phone")
    let laptop = try Replica.withFsrs(device: "laptop", fsrs: Fsrs.withDefaults(), engine: nil)
    let added = #"{"kind": "card_added", "card": "c1", "at": "2026-01-05T09:00:00Z"}"#
    _ = try phone.record(bodyJson: added, now: now)
    _ = try laptop.apply(changes: phone.changesSince(vector: laptop.vector()), now: now)
    check(phone.digest() == laptop.digest() && phone.stateJson() == laptop.stateJson(), "replicas converge")
    let impostor = try Replica(device: "phone")
    _ = try impostor.record(bodyJson: #"{"kind": "card_added", "card": "c2", "at": "2026-01-05T09:00:00Z"}"#, now: now)
    do {
        _ = try laptop.apply(changes: impostor.changesSince(vector: [:]), now: now)
        check(false, "a conflicting event id throws")
    } catch LearnloopException.Conflict {
        check(true, "Conflict is its own case")
    }

    // A backend compacts what its peers acknowledged; a stale tablet resyncs.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("learnloop-compact-\(getpid())")
    try? FileManager.default.removeItem(at: dir)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let backend = try Store.open(path: dir.appendingPathComponent("backend.db").path, options: defaultStoreOptions())
        .replica(learnerId: "ada", device: "backend", now: now, fsrs: nil, engine: nil)
    let writer = try Replica(device: "writer")
    for q in 0..<6 {
        let at = now.addingTimeInterval(Double(60 * q))
        let body = #"{"kind": "answer", "session": "s1", "interaction": {"question_id": "q\#(q)", "correct": true, "at": "\#(ISO8601DateFormatter().string(from: at))"}}"#
        _ = try writer.record(bodyJson: body, now: now)
    }
    _ = try backend.apply(changes: writer.changesSince(vector: backend.vector()), now: now)
    try backend.acknowledge(peer: "writer", vector: writer.vector(), clock: writer.clock())
    try backend.acknowledge(peer: "old-tablet", vector: [:], clock: nil)
    check(try backend.peers() == ["old-tablet", "writer"], "peers listed")
    check(try backend.compact(now: now) == 0, "a silent peer holds back compaction")
    check(try backend.forgetPeer(peer: "old-tablet"), "a known peer is forgotten")
    check(try backend.compact(now: now) == 5, "compaction after forgetting the silent peer")
    let tablet = try Replica(device: "tablet")
    do {
        _ = try tablet.apply(changes: backend.changesSince(vector: tablet.vector()), now: now)
        check(false, "a tablet behind the floor must resync")
    } catch let LearnloopException.Conflict(code, _, _) {
        check(code == "resync_needed", "resync_needed names the cause")
    }
    try tablet.resync(snapshot: backend.snapshot())
    _ = try tablet.apply(changes: backend.changesSince(vector: tablet.vector()), now: now)
    check(tablet.digest() == backend.digest(), "the resynced tablet converges")
    check(writer.compact(acknowledged: []) == 0, "an in-memory replica compacts nothing nobody reported")
    let reader = try Replica(device: "reader")
    _ = try reader.apply(changes: writer.changesSince(vector: reader.vector()), now: now)
    let reported = Acknowledgement(vector: reader.vector(), clock: reader.clock())
    check(writer.compact(acknowledged: [reported]) == 5, "an in-memory replica compacts what the others reported")
    do {
        try backend.resync(snapshot: Data([1, 123]), now: now)
        check(false, "a broken snapshot must throw")
    } catch LearnloopException.InvalidInput {
        check(true, "a broken snapshot is invalid input")
    }
} catch {
    check(false, "sync threw \(error)")
}

print("\(passed) passed, \(failed) failed")
exit(failed == 0 ? 0 : 1)
