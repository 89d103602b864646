import Foundation
import FuzzSupport
import Tabular
import Testing
@testable import Scoring

/// Field-level mutations of real bundles (the fixtures of each format version, with every
/// kind of preparation step and model) through the loader and scorer: numbers replaced
/// by edge values, strings by others, arrays cut, repeated or emptied, keys deleted, types
/// swapped. With the checksums usually recomputed (so the mutation reaches the
/// cross-reference checks): no crash, every refusal an `ScoringError`, and a bundle that
/// loads scores the raw rows with one prediction each.
struct BundleFuzzTests {
    static let edgeNumbers: [Any] = [0, -1, 1, 2, 3, 1e9, -1e308, 1e308, 0.5, Double.leastNormalMagnitude / 1e4, Int.max, -0.0, 1_000_000_000, 4.2]
    static let edgeStrings: [Any] = ["", "species", "bill_length_mm", "island_Biscoe", "logistic", "linear", "tree", "gini", "entropy", "squared_error", "auto", "none", "regression", "classification", "rename", "cast", "replace", "clip", "number", "text", "boolean",
                                     "onehot", "scale", "impute", "derive", "drop", "bill_length_mm / (", "x", "é", "\u{0}"]

    /// Every string in a JSON value (names of columns, features, categories), for
    /// replacements that look plausible.
    static func strings(in value: Any) -> [String] {
        if let text = value as? String { return [text] }
        if let object = value as? [String: Any] { return object.keys.sorted() + object.keys.sorted().flatMap { strings(in: object[$0]!) } }
        if let array = value as? [Any] { return array.flatMap(strings) }
        return []
    }

    /// One change somewhere in the value; usually of the same type (so that decoding
    /// succeeds and the cross-reference checks and the scorer are reached).
    static func mutate(_ value: Any, pool: [String], _ random: inout FuzzRandom, depth: Int = 0) -> Any {
        if var object = value as? [String: Any], !object.isEmpty, depth < 8 {
            let key = object.keys.sorted()[random.below(object.count)]
            if random.chance(0.05) { object[key] = nil; return object }
            object[key] = mutate(object[key]!, pool: pool, &random, depth: depth + 1)
            if random.chance(0.02) { object[random.pick(pool)] = random.pick(edgeStrings) }
            return object
        }
        if var array = value as? [Any], !array.isEmpty, depth < 8 {
            switch random.below(8) {
            case 0: array.removeLast(1 + random.below(array.count))
            case 1: array.append(array[random.below(array.count)])
            case 2: array = []
            case 3: array.swapAt(random.below(array.count), random.below(array.count))
            default:
                let i = random.below(array.count)
                array[i] = mutate(array[i], pool: pool, &random, depth: depth + 1)
            }
            return array
        }
        if random.chance(0.12) {  // a value of another type
            return random.pick([random.pick(edgeNumbers), random.pick(edgeStrings), true, NSNull(), [Any](), [String: Any]()] as [Any])
        }
        switch value {
        case is Bool: return !(value as! Bool)
        case is String: return random.chance(0.7) ? random.pick(pool) : random.pick(edgeStrings)
        case is NSNumber: return random.pick(edgeNumbers)
        default: return value
        }
    }

