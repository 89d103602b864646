import Foundation

/// Path arithmetic for pipelines, which name their inputs relative to their own folder.
public enum FilePaths {
    /// `path` from `directory` (default: the current one), with a leading `~` expanded,
    /// absolute and standardised.
    public static func absolute(_ path: String, from directory: String = FileManager.default.currentDirectoryPath) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let full = expanded.hasPrefix("/") ? expanded : (directory as NSString).appendingPathComponent(expanded)
        return (full as NSString).standardizingPath
    }

    /// The relative path from `directory` to `file`, both absolute and standardised.
    public static func relative(of file: String, from directory: String) -> String {
        let target = file.split(separator: "/").map(String.init), base = directory.split(separator: "/").map(String.init)
        var common = 0
        while common < min(target.count, base.count), target[common] == base[common] { common += 1 }
        let parts = [String](repeating: "..", count: base.count - common) + target[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
