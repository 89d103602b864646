import Foundation
import Testing
@testable import Learning
import Tabular

struct PreparationTests {
    @Test func imputeLearnsFromTheGivenRowsOnly() throws {
        let column = Column(name: "x", numbers: [1, .nan, 3, 100])
        let fitted = try Imputer(strategy: .mean).fit(column, rows: [0, 1, 2])
        #expect(fitted.fill == .number(2))
        #expect(fitted.apply(column).numericValues == [1, 2, 3, 100])
    }

    @Test func textFillAddsItsCategoryOnlyWhenSomethingIsMissing() throws {
        let complete = Column(name: "c", texts: ["a", "b", "a"])
        let fill = try Imputer(strategy: .value("missing")).fit(complete, rows: nil)
        // Nothing missing: the column, its dictionary included, is unchanged.
        guard case .text(_, let dictionary) = fill.apply(complete).data else { Issue.record("not text"); return }
        #expect(dictionary == ["a", "b"])
        let gappy = Column(name: "c", texts: ["a", nil, "b"])
        let filled = fill.apply(gappy)
        #expect((0..<3).map { filled.text(at: $0) } == ["a", "missing", "b"])
        #expect(filled.missingCount == 0)
    }

    @Test func oneHotEncodesUnseenAndMissingAsZeros() throws {
        let training = Column(name: "c", texts: ["b", "a", "b"])
        let encoder = try OneHotEncoder().fit(training, rows: nil)
        #expect(encoder.categories == ["a", "b"])
        let later = try encoder.apply(Column(name: "c", texts: ["a", "z", nil, "b"])).columns
        #expect(later.map(\.name) == ["c_a", "c_b"])
        #expect(later[0].numericValues == [1, 0, 0, 0])
        #expect(later[1].numericValues == [0, 0, 0, 1])
    }
}

/// The clean stage's column steps, fitted and applied, and their bundle form.
/// The mean and spread that imputation and scaling learn are read in place, without
/// copying the present values out; the figures must be bit for bit those of the copy (they
/// reach the fingerprints that replays compare).
struct InPlaceStatisticsTests {
    @Test func meanAndSquaredDeviationsMatchTheCopiedValuesBitForBit() {
        var state: UInt64 = 11
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 11 }
        for n in [0, 1, 2, 7, 100, 5_000] {
            let values = (0..<n).map { _ -> Double in
                let r = next() % 10
                return r == 0 ? .nan : Double(Int64(next() % 2_000_001) - 1_000_000) * pow(10, Double(Int(next() % 7) - 3))
            }
            for rows in [nil, (0..<n).filter { _ in next() % 3 != 0 }, (0..<n).reversed().map { $0 }] as [[Int]?] {
                let present = presentValues(values, rows: rows)
                let (mean, count) = presentMean(values, rows: rows)
                #expect(count == present.count)
                #expect(mean.bitPattern == Statistics.mean(present).bitPattern || (mean.isNaN && present.isEmpty))
                var squares = 0.0
                for v in present { squares += (v - mean) * (v - mean) }
                #expect(presentSquaredDeviations(values, rows: rows, from: mean).bitPattern == squares.bitPattern)
            }
        }
    }

    @Test func aColumnWithNothingToFillIsKeptAsItIs() throws {
        let full = Column(name: "x", numbers: [1, 2, 3])
        let imputer = try Imputer(strategy: .mean).fit(full, rows: nil)
        #expect(imputer.apply(full) == full)
        let holed = Column(name: "x", numbers: [1, .nan, 3])
        #expect(imputer.apply(holed) == Column(name: "x", numbers: [1, 2, 3]))
    }
}

