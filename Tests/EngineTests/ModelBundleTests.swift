import CommandLanguage
import Foundation
import Scoring
import Tabular
import Testing
@testable import Engine

/// Bundles are data from files: every damaged, hand-edited or inconsistent one is refused
/// with a message naming the file and the fault, never indexed out of range.
@Suite(.serialized)
struct ModelBundleTests {
    /// A fresh penguins bundle with every kind of preparation step.
    func freshBundle() throws -> String {
        let directory = temporaryDirectory()
        try runAll(Session(), [
            "load datasets/penguins.csv", "target species", "split 0.8 stratify seed=7", "impute numeric with median",
            "impute categorical with mode", "derive ratio = bill_length_mm / bill_depth_mm", "drop year",
            "encode onehot categorical", "scale standard numeric", "train logistic",
            "export model logistic to \"\(directory)/b\""])
        return directory + "/b"
    }

    func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    /// Rewrites one file of a bundle and its line in SHA256SUMS, so that only the
    /// cross-reference checks can catch the change.
    func rewrite(_ bundle: String, _ file: String, _ change: (inout [String: Any]) -> Void) throws {
        var object = try json(bundle + "/" + file)
        change(&object)
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: bundle + "/" + file))
        var sums = ""
        for name in ["manifest.json", "model.json"] {
            sums += SHA256.hexDigest(of: [UInt8](try Data(contentsOf: URL(fileURLWithPath: bundle + "/" + name)))) + "  \(name)\n"
        }
        try sums.write(toFile: bundle + "/SHA256SUMS", atomically: true, encoding: .utf8)
    }

    func refusal(_ bundle: String) -> String? {
        do { _ = try ModelBundle.load(bundle); return nil } catch let error as ScoringError { return error.description } catch { return "\(error)" }
    }

    @Test func everyFileIsCoveredByItsHash() throws {
        let bundle = try freshBundle()
        #expect(FileManager.default.fileExists(atPath: bundle + "/SHA256SUMS"))
        #expect(refusal(bundle) == nil)
        // A class renamed, or a fitted mean shifted, in the manifest: refused.
        let manifest = try String(contentsOfFile: bundle + "/manifest.json", encoding: .utf8)
        try manifest.replacingOccurrences(of: "\"Gentoo\"", with: "\"Gentoo2\"").write(toFile: bundle + "/manifest.json", atomically: true, encoding: .utf8)
        #expect(refusal(bundle)?.contains("manifest.json' does not match its SHA-256 in SHA256SUMS") == true)
        try manifest.write(toFile: bundle + "/manifest.json", atomically: true, encoding: .utf8)
        #expect(refusal(bundle) == nil)
        try FileManager.default.removeItem(atPath: bundle + "/SHA256SUMS")
        #expect(refusal(bundle)?.contains("lacks SHA256SUMS") == true)
    }

    /// The faults found by mutating bundles (issue 5, item 6), each with checksums that match.
    @Test(arguments: [
        ("model.json", "coefficient row short", "coefficients in row 2"),
        ("model.json", "intercepts short", "coefficient rows and 2 intercepts"),
        ("model.json", "class_count 0", "has class_count 0"),
        ("model.json", "class_count huge", "has class_count 1000000000"),
        ("manifest.json", "task flipped", "says logistic (regression)"),
        ("manifest.json", "no features", "lists no features"),
        ("manifest.json", "classes cut", "lists 2 classes"),
        ("manifest.json", "scale deviation 0", "standard deviation is 0"),
        ("manifest.json", "impute fill of the wrong type", "does not suit the number column"),
        ("manifest.json", "onehot of a number column", "a number column"),
        ("manifest.json", "expression that does not parse", "does not parse"),
        ("manifest.json", "feature the preparation does not make", "which its preparation does not make"),
        ("manifest.json", "target among the inputs", "among the input columns"),
        ("model.json", "unknown algorithm", "model.json' is damaged"),
        ("manifest.json", "a field of the wrong type", "'training_rows' is not"),
    ])
    func inconsistentBundlesAreRefusedNamingTheFault(file: String, mutation: String, expected: String) throws {
        let bundle = try freshBundle()
        try rewrite(bundle, file) { object in
            var parameters = object["state"] as? [String: Any] ?? [:]
            var preparation = object["preparation"] as? [[String: Any]] ?? []
            func step(_ kind: String) -> Int { preparation.firstIndex { $0["step"] as? String == kind }! }
            switch mutation {
            case "coefficient row short":
                var rows = parameters["coefficients"] as! [[Double]]
                rows[1].removeLast()
                parameters["coefficients"] = rows
            case "intercepts short": parameters["intercepts"] = Array((parameters["intercepts"] as! [Double]).prefix(2))
            case "class_count 0": parameters["class_count"] = 0
            case "class_count huge": parameters["class_count"] = 1_000_000_000
            case "task flipped": object["task"] = "regression"
            case "no features": object["features"] = [String]()
            case "classes cut": object["classes"] = Array((object["classes"] as! [String]).prefix(2))
            case "scale deviation 0": preparation[step("scale")]["std"] = 0
            case "impute fill of the wrong type": preparation[step("impute")]["fill"] = "forty"
            case "onehot of a number column": preparation[step("onehot")]["column"] = "bill_length_mm"
            case "expression that does not parse": preparation[step("derive")]["expression"] = "bill_length_mm / ("
            case "feature the preparation does not make":
                var features = object["features"] as! [String]
                features[0] = "nowhere"
                object["features"] = features
            case "target among the inputs":
                object["input_schema"] = (object["input_schema"] as! [[String: Any]]) + [["name": "species", "type": "text"]]
            case "unknown algorithm": object["algorithm"] = "telepathy"
            case "a field of the wrong type": object["training_rows"] = "many"
            default: Issue.record("unknown mutation \(mutation)")
            }
            if !parameters.isEmpty { object["state"] = parameters }
            if !preparation.isEmpty { object["preparation"] = preparation }
        }
        let message = try #require(refusal(bundle), "\(mutation) was accepted")
        #expect(message.contains(expected), "\(mutation): \(message)")
    }

    /// A two-class model's threshold is written with it, and `mlw predict` decides with it;
    /// one that does not fit the model is refused.
    @Test func aDecisionThresholdTravelsWithTheModelAndDecidesItsPredictions() throws {
        _ = repositoryRoot
        let directory = temporaryDirectory()
        try runAll(Session(), [
            "load datasets/breast_cancer.csv as cancer", "target diagnosis positive=malignant", "split 0.8 stratify seed=42",
            "scale standard numeric", "train logistic", "threshold logistic 0.05", "export model logistic to \"\(directory)/t\""])
        let bundle = directory + "/t"
        let manifest = try json(bundle + "/manifest.json")
        #expect(manifest["version"] as? Int == 4)
        let decision = manifest["decision"] as? [String: Any]
        #expect(decision?["positive"] as? String == "malignant" && decision?["threshold"] as? Double == 0.05)
        let scored = try ModelBundle.predict(bundle: bundle, input: "datasets/breast_cancer.csv").table
        let prediction = try #require(scored.column(named: "prediction")), probability = try #require(scored.column(named: "probability_malignant"))
        var decidedByTheThreshold = 0
        for row in 0..<scored.rowCount {
            let p = probability.number(at: row)!
            #expect(prediction.text(at: row) == (p >= 0.05 ? "malignant" : "benign"))
            if p >= 0.05, p < 0.5 { decidedByTheThreshold += 1 }
        }
        #expect(decidedByTheThreshold > 0, "no row lies between the threshold and 0.5, so the test proves nothing")

        for (mutation, expected) in [("threshold 1.5", "is not a probability from 0 to 1"), ("a class it lacks", "which is not one of its classes"),
                                     ("version 3", "bundles have from version 4")] {
            let copy = temporaryDirectory() + "/m"
            try FileManager.default.copyItem(atPath: bundle, toPath: copy)
            try rewrite(copy, "manifest.json") { object in
                switch mutation {
                case "threshold 1.5": object["decision"] = ["positive": "malignant", "threshold": 1.5]
                case "a class it lacks": object["decision"] = ["positive": "benign2", "threshold": 0.5]
                default: object["version"] = 3
                }
            }
            #expect(refusal(copy)?.contains(expected) == true, "\(mutation): \(refusal(copy) ?? "accepted")")
        }
        let penguins = try freshBundle()
        try rewrite(penguins, "manifest.json") { $0["decision"] = ["positive": "Adelie", "threshold": 0.5] }
        #expect(refusal(penguins)?.contains("only a two-class model has") == true)
    }

    /// Input columns named like the columns the preparation makes are not the model's
    /// input: they must not stand in for the encoded values (issue 5, item 16).
    @Test func inputColumnsNamedLikeEncodedFeaturesChangeNothing() throws {
        _ = repositoryRoot
        let bundle = try freshBundle()
        let plain = try ModelBundle.predict(bundle: bundle, input: "datasets/penguins.csv").table
        let rows = try String(contentsOfFile: "datasets/penguins.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        let decoy = ["island_Biscoe,ratio,year_2"] + rows.dropFirst().map { _ in "1,100,0" }
        let path = temporaryDirectory() + "/decoy.csv"
        try zip(decoy, rows).map { "\($0),\($1)" }.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let decoyed = try ModelBundle.predict(bundle: bundle, input: path).table
        #expect(decoyed.column(named: "prediction") == plain.column(named: "prediction"))
        #expect(decoyed.column(named: "probability_Gentoo") == plain.column(named: "probability_Gentoo"))
        #expect(decoyed.column(named: "island_Biscoe").map { c in (0..<c.count).allSatisfy { c.text(at: $0) == "1" } } == true)  // the input is kept as given
    }

    @Test func missingInputColumnsAreNamedTogether() throws {
        _ = repositoryRoot
        let bundle = try freshBundle()
        let path = temporaryDirectory() + "/few.csv"
        try "island,sex\nBiscoe,male\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ScoringError.input("the input has no columns 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'year'; the model reads 7 columns")) {
            try ModelBundle.predict(bundle: bundle, input: path)
        }
    }

    /// A bundle is written whole or not at all, and never over a folder that is not one.
    @Test func writesAreAllOrNothingAndReplaceOnlyBundles() throws {
        let bundle = try freshBundle()
        let model = try ModelBundle.load(bundle)
        let folder = temporaryDirectory() + "/notes"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "mine".write(toFile: folder + "/keep.txt", atomically: true, encoding: .utf8)
        #expect(throws: ScoringError.self) { try ModelBundle.write(model, metrics: [], goal: nil, goalMet: nil, to: folder) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["keep.txt"])
        // Under a path that is a file, nothing can be written, and nothing is left behind.
        let parent = temporaryDirectory()
        try "x".write(toFile: parent + "/file", atomically: true, encoding: .utf8)
        #expect(throws: ScoringError.self) { try ModelBundle.write(model, metrics: [], goal: nil, goalMet: nil, to: parent + "/file/b") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == ["file"])
        // Replacing an earlier bundle leaves exactly the new bundle's files.
        try "stale".write(toFile: bundle + "/stale.txt", atomically: true, encoding: .utf8)
        try ModelBundle.write(model, metrics: [("accuracy", 1)], goal: nil, goalMet: nil, to: bundle)
        #expect(try FileManager.default.contentsOfDirectory(atPath: bundle).sorted() == ["SHA256SUMS", "manifest.json", "model.json"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: FilePaths.directory(of: bundle)) == ["b"])
        #expect(try ModelBundle.load(bundle) == model)
    }
}
