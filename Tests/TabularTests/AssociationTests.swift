import Testing
@testable import Tabular

/// Association measures against figures computed by hand or by pandas/numpy.
struct AssociationTests {
    let penguins = try! CSVReader.read(path: repositoryRoot + "/datasets/penguins.csv", name: "penguins").table

    @Test func correlationRatioAndCramersVMatchNumpy() {
        let species = Association.levels(penguins.column(named: "species")!)
        // numpy: η(flipper_length_mm | species) 0.8821728382519646, V(island, species) 0.6598431008795325.
        let eta = Association.correlationRatio(categories: species.codes, count: species.count, values: penguins.column(named: "flipper_length_mm")!.numericValues!)
        #expect(abs(eta - 0.8821728382519646) < 1e-12)
        let v = Association.cramersV(Association.levels(penguins.column(named: "island")!), species)
        #expect(abs(v - 0.6598431008795325) < 1e-12)
    }

    @Test func uncertaintyIsOneForACopyAndNearZeroForIndependentColumns() {
        let species = Association.levels(penguins.column(named: "species")!)
        #expect(abs(Association.uncertaintyCoefficient(feature: species, target: species) - 1) < 0.01)
        // Two columns whose values cycle independently: every pair equally often.
        let a = Column(name: "a", texts: (0..<600).map { ["x", "y", "z"][$0 % 3] })
        let b = Column(name: "b", numbers: (0..<600).map { Double(($0 / 3) % 4) })
        #expect(Association.uncertaintyCoefficient(feature: Association.levels(b), target: Association.levels(a)) == 0)
        #expect(Association.uncertaintyCoefficient(feature: species, target: Association.levels(Column(name: "c", numbers: [Double](repeating: 1, count: 344)))).isNaN)
    }

    @Test func levelsBinNumbersByQuantileAndKeepTheCommonestText() {
        let numbers = Association.levels(Column(name: "n", numbers: (0..<100).map(Double.init) + [.nan]), bins: 4)
        #expect(numbers.count == 5 && numbers.codes[0] == 0 && numbers.codes[99] == 3 && numbers.codes[100] == 4)
        let text = Association.levels(Column(name: "t", texts: ["a", "a", "a", "b", "b", "c", "d", nil]), maxLevels: 3)
        // a and b keep their own levels; c and d share the last; missing is one more.
        #expect(text.count == 4 && text.codes == [0, 0, 0, 1, 1, 2, 2, 3])
    }
}
