import Foundation
import Tabular

/// The random-input harness shared by the test targets. Every case is derived from a seed
/// and its index, so any failure replays exactly:
///
///     MLW_FUZZ_CASES=100000 swift test --filter Fuzz          # a long run
///     MLW_FUZZ_SEED=7 MLW_FUZZ_ONLY=1234 swift test --filter CSVFuzz   # one case again
///
/// The property is the same everywhere: no crash, no hang, every failure a diagnostic.
/// A crash prints the case that caused it (seed, index, input) before Swift's backtrace;
/// a case that runs longer than `Fuzz.timeLimit` is reported the same way, then aborts.
public enum Fuzz {
    /// Cases per harness: `MLW_FUZZ_CASES`, else `default` (the bounded run of every CI build).
    public static func cases(default count: Int) -> Int {
        ProcessInfo.processInfo.environment["MLW_FUZZ_CASES"].flatMap(Int.init) ?? count
    }

    public static var seed: UInt64 { ProcessInfo.processInfo.environment["MLW_FUZZ_SEED"].flatMap(UInt64.init) ?? 20261202 }

    /// Seconds one case may take before the watchdog calls it a hang. Debug builds are slow:
    /// a multinomial logistic fit with hundreds of classes takes about a minute there.
    public static var timeLimit: Double { ProcessInfo.processInfo.environment["MLW_FUZZ_TIME_LIMIT"].flatMap(Double.init) ?? 300 }

    /// Runs `body` for each case index with its own generator; `describe` names the input
    /// of the case in progress (for crash and hang reports).
    public static func run(_ name: String, cases count: Int, _ body: (_ index: Int, _ random: inout FuzzRandom) throws -> Void) rethrows {
        CrashReport.install()
        let only = ProcessInfo.processInfo.environment["MLW_FUZZ_ONLY"].flatMap(Int.init)
        for index in 0..<count where only == nil || only == index {
            var random = FuzzRandom(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15 ^ stableHash(name))
            CrashReport.begin("\(name) case \(index) (seed \(seed); rerun with MLW_FUZZ_SEED=\(seed) MLW_FUZZ_ONLY=\(index))")
            defer { CrashReport.end() }
            try body(index, &random)
        }
    }

    /// Records what the current case is feeding the code under test.
    public static func describe(_ input: @autoclosure () -> String) { CrashReport.input(input()) }

    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}

/// A seeded generator (Tabular's SplitMix64) plus helpers for picking things.
public struct FuzzRandom: RandomNumberGenerator {
    private var generator: SeededGenerator
    public init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    public mutating func next() -> UInt64 { generator.next() }

    /// A whole number in 0..<bound (bound > 0).
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// True with the given probability.
    public mutating func chance(_ probability: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < probability }

    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// Prints the case in progress when the process crashes or a case hangs. The text is
/// kept in a preallocated C buffer, because a signal handler may only call write(2).
enum CrashReport {
    private static let capacity = 16_384
    nonisolated(unsafe) private static let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: capacity)
    nonisolated(unsafe) private static var length = 0
    nonisolated(unsafe) private static var installed = false
    nonisolated(unsafe) private static var previous: [Int32: sigaction] = [:]
    private static let lock = NSLock()
    nonisolated(unsafe) private static var caseName = ""
    nonisolated(unsafe) private static var started: Date?

    static func install() {
        lock.lock(); defer { lock.unlock() }
        guard !installed else { return }
        installed = true
        for signalNumber in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE] {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = { number, info, context in
                _ = write(STDERR_FILENO, CrashReport.buffer, CrashReport.length)
                // Hand over to the handler that was there (Swift's backtracer), or the default.
                if var old = CrashReport.previous[number], let handler = old.__sigaction_handler.sa_sigaction,
                   unsafeBitCast(handler, to: Int.self) > 1 {
                    handler(number, info, context)
                    _ = old
                } else {
                    signal(number, SIG_DFL)
                    raise(number)
                }
            }
            action.sa_flags = SA_SIGINFO
            var old = sigaction()
            sigaction(signalNumber, &action, &old)
            previous[signalNumber] = old
        }
        let watchdog = Thread {
            while true {
                sleep(1)
                lock.lock()
                let overdue = started.map { Date().timeIntervalSince($0) > Fuzz.timeLimit } ?? false
                lock.unlock()
                if overdue {
                    _ = write(STDERR_FILENO, CrashReport.buffer, CrashReport.length)
                    let note = "fuzz: the case above ran longer than \(Fuzz.timeLimit) s: a hang\n"
                    _ = note.withCString { write(STDERR_FILENO, $0, strlen($0)) }
                    abort()
                }
            }
        }
        watchdog.start()
    }

    static func begin(_ name: String) {
        lock.lock(); defer { lock.unlock() }
        caseName = name
        started = Date()
        store("\n*** fuzz case in progress: \(name)\n")
    }

    static func input(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        let shown = text.count > 8000 ? String(text.prefix(8000)) + "…" : text
        store("\n*** fuzz case in progress: \(caseName)\n*** input:\n\(shown)\n")
    }

    static func end() {
        lock.lock(); defer { lock.unlock() }
        started = nil
        length = 0
    }

    private static func store(_ text: String) {
        let bytes = Array(text.utf8.prefix(capacity))
        bytes.withUnsafeBufferPointer { source in
            source.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) { buffer.update(from: $0, count: bytes.count) }
        }
        length = bytes.count
    }
}
