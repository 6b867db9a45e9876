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
        ("mary@example.com\tjohn@example.com", "space"),
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

    @Test func localPartLongerThan64IsInvalid() {
        let address = String(repeating: "a", count: 65) + "@example.com"
        fieldsExpectInvalid(Email.normalise(address), address, "64")
    }

    @Test func domainLabelLongerThan63IsInvalid() {
        let address = "a@" + String(repeating: "b", count: 64) + ".com"
        fieldsExpectInvalid(Email.normalise(address), address, "63")
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

    /// The byte-level fast path must agree with the full check on every ASCII string:
    /// seeded random strings over the characters that matter, plus edge lengths.
    @Test func asciiFastPathAgreesWithTheFullCheck() {
        var generator = SplitMix64(state: 0x5eed_e3a1)
        let alphabet = Array("ab9Z.-@_+!,; \t\"()[]é".unicodeScalars).map(Character.init)
        var samples = ["a@b.co", "a@b.c0", "a@1.2", "a@b-.co", "a@-b.co", "a.@b.co", ".a@b.co", "a..b@c.co",
                       "a@b..co", "a@b.co.", "a@.b.co", "a@b", "@b.co", "a@",
                       String(repeating: "a", count: 64) + "@b.co", String(repeating: "a", count: 65) + "@b.co",
                       "a@" + String(repeating: "b", count: 63) + ".co", "a@" + String(repeating: "b", count: 64) + ".co",
                       String(repeating: "a", count: 60) + "@" + String(repeating: "b.", count: 95) + "co"]
        func part(_ most: Int) -> String {
            String((0..<Int.random(in: 0...most, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        for _ in 0..<100_000 {
            samples.append(part(14))
            samples.append(part(4) + "@" + part(4) + "." + part(3))   // shaped like an address
        }
        for sample in samples {
            let fast = Email.isPlainValidASCII(sample)
            let full = Email.fullProblem(sample)
            if sample.unicodeScalars.allSatisfy(\.isASCII) {
                #expect(fast == (full == nil), "\(sample.debugDescription): fast \(fast), full \(full ?? "valid")")
            } else {
                #expect(!fast, "\(sample.debugDescription): non-ASCII must take the full check")
            }
            #expect(Email.problem(sample) == full)
        }
    }
}
