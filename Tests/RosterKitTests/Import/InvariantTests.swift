import Foundation
import Testing
@testable import RosterKit


/// Random sequences of import, merge, copy, move, subscribe, unsubscribe and opt-out on a
/// practice with three locations; after every step: no person text-subscribed in two
/// locations, no opt-out lifted except by subscribe, IDs kept, counts add up (issue 5).
@Suite struct InvariantTests {
    static let people: [(first: String, last: String, email: String, phone: String)] = [
        ("Mary", "Smith", "mary@example.com", "(603) 555-0101"), ("John", "Smith", "", "(603) 555-0101"),
        ("Ann", "Lee", "ann@example.com", ""), ("Bo", "Ray", "", "(603) 555-0103"),
        ("Cy", "Oz", "cy@example.com", "(603) 555-0104"), ("Di", "Fox", "di@example.com", "(603) 555-0105"),
        ("Ed", "Orr", "ed@example.com", "(603) 555-0106"), ("Flo", "Ng", "", "(603) 555-0107"),
    ]
    static let locations = ["Nashua", "Hudson", "Salem"]
    static let consents = ["email", "text", "email,text", "none"]

    enum Step: CustomStringConvertible {
        case importRows(location: String, people: [Int], consent: String)
        case mergeAdd(location: String, person: Int, consent: String)
        case copy(from: String, to: String, person: Int?, move: Bool)
        case setStatus(person: Int, location: String, channel: Channel, status: Status)
        /// Undo of the latest import or merge still standing (refused or not).
        case undoLatest

        var description: String {
            switch self {
            case .importRows(let l, let p, let c): "import \(p) into \(l) consent \(c)"
            case .mergeAdd(let l, let p, let c): "merge person \(p) into \(l) consent \(c)"
            case .copy(let a, let b, let p, let m): "\(m ? "move" : "copy") \(p.map(String.init) ?? "all") \(a)→\(b)"
            case .setStatus(let p, let l, let c, let s): "set person \(p) \(l) \(c.rawValue) \(s.rawValue)"
            case .undoLatest: "undo the latest import or merge"
            }
        }
    }

