import ArgumentParser
import Engine
import Foundation
import REPL
import Scoring
import Tabular

@main
struct MLW: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlw",
        abstract: "A terminal workbench for the machine-learning lifecycle.",
        discussion: """
            mlw [--session NAME] starts the prompt, recording every step to sessions/NAME.mlw.
            With piped input (mlw < script.mlw) the lines run as a script, recorded the same way.
            Type 'help' at the prompt for the command language.

            Exit status: 0 success; 3 the pipeline's model failed its goal (mlw run); 64 usage;
            65 data error; 66 missing input; 70 internal error; 73 cannot write an output;
            74 cannot write standard output; 75 the session is open in another mlw; 130 interrupted.
            """,
        version: ModelBundle.mlwVersion,
        subcommands: [Prompt.self, Replay.self, Run.self, Predict.self],
        defaultSubcommand: Prompt.self)
}

/// Shared helpers for the subcommands.
enum Terminal {
    /// Runs a script file headless in a fresh session; exits with its sysexits code on failure.
    /// With `baseDirectory`, its relative input paths start there and the `--set` values of
    /// its path parameters are taken from the current directory.
    static func runScript(_ path: String, overrides: [String], verify: Bool, timings: Bool, print: ((String) -> Void)?,
                          missing: String, baseDirectory: String? = nil) throws -> (session: Session, verified: Int) {
        let lines: [String]
        do { lines = try ScriptRunner.lines(of: path) } catch let error as EngineError {
            Console.error("error: " + (error.exitStatus == 66 ? missing : error.description))
            throw ExitCode(error.exitStatus)
        }
        var values = try parseOverrides(overrides)
        if let problem = ScriptRunner.overrideProblem(values, lines: lines) {
            Console.error("error: \(problem)")
            throw ExitCode(64)
        }
        if baseDirectory != nil {
            for name in PipelineExport.pathParameters(in: lines) {
                if let value = values[name] { values[name] = FilePaths.absolute(value) }
            }
        }
        let session = Session(overrides: values)
        session.baseDirectory = baseDirectory
        if isatty(STDERR_FILENO) == 1 {
            session.progress = TerminalProgress(width: { Terminal.terminalWidth(STDERR_FILENO) ?? 80 }, ascii: renderer.ascii)
        }
        session.keepsUndoHistory = lines.contains { JournalEntry.split($0).command.trimmingCharacters(in: .whitespaces) == "undo" }
        var runner = ScriptRunner(session: session, renderer: renderer, verify: verify, print: print, printError: Console.error)
        runner.timings = timings
        let (code, verified) = runner.run(lines: lines, source: path)
        if code != .ok { throw ExitCode(code.rawValue) }
        return (session, verified)
    }

    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    static var renderer: OutputRenderer {
        let colors = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        return OutputRenderer(width: terminalWidth(STDOUT_FILENO) ?? 120, colors: colors,
                              ascii: ProcessInfo.processInfo.environment["MLW_ASCII"].map { !$0.isEmpty && $0 != "0" } ?? false)
    }

    static func terminalWidth(_ descriptor: Int32) -> Int? {
        var size = winsize()
        return ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : nil
    }

    /// Ends the process with an engine error's message and status.
    static func fail(_ error: EngineError, help: String? = nil) -> ExitCode {
        Console.error("error: \(error)")
        if let help { Console.error("help: \(help)") }
        return ExitCode(error.exitStatus)
    }

    static func parseOverrides(_ pairs: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("--set takes NAME=VALUE, found '\(pair)'")
            }
            // A value becomes part of recorded lines: a line break would split one.
            guard !pair.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw ValidationError("--set values cannot hold line breaks or other control characters")
            }
            result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return result
    }
}

