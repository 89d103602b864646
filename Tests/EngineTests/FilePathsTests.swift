import Foundation
import Testing
@testable import Engine
import Tabular

/// Path arithmetic without Foundation's `deletingLastPathComponent`, which traps on a
/// one-character path (issue 5, item 1: `load x`, `save metrics to m`).
struct FilePathsTests {
    @Test(arguments: [
        ("x", "", "x"), ("ab", "", "ab"), ("/x", "/", "x"), ("x/", "", "x"), ("a/b", "a", "b"), ("a/b/", "a", "b"),
        ("/", "/", "/"), ("a//b", "a", "b"), ("./x", ".", "x"), ("~/x", "~", "x"), ("..", "", ".."), ("/a/b/c", "/a/b", "c"),
    ])
    func directoryAndFileName(path: String, directory: String, name: String) {
        #expect(FilePaths.directory(of: path) == directory)
        #expect(FilePaths.fileName(of: path) == name)
    }

    @Test func joinAndOneCharacterPathsInCommands() throws {
        #expect(FilePaths.join("", "m") == "m")
        #expect(FilePaths.join("/", "m") == "/m")
        #expect(FilePaths.join("a", "m") == "a/m")
        // Every short path goes through the helpers without trapping.
        for first in ["x", "/", ".", "~", "a", "é", " "] {
            for second in ["", "/", "y", "."] {
                let path = first + second
                _ = FilePaths.directory(of: path)
                _ = FilePaths.fileName(of: path)
                _ = Interpreter.pathSuggestion(path)
            }
        }
        // A one-character path has no folder to create, so writing it needs none.
        let directory = temporaryDirectory()
        try Interpreter.writeFile("{}\n", to: directory + "/m")
        try FilePaths.createParentDirectory(of: "m")
        #expect(FileManager.default.fileExists(atPath: directory + "/m"))
    }
}
