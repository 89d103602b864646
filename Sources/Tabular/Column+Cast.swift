import Foundation

/// Converting a column to another type (`cast COL to number`).
extension Column {
    /// A value that did not convert: its row and its text.
    public struct CastFailure: Sendable, Equatable {
        public var row: Int
        public var text: String
    }

    /// The column as `type`. Missing stays missing. Numbers read from text as `Double`
    /// does (surrounding spaces allowed); booleans from true/false, yes/no and 1/0 in any
    /// case; dates from ISO 8601 text (`Dates.parse`); booleans become 1 and 0; numbers
    /// become booleans only from 0 and 1; anything becomes text as it prints. Dates and
    /// numbers or booleans do not convert into each other (`canCast`).
    /// - Returns: the converted column and the values that did not convert (missing in it).
    /// - Complexity: O(rows) from numbers; O(distinct values + rows) from text.
    public func cast(to type: ColumnType) -> (column: Column, failures: [CastFailure]) {
        if self.type == type { return (self, []) }
        var failures: [CastFailure] = []
        switch (data, type) {
        case (_, .text):
            return (Column(name: name, texts: (0..<count).map { text(at: $0) }), [])
        case (.boolean(let flags), .number):
            return (Column(name: name, numbers: flags.map { $0 == Column.missingBoolean ? .nan : Double($0) }), [])
        case (.number(let values), .boolean):
            let flags = values.enumerated().map { row, x -> UInt8 in
                if x.isNaN { return Column.missingBoolean }
                if x == 0 || x == 1 { return UInt8(x) }
                failures.append(CastFailure(row: row, text: NumberFormatting.shortest(x)))
                return Column.missingBoolean
            }
            return (Column(name: name, data: .boolean(flags)), failures)
        case (.text(let codes, let dictionary), .number):
            // Convert each distinct value once, then the rows through their codes.
            let converted = dictionary.map { Double($0.trimmingCharacters(in: .whitespaces)).flatMap { $0.isFinite ? $0 : nil } }
            let numbers = codes.enumerated().map { row, code -> Double in
                guard code >= 0 else { return .nan }
                if let value = converted[Int(code)] { return value }
                failures.append(CastFailure(row: row, text: dictionary[Int(code)]))
                return .nan
            }
            return (Column(name: name, numbers: numbers), failures)
        case (.text(let codes, let dictionary), .date):
            let converted = dictionary.map { Dates.parse($0.trimmingCharacters(in: .whitespaces)) }
            let seconds = codes.enumerated().map { row, code -> Double in
                guard code >= 0 else { return .nan }
                if let value = converted[Int(code)] { return value }
                failures.append(CastFailure(row: row, text: dictionary[Int(code)]))
                return .nan
            }
            return (Column(name: name, data: .date(seconds)), failures)
        case (.text(let codes, let dictionary), .boolean):
            let converted = dictionary.map(Self.booleanValue)
            let flags = codes.enumerated().map { row, code -> UInt8 in
                guard code >= 0 else { return Column.missingBoolean }
                if let value = converted[Int(code)] { return value }
                failures.append(CastFailure(row: row, text: dictionary[Int(code)]))
                return Column.missingBoolean
            }
            return (Column(name: name, data: .boolean(flags)), failures)
        default:
            return (self, [])
        }
    }

    /// Whether `cast(to:)` converts this column's type to `type`: not between dates and
    /// numbers or booleans (seconds since 1970 are no one's idea of a date's number).
    public func canCast(to type: ColumnType) -> Bool {
        self.type == type || self.type == .text || type == .text || (self.type != .date && type != .date)
    }

    /// 1 for true, yes and 1; 0 for false, no and 0 (any case, spaces around allowed).
    static func booleanValue(_ text: String) -> UInt8? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "yes", "1": return 1
        case "false", "no", "0": return 0
        default: return nil
        }
    }
}
