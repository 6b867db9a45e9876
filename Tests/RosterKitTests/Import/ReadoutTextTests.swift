import Foundation
import Testing
@testable import RosterKit

/// Snapshot of the readout a person reads (issue 8): the layout is pinned word for word.
@Suite struct ReadoutTextTests {
    func sample() -> Readout {
        var r = Readout(kind: "import", file: "patients.csv", sha256: "x", practice: "Phil's Physical Therapy",
                        location: "Nashua", consent: "email,text", encoding: "utf8", dryRun: false)
        (r.rows, r.created, r.copied, r.skipped, r.failed) = (1204, 1150, 12, 30, 12)
        r.copiedFrom = ["Hudson": 12]
        r.welcomeEmailsQueued = 1100
        r.textsMoved = 12
        r.historyID = 7
        r.corrections = [
            Correction(row: 2, field: "First Name", from: "MARY", to: "Mary", kind: .capitalised),
            Correction(row: 3, field: "Last Name", from: "smith", to: "Smith", kind: .capitalised),
            Correction(row: 4, field: "Phone (Mobile)", from: "", to: "+16035550123", kind: .homePhoneAsPhone),
        ]
        r.correctionCounts = [.capitalised: 2, .homePhoneAsPhone: 1]
        r.warnings = ["the file has no column(s) \"Phase\"; they were read as empty"]
        // The first failed rows of twelve, as a readout without every detail keeps them.
        r.failures = [
            Failure(row: 5, reason: .invalid, field: "First Name", message: "First Name contains a digit", name: "Bad1 Lee"),
            Failure(row: 12, reason: .duplicateEmail, field: "Email", message: "Email is already used by Dan Carter (C123)", name: "Diane Carter"),
            Failure(row: 140, reason: .invalid, field: nil, message: "has no Email and no phone", name: "No Reach"),
        ]
        return r
    }

