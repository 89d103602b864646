import Foundation
import Testing

/// The `mlw` command line as scripts and schedulers use it: exit codes, files written.
struct CommandLineTests {
    static let binary = TerminalTests.root + "/.build/debug/mlw"

    /// Runs mlw in the repository root; returns exit status, standard output and error.
    func mlw(_ arguments: [String], input: String = "") throws -> (status: Int32, out: String, err: String) {
        let result = try Spawn.run(Self.binary, arguments, directory: TerminalTests.root, input: input)
        return (result.status, result.output, result.error)
    }

    @Test func pipedSessionReplaysExportsAndPredicts() throws {
        let directory = TerminalTests.temporaryDirectory()
        let script = """
        load datasets/penguins.csv
        describe
        target species
        split 0.75 stratify seed=9
        impute numeric with median
        impute categorical with mode
        encode onehot categorical
        train logistic
        evaluate
        export model logistic to "\(directory)/model"
        export pipeline to "\(directory)/pipeline"
        predict logistic on penguins to "\(directory)/prompt.csv"
        """
        // penguins is prepared by now, so predict must refuse it: the last line fails.
        let piped = try mlw(["--session", directory + "/s.mlw"], input: script)
        #expect(piped.status == 65)
        #expect(piped.err.contains("<stdin>:12: error: 'penguins' has been changed since it was loaded"))
        #expect(piped.out.contains("trained logistic (logistic)"))

        let replay = try mlw(["replay", directory + "/s.mlw", "--verify", "--quiet"])
        #expect(replay.status == 0, "\(replay.err)")
        #expect(replay.out.contains("every fingerprint matches"))

        let run = try mlw(["run", directory + "/pipeline", "--out", directory + "/run"])
        #expect(run.status == 0, "\(run.err)")
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/run/metrics.json"))) as! [String: Any]
        let models = metrics["models"] as! [[String: Any]]
        #expect(models.first?["name"] as? String == "logistic")

        let predict = try mlw(["predict", directory + "/model", "datasets/penguins.csv", "-o", directory + "/scored.csv"])
        #expect(predict.status == 0, "\(predict.err)")
        let scored = try String(contentsOfFile: directory + "/scored.csv", encoding: .utf8).components(separatedBy: "\n")
        #expect(scored[0].hasSuffix("prediction,probability_Adelie,probability_Chinstrap,probability_Gentoo"))
        #expect(scored.filter { !$0.isEmpty }.count == 345)

        // The pipeline retrains on other data through its parameter, from any directory:
        // its own paths are relative to its folder, a --set path to where mlw runs.
        let subset = directory + "/subset.csv"
        let rows = try String(contentsOfFile: TerminalTests.root + "/datasets/penguins.csv", encoding: .utf8).components(separatedBy: "\n")
        try (rows.prefix(250).joined(separator: "\n") + "\n").write(toFile: subset, atomically: true, encoding: .utf8)
        let elsewhere = try Spawn.run(Self.binary, ["run", "pipeline", "--set", "data=subset.csv", "--out", "rerun"], directory: directory)
        #expect(elsewhere.status == 0, "\(elsewhere.error)")
        #expect(FileManager.default.fileExists(atPath: directory + "/rerun/model/manifest.json"))
        let defaults = try Spawn.run(Self.binary, ["run", directory + "/pipeline", "--out", directory + "/again"], directory: "/")
        #expect(defaults.status == 0, "\(defaults.error)")
        let again = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/again/metrics.json"))) as! [String: Any]
        #expect((again["models"] as! [[String: Any]]).first?["metrics"] as? NSDictionary == models.first?["metrics"] as? NSDictionary)
    }

