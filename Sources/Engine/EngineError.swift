/// Problems the engine reports outside the command line (bundles, inputs, files).
public enum EngineError: Error, Equatable, CustomStringConvertible {
    /// The user's input data or files are not usable.
    case input(String)
    /// A stored artifact is damaged or from an unknown version.
    case corrupt(String)

    public var description: String {
        switch self {
        case .input(let message): return message
        case .corrupt(let message): return message
        }
    }
}