    @Test func importReadoutLayout() {
        let text = ReadoutText(maxFailedRows: 2).render(sample())
        #expect(text == """
            Imported patients.csv into Nashua (Phil's Physical Therapy), consent: email,text
            1,204 rows: 1,150 created, 12 copied from Hudson, 30 skipped (already in Nashua, or earlier in this file), 12 failed
            1,100 welcome emails queued (`roster outbox` lists them).
            12 people now get texts from Nashua only: a person gets texts from one location, so texts elsewhere were turned off.
            Recorded in history as #7.

            Corrections (3 values):
              capitalised names: 2
              used home phones as Phone (Mobile): 1
              (`--json` lists each one, with the row, field, from and to)

            Warnings:
              - the file has no column(s) "Phase"; they were read as empty

            Failed rows (12):
              Row  Name          Field       Reason
              5    Bad1 Lee      First Name  Invalid
                   fix: First Name contains a digit
              12   Diane Carter  Email       Duplicate Email
                   fix: Email is already used by Dan Carter (C123)
              Reasons:
                Duplicate Email  the email is already another contact's (the row has a phone as well)
              … 10 more: add --report FILE to write all 12 to a CSV you can fix and import

            """)
    }

    /// A changed note with line breaks keeps to one line of the readout (↵ for each break).
    @Test func aMultiLineChangeKeepsToOneLine() {
        var r = sample()
        r.kind = "merge"
        r.changes = [Change(row: 2, contactID: "C9", field: "Notes", from: "Prefers mornings", to: "edited\nline 2\r\nline 3\rend")]
        let text = ReadoutText().render(r)
        #expect(text.contains("  row 2 C9 Notes: \"Prefers mornings\" → \"edited ↵ line 2 ↵ line 3 ↵ end\"\n"))
        #expect(!text.contains("edited\n"))
        #expect(ReadoutText.oneLine("no breaks") == "no breaks")
    }

    /// Past the rows shown, the failures are counted by reason and field, commonest first.
    @Test func failuresPastTheScreenfulAreCountedByKind() {
        var r = sample()
        r.failed = 1_300
        r.failureKinds = [FailureKind(reason: .invalid, field: "First Name"): 1_150, FailureKind(reason: .duplicateEmail, field: "Email"): 140,
                          FailureKind(reason: .invalid, field: nil): 10]
        let text = ReadoutText().render(r)
        #expect(text.contains("  All 1,300 by reason: Invalid (First Name) 1,150, Duplicate Email (Email) 140, Invalid 10\n"))
        r.failed = r.failures.count
        #expect(!ReadoutText(maxFailedRows: 100).render(r).contains("by reason"))
    }

    /// With --report every failed row is listed with what to fix (the report's Reason column
    /// holds only the reason); without, or on a terminal, a screenful.
    @Test func aReportRunListsEveryFailedRow() {
        var r = sample()
        r.failures = (2...46).map { Failure(row: $0, reason: .invalid, field: "First Name", message: "First Name contains a digit \($0)", name: "X\($0)") }
        r.failed = 45
        let withReport = ReadoutText(reportPath: "failed.csv").render(r)
        #expect(withReport.contains("fix: First Name contains a digit 46\n") && !withReport.contains("more:"))
        let without = ReadoutText().render(r)
        #expect(!without.contains("digit 46") && without.contains("… 5 more: add --report FILE"))
        let onTerminal = ReadoutText(reportPath: "failed.csv", toTerminal: true).render(r)
        #expect(!onTerminal.contains("digit 46") && onTerminal.contains("… 5 more: all 45 are in failed.csv"))
    }

    /// The changed values shown stop at `maxChangedValues`; the heading counts them all.
    @Test func changedValuesPastTheLimitAreCounted() {
        var r = sample()
        r.kind = "merge"
        r.changes = (2...4).map { Change(row: $0, contactID: "C\($0)", field: "Phase", from: "No Phase", to: "Lead-New") }
        r.changeCount = 5
        var readout = ReadoutText()
        readout.maxChangedValues = 2
        let text = readout.render(r)
        #expect(text.contains("Changes (5 values):\n  row 2 C2 Phase: \"No Phase\" → \"Lead-New\"\n  row 3 C3 Phase: \"No Phase\" → \"Lead-New\"\n  … 3 more: `--json` lists each one"))
        #expect(!text.contains("row 4 C4"))
    }

    /// A failed row's name is shown as given, but never as a terminal's escape sequence.
    @Test func aFailedRowsNameCannotDriveTheTerminal() {
        var r = sample()
        r.failures = [Failure(row: 2, reason: .invalid, field: "First Name", message: "Contact ID C\u{1B}[2J is not one",
                              name: "Ann\u{1B}[2J\u{9B}31m Lee\tRay\nX")]
        r.failed = 1
        let text = ReadoutText().render(r)
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x9B || $0 == "\t" })
        #expect(text.contains("Ann\u{FFFD}[2J\u{FFFD}31m Lee Ray X"))
        #expect(text.contains("fix: Contact ID C\u{FFFD}[2J is not one"))
        #expect(ReadoutText.terminalSafe("Zoë ¢") == "Zoë ¢")
    }

    /// A dry run says what would happen to texts, not that it happened.
    @Test func aDryRunsTextsWouldMove() {
        var r = sample()
        r.dryRun = true
        r.historyID = nil
        let text = ReadoutText().render(r)
        #expect(text.contains("12 people would now get texts from Nashua only: a person gets texts from one location, so texts elsewhere would be turned off."))
        r.dryRun = false
        r.textsMoved = 1
        #expect(ReadoutText().render(r).contains("1 person now gets texts from Nashua only"))
    }

    @Test func dryRunMergeLayoutWithReportAndColour() {
        var r = sample()
        r.kind = "merge"
        r.dryRun = true
        r.historyID = nil
        (r.rows, r.created, r.copied, r.skipped, r.updated, r.unchanged, r.failed) = (3, 0, 0, 0, 1, 1, 1)
        r.welcomeEmailsQueued = 0
        r.textsMoved = 0
        r.corrections = []
        r.correctionCounts = [:]
        r.warnings = []
        r.failures = [Failure(row: 4, reason: .unknownContactID, field: "Contact ID", message: "Contact ID C1 is not a contact", name: "")]
        r.changes = [Change(row: 2, contactID: "C9", field: "Phone (Mobile)", from: "+16035550123", to: "+16035550199")]
        let plain = ReadoutText(reportPath: "failed.csv").render(r)
        #expect(plain == """
            Dry run, nothing written: would merge patients.csv into Nashua (Phil's Physical Therapy), consent: email,text
            3 rows: 1 updated, 1 unchanged, 1 failed

            Changes (1 value):
              row 2 C9 Phone (Mobile): "(603) 555-0123" → "(603) 555-0199"

            Failed rows (1):
              Row  Name  Field       Reason
              4          Contact ID  Unknown Contact ID
                   fix: Contact ID C1 is not a contact
              Reasons:
                Unknown Contact ID  the Contact ID is not one of this practice's contacts
              Written to failed.csv with a Reason column: fix the rows there (what to fix is above, by the row of this file) and merge that file.

            """)
        let coloured = ReadoutText(colour: true).render(r)
        #expect(coloured.contains("\u{1B}[31mUnknown Contact ID\u{1B}[0m"))
        #expect(!plain.contains("\u{1B}"))
    }

    /// Names spliced into a suggested command paste into a shell as one word.
    @Test func aNameInASuggestedCommandIsOneShellWord() {
        #expect(ReadoutText.shellWord("Nashua") == "Nashua")
        #expect(ReadoutText.shellWord("Main St") == "\"Main St\"")
        #expect(ReadoutText.shellWord("Phil's $5 `x` \\ \"Q\"") == "\"Phil's \\$5 \\`x\\` \\\\ \\\"Q\\\"\"")
        #expect(ReadoutText.shellWord("") == "\"\"")
    }
}
