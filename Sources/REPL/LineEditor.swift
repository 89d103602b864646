import CEditLine
import CInterrupt
import CommandLanguage
import Foundation

/// The libedit prompt: line editing, persistent history, Ctrl-R search and TAB completion.
public final class LineEditor {
    /// What one read from the terminal produced.
    public enum ReadResult {
        case line(String)
        case interrupted
        case endOfInput
    }

    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private let historyPath: String?

    /// Completes the line prefix: the partial word and its candidates.
    nonisolated(unsafe) static var completer: ((String) -> (partial: String, candidates: [String]))?

    public init?(historyPath: String?, completer: @escaping (String) -> (partial: String, candidates: [String])) {
        setlocale(LC_CTYPE, "")  // without it libedit drops non-ASCII input
        guard let el = mlw_el_init(CommandLine.arguments.first ?? "mlw"), let h = mlw_history_init(1000) else { return nil }
        editLine = el
        history = h
        self.historyPath = historyPath
        LineEditor.completer = completer
        mlw_el_set_history(el, h)
        mlw_el_add_function(el, "mlw-complete", "complete the word", lineEditorComplete)
        mlw_el_bind(el, "^I", "mlw-complete")
        mlw_el_bind(el, "^R", "em-inc-search-prev")
        if let historyPath { _ = mlw_history_load(h, historyPath) }
        mlw_install_sigint()
    }

    deinit {
        el_end(editLine)
        history_end(history)
    }

    /// Sets the prompt; bracket non-printing sequences with \u{1}.
    public func setPrompt(_ prompt: String) { mlw_set_prompt_text(prompt) }

    /// Reads one line with editing; Ctrl-C gives `.interrupted`, Ctrl-D `.endOfInput`.
    public func readLine() -> ReadResult {
        _ = mlw_take_interrupt()
        var count: Int32 = 0
        let pointer = el_gets(editLine, &count)
        let readError = count < 0 ? errno : 0
        // Ctrl-C: our handler set the flag, and the read failed with EINTR.
        if mlw_take_interrupt() != 0 || readError == EINTR {
            el_reset(editLine)
            return .interrupted
        }
        guard let pointer, count > 0 else { return .endOfInput }
        var line = String(cString: pointer)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    /// Adds a non-blank line to the history.
    public func remember(_ line: String) {
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        _ = mlw_history_enter(history, line)
    }

    /// Saves history to a temporary file renamed over the old one, so a hang-up
    /// mid-save never leaves a truncated history.
    public func saveHistory() {
        guard let historyPath else { return }
        let temporary = historyPath + ".tmp-\(getpid())"
        if mlw_history_save(history, temporary) >= 0 {
            rename(temporary, historyPath)
        } else {
            unlink(temporary)
        }
    }

    /// Runs a command with the terminal out of canonical mode. libedit hands the terminal
    /// back in cooked mode between reads, where a Ctrl-D typed while a command runs is the
    /// tty's end-of-file character and vanishes; without canonical mode it stays queued as
    /// a key, so the next prompt sees it and quits as the user asked. Echo and Ctrl-C
    /// (ISIG) behave as in cooked mode.
    public func whileRunningCommand<Result>(_ body: () -> Result) -> Result {
        var cooked = termios()
        guard isatty(STDIN_FILENO) != 0, tcgetattr(STDIN_FILENO, &cooked) == 0 else { return body() }
        var running = cooked
        running.c_lflag &= ~tcflag_t(ICANON)
        withUnsafeMutableBytes(of: &running.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcsetattr(STDIN_FILENO, TCSANOW, &running)
        defer { tcsetattr(STDIN_FILENO, TCSANOW, &cooked) }
        return body()
    }

    /// True once Ctrl-C was pressed since the flag was last cleared.
    public static func interruptRequested() -> Bool { mlw_peek_interrupt() != 0 }

    /// Forgets a pending Ctrl-C (before running a command).
    public static func clearInterrupt() { _ = mlw_take_interrupt() }
}

/// TAB: insert the unique completion, or the longest common prefix, else list choices.
private func lineEditorComplete(_ el: OpaquePointer?, _ key: Int32) -> UInt8 {
    guard let el, let info = el_line(el), let completer = LineEditor.completer else { return UInt8(CC_ERROR) }
    let start = UnsafeRawPointer(info.pointee.buffer!)
    let cursor = UnsafeRawPointer(info.pointee.cursor!)
    let length = cursor - start
    let bytes = UnsafeBufferPointer(start: start.assumingMemoryBound(to: UInt8.self), count: length)
    let prefix = String(decoding: bytes, as: UTF8.self)
    let (partial, candidates) = completer(prefix)
    if candidates.isEmpty { return UInt8(CC_REFRESH_BEEP) }
    if candidates.count == 1 {
        let candidate = candidates[0]
        var rest = String(candidate.dropFirst(partial.count))
        if !(candidate.hasSuffix("/") || candidate.hasSuffix("=") || candidate.hasSuffix("(")) { rest += " " }
        el_insertstr(el, rest)
        return UInt8(CC_REFRESH)
    }
    let common = Completer.commonPrefix(candidates)
    if common.count > partial.count {
        el_insertstr(el, String(common.dropFirst(partial.count)))
        return UInt8(CC_REFRESH)
    }
    let shown = candidates.prefix(60)
    fputs("\n" + shown.joined(separator: "  ") + (candidates.count > 60 ? "  …" : "") + "\n", stdout)
    fflush(stdout)
    return UInt8(CC_REDISPLAY)
}
