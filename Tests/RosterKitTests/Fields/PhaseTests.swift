import Foundation
import Testing
@testable import RosterKit

/// Phase (SPEC 3): six names, matched ignoring case, spaces and dashes; empty is No Phase.
@Suite struct FieldsPhaseTests {
    @Test func theSixPhases() {
        #expect(Phase.names == ["No Phase", "Lead-New", "Patient-ScheduledPlanOfCare", "FreeScreen-Scheduled",
                                "InitialEvaluation-Scheduled", "Graduated-Graduated"])
        #expect(Phase.none == "No Phase")
    }

    @Test(arguments: Phase.names)
    func exactNameIsAccepted(name: String) {
        #expect(Phase.normalise(name) == .accepted(name))
    }

    @Test func emptyIsNoPhase() {
        #expect(Phase.normalise("") == .accepted("No Phase"))
    }

    @Test(arguments: [
        ("no phase", "No Phase"), ("NO PHASE", "No Phase"), ("NoPhase", "No Phase"), ("No-Phase", "No Phase"),
        ("lead-new", "Lead-New"), ("LEAD NEW", "Lead-New"), ("leadnew", "Lead-New"), ("Lead - New", "Lead-New"),
        ("Lead New", "Lead-New"), ("lead_new", "Lead-New"),
        ("patient scheduled plan of care", "Patient-ScheduledPlanOfCare"),
        ("PATIENT-SCHEDULEDPLANOFCARE", "Patient-ScheduledPlanOfCare"),
        ("Patient-Scheduled-Plan-Of-Care", "Patient-ScheduledPlanOfCare"),
        ("freescreen scheduled", "FreeScreen-Scheduled"), ("Free Screen-Scheduled", "FreeScreen-Scheduled"),
        ("initialevaluation-scheduled", "InitialEvaluation-Scheduled"),
        ("Initial Evaluation - Scheduled", "InitialEvaluation-Scheduled"),
        ("graduated graduated", "Graduated-Graduated"), ("GRADUATED-GRADUATED", "Graduated-Graduated"),
        ("Graduated--Graduated", "Graduated-Graduated"),
    ])
    func spellingIsWrittenAsThePhaseName(given: String, stored: String) {
        #expect(Phase.normalise(given) == .corrected(stored, kind: .phaseName))
    }

    @Test(arguments: ["Discharged", "Lead Old", "Phase 2", "New Lead", "Graduated-Graduated-Graduated", "Nurture", "Active Patient"])
    func unknownPhaseIsInvalidAndListsThePhases(phase: String) {
        let outcome = Phase.normalise(phase)
        fieldsExpectInvalid(outcome, phase, "not a known phase")
        for name in Phase.names {
            fieldsExpectInvalid(outcome, phase, name)
        }
    }

    @Test(arguments: ["Lead", "Graduated", "Scheduled", "Lead.New", "Lead/New"])
    func partOfAPhaseIsInvalid(phase: String) {
        // The message lists the phases, so it may contain such a value; only the verdict is checked.
        fieldsExpectInvalid(Phase.normalise(phase), phase, "use one of", echoCheck: false)
    }
}
