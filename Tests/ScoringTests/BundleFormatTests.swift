import Foundation
import Learning
import Tabular
import Testing
@testable import Scoring

/// Bundles written by earlier releases load and predict exactly as they did: one fixture
/// of each format version, with the predictions the release that wrote it made (the
/// scripts that made them sit beside them). An unknown future version is refused clearly.
/// The scorer needs neither the engine nor the command language: this target links neither.
struct BundleFormatTests {
    @Test(arguments: [
        ("penguins-v1", "datasets/penguins.csv"),  // mlw 0.1.0 before checksums covered the manifest
        ("penguins-v2", "datasets/penguins.csv"),  // mlw 0.1.0: logistic, with derive, impute, onehot, scale and drop
        ("auto-v2", "datasets/auto_mpg.csv"),      // mlw 0.1.0: ridge regression with onehot
        ("penguins-tree-v3", "datasets/penguins.csv"),
        ("auto-tree-v3", "datasets/auto_mpg.csv"),
        ("auto-clean-v3", "datasets/auto_mpg.csv"),  // select, rename, replace, cast and clip steps
        ("auto-features-v3", "datasets/auto_mpg.csv"),  // indicator, log, yeo-johnson, bin, onehot drop=first, target encoding
        ("penguins-gbdt-v3", "datasets/penguins.csv"),  // XGBoost's JSON model inside model.json
        ("penguins-knn-v3", "datasets/penguins.csv"),   // the training rows inside model.json
        ("auto-forest-v3", "datasets/auto_mpg.csv"),    // max_features=1.0 stored as "1.0"
        ("penguins-nb-v3", "datasets/penguins.csv"),    // Gaussian naive Bayes
        ("penguins-kmeans-v3", "datasets/penguins.csv"),  // a clustering: no target, cluster numbers
        ("cancer-threshold-v4", "datasets/breast_cancer.csv"),  // a decision threshold (0.05) deciding the classes
        ("penguins-nb-categorical-v4", "datasets/penguins.csv"),  // naive Bayes with island and sex as categorical columns
    ])
    func everyVersionPredictsAsWhenItWasWritten(bundle: String, input: String) throws {
        _ = repositoryRoot
        let result = try ModelBundle.predict(bundle: fixtures + "/" + bundle, input: input)
        let recorded = try CSVReader.read(path: fixtures + "/\(bundle)-predictions.csv", name: "recorded").table
        expectSamePredictions(result.table, recorded)
        // Each input line comes back as it was written, the predictions after it.
        let written = String(decoding: result.csvBlocks().joined(), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let lines = try String(contentsOfFile: input, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(written.count == lines.count)
        for (line, echoed) in zip(lines, written) where !line.isEmpty {
            #expect(echoed.hasPrefix(line + ","), "\(echoed) does not start with \(line)")
        }
    }

    /// A version 1 bundle's one check still holds: model.json against the hash in its manifest.
    @Test func versionOneKeepsItsCheck() throws {
        let copy = temporaryDirectory() + "/v1"
        try FileManager.default.copyItem(atPath: fixtures + "/penguins-v1", toPath: copy)
        try (String(contentsOfFile: copy + "/model.json", encoding: .utf8).replacingOccurrences(of: "\"converged\"", with: " \"converged\""))
            .write(toFile: copy + "/model.json", atomically: true, encoding: .utf8)
        #expect(refusal(copy)?.contains("model.json' does not match the SHA-256 in its manifest") == true)
    }

    /// Settings stored as plain numbers by versions 1 and 2 are read in their declared forms.
    @Test func olderSettingsAreReadInTheirDeclaredForms() throws {
        let logistic = try ModelBundle.load(fixtures + "/penguins-v2")
        #expect(logistic.algorithm == "logistic")
        #expect(logistic.settings.entries.map(\.key) == ["l2", "l1", "max_iter", "tol", "class_weight"])  // added since: their defaults
        #expect(logistic.settings["l1"] == .number(0))
        #expect(logistic.settings["l2"] == .number(1) && logistic.settings["max_iter"] == .whole(500) && logistic.settings["tol"] == .number(1e-7))
        #expect(logistic.settings["class_weight"] == SettingValue.none)
        let ridge = try ModelBundle.load(fixtures + "/auto-v2")
        #expect(ridge.settings["l2"] == .number(0.5) && ridge.settings["l1"] == .number(0))
        let tree = try ModelBundle.load(fixtures + "/auto-tree-v3")
        #expect(tree.settings["criterion"] == .word("squared_error") && tree.settings["max_depth"] == .whole(5)
                && tree.settings["max_features"] == SettingValue.none && tree.settings["max_bins"] == .word("auto"))
    }

    @Test func aFutureVersionIsRefusedClearly() throws {
        let copy = temporaryDirectory() + "/v4"
        try FileManager.default.copyItem(atPath: fixtures + "/penguins-tree-v3", toPath: copy)
        try rewrite(copy, "manifest.json") { $0["version"] = 5 }
        #expect(refusal(copy) == "'\(copy)' is bundle version 5; this mlw reads up to version 4")
    }

    @Test func settingsThatDisagreeBetweenTheFilesAreRefused() throws {
        let copy = temporaryDirectory() + "/b"
        try FileManager.default.copyItem(atPath: fixtures + "/penguins-tree-v3", toPath: copy)
        try rewrite(copy, "manifest.json") { manifest in
            var settings = manifest["settings"] as! [String: Any]
            settings["max_depth"] = 9
            manifest["settings"] = settings
        }
        #expect(refusal(copy)?.contains("the settings in manifest.json and model.json differ") == true)
        try rewrite(copy, "manifest.json") { manifest in
            var settings = manifest["settings"] as! [String: Any]
            settings["criterion"] = "telepathy"
            manifest["settings"] = settings
        }
        #expect(refusal(copy)?.contains("criterion takes") == true)
    }

    @Test func aTreeThatDoesNotFitItsManifestIsRefused() throws {
        let copy = temporaryDirectory() + "/t"
        try FileManager.default.copyItem(atPath: fixtures + "/penguins-tree-v3", toPath: copy)
        try rewrite(copy, "model.json") { model in
            var state = model["state"] as! [String: Any]
            var left = state["left"] as! [Int]
            left[0] = 0  // a node that is its own child: a walk would never end
            state["left"] = left
            model["state"] = state
        }
        #expect(refusal(copy)?.contains("children out of order") == true)
        try FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: fixtures + "/penguins-tree-v3", toPath: copy)
        try rewrite(copy, "model.json") { model in
            var state = model["state"] as! [String: Any]
            var feature = state["feature"] as! [Int]
            feature[0] = 99
            state["feature"] = feature
            model["state"] = state
        }
        #expect(refusal(copy)?.contains("tests feature 99") == true)
    }

