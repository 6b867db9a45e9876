import Foundation
import Testing
@testable import RosterKit

/// Sex (SPEC 3): Male, Female, Intersex or Other, case-insensitively; M and F spelled out.
@Suite struct FieldsSexTests {
    @Test(arguments: ["Male", "Female", "Intersex", "Other"])
    func wordIsAccepted(word: String) {
        #expect(Sex.normalise(word) == .accepted(word))
    }

    @Test(arguments: [
        ("M", "Male"), ("m", "Male"), ("F", "Female"), ("f", "Female"),
        ("MALE", "Male"), ("male", "Male"), ("FEMALE", "Female"), ("female", "Female"), ("fEmAlE", "Female"),
        ("INTERSEX", "Intersex"), ("intersex", "Intersex"), ("OTHER", "Other"), ("other", "Other"),
    ])
    func letterOrOtherCaseIsCorrectedToTheWord(given: String, stored: String) {
        #expect(Sex.normalise(given) == .corrected(stored, kind: .spelledOutSex))
    }

    @Test func emptyIsAcceptedAsNothing() {
        #expect(Sex.normalise("") == .accepted(nil))
    }

    @Test(arguments: ["X", "U", "O", "I", "Unknown", "Man", "Woman", "Males", "Fml", "N/A", "Mr", "0", "1", "M F", "M.", "Prefer not to say"])
    func anythingElseIsInvalid(value: String) {
        fieldsExpectInvalid(Sex.normalise(value), value, "Male, Female, Intersex or Other", echoCheck: value.count > 2)
    }

    @Test(.enabled(if: fieldsHasTestdata("messy_excel_cp1252_manifest.csv"), "needs testdata messy_excel_cp1252_manifest.csv"))
    func messyExcelSexValues() throws {
        let (_, rows) = try fieldsCSV("messy_excel_cp1252_manifest.csv")
        let sexes = rows.filter { $0[2] == "sex_spelled_out_or_case" }
        #expect(sexes.count >= 10)
        for row in sexes {
            let intended = try #require(["M": "Male", "F": "Female"][row[4]], "manifest row \(row[0]): unexpected \(row[4])")
            let outcome = Sex.normalise(fieldsTrim(row[3]))
            #expect(outcome.value == intended, "manifest row \(row[0])")
            if fieldsTrim(row[3]) == intended {
                #expect(outcome == .accepted(intended), "manifest row \(row[0])")
            } else {
                #expect(outcome == .corrected(intended, kind: .spelledOutSex), "manifest row \(row[0])")
            }
        }
    }
}
