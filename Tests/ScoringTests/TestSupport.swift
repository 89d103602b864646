import Foundation

/// The repository root, found from this file's location; tests read paths relative to it.
let repositoryRoot: String = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    _ = FileManager.default.changeCurrentDirectoryPath(root)
    return root
}()

/// The bundles written by each release, kept as they were written.
let fixtures = repositoryRoot + "/Tests/ScoringTests/Fixtures"

func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "mlw-scoring-tests-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
