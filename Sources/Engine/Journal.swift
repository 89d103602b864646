import CommandLanguage
import Tabular
import Foundation

/// One recorded step: the normalised command, the table it ran on, and its fingerprint.
public struct JournalEntry: Sendable {
    public var command: Command
    public var text: String
    public var fingerprint: Fingerprint
    /// The table the step concerns: the current one once it ran (for `load` and `use`, the one they name).
    public var table: String?

    /// The line written to the journal file. A command whose own text holds the marker
    /// (inside a quoted path, say) always gets one after it, so `split` finds the last.
    public var line: String {
        fingerprint.isEmpty && !text.contains(Self.marker) ? text : "\(text)  #= \(fingerprint.text)"
    }

    static let marker = " #= "

    /// Splits a journal line into its command text and recorded fingerprint.
    public static func split(_ line: String) -> (command: String, fingerprint: Fingerprint?) {
        // A line ending in "#=" (an empty fingerprint) has no space after the marker.
        let padded = line.hasSuffix(" #=") ? line + " " : line
        guard let marker = padded.range(of: marker, options: .backwards) else { return (line, nil) }
        return (String(padded[..<marker.lowerBound]).trimmingCharacters(in: .whitespaces),
                Fingerprint(parsing: String(padded[marker.upperBound...])))
    }
}

/// The session file: each step appended and flushed to disk (fsync) before the next
/// prompt, so a crash or `kill -9` loses no recorded step. An append that fails (a full
/// disk, a file-size limit) is cut back off, so the file is exactly as before. One
/// process holds a session at a time (`SessionLock`).
public final class JournalFile {
    public let path: String
    private let descriptor: Int32
    private let lock: SessionLock
    /// The text of a last line that was cut short when written (power loss, a full disk
    /// on an older mlw): it is taken off the end and kept as a comment, never run.
    public private(set) var setAside: String?

    /// Opens (or creates) the session file for appending, holding its lock.
    /// - Throws: `EngineError.input` when the file cannot be opened, or when another
    ///   process holds the session (the message names it).
    public init(path: String, header: String?) throws {
        self.path = path
        do { try FilePaths.createParentDirectory(of: path) } catch {
            throw EngineError.cannotWrite("cannot create the folder of the session file '\(path)': \(error.localizedDescription)")
        }
        lock = try SessionLock(journalPath: path)
        descriptor = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw EngineError.cannotWrite("cannot open the session file '\(path)': \(Self.reason())") }
        var info = stat()
        fstat(descriptor, &info)
        if info.st_size == 0 {
            if let header { try append(header) }
            Self.syncDirectory(of: path)
        } else {
            try setAsideTornLine(size: Int(info.st_size))
        }
    }

    deinit {
        close(descriptor)
        lock.release()
    }

    /// Appends one line and waits until it is on disk. On failure the file is cut back to
    /// its length before the call and the error says why.
    public func append(_ line: String) throws {
        let bytes = Array((line + "\n").utf8)
        let before = lseek(descriptor, 0, SEEK_END)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = Self.reason()
                if before >= 0 { ftruncate(descriptor, before) }
                throw EngineError.input("cannot write the session file '\(path)': \(reason)")
            }
            written += n
        }
        // Not on disk is not recorded: a failed sync (delayed allocation meeting a full
        // disk) is a failed write.
        if fsync(descriptor) != 0 && errno != EINVAL {
            let reason = Self.reason()
            if before >= 0 { ftruncate(descriptor, before); fsync(descriptor) }
            throw EngineError.input("cannot write the session file '\(path)': \(reason)")
        }
    }

    /// Every line written ends with a newline, so a last line without one was cut short:
    /// it is removed from the end and appended back as a comment.
    private func setAsideTornLine(size: Int) throws {
        var last: UInt8 = 0
        guard pread(descriptor, &last, 1, off_t(size - 1)) == 1, last != UInt8(ascii: "\n") else { return }
        // Find the start of the torn line, reading back in blocks.
        var start = 0
        var offset = size
        var tail: [UInt8] = []
        search: while offset > 0 {
            let length = min(4096, offset)
            offset -= length
            var block = [UInt8](repeating: 0, count: length)
            guard pread(descriptor, &block, length, off_t(offset)) == length else { break }
            tail.insert(contentsOf: block, at: 0)
            if let newline = block.lastIndex(of: UInt8(ascii: "\n")) { start = offset + newline + 1; break search }
        }
        let torn = String(decoding: tail[(start - offset)...], as: UTF8.self)
        guard ftruncate(descriptor, off_t(start)) == 0 else {
            throw EngineError.input("cannot repair the session file '\(path)': \(Self.reason())")
        }
        let shown = torn.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : String($0) }.joined()
        try append("# set aside by mlw: this line was cut short when it was written, so it is not run: \(shown)")
        setAside = torn
    }

    /// Makes a new file's directory entry durable too.
    private static func syncDirectory(of path: String) {
        let folder = FilePaths.directory(of: path)
        let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    static func reason() -> String { String(cString: strerror(errno)) }
}

/// An advisory lock on a session, held by the process recording it: a second `mlw
/// --session` on the same file is refused with the holder's pid, instead of both
/// appending and interleaving their steps. The lock is `flock` on a file beside the
/// session (`NAME.mlw.lock`, holding the pid and start time); the kernel drops it when
/// the process ends, however it ends, so a stale file never blocks anyone.
final class SessionLock {
    let path: String
    private var descriptor: Int32 = -1

    init(journalPath: String) throws {
        path = journalPath + ".lock"
        // Retry when the file was replaced between open and flock (its holder removed it).
        for _ in 0..<10 {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw EngineError.cannotWrite("cannot lock the session file '\(journalPath)': \(JournalFile.reason()) (\(path))")
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let holder = Self.holder(fd)
                close(fd)
                throw EngineError.busy("the session '\(journalPath)' is open in another mlw\(holder); one process records a session at a time")
            }
            var opened = stat(), current = stat()
            if fstat(fd, &opened) == 0, stat(path, &current) == 0, opened.st_ino == current.st_ino, opened.st_dev == current.st_dev {
                descriptor = fd
                HeldLocks.add(path)
                let note = "pid \(getpid()) since \(ISO8601DateFormatter().string(from: Date()))\n"
                ftruncate(fd, 0)
                _ = note.withCString { write(fd, $0, strlen($0)) }
                return
            }
            close(fd)
        }
        throw EngineError.input("cannot lock the session file '\(journalPath)': its lock file keeps changing")
    }

    /// " (pid 123 since …)" from the holder's note, when it wrote one.
    private static func holder(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 200)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return "" }
        let note = String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return note.isEmpty ? "" : " (\(note))"
    }

    /// Removes the lock file, then lets go (in that order, so no one locks a file that
    /// is about to disappear and believes they hold the session).
    func release() {
        guard descriptor >= 0 else { return }
        HeldLocks.remove(path)
        unlink(path)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

/// Lock files this process holds, removed at exit() too (mlw exits from deep inside when
/// standard output fails, and no deinit runs then). A released lock leaves the list
/// first, so exit never removes a lock file another process has made since.
private enum HeldLocks {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: [String] = []
    nonisolated(unsafe) private static var registered = false

    static func add(_ path: String) {
        lock.withLock {
            paths.append(path)
            if !registered {
                registered = true
                atexit { HeldLocks.removeAll() }
            }
        }
    }

    static func remove(_ path: String) {
        lock.withLock { paths.removeAll { $0 == path } }
    }

    private static func removeAll() {
        lock.withLock {
            for path in paths { unlink(path) }
            paths = []
        }
    }
}
