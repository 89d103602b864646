import CommandLanguage
import Tabular

/// `split`: the random division of a table's rows into training and test rows.
extension Interpreter {
    static func split(_ fraction: Double, stratify: Bool, seed requestedSeed: UInt64?, _ ws: inout Workspace, _ output: inout Output,
                      _ fingerprint: inout Fingerprint, _ context: EngineContext) throws -> Command {
        let table = try currentTable(ws)
        let seed = requestedSeed ?? context.makeSeed()
        var strata: [Int]?
        if stratify {
            guard let target = ws.target, target.task == .classification, let column = table.column(named: target.column) else {
                throw Diagnostic(.notReady, "stratify needs a classification target", help: "set one first: target COLUMN classification")
            }
            strata = stratumIndices(column)
        }
        let isTest = Splitter.split(rows: table.rowCount, trainFraction: fraction, strata: strata, seed: seed)
        let testCount = isTest.filter { $0 }.count
        guard testCount > 0, testCount < table.rowCount else {
            throw Diagnostic(.badValue, "a \(NumberFormatting.shortest(fraction)) split of \(Plural.count(table.rowCount, "row")) leaves one part empty")
        }
        ws.splits[table.name] = .rows(isTest: isTest)
        fingerprint.add("train", "\(table.rowCount - testCount)")
        fingerprint.add("test", "\(testCount)")
        var rowsHasher = FingerprintHasher()
        for (row, test) in isTest.enumerated() where test { rowsHasher.combine(UInt64(row)) }
        fingerprint.add("test_rows", rowsHasher.hexDigest)
        output.blocks.append(.success("split \(table.name): \(Plural.count(table.rowCount - testCount, "training row")), \(Plural.count(testCount, "test row"))" + (stratify ? " (stratified)" : "") + ", seed \(seed)"))
        if !(ws.preparations[table.name] ?? []).filter(\.isLearned).isEmpty {
            output.blocks.append(.warning("steps before this split learned from every row, test rows included; split first to avoid leakage"))
        }
        return .split(trainFraction: fraction, stratify: stratify, seed: seed)
    }

    static func stratumIndices(_ column: Column) -> [Int] {
        let labels = ClassLabels.from(column).labels
        var index: [String: Int] = [:]
        for (i, label) in labels.enumerated() { index[label] = i }
        if case .text(let codes, let dictionary) = column.data {
            let stratumOfCode = dictionary.map { index[$0] ?? -1 }
            return codes.map { $0 < 0 ? -1 : stratumOfCode[Int($0)] }
        }
        return (0..<column.count).map { row in column.text(at: row).flatMap { index[$0] } ?? -1 }
    }
}
