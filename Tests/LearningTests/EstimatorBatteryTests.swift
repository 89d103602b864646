import Foundation
import Testing
@testable import Learning
import Tabular

/// The battery every registered algorithm passes, for each task it solves: a new
/// algorithm gets these checks by its line in `AlgorithmRegistry.all`, with no test code
/// of its own beyond known answers.
struct EstimatorBatteryTests {
    struct Case: CustomStringConvertible, Sendable {
        var algorithm: String
        var task: Task
        var description: String { "\(algorithm) (\(task.rawValue))" }
        var entry: Algorithm { AlgorithmRegistry.named(algorithm)! }
    }

    static let cases: [Case] = AlgorithmRegistry.all.flatMap { algorithm in algorithm.tasks.map { Case(algorithm: algorithm.name, task: $0) } }

    /// Iris (150 rows, 3 classes) or the complete rows of Auto MPG (392), as training data.
    static func data(_ task: Task, rows: [Int]? = nil, isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> TrainingData {
        switch task {
        case .classification:
            let table = try dataset("iris")
            let names = Array(table.columnNames.prefix(4))
            let species = table.column(named: "species")!
            let labels = ["setosa", "versicolor", "virginica"]
            let all = (0..<150).map { labels.firstIndex(of: species.text(at: $0)!)! }
            return TrainingData(features: FeatureColumns(names.map { table.column(named: $0)!.numericValues! }, rows: rows),
                                featureNames: names, target: .classes(rows.map { $0.map { all[$0] } } ?? all, labels: labels),
                                isCancelled: isCancelled)
        default:
            let table = try dataset("auto_mpg")
            let names = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "model_year"]
            let complete = (0..<table.rowCount).filter { row in !(names + ["mpg"]).contains { table.column(named: $0)!.isMissing(row) } }
            let taken = rows.map { $0.map { complete[$0] } } ?? complete
            return TrainingData(features: FeatureColumns(names.map { table.column(named: $0)!.numericValues! }, rows: taken),
                                featureNames: names, target: .values(taken.map { table.column(named: "mpg")!.number(at: $0)! }),
                                isCancelled: isCancelled)
        }
    }

    static func settings(_ c: Case) throws -> Settings {
        try c.entry.settings.resolve([], algorithm: c.algorithm, task: c.task, makeSeed: { 7 })
    }

    @Test(arguments: cases)
    func defaultsAreInRangeAndPrintBackAsThemselves(_ c: Case) throws {
        let settings = try Self.settings(c)
        for spec in c.entry.settings.specs {
            let value = try #require(settings[spec.key])
            #expect(try spec.value(parsing: spec.text(of: value)) == value, "\(spec.key)=\(spec.text(of: value))")
            #expect(!spec.summary.isEmpty && !spec.accepted.isEmpty)
        }
    }

    /// `tune ALGORITHM` and `train auto` search the default space: it is valid, searches
    /// something, and each of its first candidates fits.
    @Test(arguments: cases)
    func theDefaultSearchSpaceIsValidAndFits(_ c: Case) throws {
        let space = try SearchSpace(c.entry.searchSpace(c.task), schema: c.entry.settings, algorithm: c.algorithm)
        #expect(!space.searched.isEmpty)
        let data = try Self.data(c.task)
        for candidate in space.draw(3, seed: 1) {
            let settings = try c.entry.settings.resolve(candidate, algorithm: c.algorithm, task: c.task, makeSeed: { 7 })
            #expect(try c.entry.fit(settings, data).model.isFinite)
        }
    }

