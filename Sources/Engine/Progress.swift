import Foundation

/// How far a long step has got: what it is doing, the share done and a count of things
/// done ("loading trips.csv", 0.42, 4,200,000 rows).
public struct ProgressUpdate: Sendable, Equatable {
    public var task: String
    /// 0 to 1.
    public var fraction: Double
    public var count: Int
    public var unit: String
    /// Show the time left (from the time taken so far) rather than a rate: for steps of
    /// few, slow units (a tuning run's trials).
    public var estimatesTimeLeft: Bool

    public init(task: String, fraction: Double, count: Int, unit: String, estimatesTimeLeft: Bool = false) {
        self.task = task
        self.fraction = fraction
        self.count = count
        self.unit = unit
        self.estimatesTimeLeft = estimatesTimeLeft
    }
}

/// Shows progress updates (a bar on a terminal). A session tells it when each step ends,
/// so it can take the bar away before the step's output is printed.
public protocol ProgressDisplay: AnyObject, Sendable {
    func show(_ update: ProgressUpdate)
    func stepEnded()
}

/// One step's way to its session's display. Once the step ends, its updates are dropped:
/// a step abandoned on Ctrl-C may still be winding down on its thread.
public final class StepProgress: @unchecked Sendable {
    private let display: ProgressDisplay
    private let lock = NSLock()
    private var active = true

    init(display: ProgressDisplay) { self.display = display }

    public func report(_ update: ProgressUpdate) {
        lock.lock()
        defer { lock.unlock() }
        if active { display.show(update) }
    }

    func end() {
        lock.lock()
        active = false
        lock.unlock()
        display.stepEnded()
    }
}