/// One-hot indicators against their definition (1 where the row's value is the category,
/// else 0; missing and unseen values all zeros), on random columns whose dictionaries
/// order the categories differently from the encoder.
struct OneHotDefinitionTests {
    @Test func indicatorsMatchTheDefinitionOnRandomColumns() throws {
        var state: UInt64 = 5
        func next(_ bound: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) % bound }
        for trial in 0..<40 {
            let values = ["a", "b", "c", "d", "é", "日本"]
            var generator = FixedShuffle.generator(trial)
            let categories = Array(values.shuffled(using: &generator).prefix(1 + next(5)))
            let column = Column(name: "x", texts: (0..<(next(300))).map { _ in next(8) == 0 ? nil : values[next(values.count)] })
            // Boolean indicators, and the 8-byte numbers of journals of fingerprints v1–v2.
            let numbers = trial % 2 == 1
            let encoded = try FittedOneHot(column: "x", categories: categories, numberIndicators: numbers).apply(column).columns
            #expect(encoded.map(\.name) == categories.map { "x_\($0)" })
            for (k, indicator) in encoded.enumerated() {
                let expected = (0..<column.count).map { column.text(at: $0) == categories[k] ? 1.0 : 0.0 }
                let same = indicator.type == (numbers ? .number : .boolean) && indicator.numericValues == expected
                #expect(same, "trial \(trial), category \(categories[k])")
            }
        }
    }
}

/// A seeded generator for `shuffled(using:)`.
enum FixedShuffle {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state }
    }
    static func generator(_ seed: Int) -> Generator { Generator(state: UInt64(seed) &+ 1) }
}

struct CleanStepTests {
    @Test func replaceClipAndCastApplyAsWritten() throws {
        let column = Column(name: "c", numbers: [1, -999, 5, .nan, 100])
        #expect(column.replacing(.number(-999), with: nil).numericValues!.filter(\.isNaN).count == 2)
        #expect(column.replacing(nil, with: .number(0)).numericValues == [1, -999, 5, 0, 100])
        let text = Column(name: "t", texts: ["a", "?", nil])
        #expect((0..<3).map { text.replacing(.text("?"), with: nil).text(at: $0) } == ["a", nil, nil])
        // Nothing to replace: the dictionary gains no unused category.
        guard case .text(_, let dictionary) = text.replacing(.text("zz"), with: .text("new")).data else { Issue.record("not text"); return }
        #expect(dictionary == ["a", "?"])
        let table = Table(name: "t", columns: [column])
        let (fitted, clipped) = try RecipeStep.clip(columns: ["c"], bounds: .iqr(1.5)).fit(table, rows: [0, 2, 4])
        // Quartiles of 1, 5, 100 (linear interpolation): 3 and 52.5, so the fences are -71.25 and 126.75.
        #expect(fitted == [.clip(column: "c", lower: -71.25, upper: 126.75)])
        #expect(clipped.column(named: "c")!.numericValues!.prefix(2) == [1, -71.25])
        #expect(throws: LearningError.self) {
            try RecipeStep.cast(columns: ["t"], type: .number).fit(Table(name: "t", columns: [text]), rows: nil)
        }
    }

    @Test func everyNewStepRoundTripsThroughJSON() throws {
        let steps: [FittedStep] = [.rename(from: "a", to: "b c"), .cast(column: "b c", type: .text),
                                   .replace(column: "x", from: .text("?"), to: nil), .replace(column: "y", from: nil, to: .number(0)),
                                   .clip(column: "y", lower: -1, upper: 2.5)]
        let decoded = try JSONDecoder().decode(FittedRecipe.self, from: JSONEncoder().encode(FittedRecipe(steps)))
        #expect(decoded.steps == steps)
    }
}

