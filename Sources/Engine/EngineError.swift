/// Problems the engine reports outside the command line (bundles, inputs, files), each
/// with the sysexits status the command line ends with.
public enum EngineError: Error, Equatable, CustomStringConvertible {
    /// The user's input data or files are not usable (65).
    case input(String)
    /// A stored artifact is damaged or from an unknown version (65).
    case corrupt(String)
    /// An input file or folder does not exist or cannot be read (66).
    case missing(String)
    /// An output file or folder cannot be written (73).
    case cannotWrite(String)
    /// Another process holds what this one needs, e.g. the session (75, try again later).
    case busy(String)

    public var description: String {
        switch self {
        case .input(let message), .corrupt(let message), .missing(let message), .cannotWrite(let message), .busy(let message):
            return message
        }
    }

    public var exitStatus: Int32 {
        switch self {
        case .input, .corrupt: return 65
        case .missing: return 66
        case .cannotWrite: return 73
        case .busy: return 75
        }
    }
}

import Scoring

extension EngineError {
    /// The same failure, from the scorer or the bundle reader.
    public init(_ error: ScoringError) {
        switch error {
        case .input(let message): self = .input(message)
        case .corrupt(let message): self = .corrupt(message)
        case .missing(let message): self = .missing(message)
        case .cannotWrite(let message): self = .cannotWrite(message)
        case .row: self = .input(error.description)
        }
    }
}
