import Foundation

/// A progress line on stderr that redraws in place (issue 8): only on a terminal, never
/// with --quiet, and only once a run is big enough to need one.
final class ProgressLine: @unchecked Sendable {
    private let start = Date()
    private var shown = false
    private let lock = NSLock()
    let enabled: Bool

    init(quiet: Bool) {
        enabled = !quiet && isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    func update(rows: Int, fraction: Double) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let elapsed = Date().timeIntervalSince(start)
        guard rows >= 4_000 || elapsed > 1 else { return }
        let rate = elapsed > 0 ? Double(rows) / elapsed : 0
        let left = fraction > 0.01 ? elapsed * (1 - fraction) / fraction : 0
        let line = "\r\u{1B}[2K\(rows.formatted()) rows · \(Int(rate).formatted()) rows/s · \(Int(fraction * 100))% · about \(Int(left.rounded())) s left"
        FileHandle.standardError.write(Data(line.utf8))
        shown = true
    }

    func finish() {
        guard enabled, shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
