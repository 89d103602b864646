import CommandLanguage
import Foundation

/// Runs scripts headless: `mlw replay`, `mlw run`, piped input and resumed sessions.
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

    public var session: Session
    public var renderer: OutputRenderer
    /// Check recorded fingerprints (`#= ...`) against what each step produces.
    public var verify: Bool
    /// Where outputs go (nil: nowhere).
    public var print: ((String) -> Void)?
    /// Report each step's wall time through `printError`.
    public var timings = false
    /// Resuming a session: steps that write files (export, save, predict … to) are
    /// recorded without running, so files the user has replaced since are left alone.
    /// They change no workspace, so the result is the same.
    public var skipsFileWrites = false
    /// Told each step skipped by `skipsFileWrites` (its text).
    public var onSkip: ((String) -> Void)?
    /// Told before each line runs: its 1-based number and the number of lines.
    public var progress: ((Int, Int) -> Void)?
    public var printError: (String) -> Void

    public init(session: Session, renderer: OutputRenderer = OutputRenderer(), verify: Bool = false,
                print: ((String) -> Void)?, printError: @escaping (String) -> Void) {
        self.session = session
        self.renderer = renderer
        self.verify = verify
        self.print = print
        self.printError = printError
    }

    /// Runs lines in order, stopping at the first error (located as `source:LINE:`).
    /// - Returns: the exit code and the number of steps verified.
    public func run(lines: [String], source: String) -> (code: ExitCode, verified: Int) {
        var verified = 0
        let recordedVersion = ScriptRunner.fingerprintVersion(lines) ?? Fingerprint.version
        if verify, !Fingerprint.readableVersions.contains(recordedVersion) {
            printError("\(source): recorded with fingerprints v\(recordedVersion), but this mlw checks v\(Fingerprint.readableVersions.lowerBound) to v\(Fingerprint.version); "
                       + "replay it without --verify, or record it again")
            return (.dataError, 0)
        }
        for (index, raw) in lines.enumerated() {
            let (text, expected) = JournalEntry.split(raw)
            let command: Command
            do {
                guard let parsed = try CommandParser.parse(text, parameters: session.workspace.parameters) else { continue }
                command = parsed
            } catch let diagnostic as Diagnostic {
                printError("\(source):\(index + 1): " + renderer.renderError(diagnostic.rendered(source: text)))
                return (.dataError, verified)
            } catch {
                printError("\(source):\(index + 1): " + renderer.renderError(Diagnostic.internalError(error).rendered(source: nil)))
                return (.internalError, verified)
            }
            progress?(index + 1, lines.count)
            if skipsFileWrites && command.writesFiles {
                session.recordWithoutRunning(command)
                onSkip?(text)
                continue
            }
            let started = DispatchTime.now().uptimeNanoseconds
            let (result, fingerprint) = session.execute(command)
            if timings {
                let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
                printError(String(format: "%8.1f ms  %@", milliseconds, text))
            }
            switch result {
            case .nothing: continue
            case .quit: return (.ok, verified)
            case .interrupted:
                printError("\(source):\(index + 1): interrupted")
                return (.interrupted, verified)
            case .failure(let diagnostic):
                printError("\(source):\(index + 1): " + renderer.renderError(diagnostic.rendered(source: text)))
                return (ExitCode(rawValue: diagnostic.exitStatus) ?? .dataError, verified)
            case .output(let output):
                if let print, !output.blocks.isEmpty { print(renderer.render(output)) }
            }
            if verify, let recorded = expected, !recorded.isEmpty {
                let expected = Fingerprint.comparable(recorded, recordedIn: recordedVersion, command: command)
                let actual = fingerprint ?? Fingerprint()
                if let difference = actual.firstDifference(from: expected) {
                    printError("\(source):\(index + 1): verify failed at '\(text)': \(difference)")
                    return (.dataError, verified)
                }
                verified += 1
            }
        }
        return (.ok, verified)
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