    @Test func failuresHaveSysexitsCodesAndLocations() throws {
        let directory = TerminalTests.temporaryDirectory()
        #expect(try mlw(["replay", directory + "/missing.mlw"]).status == 66)
        try "load datasets/iris.csv\nderive r = sepal_length / sepal_widht\n".write(toFile: directory + "/bad.mlw", atomically: true, encoding: .utf8)
        let bad = try mlw(["replay", directory + "/bad.mlw"])
        #expect(bad.status == 65)
        #expect(bad.err.contains("bad.mlw:2: error: no column 'sepal_widht' in 'iris'"))
        #expect(bad.err.contains("help: did you mean 'sepal_width'?"))
        #expect(try mlw(["predict", directory, "datasets/iris.csv"]).status == 65)
        #expect(try mlw(["run", directory]).status == 66)
        #expect(try mlw(["replay", "--set", "novalue", directory + "/bad.mlw"]).status == 64)

        // A script with undo replays (replay keeps undo history only when an undo follows).
        let undoing = "load datasets/iris.csv\nderive r = petal_length / petal_width\nundo\nderive s = sepal_length * 2\n"
        #expect(try mlw(["--session", directory + "/undoing.mlw"], input: undoing).status == 0)
        let replayed = try mlw(["replay", directory + "/undoing.mlw", "--verify"])
        #expect(replayed.status == 0, "\(replayed.err)")
        #expect(replayed.out.contains("undid: derive r = petal_length / petal_width"), "\(replayed.out)")

        // A session whose data changed is not resumed, says why and how to go on, and is left intact.
        let data = directory + "/iris.csv"
        try String(contentsOfFile: TerminalTests.root + "/datasets/iris.csv", encoding: .utf8).write(toFile: data, atomically: true, encoding: .utf8)
        #expect(try mlw(["--session", directory + "/changing.mlw"], input: "load \"\(data)\"\ndescribe\n").status == 0)
        let recorded = try String(contentsOfFile: directory + "/changing.mlw", encoding: .utf8)
        try (String(contentsOfFile: data, encoding: .utf8) + "1,2,3,4,setosa\n").write(toFile: data, atomically: true, encoding: .utf8)
        let resumed = try mlw(["--session", directory + "/changing.mlw"])
        #expect(resumed.status == 65)
        #expect(resumed.err.contains("changing.mlw:2: verify failed at 'load \"\(data)\" as iris': the file has changed since it was recorded"), "\(resumed.err)")
        #expect(resumed.err.contains("mlw --session NEW < \(directory)/changing.mlw"))
        #expect(try String(contentsOfFile: directory + "/changing.mlw", encoding: .utf8) == recorded)

        // One-hot encoding that would not fit in memory is refused before it allocates: a
        // quarter of this machine's memory is the limit, so the file is sized to be 4 times over
        // (boolean indicators: a byte per row and category).
        let categories = 100_000
        let rowsNeeded = Int(ProcessInfo.processInfo.physicalMemory / UInt64(categories)) + 1
        var wide = "id,y\n"
        for i in 0..<rowsNeeded { wide += "u\(i % categories),\(i % 2)\n" }
        try wide.write(toFile: directory + "/wide.csv", atomically: true, encoding: .utf8)
        let refused = try mlw(["--session", directory + "/wide.mlw"], input: "load \"\(directory)/wide.csv\" as wide\nencode onehot id\n")
        #expect(refused.status == 65)
        #expect(refused.err.contains("<stdin>:2: error: one-hot encoding would add"), "\(refused.err)")
        #expect(refused.err.contains("'id' alone has 100000 categories"), "\(refused.err)")

        // A model trained without imputation cannot score a row with a gap, and says where it is.
        let train = "load datasets/iris.csv\ntarget species\ntrain logistic\nexport model logistic to \"\(directory)/iris\"\n"
        #expect(try mlw(["--session", directory + "/iris.mlw"], input: train).status == 0)
        let gappy = "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n4.9,3.0,1.4,0.2\n5.0,,1.4,0.2\n"
        try gappy.write(toFile: directory + "/gappy.csv", atomically: true, encoding: .utf8)
        let scored = try mlw(["predict", directory + "/iris", directory + "/gappy.csv"])
        #expect(scored.status == 65)
        #expect(scored.err.contains("gappy.csv: line 4 (row 3): feature 'sepal_width' is missing"), "\(scored.err)")
        #expect(scored.err.contains("help: --on-error skip leaves such rows out"))
        // The other rows can be scored: left out, or kept with an empty prediction.
        let skipped = try mlw(["predict", directory + "/iris", directory + "/gappy.csv", "--on-error", "skip"])
        #expect(skipped.status == 0)
        #expect(skipped.out.split(separator: "\n").count == 3 && skipped.out.contains("5.1,3.5,1.4,0.2,setosa"), "\(skipped.out)")
        #expect(skipped.err.contains("1 row could not be scored and was left out (--on-error skip):\n  line 4: feature 'sepal_width' is missing"), "\(skipped.err)")
        let nulled = try mlw(["predict", directory + "/iris", directory + "/gappy.csv", "--on-error", "null"])
        #expect(nulled.status == 0)
        #expect(nulled.out.hasSuffix("\n5.0,,1.4,0.2,,,,\n"), "\(nulled.out)")
        let unwritable = try mlw(["predict", directory + "/iris", "datasets/iris.csv", "-o", directory + "/no/such/folder/out.csv"])
        #expect(unwritable.status == 73)
        #expect(unwritable.err.contains("cannot write '\(directory)/no/such/folder/out.csv': No such file or directory"), "\(unwritable.err)")
    }
}
