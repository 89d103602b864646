/// Which rows of the left table a join keeps.
public enum JoinKind: String, Sendable, Equatable, CaseIterable {
    /// Every left row: once per matching right row, or once with missing values.
    case left
    /// Only left rows with a matching right row, once per match.
    case inner
}

/// A join whose result would be too large to hold.
public struct JoinTooLarge: Error {
    public var rows: Int
    public var columns: Int
}

/// A join's result and what a person should know about it.
public struct JoinResult {
    public var table: Table
    /// Left rows that matched at least one right row.
    public var matchedRows: Int
    /// Left rows that matched more than one right row (each repeats once per match).
    public var repeatedRows: Int
    /// Right columns renamed because the left table has a column of that name: (old, new).
    public var renamed: [(from: String, to: String)]
}

extension Table {
    /// Joins the rows of `right` to this table's where the `keys` columns hold equal values
    /// (SQL's semantics: a missing key matches nothing; text compares by its characters,
    /// numbers by value). The result keeps this table's name and its columns in order,
    /// then the right table's other columns; one whose name is taken gets `_` and the right
    /// table's name appended. Left rows stay in order, and their matches in right-row order.
    /// - Precondition: every key is a column of both tables, of the same type.
    /// - Complexity: O(left rows + right rows + result rows × columns)
    /// - Throws: `JoinTooLarge` when the result would hold more than `maxCells` values
    ///   (keys that repeat on both sides multiply rows), before building it.
    public func joined(with right: Table, on keys: [String], kind: JoinKind, maxCells: Int = .max) throws -> JoinResult {
        let leftKeys = keys.map { column(named: $0)! }, rightKeys = keys.map { right.column(named: $0)! }
        let (leftCodes, rightCodes) = JoinKeys.codes(left: leftKeys, right: rightKeys, leftRows: rowCount, rightRows: right.rowCount)
        var matches: [Int: [Int32]] = [:]
        for row in 0..<right.rowCount where rightCodes[row] >= 0 { matches[rightCodes[row], default: []].append(Int32(row)) }
        var resultRows = 0
        for row in 0..<rowCount {
            if leftCodes[row] >= 0, let found = matches[leftCodes[row]] { resultRows += found.count } else if kind == .left { resultRows += 1 }
        }
        let resultColumns = columns.count + right.columns.count - keys.count
        if resultRows.multipliedReportingOverflow(by: resultColumns).partialValue > maxCells || resultRows > Int(Int32.max) {
            throw JoinTooLarge(rows: resultRows, columns: resultColumns)
        }
        var leftRows: [Int] = [], rightRows: [Int] = []
        leftRows.reserveCapacity(resultRows); rightRows.reserveCapacity(resultRows)
        var matched = 0, repeated = 0
        for row in 0..<rowCount {
            if leftCodes[row] >= 0, let found = matches[leftCodes[row]] {
                matched += 1
                if found.count > 1 { repeated += 1 }
                for other in found { leftRows.append(row); rightRows.append(Int(other)) }
            } else if kind == .left {
                leftRows.append(row); rightRows.append(-1)
            }
        }
        // Each left row once, in order (a lookup): the left columns stay as they are, shared.
        let sameLeftRows = leftRows.count == rowCount && repeated == 0
        var columns = sameLeftRows ? self.columns : self.columns.map { $0.gathering(leftRows) }
        var taken = Set(columnNames)
        var renamed: [(String, String)] = []
        for column in right.columns where !keys.contains(column.name) {
            var added = column.gathering(orMissing: rightRows)
            if taken.contains(added.name) {
                var name = "\(column.name)_\(right.name)", n = 2
                while taken.contains(name) { name = "\(column.name)_\(right.name)\(n)"; n += 1 }
                renamed.append((column.name, name))
                added.name = name
            }
            taken.insert(added.name)
            columns.append(added)
        }
        return JoinResult(table: Table(name: name, columns: columns, rowCount: leftRows.count),
                          matchedRows: matched, repeatedRows: repeated, renamed: renamed)
    }

    /// This table's rows followed by `other`'s, column by column by name.
    /// - Precondition: `other` has columns of the same names and types (in any order).
    /// - Complexity: O((rows + other rows) × columns)
    public func appending(_ other: Table) -> Table {
        let columns = self.columns.map { column in column.appending(other.column(named: column.name)!) }
        return Table(name: name, columns: columns, rowCount: rowCount + other.rowCount)
    }
}

extension Column {
    /// A column of `count` missing values.
    public static func missing(name: String, type: ColumnType, count: Int) -> Column {
        switch type {
        case .number: return Column(name: name, data: .number(Array(repeating: .nan, count: count)))
        case .text: return Column(name: name, data: .text(codes: Array(repeating: -1, count: count), dictionary: []))
        case .boolean: return Column(name: name, data: .boolean(Array(repeating: Column.missingBoolean, count: count)))
        case .date: return Column(name: name, data: .date(Array(repeating: .nan, count: count)))
        }
    }

