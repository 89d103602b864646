import Tabular

/// One method of a preparation verb (`encode onehot`, `scale robust`, `bin quantile`, …)
/// with its settings: what the command table parses, completes and documents, and what the
/// engine turns into a recipe step. Adding a method is one entry here and one file with
/// its `PreparationStep` and `FittedTransform` (listed in `TransformRegistry`).
public struct PreparationMethod: Sendable {
    public let verb: String
    public let name: String
    public let summary: String
    public let settings: SettingsSchema
    /// What columns it takes; `numeric` and `categorical` select among these.
    public let takes: ColumnKind
    /// Whether it learns from the target (which must then be set).
    public let needsTarget: Bool
    private let make: @Sendable (_ columns: [String], _ settings: Settings, _ target: String?) -> RecipeStep

    public enum ColumnKind: Sendable {
        case numbers, categories
    }

    init(_ verb: String, _ name: String, _ summary: String, takes: ColumnKind, settings: SettingsSchema = SettingsSchema([]),
         needsTarget: Bool = false, make: @escaping @Sendable ([String], Settings, String?) -> RecipeStep) {
        self.verb = verb
        self.name = name
        self.summary = summary
        self.takes = takes
        self.settings = settings
        self.needsTarget = needsTarget
        self.make = make
    }

    /// The recipe step for these columns and resolved settings (`target`: the target
    /// column, for the methods that need it).
    public func step(columns: [String], settings: Settings, target: String?) -> RecipeStep {
        make(columns, settings, target)
    }
}

/// Every preparation method, grouped by verb in the order `help` lists them.
public enum PreparationMethods {
    public static let all: [PreparationMethod] = [
        PreparationMethod("encode", "onehot", "one 0/1 column per level, named COLUMN_LEVEL", takes: .categories,
                          settings: OneHotOptions.settings) { columns, settings, _ in
            RecipeStep(OneHotStep(columns: columns, options: OneHotOptions(settings)))
        },
        PreparationMethod("scale", "standard", "subtract the mean, divide by the standard deviation", takes: .numbers) { columns, _, _ in
            RecipeStep(ScaleStep(columns: columns, method: .standard))
        },
        PreparationMethod("scale", "minmax", "subtract the minimum, divide by the range (0 to 1 on the fitting rows)", takes: .numbers) { columns, _, _ in
            RecipeStep(ScaleStep(columns: columns, method: .minmax))
        },
        PreparationMethod("scale", "robust", "subtract the median, divide by the interquartile range", takes: .numbers) { columns, _, _ in
            RecipeStep(ScaleStep(columns: columns, method: .robust))
        },
    ]

    public static func named(_ verb: String, _ name: String) -> PreparationMethod? {
        all.first { $0.verb == verb && $0.name == name }
    }

    public static func methods(of verb: String) -> [PreparationMethod] {
        all.filter { $0.verb == verb }
    }

    /// The methods of a verb with their settings, for `help` and `docs/commands.md` (laid
    /// out as `train`'s algorithms are).
    public static func reference(of verb: String) -> String {
        methods(of: verb).map { method in
            let width = (method.settings.keys.map(\.count).max() ?? 0) + 2
            return "  \(method.name): \(method.summary)" + method.settings.specs.map { spec in
                "\n    " + spec.key.padding(toLength: width, withPad: " ", startingAt: 0) + spec.summary + "\n"
                    + "    " + String(repeating: " ", count: width) + "takes \(spec.accepted); default \(spec.defaultText)"
            }.joined()
        }.joined(separator: "\n")
    }
}
