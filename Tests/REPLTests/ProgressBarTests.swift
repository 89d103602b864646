import Engine
import Foundation
import Testing
@testable import REPL
@testable import Tabular

struct ProgressBarTests {
    let update = ProgressUpdate(task: "loading classif_10m.csv", fraction: 0.4825, count: 4_812_000, unit: "rows")

    @Test func aLineShowsTheShareTheCountAndTheRate() {
        let line = TerminalProgress.line(update, elapsed: 2.25, width: 100, ascii: false)
        #expect(line.hasPrefix("loading classif_10m.csv  "))
        #expect(line.hasSuffix("  48%  4,812,000 rows  2.1M rows/s"))
        // 30 cells, 48.25% of them: 14 full cells, a ⅝ cell (0.475 of a cell → 3 eighths), 15 empty.
        #expect(line.contains("██████████████▍░░░░░░░░░░░░░░░  48%"))
        #expect(TextWidth.of(line) <= 99)
        // A slow unit gets no rate: "0 folds/s" would say nothing.
        let folds = ProgressUpdate(task: "cross-validating", fraction: 1.0 / 3, count: 1, unit: "of 3 folds done")
        #expect(TerminalProgress.line(folds, elapsed: 20, width: 100, ascii: false).hasSuffix("  33%  1 of 3 folds done"))
    }

    /// A tuning run's few, slow trials: the time left, from the time taken so far.
    @Test func aSlowStepShowsTheTimeLeft() {
        let trials = ProgressUpdate(task: "tuning gbdt, best accuracy 0.7314", fraction: 0.25, count: 3, unit: "of 12 trials", estimatesTimeLeft: true)
        #expect(TerminalProgress.line(trials, elapsed: 20, width: 120, ascii: false).hasSuffix("  25%  3 of 12 trials  about 1m 0s left"))
        #expect(TerminalProgress.line(trials, elapsed: 2, width: 120, ascii: false).hasSuffix("about 6s left"))
        // Too early to guess: nothing.
        let early = ProgressUpdate(task: "tuning", fraction: 0.01, count: 0, unit: "of 12 trials", estimatesTimeLeft: true)
        #expect(TerminalProgress.line(early, elapsed: 1, width: 120, ascii: false).hasSuffix("  1%  0 of 12 trials"))
        #expect(TerminalProgress.timeLeft(7300) == "about 2h 1m left")
    }

    @Test func narrowTerminalsShrinkTheBarThenTheName() {
        for width in [20, 40, 60, 80] {
            let line = TerminalProgress.line(update, elapsed: 1, width: width, ascii: false)
            #expect(TextWidth.of(line) <= width - 1, "\(width): \(line)")
            #expect(line.hasPrefix(width < 50 ? "48%" : "loading"), "\(width): \(line)")
        }
        #expect(TerminalProgress.line(update, elapsed: 1, width: 60, ascii: false).hasPrefix("loading clas…  ██"))
        #expect(TerminalProgress.line(update, elapsed: 1, width: 20, ascii: false) == "48%  4,812,000 rows")
    }

    @Test func asciiBarsAndFigures() {
        #expect(TerminalProgress.bar(0.5, cells: 10, ascii: true) == "#####-----")
        #expect(TerminalProgress.bar(1, cells: 4, ascii: false) == "████")
        #expect(TerminalProgress.bar(0, cells: 3, ascii: false) == "░░░")
        #expect(TerminalProgress.grouped(0) == "0" && TerminalProgress.grouped(999) == "999" && TerminalProgress.grouped(1_000) == "1,000")
        #expect(TerminalProgress.compact(950) == "950" && TerminalProgress.compact(53_400) == "53k" && TerminalProgress.compact(2_140_000) == "2.1M")
    }
}
