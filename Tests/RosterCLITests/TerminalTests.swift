import Foundation
import Testing

/// Progress and colour on a terminal (issue 8), tested through a pseudo-terminal (`script`).
@Suite(.serialized) struct TerminalTests {
    static var scriptAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/script") }

    func bigList(_ cli: CLI, rows: Int = 6_000) -> String {
        var text = "First Name,Last Name,Email\n"
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        for i in 0..<rows {
            let last = String([letters[i % 26], letters[(i / 26) % 26], letters[(i / 676) % 26]])
            text += "Pat,Lee\(last),pat\(i)@example.com\n"
        }
        return cli.file("big.csv", text)
    }

    /// Runs roster under `script` so both stdout and stderr are a terminal.
    func onTerminal(_ cli: CLI, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let command = ([rosterBinary.path] + arguments).map { "'\($0.replacingOccurrences(of: "'", with: "'\\''"))'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        process.environment = cli.environment.merging(["TERM": "xterm"].merging(environment) { $1 }) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test(.enabled(if: TerminalTests.scriptAvailable, "needs script(1) for a pseudo-terminal"))
    func progressRedrawsOnATerminalOnly() throws {
        let cli = CLI()
        try cli.setUpPractice()
        let file = bigList(cli)
        let shown = try onTerminal(cli, ["import", file, "--location", "Nashua", "--consent", "none", "--dry-run"])
        #expect(shown.contains("rows/s"))
        #expect(shown.contains("\r\u{1B}[2K"))
        let quiet = try onTerminal(cli, ["import", file, "--location", "Nashua", "--consent", "none", "--dry-run", "--quiet"])
        #expect(!quiet.contains("rows/s"))
        let piped = try cli.run(["import", file, "--location", "Nashua", "--consent", "none", "--dry-run"])
        #expect(!piped.stderr.contains("rows/s") && !piped.stdout.contains("\u{1B}"))
    }

    @Test(.enabled(if: TerminalTests.scriptAvailable, "needs script(1) for a pseudo-terminal"))
    func colourOnlyOnATerminalAndNeverWithNoColor() throws {
        let cli = CLI()
        try cli.setUpPractice()
        let file = cli.file("l.csv", "First Name,Email\nBad1,b@example.com\n")
        #expect(try onTerminal(cli, ["import", file, "--location", "Nashua", "--consent", "none", "--dry-run"]).contains("\u{1B}[31m"))
        #expect(!(try onTerminal(cli, ["import", file, "--location", "Nashua", "--consent", "none", "--dry-run"], environment: ["NO_COLOR": "1"]).contains("\u{1B}[3")))
    }

    /// Issue 8: on a terminal the failed rows stop after a screenful, --report or not, and
    /// name the report; sent to a file, a run with --report lists every one with its fix.
    @Test(.enabled(if: TerminalTests.scriptAvailable, "needs script(1) for a pseudo-terminal"))
    func failedRowsStopAfterAScreenfulOnATerminal() throws {
        let cli = CLI()
        try cli.setUpPractice()
        let file = cli.file("l.csv", "First Name,Email\n" + (1...120).map { "Bad\($0),b\($0)@example.com\n" }.joined())
        let report = cli.path("rep.csv")
        let shown = try onTerminal(cli, ["import", file, "--location", "Nashua", "--consent", "none", "--dry-run", "--report", report])
        #expect(shown.contains("… 80 more: all 120 are in \(report)"), "\(shown.suffix(400))")
        #expect(!shown.contains("Bad120"))
        let toFile = try cli.ok(["import", file, "--location", "Nashua", "--consent", "none", "--dry-run", "--report", report]).stdout
        #expect(toFile.contains("Bad120") && !toFile.contains("more:"))
    }

    @Test func completionScriptsAreGenerated() throws {
        let cli = CLI()
        for shell in ["bash", "zsh", "fish"] {
            let out = try cli.ok(["--generate-completion-script", shell])
            #expect(out.stdout.contains("roster"))
            #expect(out.stdout.contains("import"))
        }
    }
}
