import Foundation

/// The repository root, found from this file's location.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

import Testing
@testable import Tabular

extension CSVReadResult {
    /// The table, after checking the facts the reader took while building it (each column's
    /// values digest, kept for the fingerprint, and missing counts) against the same facts
    /// computed from the finished table.
    var checkedTable: Table {
        #expect(table.columns.map(Table.cachedValuesDigest) == table.columns.map(Table.valuesDigest), "the reader's values digests differ from the table's")
        #expect(missingCounts == table.columns.map(\.missingCount), "the reader's missing counts differ from the table's")
        return table
    }
}
