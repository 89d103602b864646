import CommandLanguage
import Foundation
import Tabular

/// A sequence of commands over one evolving workspace: what the step loop drives for the
/// prompt, piped input, `mlw replay`, `mlw run` and the tests. Owns undo, the recorded
/// script and the journal, and runs the session commands (help, history, undo, quit)
/// itself; every other command goes to the engine.
public final class Session {
    /// The outcome of one command.
    public enum LineResult {
        case nothing
        case output(Output)
        case failure(Diagnostic)
        /// A bug, not the user's mistake.
        case bug(InternalError)
        case interrupted
        case quit
    }

    public private(set) var workspace = Workspace()
    /// Every recorded step, as written to the journal (undo lines included).
    public private(set) var recorded: [JournalEntry] = []
    /// The steps that made the current workspace (undone steps removed).
    public private(set) var effective: [JournalEntry] = []
    /// Workspaces before each change, with the length of `effective` then.
    private var undoStack: [(workspace: Workspace, effectiveCount: Int)] = []
    private let journal: JournalFile?
    /// Values from `--set NAME=VALUE` that win over `param` declarations.
    public var overrides: [String: String]
    public var isCancelled: @Sendable () -> Bool
    public var makeSeed: @Sendable () -> UInt64
    /// Set by the prompt: a step that writes no files runs on its own thread and is
    /// abandoned the moment `isCancelled` turns true (workspace unchanged, nothing recorded).
    public var abandonsOnInterrupt = false
    /// Set by the prompt: forgets a Ctrl-C once a step has taken it as "stop early".
    public var clearInterrupt: (@Sendable () -> Void)?
    /// Where relative input paths start (see `EngineContext.baseDirectory`).
    public var baseDirectory: String?
    /// Shows how far long steps have got; told when each step ends.
    public var progress: ProgressDisplay?
    /// False when no `undo` can follow (a headless script without one): earlier workspaces
    /// are then not kept, so memory holds only the current one, not every version of
    /// each changed column.
    public var keepsUndoHistory = true

    public init(journal: JournalFile? = nil, overrides: [String: String] = [:],
                isCancelled: @escaping @Sendable () -> Bool = { false },
                makeSeed: @escaping @Sendable () -> UInt64 = { UInt64.random(in: 0..<1_000_000) }) {
        self.journal = journal
        self.overrides = overrides
        self.isCancelled = isCancelled
        self.makeSeed = makeSeed
        workspace.parameters = overrides
    }

    /// Gives the workspace the meaning commands had when a journal of that fingerprint
    /// version was recorded, so it replays as it ran (see `Fingerprint.version`).
    public func followRules(ofFingerprintVersion version: Int) {
        workspace.rulesVersion = version
    }

    public var journalPath: String? { journal?.path }

    /// Runs a parsed command; also returns the fingerprint it produced, for replays. A
    /// failure changes nothing and records nothing.
    public func execute(_ command: Command) -> (result: LineResult, fingerprint: Fingerprint?) {
        switch command {
        case .quit:
            return (.quit, nil)
        case .help(let topic):
            // Help reads the command table only: it is not a step of the script.
            do { return (.output(.text(try topic.map { try Help.topic($0) } ?? Help.overview())), nil) } catch let diagnostic as Diagnostic {
                return (.failure(diagnostic), nil)
            } catch {
                return (.bug(InternalError(wrapping: error)), nil)
            }
        case .history:
            let lines = recorded.enumerated().map { "\(String($0.offset + 1).leftPadded(4))  \($0.element.text)" }
            return (.output(.text(lines.isEmpty ? "no steps recorded yet" : lines.joined(separator: "\n"))), nil)
        case .undo:
            guard let previous = undoStack.last else {
                return (.failure(Diagnostic(.notReady, "nothing to undo")), nil)
            }
            let undone = effective[previous.effectiveCount...].first { $0.command.spec.changesWorkspace }
            // Recorded first: if the journal cannot be written, nothing is undone.
            if let failure = record(JournalEntry(command: .undo, text: "undo", fingerprint: Fingerprint(), table: previous.workspace.current),
                                    effective: false) {
                return (failure, nil)
            }
            undoStack.removeLast()
            workspace = previous.workspace
            effective.removeLast(effective.count - previous.effectiveCount)
            return (.output(.success("undid: \(undone?.text ?? "the last step")")), Fingerprint())
        default:
            break
        }
        // A --set value wins over the script's declaration; the journal keeps the declaration.
        var toRun = command
        if case .param(let name, _) = command, let forced = overrides[name] { toRun = .param(name: name, value: forced) }
        let stepProgress = progress.map(StepProgress.init)
        let context = EngineContext(isCancelled: isCancelled, effectiveScript: effective, makeSeed: makeSeed,
                                    baseDirectory: baseDirectory, progress: stepProgress)
        defer { stepProgress?.end() }
        let step: StepResult
        do {
            step = try apply(toRun, context: context)
        } catch let diagnostic as Diagnostic {
            return (.failure(diagnostic), nil)
        } catch is Interrupted {
            return (.interrupted, nil)
        } catch let bug as InternalError {
            return (.bug(bug), nil)
        } catch {
            return (.bug(InternalError(wrapping: error)), nil)
        }
        let recordedCommand = toRun == command ? step.recorded : command
        // The table a step concerns is the current one once it ran (a load's or use's own).
        let entry = JournalEntry(command: recordedCommand, text: recordedCommand.description, fingerprint: step.fingerprint,
                                 table: step.workspace.current)
        // The workspace before a change, kept for undo.
        let snapshot = keepsUndoHistory && command.spec.changesWorkspace
        if snapshot { undoStack.append((workspace, effective.count)) }
        let previous = workspace
        workspace = step.workspace
        if let failure = record(entry, effective: true) {
            workspace = previous
            if snapshot { undoStack.removeLast() }
            return (failure, nil)
        }
        return (.output(step.output), step.fingerprint)
    }

