import Foundation
import Testing

/// Issue 4: export → .xlsx → .csv through a real spreadsheet (LibreOffice headless) → merge:
/// every row `unchanged`. Skips where `soffice` is absent (.ci/run does not install it).
@Suite(.serialized) struct SpreadsheetRoundTripTests {
    static let soffice = ["/usr/bin/soffice", "/usr/bin/libreoffice", "/usr/lib/libreoffice/program/soffice"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    func convert(_ cli: CLI, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.soffice ?? "")
        process.arguments = ["-env:UserInstallation=file://\(cli.path("lo-profile"))", "--headless"] + arguments
        process.currentDirectoryURL = cli.dir
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test(.enabled(if: soffice != nil, "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"),
          .timeLimit(.minutes(3)))
    func exportThroughASpreadsheetAndBackIsUnchanged() throws {
        let cli = CLI()
        try cli.setUpPractice()
        try cli.ok(["import", packageRoot.appendingPathComponent("Examples/patients.csv").path, "--location", "Nashua", "--consent", "email,text"])
        try cli.ok(["export", "--location", "Nashua", "--out", cli.path("export.csv")])
        // Opened with the spreadsheet's own type detection (ZIPs lose leading zeros, dates become dates).
        try convert(cli, ["--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", cli.path("x"), cli.path("export.csv")])
        try convert(cli, ["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", cli.path("back"), cli.path("x/export.xlsx")])
        let readout = try cli.json(["merge", cli.path("back/export.csv"), "--location", "Nashua", "--consent", "none", "--json"])
        let rows = readout["rows"] as? Int ?? 0
        #expect(rows > 100)
        #expect(readout["unchanged"] as? Int == rows, "changes: \(String(describing: (readout["changes"] as? [Any])?.prefix(5))) failures: \(String(describing: (readout["failures"] as? [Any])?.prefix(5)))")
    }
}
