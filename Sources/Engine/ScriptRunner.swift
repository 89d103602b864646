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
        if verify, let declared = ScriptRunner.fingerprintVersion(lines), declared != Fingerprint.version {
            printError("\(source): recorded with fingerprints v\(declared), but this mlw computes v\(Fingerprint.version); "
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
                printError("\(source):\(index + 1): internal error: \(error)")
                return (.internalError, verified)
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
                return (diagnostic.message.hasPrefix("internal error") ? .internalError : .dataError, verified)
            case .output(let output):
                if let print, !output.blocks.isEmpty { print(renderer.render(output)) }
            }
            if verify, let expected, !expected.isEmpty {
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
            throw EngineError.input("cannot read '\(path)'")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw EngineError.input("'\(path)' is not UTF-8 text") }
        var lines = text.components(separatedBy: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
