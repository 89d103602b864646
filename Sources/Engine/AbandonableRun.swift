import Foundation

/// A cancellation flag one command's work polls, set when the prompt stops waiting for it.
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    var isRaised: Bool { lock.withLock { raised } }

    func raise() { lock.withLock { raised = true } }
}

/// Runs work on its own thread while the caller polls for Ctrl-C, so a command that does
/// not poll for itself still gives the prompt back at once. Abandoned work sees its
/// flag raised (load and training stop at their next poll); whatever it returns is dropped.
enum AbandonableRun {
    enum Outcome<Value> {
        case finished(Result<Value, Error>)
        case abandoned
    }

    /// Polls `isInterrupted` every few milliseconds while `work` runs.
    static func run<Value>(isInterrupted: @escaping @Sendable () -> Bool,
                           _ work: @escaping @Sendable (_ flag: CancellationFlag) -> Result<Value, Error>) -> Outcome<Value> {
        let flag = CancellationFlag()
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<Value>()
        let thread = Thread {
            box.result = work(flag)
            done.signal()
        }
        // Expression evaluation recurses with the (height-capped) tree; give it the main thread's room.
        thread.stackSize = 8 << 20
        thread.start()
        while done.wait(timeout: .now() + .milliseconds(10)) == .timedOut {
            if isInterrupted() {
                flag.raise()
                return .abandoned
            }
        }
        return .finished(box.result!)
    }

    /// Hands the worker's result to the waiting thread (the semaphore orders the accesses).
    private final class ResultBox<Value>: @unchecked Sendable {
        var result: Result<Value, Error>?
    }
}
