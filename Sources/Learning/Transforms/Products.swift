import Foundation
import Tabular

/// `interact A B [C …]` (the product of the columns, one new column `A*B*C`) and `poly
/// COLUMNS [degree=2|3]` (every product of the columns up to that degree, squares
/// `A^2` included, as scikit-learn's `PolynomialFeatures(include_bias=False)` without
/// the columns themselves). New columns go after the last of their columns; missing in,
/// missing out. They learn nothing.
public struct ProductsStep: PreparationStep {
    public var columns: [String]
    /// nil: one product of all the columns (interact).
    public var degree: Int?

    public init(columns: [String], degree: Int?) {
        self.columns = columns
        self.degree = degree
    }

    public var verb: String { degree == nil ? "interact" : "poly" }
    public var text: String { degree.map { "poly \(listText(columns)) degree=\($0)" } ?? "interact " + columns.joined(separator: ", ") }
    public var isLearned: Bool { false }

    /// The products to make: each a list of column names, repeated for powers.
    var terms: [[String]] {
        guard let degree else { return [columns] }
        var result: [[String]] = []
        func extend(_ term: [String], from start: Int) {
            if term.count >= 2 { result.append(term) }
            guard term.count < degree else { return }
            for k in start..<columns.count { extend(term + [columns[k]], from: k) }
        }
        extend([], from: 0)
        // Degree by degree, as scikit-learn orders them.
        return result.enumerated().sorted { ($0.element.count, $0.offset) < ($1.element.count, $1.offset) }.map(\.element)
    }

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        for name in columns {
            guard let column = table.column(named: name) else { throw PreparationError.input("there is no column '\(name)'") }
            guard column.type.isNumeric else { throw LearningError("'\(name)' is \(column.type.rawValue); products take number and boolean columns") }
        }
        guard !columns.isEmpty else { throw LearningError("there are no number columns to multiply") }
        guard Set(columns).count == columns.count else { throw LearningError("a column is named twice") }
        guard degree != nil || columns.count >= 2 else { throw LearningError("interact takes two different columns or more") }
        let fitted = FittedProducts(terms: terms)
        if fitted.terms.count > 10_000 {
            throw LearningError("that makes \(fitted.terms.count) columns", help: "take fewer columns or a lower degree")
        }
        let bytes = Double(table.rowCount) * Double(fitted.terms.count) * 8
        let budget = Double(ProcessInfo.processInfo.physicalMemory) / 4
        if bytes > budget {
            throw LearningError("\(fitted.terms.count) products would add \(formatBytes(bytes)) of columns, more than a quarter of this machine's memory (\(formatBytes(budget * 4)))",
                                help: "take fewer columns or a lower degree, or select the best features first")
        }
        var taken = Set(table.columnNames)
        for name in fitted.outputNames where !taken.insert(name).inserted {
            throw LearningError("the product '\(name)' is a column already", help: "rename or drop it first")
        }
        return ([FittedStep(fitted)], try fitted.apply(to: table))
    }
}

/// Bundle JSON: `{"step": "products", "terms": [["a", "b"], ["a", "a"], …]}`.
public struct FittedProducts: FittedTransform {
    public static let kind = "products"
    public var terms: [[String]]

    public init(terms: [[String]]) {
        self.terms = terms
    }

    /// `a*b`, `a^2`, `a^2*b`.
    public var outputNames: [String] {
        terms.map { term in
            var parts: [String] = [], k = 0
            while k < term.count {
                var power = 1
                while k + power < term.count, term[k + power] == term[k] { power += 1 }
                parts.append(power == 1 ? term[k] : "\(term[k])^\(power)")
                k += power
            }
            return parts.joined(separator: "*")
        }
    }

    public func apply(to table: Table, report: inout PreparationReport) throws -> Table {
        let names = Set(terms.flatMap { $0 })
        var values: [String: [Double]] = [:]
        for name in names {
            let column = try requiredColumn(name, in: table)
            guard let numbers = column.numericValues, column.type.isNumeric else {
                throw PreparationError.input("column '\(name)' should hold numbers to multiply")
            }
            values[name] = numbers
        }
        if let clash = outputNames.first(where: { table.column(named: $0) != nil }) {
            throw PreparationError.input("the product '\(clash)' is a column of the input already")
        }
        let made = Parallel.map(Array(zip(terms, outputNames))) { term, name -> Column in
            var product = values[term[0]]!
            for factor in term.dropFirst() {
                let other = values[factor]!
                product.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] *= other[i] } }
            }
            return Column(name: name, numbers: product)
        }
        // After the last column of the step's inputs.
        guard let last = table.columns.lastIndex(where: { names.contains($0.name) }) else { return table }
        var result = table
        result.replaceColumn(at: last, with: [table.columns[last]] + made)
        return result
    }

    public func check(against table: Table) throws {
        guard !terms.isEmpty, terms.allSatisfy({ $0.count >= 2 }) else { throw PreparationError.corrupt("its products are empty or have one factor") }
        for name in Set(terms.flatMap { $0 }) {
            let column = try requiredColumn(name, in: table)
            guard column.type.isNumeric else { throw PreparationError.corrupt("it multiplies '\(name)', a \(column.type.rawValue) column") }
        }
    }

    public var column: String? { nil }
    public var producedColumns: [String] { outputNames }
    public var summary: String { "products " + listText(outputNames) }
    public var learnedText: String { "→ " + listText(outputNames) }

    private enum CodingKeys: String, CodingKey { case terms }
}