    /// A column holding the given rows in order; -1 gives a missing value.
    /// - Complexity: O(rows.count)
    public func gathering(orMissing rows: [Int]) -> Column {
        switch data {
        case .number(let values):
            return Column(name: name, data: .number(rows.map { $0 < 0 ? .nan : values[$0] }))
        case .date(let values):
            return Column(name: name, data: .date(rows.map { $0 < 0 ? .nan : values[$0] }))
        case .text(let codes, let dictionary):
            return Column(name: name, data: .text(codes: rows.map { $0 < 0 ? -1 : codes[$0] }, dictionary: dictionary))
        case .boolean(let values):
            return Column(name: name, data: .boolean(rows.map { $0 < 0 ? Column.missingBoolean : values[$0] }))
        }
    }

    /// This column's values followed by another's of the same type (text dictionaries merge).
    /// - Precondition: both columns have the same type.
    public func appending(_ other: Column) -> Column {
        switch (data, other.data) {
        case (.number(let a), .number(let b)): return Column(name: name, data: .number(a + b))
        case (.date(let a), .date(let b)): return Column(name: name, data: .date(a + b))
        case (.boolean(let a), .boolean(let b)): return Column(name: name, data: .boolean(a + b))
        case (.text(let a, let dictionary), .text(let b, let otherDictionary)):
            var merged = dictionary
            var lookup = Dictionary(dictionary.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
            let recode = otherDictionary.map { value -> Int32 in
                if let code = lookup[value] { return code }
                let code = Int32(merged.count)
                lookup[value] = code
                merged.append(value)
                return code
            }
            return Column(name: name, data: .text(codes: a + b.map { $0 < 0 ? -1 : recode[Int($0)] }, dictionary: merged))
        default:
            preconditionFailure("appending a \(other.type.rawValue) column to a \(type.rawValue) one")
        }
    }
}

/// The keys of a join as small integers shared by both tables, so that equal values get
/// equal codes whatever the dictionaries.
enum JoinKeys {
    /// Each row's key as one number, equal for equal keys across both tables, or -1
    /// where a key value is missing (SQL: it matches nothing). Codes of several key
    /// columns combine in mixed radix; tuples number themselves where that overflows.
    static func codes(left: [Column], right: [Column], leftRows: Int, rightRows: Int) -> (left: [Int], right: [Int]) {
        let shared = zip(left, right).map { sharedCodes($0, $1) }
        var leftKeys = [Int](repeating: 0, count: leftRows), rightKeys = [Int](repeating: 0, count: rightRows)
        var capacity = 1
        for (a, b, count) in shared {
            let (product, overflow) = capacity.multipliedReportingOverflow(by: count)
            guard !overflow else { return numberedTuples(shared, leftRows: leftRows, rightRows: rightRows) }
            capacity = product
            for row in 0..<leftRows where leftKeys[row] >= 0 { leftKeys[row] = a[row] < 0 ? -1 : leftKeys[row] * count + Int(a[row]) }
            for row in 0..<rightRows where rightKeys[row] >= 0 { rightKeys[row] = b[row] < 0 ? -1 : rightKeys[row] * count + Int(b[row]) }
        }
        return (leftKeys, rightKeys)
    }

    private static func numberedTuples(_ shared: [([Int32], [Int32], Int)], leftRows: Int, rightRows: Int) -> (left: [Int], right: [Int]) {
        var ids: [[Int32]: Int] = [:]
        func key(_ row: Int, _ side: KeyPath<([Int32], [Int32], Int), [Int32]>) -> Int {
            let tuple = shared.map { $0[keyPath: side][row] }
            if tuple.contains(where: { $0 < 0 }) { return -1 }
            if let id = ids[tuple] { return id }
            ids[tuple] = ids.count
            return ids.count - 1
        }
        return ((0..<leftRows).map { key($0, \.0) }, (0..<rightRows).map { key($0, \.1) })
    }

    /// Codes from 0 for the values of two columns of one type, equal for equal values, -1
    /// for missing, and how many codes there are.
    static func sharedCodes(_ a: Column, _ b: Column) -> ([Int32], [Int32], Int) {
        switch (a.data, b.data) {
        case (.text(let ac, let ad), .text(let bc, let bd)):
            var ids: [String: Int32] = [:]
            let aIds = ad.map { value -> Int32 in ids[value] ?? { let id = Int32(ids.count); ids[value] = id; return id }() }
            let bIds = bd.map { value -> Int32 in ids[value] ?? { let id = Int32(ids.count); ids[value] = id; return id }() }
            return (ac.map { $0 < 0 ? -1 : aIds[Int($0)] }, bc.map { $0 < 0 ? -1 : bIds[Int($0)] }, ids.count)
        case (.boolean(let af), .boolean(let bf)):
            let code = { (flag: UInt8) -> Int32 in flag == Column.missingBoolean ? -1 : Int32(flag) }
            return (af.map(code), bf.map(code), 2)
        default:
            var ids: [Double: Int32] = [:]
            let code = { (x: Double) -> Int32 in
                if x.isNaN { return -1 }
                let key = x == 0 ? 0 : x  // -0 is 0
                if let id = ids[key] { return id }
                let id = Int32(ids.count); ids[key] = id; return id
            }
            let an = a.orderingValues.map(code), bn = b.orderingValues.map(code)
            return (an, bn, ids.count)
        }
    }
}
