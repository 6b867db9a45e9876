import Foundation
import Testing
@testable import RosterKit

/// The package's root folder, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `../shared/testdata`: third-party data read in place, never copied into the project.
let testdataRoot = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata")

/// The path of a testdata file, or nil (the test then records why it is skipped).
func testdata(_ relative: String) -> String? {
    let path = testdataRoot.appendingPathComponent(relative).path
    return FileManager.default.fileExists(atPath: path) ? path : nil
}

var testdataAvailable: Bool { FileManager.default.fileExists(atPath: testdataRoot.path) }

/// A fresh folder for one test, removed by the caller's `defer`.
final class Scratch {
    let url: URL
    /// Run at the end, before the folder goes (a test database's schema is dropped).
    var cleanups: [() -> Void] = []
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("roster-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit {
        cleanups.forEach { $0() }
        try? FileManager.default.removeItem(at: url)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `text` (UTF-8) to a file and returns its path.
    @discardableResult
    func file(_ name: String, _ text: String) -> String {
        let p = path(name)
        precondition(FileManager.default.createFile(atPath: p, contents: Data(text.utf8)), "could not write \(p)")
        return p
    }

    @discardableResult
    func file(_ name: String, bytes: [UInt8]) -> String {
        let p = path(name)
        precondition(FileManager.default.createFile(atPath: p, contents: Data(bytes)), "could not write \(p)")
        return p
    }
}

/// A fixed clock: 2026-11-25 12:00 UTC.
let fixedClock = Clock(now: { Date(timeIntervalSince1970: 1_795_608_000) })
let fixedToday = DateOfBirth.Day(year: 2026, month: 11, day: 25)

/// The store engines the tests run against (issue 9). SQLite always; PostgreSQL when
/// `ROSTER_TEST_POSTGRES_URL` names a server the tests may create schemas in (`.ci/run`
/// starts a throwaway cluster and sets it; `Scripts/pg-throwaway start DIR` prints one).
enum Engine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgresql

    var testDescription: String { rawValue }

    static let serverURL: String? = {
        let url = ProcessInfo.processInfo.environment["ROSTER_TEST_POSTGRES_URL"] ?? ""
        return url.isEmpty ? nil : url
    }()

    /// The engines to run a conformance test on.
    static var available: [Engine] { serverURL == nil ? [.sqlite] : [.sqlite, .postgresql] }

    /// The engine of `Fixture()`: ROSTER_TEST_STORE=postgresql runs every domain test on
    /// PostgreSQL (.ci/run does, once, before the full run).
    static var fixtureDefault: Engine {
        ProcessInfo.processInfo.environment["ROSTER_TEST_STORE"] == "postgresql" && serverURL != nil ? .postgresql : .sqlite
    }

    /// A new empty database: a file in `scratch`, or a schema of its own on the test server
    /// (dropped when `scratch` goes), reached through a URL whose search_path names it.
    func makeStore(_ scratch: Scratch) throws -> SQLStore {
        switch self {
        case .sqlite:
            return try SQLiteStore(path: scratch.path("roster.sqlite"))
        case .postgresql:
            let url = try #require(Engine.serverURL, "ROSTER_TEST_POSTGRES_URL is not set")
            return try PostgreSQLStore(url: Engine.schemaURL(url, scratch))
        }
    }

    /// `url` pointing at a fresh schema, dropped when `scratch` goes.
    static func schemaURL(_ url: String, _ scratch: Scratch) throws -> String {
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let admin = try PGConnection(url: url)
        try admin.execute("CREATE SCHEMA \(schema)")
        scratch.cleanups.append { try? admin.execute("DROP SCHEMA \(schema) CASCADE") }
        return url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
    }
}

/// A store in a scratch folder with one practice ("Phil's Physical Therapy", owner, phone
/// and address set) and locations Nashua, Hudson and Salem.
final class Fixture {
    let scratch = Scratch()
    let store: SQLStore
    let engine: Engine
    let practice = "Phil's Physical Therapy"

    init(withOwner: Bool = true, engine: Engine = .fixtureDefault) throws {
        self.engine = engine
        store = try engine.makeStore(scratch)
        let details = withOwner ? PracticeDetails(ownerFullName: "Phil Jones", phone: "(603) 555-0100", address: "1 Main St, Nashua, NH 03060")
                                : PracticeDetails()
        _ = try store.addPractice(name: practice, details: details, at: "2026-11-25T12:00:00Z")
        for name in ["Nashua", "Hudson", "Salem"] {
            _ = try store.addLocation(name: name, practice: practice, at: "2026-11-25T12:00:00Z")
        }
    }

    var importer: Importer { Importer(store: store, clock: fixedClock) }
    var contacts: Contacts { Contacts(store: store, clock: fixedClock) }

    /// Imports CSV text into a location and checks that the readout's counts add up.
    @discardableResult
    func importCSV(_ csv: String, into location: String = "Nashua", consent: String = "email,text",
                   _ configure: (inout ImportRequest) -> Void = { _ in }) throws -> Readout {
        let path = scratch.file("import-\(UUID().uuidString).csv", csv)
        var request = ImportRequest(path: path, location: location, consent: Consent(parsing: consent)!)
        request.again = true
        configure(&request)
        let readout = try importer.run(request)
        #expect(readout.countsAddUp, "counts must add up: \(readout)")
        return readout
    }

    /// The one contact with this first name (test data keeps first names unique).
    func contact(named first: String) throws -> ContactView {
        let found = try contacts.find(first).filter { $0.values[.firstName] == first }
        guard found.count == 1 else { throw FixtureError.notExactlyOne(first, found.count) }
        return found[0]
    }

    func membership(_ first: String, _ location: String) throws -> Membership? {
        try contact(named: first).memberships.first { $0.locationName == location }
    }

    /// Counts rows in a table.
    func count(_ table: String) throws -> Int {
        try store.read { _ in
            try Int(store.executor.first("SELECT count(*) FROM \(table)", []) { $0.int(0) } ?? 0)
        }
    }

    /// Every table's content, for before/after comparisons.
    func snapshot() throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for table in ["practice", "location", "contact", "membership", "outbox", "status_change"] {
            result[table] = try store.dump("SELECT * FROM \(table) ORDER BY 1, 2", columns: Self.columns[table] ?? 0)
                .map { $0.map { $0 ?? "∅" }.joined(separator: "|") }
        }
        return result
    }

    /// Columns per table, for the snapshot (PostgreSQL has no column past the last).
    static let columns = ["practice": 9, "location": 5, "contact": 25, "membership": 6, "outbox": 11, "status_change": 9]

    func checkIntegrity() throws {
        if let sqlite = store as? SQLiteStore {
            #expect(try sqlite.integrityCheck() == "ok")
            #expect(try sqlite.referenceProblems() == [])
        }
    }

    deinit { try? checkIntegrity() }
}

enum FixtureError: Error { case notExactlyOne(String, Int) }

let templateHeader = TemplateField.headerLine

/// SplitMix64: a small seeded generator, so a failing run replays with ROSTER_TEST_SEED.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    init(seed: UInt64) { self.init(state: seed) }
}
