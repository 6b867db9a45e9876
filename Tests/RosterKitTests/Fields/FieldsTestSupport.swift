import Foundation
import Testing
@testable import RosterKit

// Helpers shared by the field-rule tests (SPEC 3). Names start with `fields` so they
// cannot collide with helpers of other test folders in this module.

/// True when the testdata file exists; used with `.enabled(if:)`.
func fieldsHasTestdata(_ relative: String) -> Bool { testdata(relative) != nil }

/// The lines of a UTF-8 testdata file, split at LF only, each kept exactly as written
/// (leading and trailing whitespace is part of the value). The final empty line after
/// the last LF is dropped.
func fieldsLines(_ relative: String) throws -> [String] {
    let path = try #require(testdata(relative), "testdata file \(relative) is missing")
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    return lines
}

/// A small RFC 4180 reader for the UTF-8 testdata tables (quoted fields, doubled quotes,
/// CRLF or LF). Returns the header and the data rows.
func fieldsCSV(_ relative: String) throws -> (header: [String], rows: [[String]]) {
    let path = try #require(testdata(relative), "testdata file \(relative) is missing")
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
        if quoted {
            if c == "\"" {
                if chars.first == "\"" { chars.removeFirst(); field.unicodeScalars.append("\"") } else { quoted = false }
            } else {
                field.unicodeScalars.append(c)
            }
        } else if c == "\"" {
            quoted = true
        } else if c == "," {
            row.append(field); field = ""
        } else if c == "\n" || c == "\r" {
            if c == "\r", chars.first == "\n" { chars.removeFirst() }
            row.append(field); field = ""
            rows.append(row); row = []
        } else {
            field.unicodeScalars.append(c)
        }
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    let header = rows.isEmpty ? [] : rows.removeFirst()
    return (header, rows.filter { $0 != [""] })
}

/// Checks that `outcome` is Invalid, that its message says what to fix (`phrase`,
/// compared case-insensitively) and that it does not echo the value (SPEC 11: messages
/// name fields, never a contact's values). `echoCheck: false` only for values so short
/// that they are necessarily part of ordinary words (`O`, `X`).
func fieldsExpectInvalid(_ outcome: FieldOutcome, _ value: String, _ phrase: String, echoCheck: Bool = true,
                         sourceLocation: SourceLocation = #_sourceLocation) {
    guard case .invalid(let message) = outcome else {
        Issue.record("expected Invalid for \(value.debugDescription), got \(outcome)", sourceLocation: sourceLocation)
        return
    }
    #expect(message.localizedCaseInsensitiveContains(phrase),
            "message for \(value.debugDescription) should mention \"\(phrase)\": \(message)", sourceLocation: sourceLocation)
    if echoCheck {
        #expect(!message.contains(value), "message echoes the value \(value.debugDescription): \(message)",
                sourceLocation: sourceLocation)
    }
    #expect(!message.isEmpty, sourceLocation: sourceLocation)
}

/// True when the outcome is Invalid.
func fieldsIsInvalid(_ outcome: FieldOutcome) -> Bool {
    if case .invalid = outcome { return true }
    return false
}

/// The correction kind of an outcome, or nil when it is not a correction.
func fieldsKind(_ outcome: FieldOutcome) -> CorrectionKind? {
    if case .corrected(_, let kind) = outcome { return kind }
    return nil
}

/// The trimming every caller does before a field rule (SPEC 3: all values are trimmed).
func fieldsTrim(_ raw: String) -> String { raw.trimmingCharacters(in: .whitespacesAndNewlines) }

/// Seeded random text for the property tests that hold a byte fast path to the rule it
/// bypasses: pieces joined at random, from every ASCII byte (letters of both cases, digits,
/// space, tab, line breaks, other control bytes, punctuation, DEL), some non-ASCII text,
/// and the pieces a test adds for its field. The seed is ROSTER_TEST_SEED when set; put
/// `seed` in failure messages so a failure replays.
struct FieldsTextGenerator {
    static let asciiPieces: [String] = (0..<128).map { String(UnicodeScalar(UInt8($0))) }
    static let otherPieces = ["  ", "\r\n", "é", "É", "ë", "ß", "İ", "ǅ", "e\u{301}", "\u{301}", "\u{00A0}", "\u{2019}", "\u{2013}",
                              "😀", "Ω", "Ｗ", "٣", "½", "\u{0600}", "\u{200D}", "×", "\u{FEFF}"]
    let seed: UInt64
    private var rng: SplitMix64
    private let pieces: [String]

    init(seed defaultSeed: UInt64, pieces extra: [String]) {
        seed = ProcessInfo.processInfo.environment["ROSTER_TEST_SEED"].flatMap(UInt64.init) ?? defaultSeed
        rng = SplitMix64(seed: seed)
        pieces = Self.asciiPieces + Self.otherPieces + extra
    }

    /// Up to `most` pieces; with `asciiOnly`, only pieces that are ASCII.
    mutating func text(_ most: Int, asciiOnly: Bool = false) -> String {
        var out = ""
        for _ in 0..<Int.random(in: 0...most, using: &rng) {
            var piece = pieces[Int.random(in: 0..<pieces.count, using: &rng)]
            while asciiOnly && !piece.utf8.allSatisfy({ $0 < 0x80 }) { piece = pieces[Int.random(in: 0..<pieces.count, using: &rng)] }
            out += piece
        }
        return out
    }

    /// One of `choices`.
    mutating func pick(_ choices: [String]) -> String { choices[Int.random(in: 0..<choices.count, using: &rng)] }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &rng) < percent }
}
