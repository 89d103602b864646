import Foundation

/// Runs a program with posix_spawn and waitpid. (Foundation's Process.waitUntilExit
/// intermittently missed a child's exit here and hung the suite.)
enum Spawn {
    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    /// Where a child's standard output goes.
    enum Output {
        /// A scratch file, read back into `Result.output`.
        case captured
        /// A given file (such as /dev/full); `Result.output` is empty.
        case file(String)
        /// Standard output and error into one scratch file, in the order written (`Result.output`).
        case merged
    }

    /// A started child and the scratch folder holding its files.
    struct Child {
        var pid: pid_t
        var scratch: String
        var output: Output

        /// Waits for the child to end and collects what it wrote.
        func wait() -> Result {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            let read = { (name: String) in (try? String(contentsOfFile: scratch + "/" + name, encoding: .utf8)) ?? "" }
            if case .file = output { return Result(status: exitCode, output: "", error: read("err")) }
            return Result(status: exitCode, output: read("out"), error: read("err"))
        }
    }

    static func run(_ program: String, _ arguments: [String], directory: String? = nil, input: String = "",
                    output: Output = .captured) throws -> Result {
        try launch(program, arguments, directory: directory, input: input, output: output).wait()
    }

    /// Starts a program without waiting for it.
    static func launch(_ program: String, _ arguments: [String], directory: String? = nil, input: String = "",
                       output: Output = .captured) throws -> Child {
        let scratch = NSTemporaryDirectory() + "mlw-spawn-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try input.write(toFile: scratch + "/in", atomically: true, encoding: .utf8)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, scratch + "/in", O_RDONLY, 0)
        switch output {
        case .captured:
            posix_spawn_file_actions_addopen(&actions, 1, scratch + "/out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, scratch + "/err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, scratch + "/err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        case .merged:
            posix_spawn_file_actions_addopen(&actions, 1, scratch + "/out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        // No blocked signals: test threads block some, and children (tmux, and mlw under
        // it) would inherit the mask, so Ctrl-C would never arrive.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        // Glibc's addchdir is not visible to Swift here, so a shell changes directory first.
        let command = directory.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0, program] + arguments } ?? [program] + arguments
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, command[0], &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            try? FileManager.default.removeItem(atPath: scratch)
            throw SpawnError(description: "cannot start \(program): \(String(cString: strerror(spawned)))")
        }
        return Child(pid: pid, scratch: scratch, output: output)
    }

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }
}
