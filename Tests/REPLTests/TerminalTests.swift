import Foundation
import Testing

/// Drives the real `mlw` binary at a real terminal (tmux), as a person would.
/// Needs `swift build` first (scripts/test does it) and tmux (.ci/run installs it).
@Suite(.serialized)
struct TerminalTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The builds to drive: debug always; release too when built (scripts/test builds it,
    /// and the first Ctrl-C bug showed only in the optimised build).
    static var binaries: [String] {
        ["debug", "release"].filter { FileManager.default.isExecutableFile(atPath: root + "/.build/\($0)/mlw") }
    }

    /// A tmux session running mlw in the repository, with its own history and session files.
    final class Screen {
        let name = "mlw-test-\(getpid())-\(UInt32.random(in: 0..<1_000_000))"
        let directory: String

        init(directory: String, arguments: String, build: String = "debug") throws {
            self.directory = directory
            let binary = TerminalTests.root + "/.build/\(build)/mlw"
            guard FileManager.default.isExecutableFile(atPath: binary) else {
                throw TestFailure("build mlw first (swift build): \(binary) is missing")
            }
            let command = "cd \(TerminalTests.root) && NO_COLOR=1 MLW_HISTORY=\(directory)/history \(binary) \(arguments)"
            try tmux(["new-session", "-d", "-s", name, "-x", "120", "-y", "50", command])
        }

        deinit { _ = try? tmux(["kill-server"]) }

        /// tmux on this screen's own server socket, so tests never share server state.
        @discardableResult
        func tmux(_ arguments: [String]) throws -> String { try Screen.tmux(["-L", name] + arguments) }

        /// Runs tmux and returns what it printed.
        @discardableResult
        static func tmux(_ arguments: [String]) throws -> String {
            let result = try Spawn.run("tmux", arguments)
            guard result.status == 0 else { throw TestFailure("tmux \(arguments.first ?? "") failed: \(result.error)") }
            return result.output
        }

        func type(_ keys: String...) throws { try tmux(["send-keys", "-t", name] + keys) }

        func typeLiteral(_ text: String) throws { try tmux(["send-keys", "-t", name, "-l", text]) }

        var contents: String { (try? tmux(["capture-pane", "-t", name, "-p", "-S", "-200"])) ?? "" }

        var isRunning: Bool { (try? tmux(["has-session", "-t", name])) != nil }

        /// Waits until the screen shows `text` (or the timeout passes).
        func waitFor(_ text: String, timeout: Double = 10) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if contents.contains(text) { return true }
                usleep(50_000)
            }
            return false
        }

        /// Waits until `text` is on screen and a fresh, empty prompt follows it. Keys sent
        /// before then can reach a terminal in cooked mode while a command runs, where Ctrl-D
        /// is the tty's end-of-file character and is lost, so tests wait for this first.
        func waitForPrompt(after text: String, timeout: Double = 10) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                let screen = contents
                if let found = screen.range(of: text, options: .backwards) {
                    let rest = screen[found.upperBound...]
                    let lines = rest.split(separator: "\n")
                    if rest.contains("\n"), lines.last == "mlw>" { return true }
                }
                usleep(50_000)
            }
            return false
        }

        func waitForExit(timeout: Double = 10) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if !isRunning { return true }
                usleep(50_000)
            }
            return false
        }
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "mlw-terminal-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test(arguments: binaries)
    func completionCancelUnicodeAndHistory(build: String) throws {
        let directory = Self.temporaryDirectory()
        let screen = try Screen(directory: directory, arguments: "--session \(directory)/s.mlw", build: build)
        #expect(screen.waitFor("mlw>"))  // capture-pane trims the trailing space
        // Ctrl-C on an empty line only gives a fresh prompt (it once ended mlw).
        try screen.type("C-c")
        #expect(screen.waitFor("mlw> ^C"))
        usleep(200_000)
        #expect(screen.isRunning)
        // TAB completes a path, then a command name.
        try screen.typeLiteral("load datasets/ir")
        try screen.type("Tab")
        #expect(screen.waitFor("load datasets/iris.csv"))
        try screen.type("Enter")
        #expect(screen.waitForPrompt(after: "loaded iris: 150 rows"))
        try screen.typeLiteral("descr")
        try screen.type("Tab")
        #expect(screen.waitFor("mlw> describe"))
        // Ctrl-C abandons the line: nothing runs, a fresh prompt appears.
        try screen.type("C-c")
        #expect(screen.waitFor("mlw> describe ^C"), "screen:\n\(screen.contents)")
        // UTF-8 names go through the line editor intact.
        try screen.typeLiteral("derive größe = petal_length * 2")
        try screen.type("Enter")
        #expect(screen.waitForPrompt(after: "added größe (number, 0 missing)"))
        // A bad command gets a diagnostic and the prompt stays.
        try screen.typeLiteral("descrbe")
        try screen.type("Enter")
        #expect(screen.waitForPrompt(after: "did you mean 'describe'?"))
        try screen.type("C-d")
        #expect(screen.waitForExit())
        #expect(!screen.contents.contains("sepal_length  150"), "the cancelled describe must not run")

        let journal = try String(contentsOfFile: directory + "/s.mlw", encoding: .utf8)
        #expect(journal.contains("load \"datasets/iris.csv\" as iris"))
        #expect(journal.contains("derive größe = petal_length * 2"))
        #expect(!journal.contains("describe"))
        let history = try String(contentsOfFile: directory + "/history", encoding: .utf8)
        // libedit's history format writes spaces as \040.
        #expect(history.replacingOccurrences(of: "\\040", with: " ").contains("load datasets/iris.csv"))

        // A second run recalls history with Up, and resumes the session's workspace.
        let again = try Screen(directory: directory, arguments: "--session \(directory)/s.mlw", build: build)
        #expect(again.waitForPrompt(after: "resumed"))
        try again.type("Up")
        #expect(again.waitFor("mlw> descrbe"))
        try again.type("C-u")
        try again.typeLiteral("schema")
        try again.type("Enter")
        #expect(again.waitForPrompt(after: "größe"))
        try again.type("C-d")
        #expect(again.waitForExit())
    }

    /// A 3.6-million-row file: loading it takes a while, seconds in a debug build.
    static func writeBigCSV(in directory: String) throws -> String {
        var body = ""
        for i in 0..<300_000 { body += "\(i),\(i % 97).5,\(i % 13)\n" }
        let big = directory + "/big.csv"
        guard FileManager.default.createFile(atPath: big, contents: Data("a,b,c\n".utf8)) else {
            throw TestFailure("cannot create \(big)")
        }
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
        try file.seekToEnd()
        for _ in 0..<12 { file.write(Data(body.utf8)) }
        try file.close()
        return big
    }

    /// Starts mlw with a fresh session and history and types `load BIG as big`.
    static func startLoadingBigFile(build: String = "debug") throws -> (screen: Screen, directory: String, big: String) {
        let directory = temporaryDirectory()
        let big = try writeBigCSV(in: directory)
        let screen = try Screen(directory: directory, arguments: "--session \(directory)/s.mlw", build: build)
        #expect(screen.waitFor("mlw>"))  // capture-pane trims the trailing space
        try screen.typeLiteral("load \(big) as big")
        try screen.type("Enter")
        return (screen, directory, big)
    }

    @Test
    func ctrlDTypedWhileACommandRunsQuitsAfterIt() throws {
        let (screen, directory, big) = try Self.startLoadingBigFile()
        usleep(300_000)
        try screen.type("C-d")  // typed ahead while the (debug, slow) load runs
        #expect(screen.waitForExit(timeout: 30), "Ctrl-D typed ahead was lost; the screen shows:\n\(screen.contents)")
        let journal = (try? String(contentsOfFile: directory + "/s.mlw", encoding: .utf8)) ?? ""
        #expect(journal.contains("load \"\(big)\" as big") || journal.contains("load \(big) as big"), "journal:\n\(journal)")
    }

    @Test
    func ctrlCGivesThePromptBackFromAStepThatDoesNotPoll() throws {
        let (screen, directory, _) = try Self.startLoadingBigFile()
        #expect(screen.waitForPrompt(after: "loaded big", timeout: 60))
        // filter has no polling of its own; on 3.6M rows in a debug build it takes seconds.
        try screen.typeLiteral("filter a > 5")
        #expect(screen.waitFor("mlw> filter a > 5"))  // read by the line editor, so Enter starts it
        try screen.type("Enter")
        usleep(300_000)
        try screen.type("C-c")
        let pressed = Date()
        #expect(screen.waitForPrompt(after: "interrupted: nothing changed"), "screen:\n\(screen.contents)")
        #expect(Date().timeIntervalSince(pressed) < 3, "the prompt should come back at once")
        try screen.typeLiteral("tables")
        try screen.type("Enter")
        #expect(screen.waitForPrompt(after: "* big  3600000"), "the filter must not have applied:\n\(screen.contents)")
        try screen.type("C-d")
        #expect(screen.waitForExit())
        let journal = (try? String(contentsOfFile: directory + "/s.mlw", encoding: .utf8)) ?? ""
        #expect(!journal.contains("filter"))
    }

    @Test(arguments: binaries)
    func ctrlCInterruptsALongLoadAndChangesNothing(build: String) throws {
        let (screen, directory, big) = try Self.startLoadingBigFile(build: build)
        usleep(150_000)
        try screen.type("C-c")
        // A release build may finish before the Ctrl-C arrives; either way must end well.
        _ = screen.waitForPrompt(after: "load \(big) as big", timeout: 20)
        let interrupted = screen.contents.contains("interrupted: nothing changed")
        let finished = screen.contents.contains("loaded big")
        #expect(interrupted || finished, "the load neither finished nor reported the interrupt")
        try screen.typeLiteral("tables")
        try screen.type("Enter")
        #expect(screen.waitForPrompt(after: interrupted ? "no tables yet" : "* big  3600000"), "screen:\n\(screen.contents)")
        if interrupted {
            let journal = (try? String(contentsOfFile: directory + "/s.mlw", encoding: .utf8)) ?? ""
            #expect(!journal.contains("load"))
        }
        try screen.type("C-d")
        #expect(screen.waitForExit(), "mlw did not exit on Ctrl-D; the screen shows:\n\(screen.contents)")
    }

    /// A long load shows a bar with its rows and rate on the terminal, which is gone when
    /// the table is loaded. (Piped runs show none: their standard error is not a terminal.)
    @Test
    func longLoadsShowAProgressBarThatGoesAway() throws {
        let (screen, _, big) = try Self.startLoadingBigFile()
        #expect(screen.waitFor("rows/s", timeout: 20), "no progress bar; the screen shows:\n\(screen.contents)")
        #expect(screen.contents.contains("loading big.csv  "), "\(big)")
        #expect(screen.waitForPrompt(after: "loaded big", timeout: 60))
        #expect(!screen.contents.contains("rows/s"), "the bar stayed; the screen shows:\n\(screen.contents)")
        try screen.type("C-d")
        #expect(screen.waitForExit())
    }
}
