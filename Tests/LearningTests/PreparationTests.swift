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
        let later = encoder.apply(Column(name: "c", texts: ["a", "z", nil, "b"]))
        #expect(later.map(\.name) == ["c_a", "c_b"])
        #expect(later[0].numericValues == [1, 0, 0, 0])
        #expect(later[1].numericValues == [0, 0, 0, 1])
    }
}
