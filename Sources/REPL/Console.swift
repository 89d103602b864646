import Foundation

/// Standard output and error for mlw's own messages, written with write(2) in order:
/// nothing sits in a buffer, so an error can never appear in a log before the output
/// that preceded it. When standard output cannot be written (a full disk, a closed
/// terminal) mlw says so on standard error and exits with EX_IOERR (74): every recorded
/// step is on disk already, since the journal is written before the output.
public enum Console {
    public static let ioErrorStatus: Int32 = 74

    /// Writes `text` and a newline to standard output.
    public static func out(_ text: String) { write(text + "\n", to: STDOUT_FILENO) }

    /// Writes `text` and a newline to standard error.
    public static func error(_ text: String) { write(text + "\n", to: STDERR_FILENO) }

    /// Writes text as is (no newline) to standard error, e.g. a progress line.
    public static func errorText(_ text: String) { write(text, to: STDERR_FILENO) }

    /// Writes raw bytes to standard output (scored CSV rows).
    public static func outBytes(_ bytes: [UInt8]) { write(bytes, to: STDOUT_FILENO) }

    private static func write(_ text: String, to descriptor: Int32) { write(Array(text.utf8), to: descriptor) }

    private static func write(_ bytes: [UInt8], to descriptor: Int32) {
        fflush(stdout)  // whatever C stdio holds (libedit's echo) goes first
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                fail(descriptor)
            }
            written += n
        }
    }

    private static func fail(_ descriptor: Int32) -> Never {
        let reason = String(cString: strerror(errno))
        if descriptor == STDOUT_FILENO {
            let message = Array("error: cannot write to standard output: \(reason); every recorded step is saved\n".utf8)
            _ = message.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress!, $0.count) }
        }
        exit(ioErrorStatus)
    }

    /// Sets up the process: a file-size limit (`ulimit -f`) must give a write error that
    /// mlw reports, not a SIGXFSZ that kills it mid-session.
    public static func prepareProcess() {
        signal(SIGXFSZ, SIG_IGN)
    }
}
