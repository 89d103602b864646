import Tabular

/// How `bin` places its edges.
public enum BinMethod: String, Sendable, CaseIterable, Codable {
    /// Equal widths between the fitting rows' minimum and maximum.
    case equal
    /// Equal counts: edges at the fitting rows' quantiles (linear interpolation).
    case quantile

    /// What it does, for `help`.
    var summary: String {
        switch self {
        case .equal: return "bins of equal width between the training rows' minimum and maximum"
        case .quantile: return "bins of equal counts, edges at the training rows' quantiles"
        }
    }
}

/// `bin COLUMNS equal|quantile [bins=N]`: each number replaced by the index of its bin,
/// 0 to N − 1 (scikit-learn's `KBinsDiscretizer(encode="ordinal")`, strategy "uniform" or
/// "quantile"). Values beyond the outer edges fall in the first or last bin; bins narrower
/// than 1e-8 (repeated quantiles) are merged, so a column may get fewer bins than asked.
/// Missing stays missing. `encode onehot` makes indicators of the bins.
public struct BinStep: PreparationStep {
    public var columns: [String]
    public var method: BinMethod
    public var bins: Int

    public init(columns: [String], method: BinMethod, bins: Int = 5) {
        self.columns = columns
        self.method = method
        self.bins = bins
    }

    public var verb: String { "bin" }
    public var text: String { "bin \(listText(columns)) \(method.rawValue) bins=\(bins)" }
    public var isLearned: Bool { true }

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        let binners = try fitEach(columns, of: table) { column -> FittedBins in
            guard case .number(let values) = column.data else {
                throw LearningError("'\(column.name)' is \(column.type.rawValue); only number columns can be binned")
            }
            var present = presentValues(values, rows: rows)
            guard !present.isEmpty else { throw LearningError("'\(column.name)' has no values to learn bins from") }
            guard present.allSatisfy(\.isFinite) else { throw LearningError("'\(column.name)' has infinite values", help: "clip it or filter those rows first") }
            var edges: [Double]
            switch method {
            case .equal:
                let low = present.min()!, high = present.max()!
                edges = (0...bins).map { low + (high - low) * Double($0) / Double(bins) }
                edges[bins] = high
            case .quantile:
                edges = Statistics.quantiles(selectingIn: &present, (0...bins).map { Double($0) / Double(bins) })
            }
            // As scikit-learn: drop edges closer than 1e-8 to the previous one.
            var kept = [edges[0]]
            for edge in edges.dropFirst() where edge - kept.last! > 1e-8 { kept.append(edge) }
            if kept.count == 1 { kept.append(kept[0]) }  // a constant column: one bin
            return FittedBins(column: column.name, edges: kept)
        }
        return applyColumnwise(binners, to: table) { binner, column in binner.apply(column) }
    }
}

/// Bundle JSON: `{"step": "bin", "column": NAME, "edges": [...]}`: the bin of x is the
/// number of inner edges at or below it.
public struct FittedBins: FittedTransform {
    public static let kind = "bin"
    public var name: String
    /// The outer and inner edges, ascending; `edges.count − 1` bins.
    public var edges: [Double]

    public init(column: String, edges: [Double]) {
        self.name = column
        self.edges = edges
    }

    public func apply(_ input: Column) -> Column {
        guard case .number(let values) = input.data else { return input }
        let inner = Array(edges.dropFirst().dropLast())
        return Column(name: name, numbers: values.mapIntoHugePages { x in
            guard !x.isNaN else { return x }
            // Binary search: how many inner edges are <= x (numpy's searchsorted, side "right").
            var low = 0, high = inner.count
            while low < high {
                let middle = (low + high) / 2
                if inner[middle] <= x { low = middle + 1 } else { high = middle }
            }
            return Double(low)
        })
    }

    public func apply(to table: Table, report: inout PreparationReport) throws -> Table {
        let column = try requiredColumn(name, in: table)
        guard column.type == .number else { throw PreparationError.input("column '\(name)' should hold numbers to be binned") }
        var result = table
        result.setColumn(apply(column))
        return result
    }

    public func check(against table: Table) throws {
        let column = try requiredColumn(name, in: table)
        guard column.type == .number else { throw PreparationError.corrupt("it bins '\(name)', a \(column.type.rawValue) column") }
        guard edges.count >= 2, edges.allSatisfy(\.isFinite), zip(edges, edges.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw PreparationError.corrupt("its bin edges are not finite numbers in ascending order")
        }
    }

    public var column: String? { name }
    public var summary: String { "bin \(name) into \(edges.count - 1) bins" }
    public var learnedText: String {
        let shown = edges.prefix(10).map { NumberFormatting.significant($0, digits: 4) }.joined(separator: ", ") + (edges.count > 10 ? ", …" : "")
        return "\(name): \(Plural.count(edges.count - 1, "bin")), edges \(shown)"
    }

    private enum CodingKeys: String, CodingKey { case name = "column", edges }
}
