import Foundation
import Testing
@testable import RosterKit

/// Email (SPEC 3): one address, plausible syntax, ≤ 254 characters; stored as given.
@Suite struct FieldsEmailTests {
    @Test(arguments: [
        "mary@example.com", "Mary.Smith@Example.COM", "mary+clinic@example.org", "o'neil@example.net",
        "first.last@sub.example.co.uk", "a@b.co", "x_y-z@my-domain.example", "1234@example.com",
        "josé@example.com", "user@xn--bcher-kva.example",
    ])
    func plausibleAddressIsAcceptedAsGiven(address: String) {
        #expect(Email.normalise(address) == .accepted(address))
        #expect(Email.problem(address) == nil)
    }

    @Test func emptyIsAcceptedAsNothing() {
        #expect(Email.normalise("") == .accepted(nil))
    }

    @Test(arguments: [
        ("mary.example.com", "@"),
        ("mary@", "domain"),
        ("@example.com", "before the @"),
        ("mary@@example.com", "more than one @"),
        ("mary@smith@example.com", "more than one @"),
        ("mary@example", "domain with a dot"),
        ("mary smith@example.com", "space"),
        ("mary@example .com", "space"),
        ("mary@example.com\tjohn@example.com", "more than one address"),
        ("rick@example.com; rita@example.com", "more than one address"),
        ("rick @example.com", "space"),
        ("mary@example.com,john@example.com", "more than one address"),
        ("mary@example.com;john@example.com", "more than one address"),
        (".mary@example.com", "dot"),
        ("mary.@example.com", "dot"),
        ("ma..ry@example.com", "dot"),
        ("mary@example..com", "dot"),
        ("mary@.example.com", "dot"),
        ("mary@example.com.", "dot"),
        ("mary@-example.com", "dash"),
        ("mary@example-.com", "dash"),
        ("\"mary\"@example.com", "character"),
        ("mary(home)@example.com", "character"),
        ("mary@[192.168.0.1]", "character"),
        ("mary@exam_ple.com", "character"),
        ("mary@192.168.0.1", "number"),
        ("mary@example.123", "number"),
        ("mary<at>example.com", "@"),
        // Found by a trial and a hostile-input audit.
        ("brian.kelly@example,com", "comma typed for a dot"),
        ("ａｎｎ@example.com", "full-width"),
        ("ann@ｅｘａｍｐｌｅ.com", "full-width"),
        ("ann＠example.com", "full-width"),
    ])
    func implausibleAddressIsInvalid(address: String, phrase: String) {
        fieldsExpectInvalid(Email.normalise(address), address, phrase)
        #expect(Email.problem(address) != nil)
    }

    @Test func lengthLimitIs254Characters() {
        let local = String(repeating: "a", count: 64)
        let label = String(repeating: "b", count: 63)
        // 64 + 1 + 63 + 1 + 63 + 1 + 61 = 254
        let at254 = local + "@" + label + "." + label + "." + String(repeating: "c", count: 61)
        #expect(at254.count == 254)
        #expect(Email.normalise(at254) == .accepted(at254))
        let at255 = local + "@" + label + "." + label + "." + String(repeating: "c", count: 62)
        fieldsExpectInvalid(Email.normalise(at255), at255, "254")
    }

    /// SPEC 3 limits the whole address (254), not its parts: the 254 may be spent anywhere.
    @Test func onlyTheWholeAddressIsLimited() {
        for address in [String(repeating: "a", count: 242) + "@example.com", "a@" + String(repeating: "b", count: 248) + ".com"] {
            #expect(address.count == 254)
            #expect(Email.normalise(address) == .accepted(address))
            fieldsExpectInvalid(Email.normalise("a" + address), "a" + address, "254")
        }
    }

    @Test func controlCharactersAreInvalid() {
        for address in ["ma\u{0}ry@example.com", "mary@exa\u{7F}mple.com", "mary@example.com\u{7}"] {
            #expect(fieldsIsInvalid(Email.normalise(address)), "\(address.debugDescription)")
        }
    }

    // MARK: third-party vectors (isemail)

    @Test(.enabled(if: fieldsHasTestdata("email/emails_valid.txt"), "needs testdata email/emails_valid.txt"))
    func isemailValidAddressesAreAccepted() throws {
        let lines = try fieldsLines("email/emails_valid.txt")
        #expect(lines.count == 57)
        for line in lines {
            #expect(Email.normalise(line) == .accepted(line), "should accept \(line.debugDescription)")
        }
    }

    @Test(.enabled(if: fieldsHasTestdata("email/emails_invalid.txt"), "needs testdata email/emails_invalid.txt"))
    func isemailInvalidAddressesAreRejected() throws {
        let lines = try fieldsLines("email/emails_invalid.txt")
        #expect(lines.count == 147)
        for line in lines {
            // Leading and trailing whitespace is part of the address: test the raw line.
            let problem = Email.problem(line)
            #expect(problem != nil, "should reject \(line.debugDescription)")
            if let problem, line.count >= 3 {
                #expect(!problem.contains(line), "message echoes the address: \(problem)")
            }
            // Trimmed, as the importer passes it, it must still be refused.
            let trimmed = fieldsTrim(line)
            if !trimmed.isEmpty {
                #expect(fieldsIsInvalid(Email.normalise(trimmed)), "should reject trimmed \(trimmed.debugDescription)")
            }
        }
    }