    @Test func mutatedBundlesAreRefusedOrScoreEveryRow() throws {
        _ = repositoryRoot
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let bundles = ["penguins-v2": "datasets/penguins.csv", "auto-v2": "datasets/auto_mpg.csv",
                       "penguins-tree-v3": "datasets/penguins.csv", "auto-tree-v3": "datasets/auto_mpg.csv",
                       "auto-clean-v3": "datasets/auto_mpg.csv", "auto-features-v3": "datasets/auto_mpg.csv",
                       "penguins-gbdt-v3": "datasets/penguins.csv", "penguins-knn-v3": "datasets/penguins.csv", "penguins-nb-v3": "datasets/penguins.csv", "penguins-kmeans-v3": "datasets/penguins.csv", "cancer-threshold-v4": "datasets/breast_cancer.csv", "penguins-nb-categorical-v4": "datasets/penguins.csv",
                       "auto-forest-v3": "datasets/auto_mpg.csv"]
        let inputs = try bundles.mapValues { try CSVReader.read(path: $0, name: "input").table }
        Fuzz.run("BundleFuzz", cases: Fuzz.cases(default: 3000) / 5) { index, random in
            let kind = random.pick(bundles.keys.sorted())
            let bundle = root + "/case"
            try? FileManager.default.removeItem(atPath: bundle)
            try? FileManager.default.copyItem(atPath: fixtures + "/" + kind, toPath: bundle)
            let file = random.chance(0.6) ? "manifest.json" : "model.json"
            guard let data = FileManager.default.contents(atPath: bundle + "/" + file),
                  let object = try? JSONSerialization.jsonObject(with: data) else { Issue.record("cannot read the bundle"); return }
            var mutated: Any = object
            let pool = Self.strings(in: object)
            // XGBoost's model is a JSON document inside a string: usually mutated inside, where
            // XGBoost itself reads it.
            if var model = object as? [String: Any], var state = model["state"] as? [String: Any], let booster = state["booster"] as? String,
               random.chance(0.8), let inner = try? JSONSerialization.jsonObject(with: Data(booster.utf8)) {
                var changed: Any = inner
                let innerPool = Self.strings(in: inner)
                for _ in 0..<(1 + random.below(3)) { changed = Self.mutate(changed, pool: innerPool, &random) }
                if JSONSerialization.isValidJSONObject(changed), let text = try? JSONSerialization.data(withJSONObject: changed) {
                    state["booster"] = String(decoding: text, as: UTF8.self)
                    model["state"] = state
                    mutated = model
                }
            } else {
                for _ in 0..<(1 + random.below(3)) { mutated = Self.mutate(mutated, pool: pool, &random) }
            }
            // (JSONSerialization traps, rather than throws, on a top-level value that is not an object.)
            guard JSONSerialization.isValidJSONObject(mutated),
                  let written = try? JSONSerialization.data(withJSONObject: mutated, options: [.sortedKeys]) else { return }
            try? written.write(to: URL(fileURLWithPath: bundle + "/" + file))
            Fuzz.describe("\(kind) \(file): \(String(decoding: written, as: UTF8.self))")
            if random.chance(0.85) {
                var sums = ""
                for name in ["manifest.json", "model.json"] {
                    let bytes = [UInt8](FileManager.default.contents(atPath: bundle + "/" + name) ?? Data())
                    sums += SHA256.hexDigest(of: bytes) + "  \(name)\n"
                }
                try? sums.write(toFile: bundle + "/SHA256SUMS", atomically: true, encoding: .utf8)
            }
            let model: ScoringModel
            do { model = try ModelBundle.load(bundle) } catch is ScoringError { return } catch {
                Issue.record("not a ScoringError: \(error)"); return
            }
            do {
                let scored = try Scorer.scoredTable(model, rawTable: inputs[kind]!)
                #expect(scored.column(named: "prediction")?.count == inputs[kind]!.rowCount)
            } catch is ScoringError {} catch {
                Issue.record("scoring a loaded bundle failed with an error that is not a ScoringError: \(error)")
            }
        }
    }

    /// Damaged input rows (values that do not convert, that a step refuses, levels never
    /// seen, gaps) are scored as each policy says, never a crash: `fail` names one row,
    /// `skip` leaves exactly the problem rows out, `null` keeps every row and leaves only
    /// the problem rows without a prediction.
    @Test func damagedRowsAreFailedSkippedOrNulledAsAsked() throws {
        _ = repositoryRoot
        let model = try ModelBundle.load(fixtures + "/auto-features-v3")
        let raw = try CSVReader.read(path: "datasets/auto_mpg.csv", name: "input").table
        let junk = ["abc", "-1", "0", "", "NA", "1e400", "-0", "Mars", "7", "2,5", " 12", "nan", "日本", "99999999999999999999"]
        Fuzz.run("ScoringRowFuzz", cases: Fuzz.cases(default: 3000) / 10) { index, random in
            var table = raw.gathering((0..<(1 + random.below(40))).map { _ in random.below(raw.rowCount) })
            for _ in 0..<random.below(6) {
                let name = random.pick(table.columnNames.filter { $0 != "mpg" })
                var texts = (0..<table.rowCount).map { table.column(named: name)!.text(at: $0) }
                texts[random.below(texts.count)] = random.pick(junk)
                table.setColumn(Column(name: name, texts: texts.map { $0 == "" ? nil : $0 }))
            }
            Fuzz.describe("\(table.rowCount) rows")
            for policy in RowErrorPolicy.allCases {
                do {
                    let result = try Scorer.scoredRows(model, rawTable: table, policy: policy)
                    let bad = Set(result.problems.map(\.row))
                    let predictions = try #require(result.predictions.column(named: "prediction"))
                    switch policy {
                    case .fail: #expect(bad.isEmpty && predictions.missingCount == 0)
                    case .skip: #expect(result.rows.count + bad.count == table.rowCount && predictions.missingCount == 0 && result.rows.allSatisfy { !bad.contains($0) })
                    case .null:
                        #expect(result.rows == Array(0..<table.rowCount))
                        #expect((0..<table.rowCount).allSatisfy { (predictions.number(at: $0) == nil) == bad.contains($0) })
                    }
                } catch ScoringError.row(let problem) {
                    #expect(policy == .fail && problem.row < table.rowCount)
                } catch {
                    Issue.record("\(policy): not a row problem: \(error)")
                }
            }
        }
    }
}
