import Learning
import Tabular

/// What a word at some position of a command can be, for TAB completion.
public enum CompletionKind: Sendable, Equatable {
    case path
    case table
    case column
    case model
    case algorithm
    case words([String])
    /// `key=` settings of the algorithm named earlier on the line.
    case algorithmSettings
    case function
}

/// The stage of the lifecycle a command belongs to (groups `help`).
public enum CommandStage: String, Sendable, CaseIterable {
    case data = "data"
    case explore = "explore"
    case clean = "clean"
    case prepare = "prepare"
    case problem = "problem"
    case model = "model"
    case deploy = "deploy"
    case session = "session"
}

/// What running a command does, which decides how the session treats it.
public enum CommandKind: String, Sendable, CaseIterable {
    /// Changes a table's data, or which table is current (load, derive, filter, …): recorded,
    /// undoable, fingerprinted with the current table's size and content hash.
    case dataStep = "data step"
    /// Changes the workspace otherwise (target, goal, split, train, evaluate, param):
    /// recorded and undoable.
    case workspaceStep = "workspace step"
    /// Shows something and changes nothing (head, describe, rules, …): recorded, so the
    /// script is what the user saw, and dropped from exported pipelines.
    case inspection
    /// Writes files (save, export, predict … to): recorded, never abandoned on Ctrl-C (once
    /// its files exist "nothing changed" would be false) and not run again when a session
    /// is resumed (the user may have replaced the files since).
    case fileWriting = "file-writing step"
    /// About the session itself (help, history, undo, quit): handled by the session, not
    /// the engine.
    case session
}

/// Whether an exported pipeline keeps a command's recorded steps.
public enum PipelineRole: Sendable, Equatable {
    /// Always (param, target, goal).
    case always
    /// When the step ran on the model's table or its test table (loads, data steps, split).
    case ofModelTables
    case never
}

/// One entry of the command table: every fact about a command, in one place. Parsing,
/// help, completion, suggestions, the reference document (docs/commands.md), the
/// session (recording, undo, Ctrl-C, resume) and pipeline export all read it.
public struct CommandSpec: Sendable {
    public var name: String
    public var stage: CommandStage
    public var kind: CommandKind
    /// A first Ctrl-C asks the step to stop early and keep what it has (a tuning run's
    /// best so far); only a second one abandons it.
    public var keepsWorkOnInterrupt: Bool
    /// Written once: help shows it, and parse errors quote it (`ArgumentCursor.usage`).
    public var usage: String
    public var summary: String
    public var details: String
    public var examples: [String]
    /// Whether the journal records it (every kind but `session`, and `undo`).
    public var isRecorded: Bool
    public var pipeline: PipelineRole
    /// Completion candidates given the words typed after the verb so far.
    public var complete: @Sendable (_ previousWords: [String]) -> [CompletionKind]
    /// Whether the parsed command writes files (`predict` only with `to PATH`).
    private var writesFilesWhen: @Sendable (Command) -> Bool
    var parse: @Sendable (inout ArgumentCursor) throws -> Command

    /// - Parameters: the facts; `recorded`, `pipeline` and `writesFiles` default from the kind.
    init(name: String, stage: CommandStage, usage: String, summary: String, details: String = "",
         examples: [String], kind: CommandKind, keepsWorkOnInterrupt: Bool = false, recorded: Bool? = nil, pipeline: PipelineRole? = nil,
         writesFiles: (@Sendable (Command) -> Bool)? = nil,
         complete: @escaping @Sendable ([String]) -> [CompletionKind], parse: @escaping @Sendable (inout ArgumentCursor) throws -> Command) {
        self.name = name
        self.stage = stage
        self.kind = kind
        self.keepsWorkOnInterrupt = keepsWorkOnInterrupt
        self.usage = usage
        self.summary = summary
        self.details = details
        self.examples = examples
        self.isRecorded = recorded ?? (kind != .session)
        self.pipeline = pipeline ?? (kind == .dataStep ? .ofModelTables : .never)
        self.writesFilesWhen = writesFiles ?? { _ in kind == .fileWriting }
        self.complete = complete
        self.parse = parse
    }

    /// Whether a successful run changes the workspace (and so can be undone).
    public var changesWorkspace: Bool { kind == .dataStep || kind == .workspaceStep }

    /// Whether the step is fingerprinted with the current table's size and content hash.
    public var fingerprintsData: Bool { kind == .dataStep }

    /// Whether running this command writes files.
    public func writesFiles(_ command: Command) -> Bool { writesFilesWhen(command) }

    /// Whether the prompt may abandon the running step on Ctrl-C (and drop its result).
    public func mayBeAbandoned(_ command: Command) -> Bool { kind != .session && !writesFiles(command) }
}

/// The commands of mlw, in the order `help` lists them.
public enum CommandTable {
    public static let all: [CommandSpec] = dataCommands + exploreCommands + cleanCommands + prepareCommands + problemCommands
        + modelCommands + deployCommands + sessionCommands

    public static var names: [String] { all.map(\.name) }

    /// Accepted spellings for commands; each maps to a name in the table.
    public static let aliases: [String: String] = ["exit": "quit"]

    /// The entry for a command name or alias, if any.
    public static func spec(named name: String) -> CommandSpec? {
        let resolved = aliases[name] ?? name
        return all.first { $0.name == resolved }
    }
}

extension Command {
    /// The command's table entry: every fact about it.
    public var spec: CommandSpec {
        guard let spec = CommandTable.spec(named: verb) else { preconditionFailure("'\(verb)' has no entry in the command table") }
        return spec
    }

    /// Whether running the command writes files (see `CommandKind.fileWriting`).
    public var writesFiles: Bool { spec.writesFiles(self) }
}
