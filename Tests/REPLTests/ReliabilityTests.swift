import Foundation
import Testing

/// The real binary under the conditions that tore sessions or crashed it (issue 5): a full
/// disk, standard output that cannot be written, two processes on one session, kill -9
/// mid-session, resuming, and the exit statuses scripts depend on.
@Suite(.serialized)
struct ReliabilityTests {
    static let binary = CommandLineTests.binary

    func mlw(_ arguments: [String], input: String = "", output: Spawn.Output = .captured) throws -> Spawn.Result {
        try Spawn.run(Self.binary, arguments, directory: TerminalTests.root, input: input, output: output)
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    func verifies(_ session: String) throws -> Bool {
        let replay = try mlw(["replay", session, "--verify", "--quiet"])
        if replay.status != 0 { Issue.record("replay --verify of \(session): \(replay.error)") }
        return replay.status == 0
    }

    @Test func unwritableStandardOutputEndsWithStatus74AndEveryStepSaved() throws {
        let session = TerminalTests.temporaryDirectory() + "/s.mlw"
        let result = try mlw(["--session", session], input: "load datasets/iris.csv\ndescribe\nhead\n", output: .file("/dev/full"))
        #expect(result.status == 74)
        #expect(result.error.contains("error: cannot write to standard output: No space left on device; every recorded step is saved"))
        #expect(try lines(session).filter { $0.hasPrefix("load ") }.count == 1)
        #expect(!FileManager.default.fileExists(atPath: session + ".lock"))  // removed at exit() too
        #expect(try verifies(session))
    }

    /// A file-size limit stands in for a full disk: the step that cannot be written is
    /// refused with its reason and no part of its line stays in the file.
    @Test func aFullDiskRefusesTheStepAndLeavesTheFileWhole() throws {
        let directory = TerminalTests.temporaryDirectory()
        let session = directory + "/s.mlw"
        let script = "load datasets/iris.csv\n" + (1...40).map { "derive c\($0) = sepal_length * \($0)\n" }.joined()
        let result = try Spawn.run("/bin/sh", ["-c", "ulimit -f 2; exec \"$0\" --session \"$1\"", Self.binary, session],
                                   directory: TerminalTests.root, input: script, output: .file("/dev/null"))
        #expect(result.status == 74, "\(result.error)")
        #expect(result.error.contains("cannot write the session file '\(session)': File too large; the step was not applied"), "\(result.error)")
        let text = try String(contentsOfFile: session, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        let derived = text.split(separator: "\n").filter { $0.hasPrefix("derive ") }
        #expect(derived.count > 3 && derived.count < 40)
        #expect(derived.allSatisfy { $0.contains("  #= rows=150 cols=") && $0.contains(" data=") })
        #expect(try verifies(session))
    }

    @Test func oneProcessRecordsASessionAtATime() throws {
        let session = TerminalTests.temporaryDirectory() + "/shared.mlw"
        // The first holds the session while its input stays open.
        let first = try Spawn.launch("/bin/sh", ["-c", "(printf 'load datasets/iris.csv\\n'; sleep 3; printf 'describe\\n') | exec \"$0\" --session \"$1\"",
                                                 Self.binary, session], directory: TerminalTests.root)
        var waited = 0
        while (try? String(contentsOfFile: session, encoding: .utf8))?.contains("load ") != true, waited < 100 { usleep(50_000); waited += 1 }
        let second = try mlw(["--session", session], input: "load datasets/penguins.csv\n")
        #expect(second.status == 75)
        #expect(second.error.contains("the session '\(session)' is open in another mlw (pid "), "\(second.error)")
        let finished = first.wait()
        #expect(finished.status == 0, "\(finished.error)")
        let recorded = try lines(session).filter { !$0.isEmpty && !$0.hasPrefix("#") }
        #expect(recorded.count == 2 && recorded[0].hasPrefix("load \"datasets/iris.csv\"") && recorded[1] == "describe")
        // Once it has ended, the session is free again.
        #expect(try mlw(["--session", session], input: "schema\n").status == 0)
    }

    /// kill -9 at random moments: whatever was recorded resumes and verifies.
    @Test func killedMidSessionLosesNoRecordedStepAndResumes() throws {
        let session = TerminalTests.temporaryDirectory() + "/killed.mlw"
        let script = "load datasets/iris.csv\n" + (1...300).map { "derive c\($0 % 7) = sepal_length * \($0)\n" }.joined()
        var generator = SystemRandomNumberGenerator()
        var recordedBefore = 0
        for _ in 0..<6 {
            let child = try Spawn.launch(Self.binary, ["--session", session], directory: TerminalTests.root, input: script)
            usleep(UInt32.random(in: 30_000...400_000, using: &generator))
            kill(child.pid, SIGKILL)
            _ = child.wait()
            let resumed = try mlw(["--session", session], input: "")
            #expect(resumed.status == 0, "resume after kill -9: \(resumed.error)")
            let recorded = try lines(session).filter { $0.hasPrefix("derive ") || $0.hasPrefix("load ") }.count
            #expect(recorded >= recordedBefore)
            recordedBefore = recorded
        }
        #expect(try verifies(session))
    }

    @Test func resumingRunsNoFileWritingStepAgainAndSetsATornLineAside() throws {
        let directory = TerminalTests.temporaryDirectory()
        let session = directory + "/s.mlw"
        let script = "load datasets/iris.csv\ntarget species\nsplit 0.8 stratify seed=1\ntrain logistic\nevaluate\n"
            + "export model logistic to \"\(directory)/bundle\"\nsave metrics to \"\(directory)/m.json\"\n"
        #expect(try mlw(["--session", session], input: script).status == 0)
        try "the user's own".write(toFile: directory + "/m.json", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: directory + "/bundle/model.json")
        // A last line cut short when it was written (power loss while appending).
        let handle = try #require(FileHandle(forWritingAtPath: session))
        handle.seekToEndOfFile()
        handle.write(Data("derive q = sepal_length * 2  #= rows=1".utf8))
        handle.closeFile()
        let resumed = try mlw(["--session", session], input: "history\n")
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.output.contains("not run again on resume: 2 steps that write files (export model logistic to"))
        #expect(resumed.error.contains("warning: the last line of \(session) was cut short when it was written, so it is not run"))
        #expect(try String(contentsOfFile: directory + "/m.json", encoding: .utf8) == "the user's own")
        #expect(!FileManager.default.fileExists(atPath: directory + "/bundle/model.json"))
        let text = try lines(session)
        #expect(text.contains("# set aside by mlw: this line was cut short when it was written, so it is not run: derive q = sepal_length * 2  #= rows=1"))
        #expect(!text.contains { $0.hasPrefix("derive q") })
        #expect(try verifies(session))
    }

    @Test func aPipelineWhoseModelFailsItsGoalExitsThreeAndWritesNoBundle() throws {
        let directory = TerminalTests.temporaryDirectory()
        let script = "load datasets/iris.csv\ntarget species\ngoal accuracy >= 0.99\nsplit 0.8 stratify seed=1\ntrain logistic weak l2=1000\n"
            + "export pipeline to \"\(directory)/p\"\nexport model weak to \"\(directory)/refused\"\n"
        let session = try mlw(["--session", directory + "/s.mlw"], input: script)
        #expect(session.status == 65)
        #expect(session.error.contains("'weak' fails its goal: accuracy is 0.7, the goal is accuracy >= 0.99"), "\(session.error)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/refused"))
        let run = try mlw(["run", directory + "/p", "--out", directory + "/out"])
        #expect(run.status == 3)
        #expect(run.error.contains("error: 'weak' fails its goal: accuracy is 0.7"))
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/out/metrics.json"))) as! [String: Any]
        let goal = (metrics["models"] as! [[String: Any]])[0]["goal"] as! [String: Any]
        #expect(goal["passed"] as? Bool == false)
        #expect(!FileManager.default.fileExists(atPath: directory + "/out/model"))
        let forced = try mlw(["run", directory + "/p", "--out", directory + "/forced", "--force"])
        #expect(forced.status == 3)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/forced/model/manifest.json"))) as! [String: Any]
        #expect(manifest["goal_met"] as? Bool == false)
    }

    @Test func exitStatusesAndMessagesAreTheDocumentedOnes() throws {
        let directory = TerminalTests.temporaryDirectory()
        // A missing input file is 66 (EX_NOINPUT), from a script and from predict.
        let missing = try mlw(["--session", directory + "/m.mlw"], input: "load datasets/nothing.csv\n")
        #expect(missing.status == 66)
        #expect(try mlw(["predict", directory + "/no-bundle", "datasets/iris.csv"]).status == 66)
        #expect(try mlw(["--session", directory + "/t.mlw"], input: "load datasets/iris.csv\ntarget species\ntrain logistic\nexport model logistic to \"\(directory)/b\"\n").status == 0)
        #expect(try mlw(["predict", directory + "/b", directory + "/absent.csv"]).status == 66)
        // /dev/stdin is a path like any other.
        let iris = try String(contentsOfFile: TerminalTests.root + "/datasets/iris.csv", encoding: .utf8)
        let piped = try mlw(["predict", directory + "/b", "/dev/stdin"], input: iris)
        #expect(piped.status == 0 && piped.output.split(separator: "\n").count == 151, "\(piped.error)")
        // An output that cannot be created is 73 with the system's reason, not a raw NSError.
        try "load datasets/iris.csv\ntarget species\nsplit 0.8 seed=1\ntrain logistic\nevaluate\n".write(toFile: directory + "/pipe.mlw", atomically: true, encoding: .utf8)
        #expect(try mlw(["--session", directory + "/pp.mlw"], input: "load datasets/iris.csv\ntarget species\nsplit 0.8 seed=1\ntrain logistic\nexport pipeline to \"\(directory)/p\"\n").status == 0)
        let proc = try mlw(["run", directory + "/p", "--out", "/proc/mlw-cannot-write-here"])
        #expect(proc.status == 73)
        #expect(proc.error.hasPrefix("error: cannot write '/proc/mlw-cannot-write-here/metrics.json': "), "\(proc.error)")
        #expect(!proc.error.contains("Domain="))
        // --set of a name the script does not declare, or does not read, is refused.
        let undeclared = try mlw(["run", directory + "/p", "--set", "dat=x.csv"])
        #expect(undeclared.status == 64)
        #expect(undeclared.error.contains("--set dat: the script declares no parameter 'dat' (it declares data)"))
        try "param data = \"datasets/iris.csv\"\nload \"datasets/iris.csv\"\n".write(toFile: directory + "/unread.mlw", atomically: true, encoding: .utf8)
        let unread = try mlw(["replay", directory + "/unread.mlw", "--set", "data=other.csv"])
        #expect(unread.status == 64)
        #expect(unread.error.contains("--set data would change nothing: no step reads $data"))
        // A session file that is not UTF-8 is refused with a message.
        try Data([0x6C, 0x6F, 0x61, 0x64, 0x20, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: directory + "/binary.mlw"))
        let binary = try mlw(["--session", directory + "/binary.mlw"])
        #expect(binary.status == 65)
        #expect(binary.error.contains("is not UTF-8 text"))
        // Errors come after the output that preceded them, in one stream.
        let merged = try mlw(["--session", directory + "/o.mlw"], input: "load datasets/iris.csv\nderive\n", output: .merged)
        let loaded = merged.output.range(of: "loaded iris"), failed = merged.output.range(of: "<stdin>:2: error:")
        #expect(loaded != nil && failed != nil && loaded!.lowerBound < failed!.lowerBound, "\(merged.output)")
    }
}