struct Prompt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Start the prompt (the default). With piped input, run its lines as a script.")

    @Option(name: .long, help: ArgumentHelp("Record into sessions/NAME.mlw (resumed if it exists).", valueName: "NAME"))
    var session: String?

    func run() throws {
        Console.prepareProcess()
        let path = sessionPath()
        let existed = FileManager.default.fileExists(atPath: path)
        let interactive = Terminal.isInteractive
        let renderer = Terminal.renderer
        let journal: JournalFile
        do {
            journal = try JournalFile(path: path, header: "# mlw session, started \(ISO8601DateFormatter().string(from: Date())), \(Fingerprint.headerTag)")
        } catch let error as EngineError {
            throw Terminal.fail(error)
        }
        if let torn = journal.setAside {
            Console.error(renderer.renderError("warning: the last line of \(path) was cut short when it was written, so it is not run: \(torn.debugDescription)\n"
                                               + "help: it is kept in the file as a comment; type the step again if you need it"))
        }
        let live = Session(journal: journal)
        if existed {
            let skipped = try resume(path, into: live, renderer: renderer)
            if !skipped.isEmpty {
                Console.out(renderer.render(.init([.note("not run again on resume: \(Plural.count(skipped.count, "step")) that write\(skipped.count == 1 ? "s" : "") files ("
                                                        + skipped.prefix(3).joined(separator: "; ") + (skipped.count > 3 ? "; …" : "") + ")")])))
            }
        }
        if interactive {
            Console.out("mlw \(ModelBundle.mlwVersion): recording to \(path)" + (existed ? " (resumed \(Plural.count(live.recorded.count, "step")))" : "")
                        + ". 'help' lists commands; Ctrl-D quits.")
            let home = ProcessInfo.processInfo.environment["HOME"] ?? "."
            let history = ProcessInfo.processInfo.environment["MLW_HISTORY"] ?? FilePaths.join(home, ".mlw_history")
            let code = PromptLoop(session: live, renderer: renderer, historyPath: history).run()
            if code != 0 { throw ExitCode(code) }
            return
        }
        // Piped input: each line runs as at the prompt and is recorded the same way; the
        // first error stops it, located as <stdin>:LINE.
        let loop = StepLoop(session: live, renderer: renderer)
        var number = 0
        while let line = readLine(strippingNewline: true) {
            number += 1
            let outcome = loop.step(line)
            let (output, error) = loop.report(outcome, line: line, location: "<stdin>:\(number)")
            if let output { Console.out(output) }
            if let error { Console.error(error) }
            if let status = outcome.exitStatus {
                if status == 0 { return }
                throw ExitCode(status)
            }
        }
    }

    /// Rebuilds the workspace by replaying (and verifying) the recorded steps, then keeps
    /// recording after them. Steps that write files are not run again.
    /// - Returns: the texts of the steps not run again.
    private func resume(_ path: String, into live: Session, renderer: OutputRenderer) throws -> [String] {
        let lines: [String]
        do { lines = try ScriptRunner.lines(of: path) } catch let error as EngineError {
            Console.error("error: cannot resume \(path): \(error)")
            throw ExitCode(error.exitStatus)
        }
        let replayed = Session()
        var runner = ScriptRunner(session: replayed, renderer: renderer, verify: true, print: nil, printError: Console.error)
        runner.skipsFileWrites = true
        var skipped: [String] = []
        runner.onSkip = { skipped.append($0) }
        // A long resume shows where it is, on a terminal only.
        let showsProgress = isatty(STDERR_FILENO) == 1
        var lastShown = DispatchTime.now().uptimeNanoseconds
        if showsProgress {
            runner.progress = { step, total in
                let now = DispatchTime.now().uptimeNanoseconds
                guard now - lastShown > 100_000_000 else { return }
                lastShown = now
                Console.errorText("\r\u{1B}[2Kresuming \(path): step \(step) of \(total)")
            }
        }
        let (code, _) = runner.run(lines: lines, source: path)
        if showsProgress { Console.errorText("\r\u{1B}[2K") }
        if code != .ok {
            // Most often the data changed since the steps were recorded: the session cannot be
            // continued as recorded, but its steps can be carried over to a new one.
            Console.error("""
                error: cannot resume \(path): replaying it does not give what it recorded (above)
                help: to carry its steps over to the data as it is now, in a new session:
                        mlw --session NEW < \(path)    then    mlw --session NEW
                      or start afresh with: mlw --session NEW
                """)
            throw ExitCode(code.rawValue)
        }
        live.adopt(replayed)
        return skipped
    }

    private func sessionPath() -> String {
        guard let session else {
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyyMMdd-HHmmss"
            return "sessions/session-\(formatter.string(from: Date())).mlw"
        }
        if session.contains("/") || session.hasSuffix(".mlw") { return session }
        return "sessions/\(session).mlw"
    }
}

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-run a recorded script headless.",
        discussion: "With --verify, every recorded fingerprint (#= ...) must be reproduced; the first difference is named and the exit status is 65.")

    @Argument(help: "The script (.mlw) to run.")
    var file: String

    @Flag(help: "Check the recorded fingerprints.")
    var verify = false

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a declared parameter (repeatable).", valueName: "NAME=VALUE"))
    var overrides: [String] = []

    @Flag(name: .shortAndLong, help: "Print only errors and the verification summary.")
    var quiet = false

    @Flag(help: "Print each step's wall time to standard error.")
    var timings = false

    func run() throws {
        Console.prepareProcess()
        let (_, verified) = try Terminal.runScript(file, overrides: overrides, verify: verify, timings: timings,
                                                   print: quiet ? nil : { Console.out($0) }, missing: "cannot read '\(file)'")
        if verify { Console.out("verified \(Plural.count(verified, "step")) of \(file): every fingerprint matches") }
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an exported pipeline: writes OUTDIR/metrics.json and the model bundle OUTDIR/model.",
        discussion: """
            When the pipeline's goal fails, metrics.json is written but the bundle is not, and
            the exit status is 3 (--force writes the bundle anyway, and still exits 3).
            """)

    @Argument(help: "The pipeline folder (holding pipeline.mlw).")
    var directory: String

    @Option(help: "Where to write the outputs (default: DIR/out).")
    var out: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a declared parameter (repeatable).", valueName: "NAME=VALUE"))
    var overrides: [String] = []

    @Flag(help: "Write the model bundle even when the model fails its goal.")
    var force = false

    @Flag(help: "Print each step's wall time to standard error.")
    var timings = false

    func run() throws {
        Console.prepareProcess()
        let script = FilePaths.join(directory, "pipeline.mlw")
        let (session, _) = try Terminal.runScript(script, overrides: overrides, verify: false, timings: timings, print: { Console.out($0) },
                                                  missing: "\(directory) is not a pipeline folder (cannot read pipeline.mlw)",
                                                  baseDirectory: FilePaths.absolute(directory))
        let outDirectory = out ?? FilePaths.join(directory, "out")
        let written: PipelineOutputs.Written
        do { written = try PipelineOutputs.write(session.workspace, to: outDirectory, force: force) } catch let error as EngineError {
            throw Terminal.fail(error)
        }
        if let failure = written.goalFailure {
            Console.error("error: \(failure)")
            if let bundle = written.bundle {
                Console.out("wrote \(written.metrics) and, as --force asked, the model bundle \(bundle)")
            } else {
                Console.out("wrote \(written.metrics); no model bundle, since the model failed its goal (--force writes it anyway)")
            }
            throw ExitCode(PipelineOutputs.goalFailedStatus)
        }
        Console.out("wrote \(written.metrics) and the model bundle \(written.bundle ?? "")")
    }
}

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a CSV file with a model bundle, applying the preparation it was trained with.")

    @Argument(help: "The model bundle folder.")
    var bundle: String

    @Argument(help: "The input CSV file.")
    var input: String

    @Option(name: .shortAndLong, help: "Write the scored rows here (default: standard output).")
    var output: String?

    @Option(name: .customLong("on-error"),
            help: "A row that cannot be scored (a value that does not convert, a value a step refuses, a feature left missing): fail (stop, naming it), skip (leave it out) or null (keep it with an empty prediction).")
    var onError: RowErrorPolicy = .fail

    func run() throws {
        Console.prepareProcess()
        let result: ScoredRows
        do { result = try ModelBundle.predict(bundle: bundle, input: input, policy: onError) } catch ScoringError.row(let problem) {
            throw Terminal.fail(EngineError.input("\(input): \(problem.place): \(problem.text)"),
                                help: "--on-error skip leaves such rows out, --on-error null keeps them with an empty prediction")
        } catch let error as ScoringError {
            throw Terminal.fail(EngineError(error))
        }
        for line in Self.report(result, policy: onError) { Console.error(line) }
        let blocks = result.csvBlocks()
        guard let output else {
            for block in blocks { Console.outBytes(block) }
            return
        }
        do { try AtomicFile.write(blocks, to: output) } catch {
            Console.error("error: cannot write '\(output)': \(error.localizedDescription)")  // e.g. "No such file or directory"
            throw ExitCode(73)  // EX_CANTCREAT
        }
        Console.error("wrote \(Plural.count(result.rows.count, "prediction")) to \(output)")
    }

    /// What standard error says about rows that were not scored and levels never seen in
    /// training: counts, then the first few rows by line.
    static func report(_ result: ScoredRows, policy: RowErrorPolicy) -> [String] {
        var lines: [String] = []
        for (column, count) in result.unseenLevels.sorted(by: { $0.key < $1.key }) {
            lines.append("note: '\(column)': \(Plural.count(count, "row")) with a level not seen in training, encoded as the model's 'unseen' setting says")
        }
        guard !result.problems.isEmpty else { return lines }
        let rows = Set(result.problems.map(\.row))
        let what = policy == .skip ? "left out" : "given no prediction"
        lines.append("warning: \(Plural.count(rows.count, "row")) could not be scored and \(rows.count == 1 ? "was" : "were") \(what) (--on-error \(policy.rawValue)):")
        let shown = result.problems.prefix(10)
        for problem in shown {
            let place = problem.line.map { "line \($0)" } ?? "row \(problem.row + 1)"
            lines.append("  \(place): \(problem.text)")
        }
        if result.problems.count > shown.count { lines.append("  … \(Plural.count(result.problems.count - shown.count, "more problem"))") }
        return lines
    }
}

extension RowErrorPolicy: ExpressibleByArgument {}
