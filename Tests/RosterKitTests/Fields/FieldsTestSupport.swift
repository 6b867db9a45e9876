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