    // MARK: - Helpers

    func refusal(_ bundle: String) -> String? {
        do { _ = try ModelBundle.load(bundle); return nil } catch let error as ScoringError { return error.description } catch { return "\(error)" }
    }

    /// Rewrites one file of a bundle and its line in SHA256SUMS, so that only the checks
    /// beyond the hashes can catch the change.
    func rewrite(_ bundle: String, _ file: String, _ change: (inout [String: Any]) -> Void) throws {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle + "/" + file))) as! [String: Any]
        change(&object)
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: bundle + "/" + file))
        var sums = ""
        for name in ["manifest.json", "model.json"] {
            sums += SHA256.hexDigest(of: [UInt8](try Data(contentsOf: URL(fileURLWithPath: bundle + "/" + name)))) + "  \(name)\n"
        }
        try sums.write(toFile: bundle + "/SHA256SUMS", atomically: true, encoding: .utf8)
    }
}

/// The prediction and probability columns of two scored tables agree: labels as text,
/// numbers as the same doubles (the recorded side was written to CSV and read back).
func expectSamePredictions(_ scored: Table, _ recorded: Table, sourceLocation: SourceLocation = #_sourceLocation) {
    let names = recorded.columnNames.filter { $0 == "prediction" || $0.hasPrefix("probability_") }
    #expect(!names.isEmpty, sourceLocation: sourceLocation)
    #expect(scored.rowCount == recorded.rowCount, sourceLocation: sourceLocation)
    for name in names {
        guard let made = scored.column(named: name), let kept = recorded.column(named: name) else {
            Issue.record("no column \(name)", sourceLocation: sourceLocation); continue
        }
        let same = (0..<kept.count).allSatisfy { row in
            if let a = made.number(at: row), let b = kept.number(at: row) { return a == b }
            return made.text(at: row) == kept.text(at: row)
        }
        #expect(same, "\(name) differs", sourceLocation: sourceLocation)
    }
}
