import Foundation
import Testing
@testable import RosterKit

/// Schema 006: an import keeps a new contact's first statuses in the membership it creates
/// instead of writing two status-change rows. The history must read exactly as it did with
/// the rows, through hand changes, copies, moves (which remove that membership), merges and
/// undos, on both engines.
@Suite struct CreationStatusTests {
    struct Outcome: Equatable {
        var histories: [String: [StatusChange]] = [:]
        var memberships: [String: [Membership]] = [:]
        var undoRefusals: [String] = []
    }

    /// One practice's story; every contact's history and memberships at the end, by first name.
    func story(keepingFirstStatusesInMemberships keeps: Bool, engine: Engine) throws -> (Outcome, statusRows: Int) {
        let f = try Fixture(engine: engine)
        var importer = f.importer
        importer.keepsCreationStatusesInMemberships = keeps
        let header = "Contact ID,First Name,Last Name,Email,Phone (Mobile)\n"
        @discardableResult
        func run(_ name: String, _ rows: String, into location: String, consent: String,
                 mode: ImportRequest.Mode = .importRows) throws -> Readout {
            let path = f.scratch.file(name, header + rows)
            var request = ImportRequest(path: path, location: location, consent: try #require(Consent(parsing: consent)))
            request.mode = mode
            request.again = true
            return try importer.run(request)
        }
        func id(_ first: String) throws -> String { try f.contact(named: first).id }
        var outcome = Outcome()
        func undo(_ readout: Readout) throws {
            do { _ = try Undoer(store: f.store, clock: fixedClock).undo(try #require(readout.historyID)) }
            catch let error as UndoError {
                outcome.undoRefusals.append("\(error)".replacingOccurrences(of: "C[0-9A-Z]{9}", with: "ID", options: .regularExpression))
            }
        }

        let first = try run("a.csv", """
            ,Mary,Smith,mary@example.com,(603) 555-0101
            ,Ann,Lee,ann@example.com,
            ,Bo,Ray,,(603) 555-0102
            ,Cy,Hu,cy@example.com,(603) 555-0103
            ,Di,Ng,di@example.com,(603) 555-0104
            ,Ed,Os,ed@example.com,(603) 555-0105

            """, into: "Nashua", consent: "email,text")
        _ = try f.contacts.setStatus(id("Ann"), location: "Nashua", practice: nil, channel: .email, status: .optedOut)
        _ = try f.contacts.setStatus(id("Bo"), location: "Nashua", practice: nil, channel: .text, status: .unsubscribed)
        try run("b.csv", """
            ,Mary,Smith,mary@example.com,(603) 555-0101
            ,Fay,Oh,fay@example.com,(603) 555-0106
            ,Gil,Ax,,(603) 555-0107
            ,Cy,Hu,cy@example.com,(603) 555-0103

            """, into: "Hudson", consent: "text")
        // Fay and Gil leave the membership they were created in.
        _ = try f.contacts.copy(from: "Hudson", to: "Salem", practice: nil, ids: [id("Fay"), id("Gil")], move: true)
        _ = try f.contacts.copy(from: "Nashua", to: "Salem", practice: nil, ids: [id("Di")], move: false)
        _ = try f.contacts.setStatus(id("Di"), location: "Nashua", practice: nil, channel: .text, status: .subscribed)
        _ = try f.contacts.setStatus(id("Fay"), location: "Salem", practice: nil, channel: .email, status: .optedOut)
        let merge = try run("m.csv", """
            \(id("Ed")),Ed,Osgood,ed@example.com,(603) 555-0105
            \(id("Gil")),Gil,Ax,gil@example.com,(603) 555-0107

            """, into: "Nashua", consent: "email", mode: .merge)
        try undo(merge)
        let third = try run("c.csv", ",Hal,Yu,hal@example.com,(603) 555-0108\n", into: "Salem", consent: "none")
        _ = try f.contacts.copy(from: "Salem", to: "Nashua", practice: nil, ids: [id("Hal")], move: true)
        _ = try f.contacts.setStatus(id("Hal"), location: "Nashua", practice: nil, channel: .email, status: .subscribed)
        try undo(third)
        try undo(first)
        try undo(try run("d.csv", ",Ivy,Ro,ivy@example.com,(603) 555-0109\n", into: "Hudson", consent: "email,text"))
        #expect(try f.contacts.find("Ivy").isEmpty)
        try run("e.csv", ",Kai,Ro,kai@example.com,(603) 555-0110\n", into: "Hudson", consent: "email,text")

        // Schema 012: memberships added to contacts that already were (copies).
        // Ann (opted out of email in Nashua) and Cy (texts at Hudson) copied into Salem.
        try run("f.csv", ",Ann,Lee,ann@example.com,\n,Cy,Hu,cy@example.com,(603) 555-0103\n", into: "Salem", consent: "email,text")
        _ = try f.contacts.setStatus(id("Cy"), location: "Salem", practice: nil, channel: .email, status: .unsubscribed)
        _ = try f.contacts.copy(from: "Salem", to: "Hudson", practice: nil, ids: [id("Ann")], move: true)
        // A change by hand, the last row before the import that adds Kai to Salem: it reads
        // before his first statuses there. A merge row in that import removes his phone.
        _ = try f.contacts.setStatus(id("Kai"), location: "Hudson", practice: nil, channel: .email, status: .unsubscribed)
        try run("g.csv", "\(id("Kai")),Kai,Ro,kai@example.com,\n", into: "Salem", consent: "email,text")
        // Ann back in Salem, where she was before; that import undone.
        try undo(try run("h.csv", ",Ann,Lee,ann@example.com,\n", into: "Salem", consent: "email"))

        for first in ["Mary", "Ann", "Bo", "Cy", "Di", "Ed", "Fay", "Gil", "Hal", "Kai"] {
            let view = try f.contacts.show(try id(first))
            outcome.histories[first] = view.history
            outcome.memberships[first] = view.memberships
        }
        return (outcome, try f.count("status_change"))
    }

    @Test(arguments: Engine.available)
    func theHistoryReadsAsItDidWithRows(engine: Engine) throws {
        let (kept, keptRows) = try story(keepingFirstStatusesInMemberships: true, engine: engine)
        let (written, writtenRows) = try story(keepingFirstStatusesInMemberships: false, engine: engine)
        #expect(kept == written)
        for name in kept.histories.keys.sorted() {
            #expect(kept.histories[name] == written.histories[name], "\(name)")
        }
        // Ten contacts created and kept (Ivy's undo removed her and her rows), three of them
        // later moved out of their first membership (Fay, Gil, Hal: their rows written then);
        // four memberships added to contacts there already and kept (Mary and Cy in Hudson,
        // Cy and Kai in Salem; Ann's two in Salem were removed, their rows written then).
        #expect(writtenRows - keptRows == 2 * (10 - 3) + 2 * 4)

        // The story did what it says: first statuses, later changes, rows for the moved.
        let fay = try #require(kept.histories["Fay"])
        #expect(fay.first == StatusChange(location: "Hudson", channel: "text", from: nil, to: "subscribed",
                                          reason: "import of b.csv, consent text", at: fay.first?.at ?? ""))
        #expect(fay.map(\.location) == ["Hudson", "Hudson", "Salem", "Salem", "Hudson", "Hudson", "Hudson", "Salem"], "\(fay)")
        // The move out of Hudson is in her history: both channels, to `removed`.
        #expect(fay[5...6].map { "\($0.channel) \($0.from ?? "new") → \($0.to) (\($0.reason))" }
                == ["text unsubscribed → removed (moved to Salem)", "email unsubscribed → removed (moved to Salem)"], "\(fay)")
        let di = try #require(kept.histories["Di"])
        #expect(di.prefix(2).map(\.to) == ["subscribed", "subscribed"] && di.count > 4)
        #expect(kept.undoRefusals.count == 2, "\(kept.undoRefusals)")
        #expect(kept.memberships["Ann"]?.first?.email == .optedOut)
        let ann = try #require(kept.histories["Ann"])
        #expect(ann.filter { $0.location == "Salem" && $0.channel == "email" && $0.from == nil }.map(\.reason)
                == ["opted out in another location", "opted out in another location"], "\(ann)")
        let cy = try #require(kept.histories["Cy"])
        #expect(cy.contains(StatusChange(location: "Salem", channel: "email", from: nil, to: "subscribed",
                                         reason: "import of f.csv, consent email,text", at: cy.last?.at ?? "")), "\(cy)")
        let kai = try #require(kept.histories["Kai"])
        #expect(kai.suffix(4).map(\.location) == ["Hudson", "Salem", "Salem", "Hudson"], "\(kai)")
        #expect(kai.suffix(4).first?.reason == "unsubscribed by hand", "\(kai)")
    }

    /// Random sequences (InvariantTests' steps, with an undo of the latest import or merge
    /// every few steps): every contact's history reads the same with first statuses kept in
    /// memberships (schemas 006 and 012) as with them written as rows.
    @Test func randomSequencesReadAsTheyDidWithRows() throws {
        for seed in (1...6).map({ UInt64($0) * 104_729 }) {
            var rng = SplitMix64(state: seed)
            let steps = InvariantTests.randomSteps(count: 150, rng: &rng)
            let (kept, keptRows) = try histories(after: steps, keepingFirstStatusesInMemberships: true)
            let (written, writtenRows) = try histories(after: steps, keepingFirstStatusesInMemberships: false)
            #expect(keptRows <= writtenRows, "seed \(seed)")
            for name in Set(kept.keys).union(written.keys).sorted() where kept[name] != written[name] {
                let (a, b) = (kept[name] ?? [], written[name] ?? [])
                let at = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
                let line = { (h: [StatusChange]) in h.indices.contains(at) ? "\(h[at].location) \(h[at].channel) \(h[at].from ?? "new") → \(h[at].to) (\(h[at].reason))" : "nothing" }
                Issue.record("seed \(seed): \(name)'s history differs at line \(at + 1) of \(b.count): kept reads \(line(a)), rows read \(line(b))")
            }
        }
    }

    func histories(after steps: [InvariantTests.Step], keepingFirstStatusesInMemberships keeps: Bool) throws
        -> ([String: [StatusChange]], statusRows: Int) {
        let f = try Fixture()
        var importer = f.importer
        importer.keepsCreationStatusesInMemberships = keeps
        let people = InvariantTests.people
        var ids: [Int: String] = [:]
        var latest: Int64?
        func run(_ n: Int, _ csv: String, into location: String, consent: String, mode: ImportRequest.Mode) throws {
            var request = ImportRequest(path: f.scratch.file("step-\(n).csv", csv), location: location,
                                        consent: try #require(Consent(parsing: consent)))
            request.mode = mode
            request.again = true
            latest = try importer.run(request).historyID ?? latest
        }
        for (n, step) in steps.enumerated() {
            switch step {
            case .importRows(let location, let chosen, let consent):
                let rows = chosen.map { "\(people[$0].first),\(people[$0].last),\(people[$0].email),\(people[$0].phone)\n" }.joined()
                try run(n, "First Name,Last Name,Email,Phone (Mobile)\n" + rows, into: location, consent: consent, mode: .importRows)
            case .mergeAdd(let location, let person, let consent):
                guard let id = ids[person] else { continue }
                try run(n, "Contact ID,First Name\n\(id),\(people[person].first)\n", into: location, consent: consent, mode: .merge)
            case .copy(let from, let to, let person, let move):
                try InvariantTests.copy(f, ids: ids, from: from, to: to, person: person, move: move)
            case .setStatus(let person, let location, let channel, let status):
                guard let id = ids[person], try f.contacts.show(id).memberships.contains(where: { $0.locationName == location }) else { continue }
                _ = try? f.contacts.setStatus(id, location: location, practice: nil, channel: channel, status: status)
            case .undoLatest:
                if let operation = latest { _ = try? Undoer(store: f.store, clock: fixedClock).undo(operation) }
                latest = nil
            }
            if n % 5 == 4, let operation = latest {
                _ = try? Undoer(store: f.store, clock: fixedClock).undo(operation)
                latest = nil
            }
            for (i, p) in people.enumerated() {
                ids[i] = try f.contacts.find(p.email.isEmpty ? p.phone : p.email).first { $0.values[.firstName] == p.first }?.id
            }
        }
        var histories: [String: [StatusChange]] = [:]
        for (i, id) in ids { histories[people[i].first] = try f.contacts.show(id).history }
        return (histories, try f.count("status_change"))
    }
}
