import Foundation

/// The repository root, found from this file's location.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

import Testing
@testable import Tabular

extension CSVReadResult {
    /// The table, after checking the facts the reader took while building it (content hash,
    /// missing counts) against the same facts computed from the finished table.
    var checkedTable: Table {
        #expect(contentHash == table.contentHash, "the reader's content hash differs from the table's")
        #expect(missingCounts == table.columns.map(\.missingCount), "the reader's missing counts differ from the table's")
        return table
    }
}