    @Test(arguments: cases)
    func theSameSettingsGiveTheSameModelBits(_ c: Case) throws {
        let data = try Self.data(c.task)
        let a = try c.entry.fit(try Self.settings(c), data).model
        let b = try c.entry.fit(try Self.settings(c), data).model
        #expect(a == b)
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.task == c.task && a.isFinite)
    }

    @Test(arguments: cases)
    func theInputIsNotChanged(_ c: Case) throws {
        let data = try Self.data(c.task)
        let vectors = data.features.vectors
        let target = data.target
        _ = try c.entry.fit(try Self.settings(c), data)
        #expect(data.features.vectors == vectors)
        switch (data.target, target) {
        case (.classes(let a, _)?, .classes(let b, _)?): #expect(a == b)
        case (.values(let a)?, .values(let b)?): #expect(a == b)
        default: Issue.record("the target changed kind")
        }
    }

    @Test(arguments: cases)
    func aBundleRoundTripPredictsIdentically(_ c: Case) throws {
        let data = try Self.data(c.task)
        let model = try c.entry.fit(try Self.settings(c), data).model
        let decoded = try JSONDecoder().decode(AnyFittedModel.self, from: JSONEncoder().encode(model))
        #expect(decoded == model)
        #expect(decoded.settings == model.settings)
        let x = data.designMatrix()
        #expect(decoded.predict(x) == model.predict(x))
        try decoded.check(featureCount: data.features.count, classCount: c.task == .classification ? 3 : 0)
    }

    @Test(arguments: cases)
    func thereIsOnePredictionPerRow(_ c: Case) throws {
        let data = try Self.data(c.task)
        let x = data.designMatrix()
        let prediction = try c.entry.fit(try Self.settings(c), data).model.predict(x)
        #expect(prediction.rowCount == x.rows)
        if case .classes(let probabilities, let k) = prediction {
            for i in 0..<x.rows {
                let row = probabilities[(i * k)..<((i + 1) * k)]
                #expect(row.allSatisfy { $0 >= 0 && $0 <= 1 } && abs(row.reduce(0, +) - 1) < 1e-9)
            }
        }
    }

    /// Fitting on a subset of rows (a fold) is fitting on those rows alone.
    @Test(arguments: cases)
    func booleanFeaturesFitAsTheirNumbers(_ c: Case) throws {
        // A feature stored as booleans (a byte a row, as one-hot indicators are) fits to the
        // same model bits as the same 0/1 values stored as numbers.
        let data = try Self.data(c.task, rows: Array(stride(from: 0, to: c.task == .classification ? 150 : 392, by: 3)))
        let first = data.features.vectors[0].numbers
        let middle = first.sorted()[first.count / 2]
        let flags = first.map { $0 > middle ? UInt8(1) : 0 }
        var asBytes = data, asNumbers = data
        asBytes.features.vectors[0] = .flags(flags)
        asNumbers.features.vectors[0] = .numbers(flags.map(Double.init))
        let settings = try Self.settings(c)
        #expect(try c.entry.fit(settings, asBytes).model.fingerprint == c.entry.fit(settings, asNumbers).model.fingerprint)
    }

    @Test(arguments: cases)
    func aRowSubsetFitsAsThoseRowsAlone(_ c: Case) throws {
        let rows = Array(stride(from: 1, to: c.task == .classification ? 150 : 392, by: 2))
        let fold = try Self.data(c.task, rows: rows)
        let subset = try c.entry.fit(try Self.settings(c), fold).model
        let taken = try #require(fold.features.rows)
        let copied = TrainingData(features: FeatureColumns(fold.features.vectors.map { v in taken.map { v.numbers[$0] } }), featureNames: fold.featureNames,
                                  target: fold.target)
        #expect(try c.entry.fit(try Self.settings(c), copied).model.fingerprint == subset.fingerprint)
    }

    @Test(arguments: cases)
    func badSettingsAreRefusedNamingTheKeyAndWhatItTakes(_ c: Case) throws {
        let schema = c.entry.settings
        for spec in schema.specs {
            for bad in ["nonsense", "-1e300", "1e300", "-0.5"] {
                do { _ = try spec.value(parsing: bad) } catch let error as LearningError {
                    #expect(error.message.contains(spec.key), "\(spec.key)=\(bad): \(error.message)")
                    #expect(error.message.contains(spec.accepted) || error.help?.contains(spec.accepted) == true, "\(spec.key)=\(bad): \(error)")
                }
            }
            #expect(throws: LearningError.self) { try schema.resolve([(spec.key, .word("nonsense"))], algorithm: c.algorithm, task: c.task) }
            #expect(throws: LearningError.self) { try schema.resolve([(spec.key, .list([]))], algorithm: c.algorithm, task: c.task) }
        }
        let unknown = Self.error { _ = try schema.resolve([("no_such_key", .whole(1))], algorithm: c.algorithm, task: c.task) }
        #expect(unknown?.message.contains("no_such_key") == true)
    }

    @Test(arguments: cases)
    func aConstantTargetOrASingleClassGetsAMessageNotACrash(_ c: Case) throws {
        var data = try Self.data(c.task)
        switch c.task {
        case .classification:
            data.target = .classes([Int](repeating: 1, count: data.rowCount), labels: ["a", "b", "c"])
            let error = Self.error { _ = try c.entry.fit(try Self.settings(c), data) }
            #expect(error?.message.contains("single class") == true, "\(String(describing: error))")
        default:
            data.target = .values([Double](repeating: 7, count: data.rowCount))
            let model = try c.entry.fit(try Self.settings(c), data).model
            for value in model.predict(data.designMatrix()).values { #expect(abs(value - 7) < 1e-9) }
        }
    }

    @Test(arguments: cases)
    func cancellationStopsIt(_ c: Case) throws {
        let data = try Self.data(c.task, isCancelled: { true })
        #expect(throws: CancelledOptimization.self) { try c.entry.fit(try Self.settings(c), data) }
    }

    static func error(_ body: () throws -> Void) -> LearningError? {
        do { try body(); return nil } catch let error as LearningError { return error } catch { return LearningError("\(error)") }
    }
}