struct TransformFormTests {
    /// One example of every kind a bundle may hold; a kind added to the registry without
    /// one here fails, so each is checked to read back as written.
    static let examples: [FittedStep] = [
        .derive(name: "r", expression: try! ExpressionParser.parse(Array("a / b"), from: 0)),
        .drop(columns: ["x"]), .rename(from: "a", to: "b"), .cast(column: "c", type: .number),
        .replace(column: "x", from: .text("?"), to: nil), .clip(column: "y", lower: -1, upper: 2.5),
        .impute(FittedImputer(column: "a", fill: .number(1.5), indicator: "a_missing")),
        .oneHot(FittedOneHot(column: "c", categories: ["b", "c"], infrequent: ["d"], dropped: ["a"], unseen: .other)),
        .scale(FittedScaler(column: "a", method: .robust, center: 2, scale: 3)), .scale(FittedScaler(column: "a", center: 2, scale: 3)),
        FittedStep(FittedPowerTransform(column: "a", function: .yeoJohnson, lambda: 0.25, mean: 1, deviation: 2)),
        FittedStep(FittedPowerTransform(column: "a", function: .log1p)),
        FittedStep(FittedBins(column: "a", edges: [0, 1.5, 3])),
        FittedStep(FittedLevelEncoding(column: "c", method: .target, outputs: ["c_p", "c_q"], levels: ["x", "y"],
                                       values: [[0.1, 0.2], [0.9, 0.8]], unseenValues: [0.5, 0.5], unseen: .error)),
        FittedStep(FittedDateParts(column: "d", parts: [.year, .weekday])),
        FittedStep(FittedProducts(terms: [["a", "a"], ["a", "b"]])),
        FittedStep(FittedSelection(rule: "best 1 by anova", dropped: ["b"], kept: ["a"], scores: [2.5, 0.25])),
        FittedStep(FittedPCA(columns: ["a", "b"], means: [1, 2], loadings: [[0.6, 0.8]], explainedVariance: [3], explainedRatio: [0.9])),
    ]

    @Test func everyRegisteredKindRoundTripsThroughJSON() throws {
        let kinds = Set(Self.examples.map { type(of: $0.base).kind })
        #expect(kinds == Set(TransformRegistry.all.map { $0.kind }), "a registered kind has no example here")
        let decoded = try JSONDecoder().decode(FittedRecipe.self, from: JSONEncoder().encode(FittedRecipe(Self.examples)))
        #expect(decoded.steps == Self.examples)
    }

    @Test func productsFollowScikitLearnsOrderAndCarryMissingValues() throws {
        let table = Table(name: "t", columns: [Column(name: "a", numbers: [1, 2, .nan]), Column(name: "b", numbers: [3, 4, 5]),
                                               Column(name: "z", texts: ["p", "q", "r"])])
        let (fitted, made) = try RecipeStep(ProductsStep(columns: ["a", "b"], degree: 3)).fit(table, rows: nil)
        // PolynomialFeatures(degree=3, include_bias=False) without a and b themselves.
        #expect(made.columnNames == ["a", "b", "a^2", "a*b", "b^2", "a^3", "a^2*b", "a*b^2", "b^3", "z"])
        #expect(made.column(named: "a^2*b")!.numericValues!.prefix(2) == [3, 16])
        #expect(made.column(named: "a*b")!.numericValues![2].isNaN && made.column(named: "b^3")!.numericValues![2] == 125)
        #expect(try fitted[0].apply(to: table) == made)
        #expect(throws: LearningError.self) { try RecipeStep(ProductsStep(columns: ["a", "z"], degree: nil)).fit(table, rows: nil) }
        #expect(throws: LearningError.self) { try RecipeStep(ProductsStep(columns: [], degree: 2)).fit(table, rows: nil) }
    }

    @Test func datePartsAddTheHourOnlyWhenTheFittingRowsHaveTimes() throws {
        let dates = ["2024-03-31", "2024-04-01T14:30:00", nil].map { $0.flatMap(Dates.parse) ?? .nan }
        let table = Table(name: "t", columns: [Column(name: "d", data: .date(dates))])
        let (fitted, made) = try RecipeStep(DatePartsStep(columns: ["d"])).fit(table, rows: nil)
        #expect(made.columnNames == ["d_year", "d_month", "d_day", "d_weekday", "d_hour"])
        #expect(made.column(named: "d_weekday")!.numericValues!.prefix(2) == [7, 1])  // a Sunday, a Monday
        #expect(made.column(named: "d_hour")!.numericValues!.prefix(2) == [0, 14] && made.column(named: "d_day")!.numericValues![2].isNaN)
        let dayOnly = try RecipeStep(DatePartsStep(columns: ["d"])).fit(table, rows: [0, 2]).fitted
        #expect(dayOnly[0].as(FittedDateParts.self)?.parts == [.year, .month, .day, .weekday])
        #expect(try fitted[0].apply(to: table) == made)
    }
}
