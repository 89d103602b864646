import Foundation

/// Path arithmetic done on strings. Foundation's `deletingLastPathComponent` traps on a
/// one-character path (`"x"`) on Linux, so nothing in mlw calls it; these helpers are
/// used instead, and a test runs them over generated paths.
public enum FilePaths {
    /// `path` from `directory` (default: the current one), with a leading `~` expanded,
    /// absolute and standardised.
    public static func absolute(_ path: String, from directory: String = FileManager.default.currentDirectoryPath) -> String {
        let expanded = expandingTilde(path)
        let full = expanded.hasPrefix("/") ? expanded : join(directory, expanded)
        return (full as NSString).standardizingPath
    }

    /// `~` and `~/…` expanded to the home folder; other paths unchanged.
    public static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return (path as NSString).expandingTildeInPath
    }

    /// The folder part of `path`: "" for a bare file name, "/" for a file in the root.
    /// Trailing slashes are ignored (`a/b/` is the entry `b` of `a`).
    public static func directory(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        var folder = trimmed[..<slash]
        while folder.count > 1, folder.hasSuffix("/") { folder = folder.dropLast() }
        return folder.isEmpty ? "/" : String(folder)
    }

    /// The last component of `path` (trailing slashes ignored); "/" for the root.
    public static func fileName(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return String(trimmed) }
        let name = trimmed[trimmed.index(after: slash)...]
        return name.isEmpty ? "/" : String(name)
    }

    /// `name` inside `directory` ("" means the current folder).
    public static func join(_ directory: String, _ name: String) -> String {
        if directory.isEmpty { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The relative path from `directory` to `file`, both absolute and standardised.
    public static func relative(of file: String, from directory: String) -> String {
        let target = file.split(separator: "/").map(String.init), base = directory.split(separator: "/").map(String.init)
        var common = 0
        while common < min(target.count, base.count), target[common] == base[common] { common += 1 }
        let parts = [String](repeating: "..", count: base.count - common) + target[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// Creates the folder a file will be written into, when it names one.
    public static func createParentDirectory(of path: String) throws {
        let folder = directory(of: path)
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    }
}
