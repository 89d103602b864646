import Dispatch
import Engine
import Foundation
import Tabular

/// A progress bar on standard error, for a terminal only: drawn once a step has run for
/// a moment (short steps show nothing), redrawn at most ten times a second, and wiped
/// when the step ends so its output starts on a clean line.
public final class TerminalProgress: ProgressDisplay, @unchecked Sendable {
    /// Steps quicker than this never show a bar.
    static let delay = 0.4
    private let lock = NSLock()
    private let width: () -> Int
    private let ascii: Bool
    private var started: UInt64?
    private var lastDrawn: UInt64 = 0
    private var drawn = false

    /// - Parameter width: the terminal's width, read again at each draw (it may be resized).
    public init(width: @escaping () -> Int, ascii: Bool) {
        self.width = width
        self.ascii = ascii
    }

    public func show(_ update: ProgressUpdate) {
        lock.lock()
        defer { lock.unlock() }
        let now = DispatchTime.now().uptimeNanoseconds
        let start = started ?? now
        started = start
        let elapsed = Double(now - start) / 1e9
        guard elapsed >= Self.delay, now - lastDrawn >= 100_000_000 else { return }
        lastDrawn = now
        drawn = true
        Console.errorText("\r\u{1B}[2K" + Self.line(update, elapsed: elapsed, width: width(), ascii: ascii))
    }

    public func stepEnded() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { Console.errorText("\r\u{1B}[2K") }
        drawn = false
        started = nil
        lastDrawn = 0
    }

    /// `loading trips.csv  ███████▌░░░░░░░  48%  4,812,000 rows  2.1M rows/s`, fitted
    /// to `width` columns: the bar shrinks first, then the task's name is shortened, then
    /// the rate goes, and on the narrowest terminals only the figures remain.
    static func line(_ update: ProgressUpdate, elapsed: Double, width: Int, ascii: Bool) -> String {
        let fraction = min(1, max(0, update.fraction))
        var parts = [String(Int((fraction * 100).rounded(.down))) + "%", "\(grouped(update.count)) \(update.unit)"]
        // A rate says something only for quick units (rows); "0 folds/s" says nothing.
        if update.estimatesTimeLeft {
            // Once a little is done, the rest is assumed to go as fast.
            if fraction >= 0.02, fraction < 1 { parts.append(timeLeft(elapsed * (1 - fraction) / fraction)) }
        } else if elapsed > 0, Double(update.count) / elapsed >= 1 {
            parts.append("\(compact(Double(update.count) / elapsed)) \(update.unit)/s")
        }
        let room = width - 1
        // The least a name and a bar need: 8 columns of name, 10 of bar, and their gaps.
        let nameAndBar = 2 + 8 + 2 + 10
        // The rate goes first when even a short name and bar would not fit.
        while parts.count > 2, TextWidth.of(parts.joined(separator: "  ")) + nameAndBar > room { parts.removeLast() }
        let figures = "  " + parts.joined(separator: "  ")
        let left = room - TextWidth.of(figures)
        guard left >= nameAndBar else { return String(parts.joined(separator: "  ").prefix(max(0, room))) }
        var task = update.task
        let cells = max(10, min(30, left - TextWidth.of(task) - 2))
        let keep = left - cells - 2
        if TextWidth.of(task) > keep { task = String(task.prefix(keep - 1)) + "…" }
        return task + "  " + bar(fraction, cells: cells, ascii: ascii) + figures
    }

    /// "about 40s left", "about 3m 10s left", "about 2h 5m left".
    static func timeLeft(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "about \(max(1, s))s left" }
        if s < 3600 { return "about \(s / 60)m \(s % 60)s left" }
        return "about \(s / 3600)h \(s % 3600 / 60)m left"
    }

    static func bar(_ fraction: Double, cells: Int, ascii: Bool) -> String {
        let eighths = Int((fraction * Double(cells * 8)).rounded(.down))
        let full = eighths / 8, part = eighths % 8
        if ascii {
            return String(repeating: "#", count: full) + String(repeating: "-", count: cells - full)
        }
        let partial = part > 0 && full < cells ? String(Array("▏▎▍▌▋▊▉")[part - 1]) : ""
        return String(repeating: "█", count: full) + partial + String(repeating: "░", count: cells - full - partial.count)
    }

    /// 4812000 → "4,812,000".
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// 2_140_000 → "2.1M", 53_000 → "53k", 950 → "950".
    static func compact(_ x: Double) -> String {
        if x >= 1e9 { return String(format: "%.1fG", x / 1e9) }
        if x >= 1e6 { return String(format: "%.1fM", x / 1e6) }
        if x >= 1e4 { return String(format: "%.0fk", x / 1e3) }
        return String(format: "%.0f", x)
    }
}