    static func randomSteps(count: Int, rng: inout SplitMix64) -> [Step] {
        (0..<count).map { _ in
            let location = locations.randomElement(using: &rng) ?? "Nashua"
            let other = locations.filter { $0 != location }.randomElement(using: &rng) ?? "Hudson"
            let person = Int.random(in: 0..<people.count, using: &rng)
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<3:
                let chosen = (0..<people.count).filter { _ in Bool.random(using: &rng) }
                return .importRows(location: location, people: chosen.isEmpty ? [person] : chosen, consent: consents.randomElement(using: &rng) ?? "none")
            case 3: return .mergeAdd(location: location, person: person, consent: consents.randomElement(using: &rng) ?? "none")
            case 4..<6: return .copy(from: location, to: other, person: Bool.random(using: &rng) ? person : nil, move: Int.random(in: 0..<4, using: &rng) == 0)
            case 6: return .undoLatest
            default:
                let status: Status = [.subscribed, .unsubscribed, .optedOut].randomElement(using: &rng) ?? .unsubscribed
                return .setStatus(person: person, location: location, channel: Bool.random(using: &rng) ? .text : .email, status: status)
            }
        }
    }

    struct Violation: Error, CustomStringConvertible {
        let step: Int
        let message: String
        var description: String { "after step \(step): \(message)" }
    }

    /// Runs `steps` on a fresh store; returns the first violated invariant.
    static func run(_ steps: [Step]) throws -> Violation? {
        let f = try Fixture()
        var ids: [Int: String] = [:]
        var latest: [Int64] = []
        for (index, step) in steps.enumerated() {
            let before = try state(f)
            var subscribed: (person: Int, location: String, channel: Channel)?
            switch step {
            case .importRows(let location, let chosen, let consent):
                let csv = "First Name,Last Name,Email,Phone (Mobile)\n" + chosen.map {
                    let p = people[$0]
                    return "\(p.first),\(p.last),\(p.email),\(p.phone)\n"
                }.joined()
                let r = try f.importCSV(csv, into: location, consent: consent) { $0.again = true }
                if !r.countsAddUp { return Violation(step: index, message: "counts do not add up") }
                latest += r.historyID.map { [$0] } ?? []
            case .mergeAdd(let location, let person, let consent):
                guard let id = ids[person] else { continue }
                let r = try f.importCSV("Contact ID,First Name\n\(id),\(people[person].first)\n", into: location, consent: consent) { $0.mode = .merge }
                if !r.countsAddUp || r.failed > 0 { return Violation(step: index, message: "merge failed: \(r.failures)") }
                latest += r.historyID.map { [$0] } ?? []
            case .copy(let from, let to, let person, let move):
                let last = try f.store.history(practice: nil, location: nil).map(\.id).max()
                try copy(f, ids: ids, from: from, to: to, person: person, move: move)
                // A copy is undone as imports and merges are (a move is refused, changing nothing).
                if let made = try f.store.history(practice: nil, location: nil).map(\.id).max(), made != last { latest.append(made) }
            case .setStatus(let person, let location, let channel, let status):
                guard let id = ids[person], try f.contacts.show(id).memberships.contains(where: { $0.locationName == location }) else { continue }
                do {
                    _ = try f.contacts.setStatus(id, location: location, practice: nil, channel: channel, status: status)
                } catch StoreError.cannotReach {
                    // Refused, changing nothing, only for a subscribe without the means.
                    let lacks = channel == .text ? people[person].phone.isEmpty : people[person].email.isEmpty
                    if !(lacks && status == .subscribed) { return Violation(step: index, message: "a subscribe with the means was refused") }
                    if try state(f) != before { return Violation(step: index, message: "a refused subscribe changed something") }
                    continue
                }
                if status == .subscribed { subscribed = (person, location, channel) }
            case .undoLatest:
                guard let operation = latest.popLast() else { continue }
                do {
                    _ = try Undoer(store: f.store, clock: fixedClock).undo(operation)
                    // Contacts it removed are gone for good: a later import makes new ones.
                    ids = ids.filter { (try? f.contacts.show($0.value)) != nil }
                } catch let error as UndoError {
                    switch error {
                    case .changedLater, .identityClash, .notUndoable: break
                    default: return Violation(step: index, message: "undo failed: \(error)")
                    }
                    if try state(f) != before { return Violation(step: index, message: "a refused undo changed something") }
                }
            }
            // Learn IDs of people created by this step; IDs never change.
            for (i, p) in people.enumerated() {
                let found = try f.contacts.find(p.email.isEmpty ? p.phone : p.email).filter { $0.values[.firstName] == p.first }
                if let view = found.first {
                    if let known = ids[i], known != view.id { return Violation(step: index, message: "\(p.first)'s ID changed") }
                    ids[i] = view.id
                }
            }
            let after = try state(f)
            for (id, memberships) in after {
                if memberships.filter({ $0.text == .subscribed }).count > 1 {
                    return Violation(step: index, message: "\(id) is text-subscribed in \(memberships.filter { $0.text == .subscribed }.map(\.locationName))")
                }
            }
            for (id, memberships) in before {
                let person = ids.first { $0.value == id }?.key
                for channel in Channel.allCases {
                    let optedBefore = memberships.filter { $0.status(channel) == .optedOut }
                    guard !optedBefore.isEmpty else { continue }
                    let now = after[id] ?? []
                    for m in optedBefore {
                        if let current = now.first(where: { $0.locationName == m.locationName }), current.status(channel) != .optedOut {
                            let allowed = subscribed.map { $0.person == person && $0.location == m.locationName && $0.channel == channel } ?? false
                            if !allowed { return Violation(step: index, message: "\(id) \(channel) opt-out at \(m.locationName) was lifted") }
                        }
                    }
                    if !now.isEmpty && !now.contains(where: { $0.status(channel) == .optedOut }) && subscribed?.person != person {
                        return Violation(step: index, message: "\(id) lost its \(channel) opt-out")
                    }
                }
            }
            if let sqlite = f.store as? SQLiteStore, try sqlite.integrityCheck() != "ok" { return Violation(step: index, message: "integrity check failed") }
            if let sqlite = f.store as? SQLiteStore, let problem = try sqlite.referenceProblems().first {
                return Violation(step: index, message: "a reference that does not hold: \(problem)")
            }
        }
        return nil
    }

    /// A copy step: one person (when in `from`) or all of `from`.
    static func copy(_ f: Fixture, ids: [Int: String], from: String, to: String, person: Int?, move: Bool) throws {
        if let person {
            guard let id = ids[person], try f.contacts.show(id).memberships.contains(where: { $0.locationName == from }) else { return }
            _ = try f.contacts.copy(from: from, to: to, practice: nil, ids: [id], move: move)
        } else {
            _ = try f.contacts.copy(from: from, to: to, practice: nil, ids: nil, move: move)
        }
    }

    static func state(_ f: Fixture) throws -> [String: [Membership]] {
        var result: [String: [Membership]] = [:]
        for view in try f.contacts.find("@") + f.contacts.find("555") { result[view.id] = view.memberships }
        return result
    }

    /// Removes steps while the failure persists: the shortest sequence that still fails.
    static func shrink(_ steps: [Step]) throws -> [Step] {
        var current = steps
        var i = 0
        while i < current.count {
            var candidate = current
            candidate.remove(at: i)
            if try run(candidate) != nil { current = candidate } else { i += 1 }
        }
        return current
    }

    @Test func invariantsHoldOverRandomSequences() throws {
        let environment = ProcessInfo.processInfo.environment
        let seeds: [UInt64] = environment["ROSTER_TEST_SEED"].flatMap(UInt64.init).map { [$0] } ?? (1...10).map { UInt64($0) * 7919 }
        let length = Int(environment["ROSTER_TEST_STEPS"] ?? "") ?? 300
        for seed in seeds {
            var rng = SplitMix64(state: seed)
            let steps = Self.randomSteps(count: length, rng: &rng)
            if let violation = try Self.run(steps) {
                let minimal = try Self.shrink(Array(steps.prefix(violation.step + 1)))
                let listing: String = minimal.map { "  \($0)" }.joined(separator: "\n")
                Issue.record(Comment(rawValue: "seed \(seed) (replay with ROSTER_TEST_SEED=\(seed)): \(violation)\nminimal sequence:\n\(listing)"))
            }
        }
    }
}
