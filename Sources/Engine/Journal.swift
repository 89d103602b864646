import CommandLanguage
import Foundation

/// One recorded step: the normalised command, the table it ran on, and its fingerprint.
public struct JournalEntry: Sendable {
    public var command: Command
    public var text: String
    public var fingerprint: Fingerprint
    /// The current table when the step ran.
    public var table: String?

    /// The line written to the journal file.
    public var line: String { fingerprint.isEmpty ? text : "\(text)  #= \(fingerprint.text)" }

    /// Splits a journal line into its command text and recorded fingerprint.
    public static func split(_ line: String) -> (command: String, fingerprint: Fingerprint?) {
        guard let marker = line.range(of: " #= ", options: .backwards) else { return (line, nil) }
        return (String(line[..<marker.lowerBound]).trimmingCharacters(in: .whitespaces), Fingerprint(parsing: String(line[marker.upperBound...])))
    }
}

/// The session file: each step appended and flushed to disk (fsync) before the next
/// prompt, so a crash or `kill -9` loses no recorded step.
public final class JournalFile {
    public let path: String
    private let descriptor: Int32

    public init(path: String, header: String?) throws {
        self.path = path
        try FilePaths.createParentDirectory(of: path)
        let existed = FileManager.default.fileExists(atPath: path)
        descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw EngineError.input("cannot open the session file '\(path)': \(String(cString: strerror(errno)))") }
        if !existed, let header { try append(header) }
        else if existed { try ensureTrailingNewline() }
    }

    deinit { close(descriptor) }

    /// Appends one line and waits until it is on disk.
    public func append(_ line: String) throws {
        let bytes = Array((line + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw EngineError.input("cannot write the session file '\(path)': \(String(cString: strerror(errno)))")
            }
            written += n
        }
        fsync(descriptor)
    }

    /// A file cut short mid-line (power loss) gets its newline back before we append.
    private func ensureTrailingNewline() throws {
        guard let data = FileManager.default.contents(atPath: path), let last = data.last, last != UInt8(ascii: "\n") else { return }
        try append("")
    }
}