    /// Records a step that changes no workspace without running it (a file-writing step
    /// of a resumed session).
    public func recordWithoutRunning(_ command: Command) {
        let entry = JournalEntry(command: command, text: command.description, fingerprint: Fingerprint(), table: workspace.current)
        recorded.append(entry)
        effective.append(entry)
    }

    /// Runs the command against the workspace; at the prompt, on its own thread so that
    /// Ctrl-C gives the prompt back at once even from a step that never polls.
    private func apply(_ command: Command, context: EngineContext) throws -> StepResult {
        guard abandonsOnInterrupt, command.spec.mayBeAbandoned(command) else {
            return try Interpreter.apply(command, to: workspace, context: context)
        }
        let workspace = self.workspace
        let isCancelled = self.isCancelled
        // A step that keeps its work is asked to stop early at the first Ctrl-C (the
        // interrupt is taken, so only a second one abandons it).
        let stopEarly = command.spec.keepsWorkOnInterrupt ? CancellationFlag() : nil
        let clearInterrupt = self.clearInterrupt
        switch AbandonableRun.run(isInterrupted: {
            guard isCancelled() else { return false }
            if let stopEarly, !stopEarly.isRaised {
                stopEarly.raise()
                clearInterrupt?()
                return false
            }
            return true
        }, { flag in
            var ownContext = context
            ownContext.isCancelled = { flag.isRaised }
            if let stopEarly { ownContext.shouldStopEarly = { stopEarly.isRaised } }
            return Result { try Interpreter.apply(command, to: workspace, context: ownContext) }
        }) {
        case .abandoned:
            throw Interrupted()
        case .finished(let result):
            // Ctrl-C pressed as the step finished: the user still asked for nothing to change
            // (a step that keeps its work took the first one as "stop early").
            if isCancelled(), stopEarly == nil || stopEarly!.isRaised { throw Interrupted() }
            return try result.get()
        }
    }

    /// Writes the entry to the journal first: a step that cannot be saved did not happen.
    private func record(_ entry: JournalEntry, effective isEffective: Bool) -> LineResult? {
        // One line per step: a value with a line break (a parameter's) would split it.
        guard !entry.text.contains(where: \.isNewline) else {
            return .failure(Diagnostic(.badValue, "this step holds a line break (from a parameter's value?), so it cannot be recorded as one line"))
        }
        do { try journal?.append(entry.line) } catch {
            return .failure(Diagnostic(.journalError, "\(error); the step was not applied",
                                       help: "free some space (or fix the file's permissions), then type the step again"))
        }
        recorded.append(entry)
        if isEffective { effective.append(entry) }
        return nil
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}

extension Session {
    /// Takes over the state of a session that replayed a journal, so recording can
    /// continue after the replayed steps (used when resuming a session file).
    public func adopt(_ other: Session) {
        workspace = other.workspace
        recorded = other.recorded
        effective = other.effective
        undoStack = other.undoStack
    }
}
