import CommandLanguage
import Foundation
import Tabular

/// The one loop every way of running commands goes through: the prompt, piped input,
/// `mlw replay`, `mlw run`, resuming a session and the transcript tests. A line is parsed,
/// run by the session (which records it), checked against its recorded fingerprint when
/// verifying, and its outcome worded the same way everywhere; only where the words go
/// (standard output or error, with or without a `FILE:LINE:` location) differs.
public final class StepLoop {
    public let session: Session
    public var renderer: OutputRenderer
    /// Check recorded fingerprints (`#= …`) against what each step produces.
    public var verify = false
    /// The fingerprint scheme the lines were recorded with (from the journal's header).
    public var recordedVersion = Fingerprint.version
    /// Resuming a session: steps that write files (export, save, predict … to) are
    /// recorded without running, so files the user has replaced since are left alone.
    /// They change no workspace, so the result is the same.
    public var skipsFileWrites = false
    /// Steps whose fingerprint matched (when verifying).
    public private(set) var verified = 0

    public init(session: Session, renderer: OutputRenderer = OutputRenderer()) {
        self.session = session
        self.renderer = renderer
    }

    /// What became of one line.
    public enum Outcome {
        /// A blank line or a comment.
        case blank
        case shown(Output)
        /// A file-writing step recorded without running (resume).
        case skipped(String)
        case failed(Diagnostic)
        case bug(InternalError)
        /// The step ran but did not reproduce its recorded fingerprint.
        case verifyFailed(text: String, difference: String)
        case interrupted
        case quit

        /// The exit status a script ends with, or nil when it goes on.
        public var exitStatus: Int32? {
            switch self {
            case .blank, .shown, .skipped: return nil
            case .quit: return 0
            case .failed(let diagnostic): return diagnostic.exitStatus
            case .bug: return InternalError.exitStatus
            case .verifyFailed: return 65
            case .interrupted: return 130
            }
        }
    }

    /// Parses and runs one line (its recorded fingerprint, after `#=`, is checked when verifying).
    public func step(_ line: String) -> Outcome {
        let (text, expected) = JournalEntry.split(line)
        let command: Command
        do {
            guard let parsed = try CommandParser.parse(text, parameters: session.workspace.parameters) else { return .blank }
            command = parsed
        } catch let diagnostic as Diagnostic {
            return .failed(diagnostic)
        } catch {
            return .bug(InternalError(wrapping: error))
        }
        if skipsFileWrites && command.writesFiles {
            session.recordWithoutRunning(command)
            return .skipped(text)
        }
        let (result, fingerprint) = session.execute(command)
        switch result {
        case .nothing: return .blank
        case .quit: return .quit
        case .interrupted: return .interrupted
        case .failure(let diagnostic): return .failed(diagnostic)
        case .bug(let bug): return .bug(bug)
        case .output(let output):
            if verify, let recorded = expected, !recorded.isEmpty {
                let expected = Fingerprint.comparable(recorded, recordedIn: recordedVersion, command: command)
                if let difference = (fingerprint ?? Fingerprint()).firstDifference(from: expected) {
                    return .verifyFailed(text: text, difference: difference)
                }
                verified += 1
            }
            return .shown(output)
        }
    }

    /// The words for a person: what to show on standard output, and the error text (with
    /// `location` before it, as `FILE:LINE: `, when given).
    public func report(_ outcome: Outcome, line: String, location: String? = nil) -> (output: String?, error: String?) {
        let prefix = location.map { "\($0): " } ?? ""
        switch outcome {
        case .blank, .quit, .skipped: return (nil, nil)
        case .shown(let output): return (output.blocks.isEmpty ? nil : renderer.render(output), nil)
        case .failed(let diagnostic):
            return (nil, prefix + renderer.renderError(diagnostic.rendered(source: JournalEntry.split(line).command)))
        case .bug(let bug): return (nil, prefix + renderer.renderError("error: " + bug.description))
        case .verifyFailed(let text, let difference): return (nil, prefix + "verify failed at '\(text)': \(difference)")
        case .interrupted: return (nil, prefix + renderer.renderError(location == nil ? "interrupted: nothing changed" : "interrupted"))
        }
    }
}