    @Test(.enabled(if: fieldsHasTestdata("messy_excel_cp1252_manifest.csv"), "needs testdata messy_excel_cp1252_manifest.csv"))
    func messyExcelUpperCaseEmailsAreKeptAndMatchLowerCased() throws {
        let (_, rows) = try fieldsCSV("messy_excel_cp1252_manifest.csv")
        let emails = rows.filter { $0[2] == "upper_and_leading_space" }
        #expect(emails.count >= 10)
        for row in emails {
            let trimmed = fieldsTrim(row[3])
            // Stored as given (trimmed); identity compares it lower-cased.
            #expect(Email.normalise(trimmed) == .accepted(trimmed), "manifest row \(row[0])")
            #expect(Email.normalise(trimmed).value?.lowercased() == row[4], "manifest row \(row[0])")
        }
    }

    /// The byte-level fast path must agree with the full check on every string of ASCII
    /// and the Latin letters it reads (`é`, `ë`, `ß`, `Ł`, `ɏ`), and never accept anything
    /// else: seeded random strings over the characters that matter, plus edge lengths
    /// counted in scalars.
    @Test func fastPathAgreesWithTheFullCheck() {
        var generator = SplitMix64(state: ProcessInfo.processInfo.environment["ROSTER_TEST_SEED"].flatMap(UInt64.init) ?? 0x5eed_e3a1)
        let alphabet = Array("ab9Z.-@_+!,; \t\"()[]éëßŁɏ×÷ɐ\u{301}\u{A0}\u{600}ª٣".unicodeScalars).map(Character.init)
        let e = "é"
        var samples = ["a@b.co", "a@b.c0", "a@1.2", "a@b-.co", "a@-b.co", "a.@b.co", ".a@b.co", "a..b@c.co",
                       "a@b..co", "a@b.co.", "a@.b.co", "a@b", "@b.co", "a@", "zoë.h@example.com", "josé@exämple.com",
                       "é@é.é", "é.@b.co", "a@b.é", "a@b.1é", "a@é-.co", "a\u{301}@b.co", "a@b\u{301}.co", "é\u{301}@b.co",
                       String(repeating: "a", count: 64) + "@b.co", String(repeating: "a", count: 65) + "@b.co",
                       String(repeating: e, count: 64) + "@b.co", String(repeating: e, count: 65) + "@b.co",
                       "a@" + String(repeating: "b", count: 63) + ".co", "a@" + String(repeating: "b", count: 64) + ".co",
                       "a@" + String(repeating: e, count: 63) + ".co", "a@" + String(repeating: e, count: 64) + ".co",
                       String(repeating: "a", count: 60) + "@" + String(repeating: "b.", count: 95) + "co",
                       String(repeating: e, count: 60) + "@" + String(repeating: "b.", count: 95) + "co",
                       String(repeating: e, count: 60) + "@" + String(repeating: "b.", count: 96) + "co"]
        func part(_ most: Int) -> String {
            String((0..<Int.random(in: 0...most, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        for _ in 0..<100_000 {
            samples.append(part(14))
            samples.append(part(4) + "@" + part(4) + "." + part(3))   // shaped like an address
        }
        for sample in samples {
            let fast = Email.isPlainValid(sample)
            let full = Email.fullProblem(sample)
            if sample.unicodeScalars.allSatisfy({ $0.isASCII || Email.isReadLatinLetter($0) }) {
                #expect(fast == (full == nil), "\(sample.debugDescription): fast \(fast), full \(full ?? "valid")")
            } else {
                #expect(!fast, "\(sample.debugDescription): other text must take the full check")
            }
            #expect(Email.problem(sample) == full)
        }
    }

    /// Every scalar the fast path reads as a Latin letter is a letter to the full check,
    /// in the local part and the domain; every other scalar up to U+07FF (two bytes) is
    /// left to the full check.
    @Test func latinLettersAreLettersToTheFullCheck() {
        for value in UInt32(0x80)...0x7FF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let c = String(scalar)
            for address in ["a\(c)b@c\(c)d.com", "\(c)@\(c).co", "\(c)\(c)@b.\(c)\(c)"] {
                #expect(Email.isPlainValid(address) == Email.isReadLatinLetter(scalar), "U+\(String(value, radix: 16))")
                if Email.isReadLatinLetter(scalar) { #expect(Email.fullProblem(address) == nil, "U+\(String(value, radix: 16))") }
                #expect(Email.problem(address) == Email.fullProblem(address))
            }
        }
    }
}

extension Email {
    /// The scalars `latinLetterAt` reads, by value.
    static func isReadLatinLetter(_ scalar: Unicode.Scalar) -> Bool {
        (0xC0...0x24F).contains(scalar.value) && scalar.value != 0xD7 && scalar.value != 0xF7
    }
}
