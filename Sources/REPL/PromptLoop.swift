import CommandLanguage
import Engine
import Foundation
import Tabular

/// The interactive loop: read a line, run it through the step loop, show the result.
public struct PromptLoop {
    public var session: Session
    public var renderer: OutputRenderer
    public var historyPath: String?

    public init(session: Session, renderer: OutputRenderer, historyPath: String?) {
        self.session = session
        self.renderer = renderer
        self.historyPath = historyPath
    }

    /// Reads and runs lines until Ctrl-D or `quit`.
    /// - Returns: the process exit status.
    public func run() -> Int32 {
        let session = self.session
        guard let editor = LineEditor(historyPath: historyPath, completer: { prefix in
            Completer.complete(prefix, context: PromptLoop.completionContext(session.workspace))
        }) else {
            fputs("error: cannot start the line editor\n", stderr)
            return 70
        }
        session.isCancelled = { LineEditor.interruptRequested() }
        session.abandonsOnInterrupt = true
        session.clearInterrupt = { LineEditor.clearInterrupt() }
        if isatty(STDERR_FILENO) == 1 {
            let fallback = renderer.width
            session.progress = TerminalProgress(width: { Self.terminalWidth() ?? fallback }, ascii: renderer.ascii)
        }
        let loop = StepLoop(session: session, renderer: renderer)
        // \u{1} brackets the colour codes so libedit does not count them as columns.
        editor.setPrompt(renderer.colors ? "\u{1}\u{1B}[1;34m\u{1}mlw>\u{1}\u{1B}[0m\u{1} " : "mlw> ")
        defer { editor.saveHistory() }
        while true {
            switch editor.readLine() {
            case .endOfInput:
                Console.out("")
                return 0
            case .interrupted:
                Console.out("^C")
                continue
            case .line(let line):
                editor.remember(line)
                LineEditor.clearInterrupt()
                // The width is read again for every step: the terminal may have been resized.
                loop.renderer.width = Self.terminalWidth() ?? loop.renderer.width
                let outcome = editor.whileRunningCommand { loop.step(line) }
                if case .quit = outcome { return 0 }
                // At the prompt everything goes to the terminal; the terminal echoed ^C without a newline.
                let (output, error) = loop.report(outcome, line: line)
                if let output { Console.out(output) }
                if let error { Console.out((outcome.isInterrupted ? "\n" : "") + error) }
                editor.saveHistory()
            }
        }
    }

    /// The terminal's width in columns, when standard output is a terminal.
    static func terminalWidth() -> Int? {
        var size = winsize()
        return ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : nil
    }

    /// Names valid now, and file paths, for TAB completion.
    public static func completionContext(_ workspace: Workspace) -> CompletionContext {
        CompletionContext(
            tables: workspace.tables.map(\.name),
            columns: workspace.currentTable?.columnNames ?? [],
            models: workspace.models.map(\.name),
            listPaths: { partial in
                let directory = partial.hasSuffix("/") ? partial : FilePaths.directory(of: partial)
                let listed = directory.isEmpty ? "." : directory
                guard let entries = try? FileManager.default.contentsOfDirectory(atPath: FilePaths.expandingTilde(listed)) else { return [] }
                return entries.filter { !$0.hasPrefix(".") || partial.hasSuffix("/.") }.map { entry in
                    let full = directory.isEmpty ? entry : (directory.hasSuffix("/") ? directory + entry : directory + "/" + entry)
                    var isDirectory: ObjCBool = false
                    _ = FileManager.default.fileExists(atPath: FilePaths.expandingTilde(full), isDirectory: &isDirectory)
                    return isDirectory.boolValue ? full + "/" : full
                }
            })
    }
}

extension StepLoop.Outcome {
    var isInterrupted: Bool { if case .interrupted = self { return true }; return false }
}
