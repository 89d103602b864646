import CommandLanguage
import Foundation

/// Runs scripts headless through the step loop: `mlw replay`, `mlw run`, piped input
/// and resumed sessions. Stops at the first error, located as `SOURCE:LINE:`.
public struct ScriptRunner {
    /// sysexits-style exit codes.
    public enum ExitCode: Int32 {
        case ok = 0
        case usage = 64
        case dataError = 65
        case noInput = 66
        case internalError = 70
        case cannotCreate = 73
        case ioError = 74
        case interrupted = 130
    }

    public let loop: StepLoop
    /// Where outputs go (nil: nowhere).
    public var print: ((String) -> Void)?
    /// Report each step's wall time through `printError`.
    public var timings = false
    /// Told each step skipped by `skipsFileWrites` (its text).
    public var onSkip: ((String) -> Void)?
    /// Told before each line runs: its 1-based number and the number of lines.
    public var progress: ((Int, Int) -> Void)?
    public var printError: (String) -> Void

    public init(session: Session, renderer: OutputRenderer = OutputRenderer(), verify: Bool = false,
                print: ((String) -> Void)?, printError: @escaping (String) -> Void) {
        loop = StepLoop(session: session, renderer: renderer)
        loop.verify = verify
        self.print = print
        self.printError = printError
    }

    public var session: Session { loop.session }

    /// Resuming: file-writing steps are recorded without running (see `StepLoop.skipsFileWrites`).
    public var skipsFileWrites: Bool {
        get { loop.skipsFileWrites }
        nonmutating set { loop.skipsFileWrites = newValue }
    }

    /// Runs lines in order, stopping at the first error (located as `source:LINE:`).
    /// - Returns: the exit code and the number of steps verified.
    public func run(lines: [String], source: String) -> (code: ExitCode, verified: Int) {
        let recordedVersion = ScriptRunner.fingerprintVersion(lines) ?? Fingerprint.version
        if loop.verify, !Fingerprint.readableVersions.contains(recordedVersion) {
            printError("\(source): recorded with fingerprints v\(recordedVersion), but this mlw checks v\(Fingerprint.readableVersions.lowerBound) to v\(Fingerprint.version); "
                       + "replay it without --verify, or record it again")
            return (.dataError, 0)
        }
        loop.recordedVersion = recordedVersion
        session.followRules(ofFingerprintVersion: recordedVersion)
        for (index, line) in lines.enumerated() {
            progress?(index + 1, lines.count)
            let started = DispatchTime.now().uptimeNanoseconds
            let outcome = loop.step(line)
            if timings, case .shown = outcome {
                let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
                printError(String(format: "%8.1f ms  %@", milliseconds, JournalEntry.split(line).command))
            }
            if case .skipped(let text) = outcome { onSkip?(text) }
            let (output, error) = loop.report(outcome, line: line, location: "\(source):\(index + 1)")
            if let output { print?(output) }
            if let error { printError(error) }
            if let status = outcome.exitStatus {
                return (ExitCode(rawValue: status) ?? .dataError, loop.verified)
            }
        }
        return (.ok, loop.verified)
    }

    /// Why `--set` values cannot apply to a script, or nil when they can. Each name must be
    /// declared by a `param` line and read by some step as `$NAME`: otherwise the value
    /// would be printed and then change nothing (a step recorded before parameters were
    /// kept holds the value it used).
    public static func overrideProblem(_ overrides: [String: String], lines: [String]) -> String? {
        var declared: [String] = []
        var read: Set<String> = []
        let commands = lines.map { JournalEntry.split($0).command }
        for text in commands {
            if case .param(let name, _)? = try? CommandParser.parse(text), !declared.contains(name) { declared.append(name) }
        }
        let placeholders = Dictionary(uniqueKeysWithValues: declared.map { ($0, "") })
        for text in commands {
            for token in (try? Lexer.tokenize(Array(text), parameters: placeholders)) ?? [] {
                if let name = token.parameter { read.insert(name) }
            }
        }
        for name in overrides.keys.sorted() {
            guard declared.contains(name) else {
                return "--set \(name): the script declares no parameter '\(name)' ("
                    + (declared.isEmpty ? "it declares none" : "it declares " + declared.joined(separator: ", ")) + ")"
            }
            guard read.contains(name) else {
                return "--set \(name) would change nothing: no step reads $\(name) (the steps hold the value they used; write $\(name) where it should be read)"
            }
        }
        return nil
    }

    /// The fingerprint version a journal's header comment declares, if any.
    static func fingerprintVersion(_ lines: [String]) -> Int? {
        for line in lines.prefix(5) where line.hasPrefix("#") {
            guard let range = line.range(of: "fingerprints v") else { continue }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        return nil
    }

    /// Reads a script file's lines.
    public static func lines(of path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError.missing("cannot read '\(path)'")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw EngineError.input("'\(path)' is not UTF-8 text, so it is not an mlw script")
        }
        var lines = text.components(separatedBy: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
