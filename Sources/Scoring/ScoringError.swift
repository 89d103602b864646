/// Why a bundle cannot be read or written, or rows cannot be scored, with the sysexits
/// status the command line ends with.
public enum ScoringError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The rows to score do not suit the model (65).
    case input(String)
    /// A bundle is damaged, inconsistent or of an unknown version (65).
    case corrupt(String)
    /// A bundle or input file does not exist or cannot be read (66).
    case missing(String)
    /// A bundle cannot be written (73).
    case cannotWrite(String)
    /// One row of the input cannot be scored (65); the others could be.
    case row(RowProblem)

    public var description: String {
        switch self {
        case .input(let message), .corrupt(let message), .missing(let message), .cannotWrite(let message): return message
        case .row(let problem): return "\(problem.place): \(problem.text)"
        }
    }

    public var exitStatus: Int32 {
        switch self {
        case .input, .corrupt, .row: return 65
        case .missing: return 66
        case .cannotWrite: return 73
        }
    }
}
