import Foundation
import Testing
@testable import RosterKit

/// Inputs found by the field-rules fuzz target (Fuzz/FieldRulesFuzz.swift, Scripts/fuzz;
/// docs/RELIABILITY.md "Fuzzing"), fed exactly as the fuzzer gave them: byte 0 is the
/// target's flags, the rest the cell. The property they broke: a value a rule stores
/// comes back unchanged when it is exported and imported again.
@Suite struct FieldsFuzzRegressionTests {
    /// The cell as the fuzz target builds it from its input.
    private func cell(_ input: [UInt8]) -> String {
        FormulaGuard.unescape(Text.trim(String(decoding: input.dropFirst(), as: UTF8.self)))
    }

    /// What an export then an import makes of a stored value.
    private func reimported(_ stored: String, required: Bool) -> FieldOutcome {
        PersonName.normalise(FormulaGuard.unescape(Text.trim(FormulaGuard.escape(stored))), required: required)
    }

    /// crash-e2ee5e82…: `ŉ` (U+0149) upper-cased to `ʼN`, which capitalised again to `ʼn`
    /// (`ʼ` is a letter without case, so `N` was not taken as the part's first letter).
    @Test(arguments: [true, false])
    func nPrecededByApostropheCapitalisesOnce(required: Bool) throws {
        let input: [UInt8] = [0x5E, 0xC5, 0x89]
        let outcome = PersonName.normalise(cell(input), required: required)
        #expect(outcome == .corrected("\u{02BC}N", kind: .capitalised))
        let stored = try #require(outcome.value)
        #expect(reimported(stored, required: required) == .accepted(stored))
    }

    /// crash-4abe90c39f: a part starting with `ß` upper-cased to `SS`, which read back as
    /// `Ss`. Title case gives `Ss` at once.
    @Test(arguments: [true, false])
    func sharpSAtAPartStartCapitalisesOnce(required: Bool) throws {
        let input: [UInt8] = [0x4A, 0xBE, 0x90, 0xC3, 0x9F]
        let outcome = PersonName.normalise(cell(input), required: required)
        #expect(outcome == .corrected("\u{FFFD}\u{FFFD}Ss", kind: .capitalised))
        let stored = try #require(outcome.value)
        #expect(reimported(stored, required: required) == .accepted(stored))
    }

    /// The same property on the names these fixes touch, and on the manifest's kind of names.
    @Test(arguments: [
        ("ß", "Ss"), ("x ß", "X Ss"), ("ǆemal", "ǅemal"), ("ʻokalani", "ʻOkalani"),
        ("MARY-JANE O'NEIL", "Mary-Jane O'Neil"), ("ŒDIPE DŒUFF", "Œdipe Dœuff"), ("o’brien", "O’Brien"),
    ])
    func capitalisedNamesReadBackUnchanged(given: String, stored: String) {
        #expect(PersonName.normalise(given, required: true) == .corrected(stored, kind: .capitalised))
        #expect(reimported(stored, required: true) == .accepted(stored))
    }

    /// Seen while fixing the two above (not a fuzzer input): lower-casing `İ` gives two
    /// scalars, so 255 of them were stored as a 509-scalar name that no import accepted.
    /// Limits count characters now (`i̇` is one), and what is stored reads back as itself.
    @Test func capitalisingCannotStoreANameOverTheLimit() throws {
        let outcome = PersonName.normalise(String(repeating: "\u{0130}", count: FreeText.defaultLimit), required: true)
        let stored = try #require(outcome.value)
        #expect(stored.count == FreeText.defaultLimit)
        #expect(reimported(stored, required: true) == .accepted(stored))
        let over = PersonName.normalise(String(repeating: "\u{0130}", count: FreeText.defaultLimit + 1), required: true)
        guard case .invalid(let message) = over else { Issue.record("stored \(over)"); return }
        #expect(message.contains("longer than \(FreeText.defaultLimit)"))
    }
}
